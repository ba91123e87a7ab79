import type { Rng } from '../kernel/rng.ts';
import { ConfigError } from '../errors.ts';
import { forEachPathPoint, readBars } from '../data/readers/bars.ts';

/** A price path: increasing times (µs) and prices (quote units). */
export interface PricePath {
  tsUs: Float64Array;
  price: Float64Array;
  /** Multiplier of the book's depth at a time (1 = the profile as calibrated). */
  depthAt(tsUs: number): number;
  source: string;
}

export interface JumpDiffusionParams {
  startUs: number;
  startPrice: number;
  /** Annualised volatility of the diffusion (e.g. 0.6). */
  vol: number;
  /** Annualised drift. */
  drift: number;
  jumpsPerDay: number;
  /** Mean and standard deviation of a jump's log-return. */
  jumpMean: number;
  jumpStd: number;
  stepUs: number;
  lengthUs: number;
}

export const YEAR_US = 365 * 24 * 3600e6;

/**
 * Merton jump-diffusion on a fixed grid: log S += (μ − σ²/2)Δt + σ√Δt·Z + Σ jumps, with a
 * Poisson number of N(jumpMean, jumpStd²) log-jumps per step. Seeded from the run's RNG tree.
 */
export function jumpDiffusion(p: JumpDiffusionParams, rng: Rng): PricePath {
  const n = Math.max(2, Math.floor(p.lengthUs / p.stepUs) + 1);
  const ts = new Float64Array(n);
  const px = new Float64Array(n);
  const dt = p.stepUs / YEAR_US;
  const lambda = (p.jumpsPerDay * p.stepUs) / 86_400e6;
  let logS = Math.log(p.startPrice);
  for (let i = 0; i < n; i++) {
    ts[i] = p.startUs + i * p.stepUs;
    px[i] = Math.exp(logS);
    let jumps = 0;
    const k = lambda > 0 ? rng.poisson(lambda) : 0;
    for (let j = 0; j < k; j++) jumps += p.jumpMean + p.jumpStd * rng.normal();
    logS += (p.drift - (p.vol * p.vol) / 2) * dt + p.vol * Math.sqrt(dt) * rng.normal() + jumps;
  }
  return { tsUs: ts, price: px, depthAt: () => 1, source: `jump-diffusion(vol=${p.vol}, jumps/day=${p.jumpsPerDay})` };
}

/**
 * Merton jump-diffusion parameters estimated from a real series (threshold estimator): log
 * returns beyond `k` robust standard deviations (1.4826 × the median absolute deviation, which
 * jumps barely move) are jumps; the rest is the diffusion. vol and drift are annualised from the
 * diffusion returns (drift as μ with the Itô term added back), jumpsPerDay from the count over the
 * series' span, jumpMean/jumpStd from the jump returns less the diffusion's mean.
 */
export function calibrateJumpDiffusion(closes: ArrayLike<number>, stepUs: number, k = 4): Pick<JumpDiffusionParams, 'vol' | 'drift' | 'jumpsPerDay' | 'jumpMean' | 'jumpStd'> {
  const n = closes.length - 1;
  if (n < 30) throw new ConfigError(`jump-diffusion calibration needs at least 30 returns, got ${Math.max(0, n)}`, { field: 'calibrate' });
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.log(closes[i + 1]! / closes[i]!);
  const sorted = Float64Array.from(r).sort();
  const med = sorted[n >> 1]!;
  const dev = Float64Array.from(r, (x) => Math.abs(x - med)).sort();
  const sigma = 1.4826 * dev[n >> 1]!;
  const jumps: number[] = [];
  let sum = 0;
  let sq = 0;
  let m = 0;
  for (const x of r) {
    if (sigma > 0 && Math.abs(x - med) > k * sigma) jumps.push(x);
    else {
      sum += x;
      sq += x * x;
      m++;
    }
  }
  const mean = sum / m;
  const varStep = Math.max(0, sq / m - mean * mean);
  const dt = stepUs / YEAR_US;
  const vol = Math.sqrt(varStep / dt);
  const jm = jumps.length ? jumps.reduce((a, b) => a + b, 0) / jumps.length - mean : 0;
  const js = jumps.length > 1 ? Math.sqrt(jumps.reduce((a, b) => a + (b - mean - jm) ** 2, 0) / (jumps.length - 1)) : 0;
  return { vol, drift: mean / dt + (vol * vol) / 2, jumpsPerDay: (jumps.length * 86_400e6) / (n * stepUs), jumpMean: jm, jumpStd: js };
}

/**
 * Stationary block bootstrap of a real path's close-to-close log returns: blocks of `block`
 * consecutive returns drawn at random (with replacement) and chained from the first close, so
 * the result keeps the real returns' distribution and short-range clustering.
 */
export function blockBootstrap(closes: Float64Array, stepUs: number, startUs: number, block: number, length: number, rng: Rng): PricePath {
  if (closes.length < block + 1) throw new ConfigError(`bootstrap needs more than ${block} bars, the source has ${closes.length}`, { field: 'block' });
  const rets = new Float64Array(closes.length - 1);
  for (let i = 1; i < closes.length; i++) rets[i - 1] = Math.log(closes[i]! / closes[i - 1]!);
  const ts = new Float64Array(length);
  const px = new Float64Array(length);
  let logS = Math.log(closes[0]!);
  let k = 0;
  let at = 0;
  for (let i = 0; i < length; i++) {
    ts[i] = startUs + i * stepUs;
    px[i] = Math.exp(logS);
    if (k === 0) at = rng.int(0, rets.length - block);
    logS += rets[at + k]!;
    k = (k + 1) % block;
  }
  return { tsUs: ts, price: px, depthAt: () => 1, source: `block-bootstrap(block=${block})` };
}

/** Real bars (plain OHLCV CSV or a LEAN minute zip) as a path (open → high/low → low/high → close within each bar). */
export function barsPath(file: string, range: { fromUs?: number; toUs?: number }): PricePath {
  const b = readBars(file, range);
  const ts: number[] = [];
  const px: number[] = [];
  forEachPathPoint(b, (t, p) => {
    ts.push(t);
    px.push(p);
  });
  return { tsUs: Float64Array.from(ts), price: Float64Array.from(px), depthAt: () => 1, source: file };
}

export type PathTransform =
  | { scaleReturns: number }
  | { volatility: { k: number; fromUs?: number; toUs?: number } }
  | { gap: { atUs: number; pct: number } }
  | { trend: { fromUs: number; toUs: number; pct: number } }
  | { withdrawDepth: { fraction: number; fromUs: number; toUs: number } }
  | { rebase: { price?: number; startUs?: number } };

/**
 * Stress transforms, applied in order to the log-price path:
 * - `scaleReturns: k` — every step's log-return × k (drift and volatility);
 * - `volatility: {k}` — deviations of each step's log-return from the path's mean return × k
 *   (drift kept), optionally only inside [from, to);
 * - `gap: {at, pct}` — the price jumps by pct % at `at` and stays there;
 * - `trend: {from, to, pct}` — the price moves by pct % spread evenly (in log terms) over the
 *   window, and stays moved after it (an exogenous sell-off over minutes rather than a gap);
 * - `withdrawDepth: {fraction, from, to}` — the book's depth falls by `fraction` over the window
 *   (linearly to the middle, back by the end), as market makers pull liquidity;
 * - `rebase: {price, start}` — the same returns from another price level and start time: prices
 *   × price / first price, times shifted so the first point is at `start` (a historical shock of
 *   one market applied to another, or every Monte Carlo path on one clock).
 */
export function transformPath(p: PricePath, transforms: readonly PathTransform[]): PricePath {
  let price = Float64Array.from(p.price);
  let ts = p.tsUs;
  let depthAt = p.depthAt;
  for (const t of transforms) {
    if ('rebase' in t) {
      const { price: to, startUs } = t.rebase;
      if (to !== undefined) {
        if (!(to > 0)) throw new ConfigError(`rebase price ${to} must be > 0`, { field: 'rebase.price' });
        const f = to / price[0]!;
        for (let i = 0; i < price.length; i++) price[i] = price[i]! * f;
      }
      if (startUs !== undefined) {
        const d = startUs - ts[0]!;
        ts = Float64Array.from(ts, (x) => x + d);
        const prev = depthAt;
        depthAt = (x: number) => prev(x - d);
      }
    } else if ('scaleReturns' in t || 'volatility' in t) {
      const n = price.length;
      const r = new Float64Array(n);
      for (let i = 1; i < n; i++) r[i] = Math.log(price[i]! / price[i - 1]!);
      const mean = n > 1 ? r.reduce((s, x) => s + x, 0) / (n - 1) : 0;
      const out = new Float64Array(n);
      out[0] = price[0]!;
      for (let i = 1; i < n; i++) {
        let x = r[i]!;
        if ('scaleReturns' in t) x *= t.scaleReturns;
        else {
          const v = t.volatility;
          const inside = (v.fromUs === undefined || ts[i]! >= v.fromUs) && (v.toUs === undefined || ts[i]! < v.toUs);
          if (inside) x = mean + v.k * (x - mean);
        }
        out[i] = out[i - 1]! * Math.exp(x);
      }
      price = out;
    } else if ('trend' in t) {
      const { fromUs, toUs, pct } = t.trend;
      const total = Math.log(1 + pct / 100);
      if (!Number.isFinite(total) || !(toUs > fromUs)) throw new ConfigError('trend needs pct > −100 and from < to', { field: 'trend' });
      for (let i = 0; i < price.length; i++) {
        const f = Math.min(1, Math.max(0, (ts[i]! - fromUs) / (toUs - fromUs)));
        price[i] = price[i]! * Math.exp(total * f);
      }
    } else if ('gap' in t) {
      const f = 1 + t.gap.pct / 100;
      if (!(f > 0)) throw new ConfigError(`a gap of ${t.gap.pct}% leaves no price`, { field: 'gap.pct' });
      for (let i = 0; i < price.length; i++) if (ts[i]! >= t.gap.atUs) price[i] = price[i]! * f;
    } else {
      const w = t.withdrawDepth;
      if (!(w.fraction >= 0 && w.fraction < 1) || !(w.toUs > w.fromUs)) throw new ConfigError('withdrawDepth needs 0 ≤ fraction < 1 and from < to', { field: 'withdrawDepth' });
      const prev = depthAt;
      const mid = (w.fromUs + w.toUs) / 2;
      depthAt = (x: number) => {
        if (x < w.fromUs || x >= w.toUs) return prev(x);
        const d = x < mid ? (x - w.fromUs) / (mid - w.fromUs) : (w.toUs - x) / (w.toUs - mid);
        return prev(x) * (1 - w.fraction * d);
      };
    }
  }
  return { tsUs: ts, price, depthAt, source: `${p.source}${transforms.length ? ` + ${transforms.length} transform(s)` : ''}` };
}
