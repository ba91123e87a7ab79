import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { ConfigError, PrimesimError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { readManifest, type CatalogManifest } from '../data/catalog.ts';
import { resolveBarsInstrument } from '../data/bars-instrument.ts';
import { readBars, type BarSeries } from '../data/readers/bars.ts';
import { Rng } from '../kernel/rng.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../market/instrument.ts';
import { parseDurationUs } from '../market/latency.ts';
import { buildPath, comovementOf, pathManifest, timeUs, type FollowInput } from './build-path.ts';
import type { PricePath } from './paths.ts';
import { fieldName, specError, type SpecSource } from './spec-file.ts';
import type { SpecErrorAt } from './spec-references.ts';
import type { AnyVenueSpec, RunSpec, VenueSpec } from './spec.ts';

/** An order-book venue (spot or perp): the venues with market data. */
export function isClob(v: AnyVenueSpec): v is VenueSpec {
  return v.kind === 'spot' || v.kind === 'perp';
}

/**
 * The exact line that makes a missing catalog, when the spec's comments give it (the shipped
 * scenarios say `npx primesim data import <capture> --out datasets/<name>` in their header): that
 * command, run from the folder where its `--out` is the catalog the spec names.
 */
function importHint(src: SpecSource, dir: string): string | undefined {
  if (src.file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(src.file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    // Anywhere in a comment: `#   npx primesim data import …` and `# Import first: npx primesim data import …`.
    const m = /^\s*#.*?((?:npx )?primesim data (?:import|generate)\b.*--out[ =](\S+).*)$/.exec(line);
    if (!m) continue;
    const out = m[2]!.replace(/\/+$/, '');
    if (isAbsolute(out) ? resolve(out) !== dir : !dir.endsWith(`${sep}${normalize(out)}`)) continue;
    const from = isAbsolute(out) ? undefined : dir.slice(0, dir.length - normalize(out).length - 1);
    // The capture it imports, as written for a clone of the repository (`../shared/data/…`): when it
    // is not there from that folder (a copied scenario) but is from primesim's own folder, that path.
    let cmd = m[1]!.trim();
    const input = /data import\s+(\S+)/.exec(cmd)?.[1];
    if (input !== undefined && !isAbsolute(input) && !existsSync(resolve(from ?? process.cwd(), input)) && existsSync(resolve(PACKAGE_ROOT, input))) cmd = cmd.replace(input, resolve(PACKAGE_ROOT, input));
    return `make it with: ${from !== undefined && from !== process.cwd() ? `cd ${from} && ` : ''}${cmd}`;
  }
  return undefined;
}

/** Catalog folder of a venue: the spec's, or a generated one cached by its parameters. */
async function catalogOf(v: VenueSpec, i: number, src: SpecSource): Promise<string> {
  if ('bars' in v.data || 'path' in v.data) throw new ConfigError('path venues have no catalog');
  if ('catalog' in v.data) {
    const dir = resolve(src.baseDir, v.data.catalog);
    if (!existsSync(dir)) throw specError(src, ['venues', i, 'data', 'catalog'], `catalog folder ${v.data.catalog} does not exist`, importHint(src, dir) ?? 'create one with `primesim data import` or `data generate`');
    return dir;
  }
  const g = v.data.generate;
  const key = createHash('sha256').update(JSON.stringify(g)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'primesim-generated', key);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const { generateDataset } = await import('../data/synthetic/dataset.ts');
    generateDataset({ dir, seed: g.seed, events: g.events, profile: g.profile });
  }
  return dir;
}

/** Each order-book venue's market, keyed by its index in the spec (chain venues have none). */
export interface VenueData {
  /** The catalog folder, or the path's source (a bars file, a generator). */
  catalogs: string[];
  manifests: CatalogManifest[];
  /** Venues laid around a price path (bars, generated or replayed paths). */
  pathOf: Map<number, PricePath>;
  /** Bar-execution venues' bars. */
  barsOf: Map<number, BarSeries>;
}

/**
 * Read or build every order-book venue's market: a catalog's manifest (generated and cached when
 * the spec says `generate`), a bar-execution venue's bars, or the price path a book is laid
 * around (a path that follows another venue's is built after it). Checks that each venue's kind
 * fits its data. Long input checks (a large bar catalog's hashes) join `checks`.
 */
export async function loadVenueData(
  spec: RunSpec,
  src: SpecSource,
  o: { clobs: readonly { v: VenueSpec; i: number }[]; venueIds: ReadonlyMap<string, number>; barColumns: ReadonlyMap<number, Promise<Map<string, Buffer>>>; checks: Promise<void>[]; at: SpecErrorAt },
): Promise<VenueData> {
  const { clobs, venueIds, barColumns, checks, at } = o;
  const catalogs: string[] = [];
  const manifests: CatalogManifest[] = [];
  const pathOf = new Map<number, PricePath>();
  const barsOf = new Map<number, BarSeries>();
  // A path that follows another venue's path is built after every other (it needs the leader's).
  const follows = (x: { v: VenueSpec }) => ('path' in x.v.data && 'follow' in x.v.data.path.source ? 1 : 0);
  for (const { v, i } of [...clobs].sort((x, y) => follows(x) - follows(y))) {
    if ('bars' in v.data || 'path' in v.data) {
      const base: (string | number)[] = ['venues', i, 'data', 'bars' in v.data ? 'bars' : 'path'];
      // Bars price the instrument the spec names, else the one their file names (a bars catalog's
      // manifest, a LEAN path), else the default; an id the file names comes with its contract.
      let inst: Instrument | undefined;
      let d;
      if ('bars' in v.data) {
        let r: ReturnType<typeof resolveBarsInstrument>;
        try {
          r = resolveBarsInstrument(v.data.bars.instrument, resolve(src.baseDir, v.data.bars.file), { field: fieldName([...base, 'instrument']), fix: 'set instrument' });
        } catch (e) {
          // The spec's file and line, as every spec error.
          if (e instanceof ConfigError) throw at([...base, 'instrument'], e.reason, e.hint);
          throw e;
        }
        inst = r.inst;
        d = { ...v.data.bars, instrument: r.id, source: { bars: { file: v.data.bars.file, from: v.data.bars.from, to: v.data.bars.to } }, transforms: [] };
      } else {
        d = v.data.path;
        inst = KNOWN_INSTRUMENTS[d.instrument];
        if (!inst) throw at([...base, 'instrument'], `unknown instrument ${d.instrument}`, Object.keys(KNOWN_INSTRUMENTS).join(', '));
      }
      const barExec = 'bars' in v.data && v.data.bars.execution === 'bar';
      if (barExec ? (v.kind === 'spot') !== (inst.kind === 'spot') : v.kind !== 'perp' || inst.kind === 'spot') {
        throw at(['venues', i, 'kind'], barExec ? `venue ${v.id} is ${v.kind} but ${d.instrument} is ${inst.kind === 'spot' ? 'a spot market' : 'a derivative'}` : 'a path venue is a perp on a linear or inverse instrument');
      }
      let path: PricePath;
      if (barExec && 'bars' in v.data) {
        // Bar execution reads the bars once; the path (bar starts, closes) only dates the venue.
        const bb = v.data.bars;
        const bp = ['venues', i, 'data', 'bars'];
        const file = resolve(src.baseDir, bb.file);
        if (!existsSync(file)) throw at([...bp, 'file'], `file ${bb.file} does not exist`);
        let bars: BarSeries;
        const fromUs = bb.from !== undefined ? timeUs(src, [...bp, 'from'], bb.from)! : undefined;
        const toUs = bb.to !== undefined ? timeUs(src, [...bp, 'to'], bb.to)! : undefined;
        if (fromUs !== undefined && toUs !== undefined && toUs <= fromUs) throw at([...bp, 'to'], `${bb.to} is not after from ${bb.from}`);
        try {
          // A large catalog's hashes are checked while the replay goes (the run awaits `checks` before it writes).
          const columns = await barColumns.get(i);
          bars = readBars(file, { ...(fromUs !== undefined ? { fromUs } : {}), ...(toUs !== undefined ? { toUs } : {}) }, undefined, { background: true, ...(columns !== undefined ? { columns } : {}) });
          if (bars.check !== undefined) checks.push(bars.check);
        } catch (e) {
          if (e instanceof PrimesimError && /no bars in the requested range/.test(e.message)) throw at([...bp, bb.from !== undefined ? 'from' : bb.to !== undefined ? 'to' : 'file'], 'no bars in the requested range', e.hint);
          throw e;
        }
        barsOf.set(i, bars);
        // The venue's data ends with the last bar's close (1 µs before the bar after it).
        const ts = bars.tsUs.slice();
        ts[ts.length - 1] = ts[ts.length - 1]! + bars.intervalUs - 1;
        path = { tsUs: ts, price: bars.close, depthAt: () => 1, source: bb.file };
      } else {
        let follow: FollowInput | undefined;
        if ('follow' in d.source) {
          const f = d.source.follow;
          const fb = [...base, 'source', 'follow'];
          const li = venueIds.get(f.venue);
          if (li === undefined) throw at([...fb, 'venue'], `unknown venue ${f.venue}`, [...venueIds.keys()].join(', '));
          const leader = pathOf.get(li);
          if (!leader) throw at([...fb, 'venue'], `venue ${f.venue} has no price path to follow`, 'follow a path venue whose own source is not `follow`');
          let comovement: FollowInput['comovement'];
          if ('beta' in f.comovement) comovement = f.comovement;
          else {
            const c = f.comovement;
            const cb = [...fb, 'comovement'];
            const files = (['leader', 'follower'] as const).map((k) => {
              const abs = resolve(src.baseDir, c[k]);
              if (!existsSync(abs)) throw at([...cb, k], `file ${c[k]} does not exist`);
              return abs;
            });
            let iv: number;
            try {
              iv = parseDurationUs(c.interval, 'interval', { positive: true });
            } catch (e) {
              throw at([...cb, 'interval'], (e as Error).message.replace(/^field [^:]+: /, ''));
            }
            try {
              comovement = await comovementOf(files[0]!, files[1]!, iv);
            } catch (e) {
              if (e instanceof PrimesimError) throw at(cb, e.message.replace(/^field [^:]+: /, ''));
              throw e;
            }
          }
          follow = { leader, comovement };
        }
        path = buildPath(d.source, d.transforms, 'bars' in v.data ? ['venues', i, 'data'] : [...base, 'source'], src, Rng.root(spec.seed).split(`path:${v.id}`), at, follow);
      }
      pathOf.set(i, path);
      catalogs[i] = path.source;
      // Named as a catalog is (run ids read `…-btc-perp-20211231-20220201_1m-s11-…`, not `….csv-s11-…`).
      manifests[i] = pathManifest(basename(path.source.replace(/\(.*$/, '')).replace(/\.(csv|txt|json|zip)(\.gz)?$/i, ''), inst, path);
      // A bar venue's data runs from its first bar's open (its path's first point is that bar's
      // close when there is one bar: the run would end before it closed).
      const firstBars = barsOf.get(i);
      if (firstBars) manifests[i]!.timeRange.startUs = firstBars.tsUs[0]!;
      continue;
    }
    const dir = await catalogOf(v, i, src);
    let m: CatalogManifest;
    try {
      m = readManifest(dir);
    } catch (e) {
      if (e instanceof PrimesimError) throw at(['venues', i, 'data'], e.message);
      throw e;
    }
    if (v.kind === 'spot' && 'catalog' in v.data && v.data.asSpot === true && m.instrument.kind === 'linear') {
      m = { ...m, instrument: { ...m.instrument, kind: 'spot', settle: m.instrument.quote, multiplier: 1 } };
    }
    const kind = m.instrument.kind;
    if (v.kind === 'spot' && kind !== 'spot') throw at(['venues', i, 'kind'], `venue ${v.id} is spot but its data is ${m.instrument.venue}:${m.instrument.symbol}, a ${kind} contract`, kind === 'linear' ? 'use kind: perp, or asSpot: true to trade its book as spot' : 'use kind: perp');
    if (v.kind === 'perp' && kind === 'spot') throw at(['venues', i, 'kind'], `venue ${v.id} is a perp but its data is ${m.instrument.venue}:${m.instrument.symbol}, a spot market`, 'use kind: spot');
    catalogs[i] = dir;
    manifests[i] = m;
  }
  return { catalogs, manifests, pathOf, barsOf };
}
