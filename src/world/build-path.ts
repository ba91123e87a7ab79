import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError, PrimesimError } from '../errors.ts';
import type { CatalogManifest } from '../data/catalog.ts';
import { readBars } from '../data/readers/bars.ts';
import { readChainlinkRounds } from '../data/readers/chainlink.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Instrument } from '../market/instrument.ts';
import { parseDurationUs } from '../market/latency.ts';
import { estimateComovement, followPath, type Comovement } from './comovement.ts';
import { barsPath, blockBootstrap, calibrateJumpDiffusion, jumpDiffusion, transformPath, type PathTransform, type PricePath } from './paths.ts';
import { specError, type SpecSource } from './spec-file.ts';
import type { VenueSpec } from './spec.ts';

/**
 * A path venue's price path from its spec (historical bars, oracle rounds, a jump-diffusion, a
 * block bootstrap, a path following another venue's) with its stress transforms, and what the
 * builder needs around it: times in a spec, the path's manifest, its hold points.
 */

/** ISO time or µs → µs. */
export function timeUs(src: SpecSource, path: (string | number)[], v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw specError(src, path, `"${v}" is not a time`, 'an ISO-8601 time such as 2024-08-08T23:55:00Z, or µs since the epoch');
  return ms * 1000;
}

/** A catalog-like manifest for a path venue (what the run folder and summary record of its data). */
export function pathManifest(name: string, instrument: Instrument, p: PricePath): CatalogManifest {
  const n = p.tsUs.length;
  return {
    format: 'primesim-catalog/1',
    name,
    instrument,
    rows: n,
    counts: { level: 0, snapshot: n, trade: 0, bbo: 0, messages: n },
    timeRange: { startUs: p.tsUs[0]!, endUs: p.tsUs[n - 1]! },
    clockOffsetUs: 0,
    columns: [],
    provenance: { source: p.source, generator: { kind: 'price-path', points: n }, importedWith: 'primesim-world/1' },
    skippedRows: { count: 0, examples: [] },
  };
}

type PathSourceSpec = Extract<VenueSpec['data'], { path: unknown }>['path']['source'];
type PathTransformSpec = Extract<VenueSpec['data'], { path: unknown }>['path']['transforms'][number];

/**
 * A jump-diffusion calibrated on a series, once per process for that series (readBars keeps one
 * series per file and range): Monte Carlo builds a world per path, and the calibration (sorted
 * returns, median absolute deviation) was redone for every one of them.
 */
const CALIBRATIONS = new WeakMap<Float64Array, Map<string, ReturnType<typeof calibrateJumpDiffusion>>>();
function calibrationOf(closes: Float64Array, stepUs: number, k: number | undefined): ReturnType<typeof calibrateJumpDiffusion> {
  let byArgs = CALIBRATIONS.get(closes);
  if (byArgs === undefined) CALIBRATIONS.set(closes, (byArgs = new Map()));
  const key = `${stepUs}\0${k ?? ''}`;
  let c = byArgs.get(key);
  if (c === undefined) byArgs.set(key, (c = calibrateJumpDiffusion(closes, stepUs, k)));
  return { ...c };
}

/** A following path's leader (already built) and co-movement. */
export interface FollowInput {
  leader: PricePath;
  comovement: Pick<Comovement, 'beta' | 'residualVol'> & { leaderVol?: number };
}

/**
 * The co-movement of two files' mids, once per process for given files (versions) and interval:
 * Monte Carlo builds a world per path, and reading two captures takes seconds.
 */
const COMOVEMENTS = new Map<string, Promise<Comovement>>();
export function comovementOf(leader: string, follower: string, intervalUs: number): Promise<Comovement> {
  const key = [leader, follower].map((f) => `${f}\0${statSync(f).mtimeMs}`).join('\0') + `\0${intervalUs}`;
  let c = COMOVEMENTS.get(key);
  if (!c) {
    c = (async () => {
      const { readMids } = await import('../data/readers/mids.ts');
      return estimateComovement(await readMids(leader), await readMids(follower), intervalUs);
    })();
    COMOVEMENTS.set(key, c);
    c.catch(() => COMOVEMENTS.delete(key));
  }
  return c;
}

/** Build a venue's price path from its spec: the source, then the stress transforms in order. */
export function buildPath(source: PathSourceSpec, transforms: readonly PathTransformSpec[], base: (string | number)[], src: SpecSource, rng: Rng, at: (path: (string | number)[], msg: string, hint?: string) => ConfigError, follow?: FollowInput): PricePath {
  const t = (path: (string | number)[], v: number | string | undefined) => timeUs(src, path, v);
  const file = (path: (string | number)[], f: string) => {
    const abs = resolve(src.baseDir, f);
    if (!existsSync(abs)) throw at(path, `file ${f} does not exist`);
    return abs;
  };
  const dur = (path: (string | number)[], v: string) => {
    try {
      return parseDurationUs(v, path.join('.'), { positive: true });
    } catch (e) {
      throw at(path, (e as Error).message.replace(/^field [^:]+: /, ''));
    }
  };
  const noBars = (path: (string | number)[], e: unknown): never => {
    if (e instanceof PrimesimError && /no bars in the requested range/.test(e.message)) throw at(path, 'no bars in the requested range', e.hint);
    throw e;
  };
  let p: PricePath;
  if ('follow' in source) {
    const f = source.follow;
    const c = follow!.comovement;
    p = followPath(follow!.leader, c, f.price, rng, `follows ${f.venue} (beta ${c.beta.toFixed(3)}, residual vol ${c.residualVol.toFixed(3)})`);
  } else if ('bars' in source) {
    const b = source.bars;
    const range = { fromUs: t([...base, 'bars', 'from'], b.from), toUs: t([...base, 'bars', 'to'], b.to) };
    try {
      p = barsPath(file([...base, 'bars', 'file'], b.file), { ...(range.fromUs !== undefined ? { fromUs: range.fromUs } : {}), ...(range.toUs !== undefined ? { toUs: range.toUs } : {}) });
    } catch (e) {
      return noBars([...base, 'bars', b.from !== undefined ? 'from' : 'file'], e);
    }
  } else if ('oracle' in source) {
    const o = source.oracle;
    const ob = [...base, 'oracle'];
    const from = t([...ob, 'from'], o.from);
    const to = t([...ob, 'to'], o.to);
    let r;
    try {
      r = readChainlinkRounds(file([...ob, 'file'], o.file), { decimals: o.decimals, invert: o.invert, ...(from !== undefined ? { fromUs: from } : {}), ...(to !== undefined ? { toUs: to } : {}) });
    } catch (e) {
      if (e instanceof PrimesimError && /no oracle rounds in the requested range/.test(e.message)) throw at([...ob, o.from !== undefined ? 'from' : 'file'], 'no oracle rounds in the requested range');
      throw e;
    }
    p = { tsUs: r.tsUs, price: r.value, depthAt: () => 1, source: o.file };
  } else if ('jumpDiffusion' in source) {
    const j = source.jumpDiffusion;
    const jb = [...base, 'jumpDiffusion'];
    p = jumpDiffusion({ startUs: t([...jb, 'start'], j.start)!, startPrice: j.price, vol: j.vol, drift: j.drift, jumpsPerDay: j.jumpsPerDay, jumpMean: j.jumpMean, jumpStd: j.jumpStd, stepUs: dur([...jb, 'step'], j.step), lengthUs: dur([...jb, 'length'], j.length) }, rng);
  } else if ('jumpDiffusionFrom' in source) {
    const j = source.jumpDiffusionFrom;
    const jb = [...base, 'jumpDiffusionFrom'];
    const from = t([...jb, 'from'], j.from);
    const to = t([...jb, 'to'], j.to);
    let bars;
    try {
      bars = readBars(file([...jb, 'bars'], j.bars), { ...(from !== undefined ? { fromUs: from } : {}), ...(to !== undefined ? { toUs: to } : {}) });
    } catch (e) {
      return noBars([...jb, 'from'], e);
    }
    let c;
    try {
      c = calibrationOf(bars.close, bars.intervalUs, j.k);
    } catch (e) {
      throw at([...jb, 'bars'], (e as Error).message.replace(/^field [^:]+: /, ''));
    }
    p = jumpDiffusion({ startUs: t([...jb, 'start'], j.start)!, startPrice: j.price, ...c, stepUs: dur([...jb, 'step'], j.step), lengthUs: dur([...jb, 'length'], j.length) }, rng);
    p = { ...p, source: `${p.source} calibrated on ${basename(j.bars)}` };
  } else {
    const b = source.bootstrap;
    const bb = [...base, 'bootstrap'];
    const from = t([...bb, 'from'], b.from);
    const to = t([...bb, 'to'], b.to);
    let bars;
    try {
      bars = readBars(file([...bb, 'bars'], b.bars), { ...(from !== undefined ? { fromUs: from } : {}), ...(to !== undefined ? { toUs: to } : {}) });
    } catch (e) {
      return noBars([...bb, 'from'], e);
    }
    if (bars.close.length < b.block + 1) throw at([...bb, 'block'], `a block of ${b.block} bars needs a longer source (${bars.close.length} bars)`);
    p = blockBootstrap(bars.close, bars.intervalUs, t([...bb, 'start'], b.start) ?? bars.tsUs[0]!, b.block, b.length, rng);
  }
  const ts: PathTransform[] = transforms.map((x, k) => {
    const tb = [...base.slice(0, -1), 'transforms', k];
    if ('scaleReturns' in x) return { scaleReturns: x.scaleReturns };
    if ('volatility' in x) {
      const f = t([...tb, 'volatility', 'from'], x.volatility.from);
      const u = t([...tb, 'volatility', 'to'], x.volatility.to);
      return { volatility: { k: x.volatility.k, ...(f !== undefined ? { fromUs: f } : {}), ...(u !== undefined ? { toUs: u } : {}) } };
    }
    if ('gap' in x) return { gap: { atUs: t([...tb, 'gap', 'at'], x.gap.at)!, pct: x.gap.pct } };
    if ('trend' in x) return { trend: { fromUs: t([...tb, 'trend', 'from'], x.trend.from)!, toUs: t([...tb, 'trend', 'to'], x.trend.to)!, pct: x.trend.pct } };
    if ('rebase' in x) {
      const st = t([...tb, 'rebase', 'start'], x.rebase.start);
      return { rebase: { ...(x.rebase.price !== undefined ? { price: x.rebase.price } : {}), ...(st !== undefined ? { startUs: st } : {}) } };
    }
    return { withdrawDepth: { fraction: x.withdrawDepth.fraction, fromUs: t([...tb, 'withdrawDepth', 'from'], x.withdrawDepth.from)!, toUs: t([...tb, 'withdrawDepth', 'to'], x.withdrawDepth.to)! } };
  });
  return transformPath(p, ts);
}

/**
 * A sparse path (oracle rounds hours apart) holds its price between points; the book is re-laid
 * at least every `everyUs` meanwhile, as market makers requote, so liquidity that liquidations
 * took comes back (with the impact memory decaying) instead of staying gone for hours.
 */
export function holdPoints(p: PricePath, everyUs: number): { tsUs: Float64Array; price: Float64Array } {
  const ts: number[] = [];
  const px: number[] = [];
  for (let i = 0; i < p.tsUs.length; i++) {
    ts.push(p.tsUs[i]!);
    px.push(p.price[i]!);
    const next = i + 1 < p.tsUs.length ? p.tsUs[i + 1]! : p.tsUs[i]!;
    for (let t = p.tsUs[i]! + everyUs; t < next; t += everyUs) {
      ts.push(t);
      px.push(p.price[i]!);
    }
  }
  return { tsUs: Float64Array.from(ts), price: Float64Array.from(px) };
}
