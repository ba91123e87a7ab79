/**
 * Tear-sheet statistics (what quantstats / pyfolio show), as pure functions of a run's equity
 * samples and fills. Conventions: simple returns between equity samples; daily returns from the
 * last sample of each UTC day; annualisation over 365 days with the run's own sampling; VaR and
 * expected shortfall historical (the loss at the 5% quantile, the mean loss beyond it);
 * statistics that need more data than the run has are returned as undefined with the reason.
 */

import { mostCommonStep } from '../kernel/steps.ts';

export const DAY_US = 86_400e6;

/** A span in words, for labels: 0.7 s, 12.5 min, 15 min (not 15.0), 3.2 h, 31.3 d. */
export function duration(us: number): string {
  const one = (x: number) => String(+x.toFixed(1));
  return us >= DAY_US ? `${one(us / DAY_US)} d` : us >= 3600e6 ? `${one(us / 3600e6)} h` : us >= 60e6 ? `${one(us / 60e6)} min` : `${one(us / 1e6)} s`;
}
export const YEAR_US = 365 * DAY_US;

/**
 * The sampling interval of an equity curve: its most common spacing (ties: the shorter). A run's
 * equity is sampled on a timer and also at every fill, so the mean spacing is not the interval
 * (a market maker's 1-s samples with 1,601 fills in between averaged 0.7 s).
 */
export function samplingInterval(ts: readonly number[]): number {
  return mostCommonStep(ts);
}

/** Annualised figures need at least this much data: the summary's own threshold. */
export { MIN_ANNUALISE_US, onGrid } from '../results/metrics.ts';

export interface Drawdown {
  peakUs: number;
  troughUs: number;
  /** Back at the peak, or undefined when still under water at the end. */
  recoveryUs: number | undefined;
  /** Depth as a fraction (negative). */
  depth: number;
}

/** Equity / running peak − 1 at every sample. */
export function underwater(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]!);
    out[i] = peak > 0 ? equity[i]! / peak - 1 : 0;
  }
  return out;
}

/** The `n` deepest drawdown periods (peak → trough → recovery), not overlapping, deepest first. */
export function worstDrawdowns(ts: ArrayLike<number>, equity: ArrayLike<number>, n = 5): Drawdown[] {
  const uw = underwater(equity);
  const periods: Drawdown[] = [];
  let i = 0;
  while (i < uw.length) {
    if (uw[i]! >= 0) {
      i++;
      continue;
    }
    const start = i - 1; // the peak is the last sample at water level
    let trough = i;
    while (i < uw.length && uw[i]! < 0) {
      if (uw[i]! < uw[trough]!) trough = i;
      i++;
    }
    periods.push({ peakUs: ts[Math.max(0, start)]!, troughUs: ts[trough]!, recoveryUs: i < uw.length ? ts[i]! : undefined, depth: uw[trough]! });
  }
  return periods.sort((a, b) => a.depth - b.depth).slice(0, n);
}

/** Last equity of each UTC day → simple daily returns (the first day's return is from the first sample). */
export function dailyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): { dayUs: number[]; ret: number[] } {
  const dayUs: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    const d = Math.floor(ts[i]! / DAY_US) * DAY_US;
    if (dayUs.length && dayUs[dayUs.length - 1] === d) close[close.length - 1] = equity[i]!;
    else {
      dayUs.push(d);
      close.push(equity[i]!);
    }
  }
  const ret: number[] = [];
  let prev = equity[0]!;
  for (const c of close) {
    ret.push(prev !== 0 ? c / prev - 1 : 0);
    prev = c;
  }
  return { dayUs, ret };
}

/** Compounded return per calendar month (UTC), keyed `YYYY-MM`, from the equity at month ends. */
export function monthlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): Map<string, number> {
  const out = new Map<string, number>();
  let key = '';
  let open = equity[0]!;
  let last = equity[0]!;
  for (let i = 0; i < ts.length; i++) {
    const k = new Date(ts[i]! / 1000).toISOString().slice(0, 7);
    if (k !== key) {
      if (key) {
        out.set(key, last / open - 1);
        open = last;
      }
      key = k;
    }
    last = equity[i]!;
  }
  if (key) out.set(key, last / open - 1);
  return out;
}

/** Historical value at risk and expected shortfall of a return sample at `level` (0.95): positive = loss. */
export function varEs(returns: readonly number[], level = 0.95): { var: number; es: number } | undefined {
  if (returns.length < 20) return undefined;
  const s = [...returns].sort((a, b) => a - b);
  const k = Math.max(1, Math.floor((1 - level) * s.length));
  const q = s[k - 1]!;
  const tail = s.slice(0, k);
  return { var: -q, es: -tail.reduce((a, b) => a + b, 0) / tail.length };
}

/**
 * Rolling standard deviation and mean/sd over `window` returns (NaN until the window is full).
 * Each window is summed afresh (two passes): running sums cancel catastrophically once large
 * returns leave the window (a flat stretch after a jump would show a spurious volatility).
 */
export function rolling(returns: readonly number[], window: number): { vol: Float64Array; sharpe: Float64Array } {
  const vol = new Float64Array(returns.length).fill(NaN);
  const sharpe = new Float64Array(returns.length).fill(NaN);
  for (let i = window - 1; i < returns.length; i++) {
    let s = 0;
    for (let k = i - window + 1; k <= i; k++) s += returns[k]!;
    const m = s / window;
    let v = 0;
    for (let k = i - window + 1; k <= i; k++) v += (returns[k]! - m) ** 2;
    v /= window - 1;
    vol[i] = Math.sqrt(v);
    sharpe[i] = v > 0 ? m / Math.sqrt(v) : NaN;
  }
  return { vol, sharpe };
}

/** Share of the run's time with an open position (step-wise between equity samples). */
export function exposure(ts: ArrayLike<number>, positionLots: ArrayLike<number>): number {
  let open = 0;
  let total = 0;
  for (let i = 1; i < ts.length; i++) {
    const dt = ts[i]! - ts[i - 1]!;
    total += dt;
    if (positionLots[i - 1] !== 0) open += dt;
  }
  return total > 0 ? open / total : 0;
}

/**
 * Time-weighted mean of a step series (each value holds until the next sample) over `buckets`
 * equal intervals of [ts[0], ts[n−1]]: what a position that changes thousands of times looks
 * like at the width of a chart (drawn step by step it is a solid block). Each bucket's point is
 * at its start; a bucket no sample has reached yet is NaN.
 */
export function stepMeans(ts: ArrayLike<number>, v: ArrayLike<number>, buckets: number): { tUs: Float64Array; mean: Float64Array } {
  const n = ts.length;
  const tUs = new Float64Array(buckets);
  const mean = new Float64Array(buckets).fill(NaN);
  if (n < 2 || buckets < 1) return { tUs, mean };
  const t0 = ts[0]!;
  const w = (ts[n - 1]! - t0) / buckets;
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    const lo = t0 + b * w;
    const hi = b === buckets - 1 ? ts[n - 1]! : t0 + (b + 1) * w;
    tUs[b] = lo;
    if (!(hi > lo)) continue;
    // The sample in force at `lo`, then every change inside the bucket.
    while (i + 1 < n && ts[i + 1]! <= lo) i++;
    let area = 0;
    let at = lo;
    let k = i;
    for (;;) {
      const next = k + 1 < n ? Math.min(ts[k + 1]!, hi) : hi;
      area += v[k]! * (next - at);
      at = next;
      if (at >= hi || k + 1 >= n) break;
      k++;
    }
    mean[b] = area / (hi - lo);
  }
  return { tUs, mean };
}

/** The strategy's returns against a benchmark's over the same periods (quantstats' greeks and information ratio). */
export interface BenchmarkStats {
  /** cov(r, b) ÷ var(b). */
  beta: number;
  /** Mean return not explained by the benchmark: mean(r) − β·mean(b), per period. */
  alpha: number;
  correlation: number;
  /** Mean of r − b over its standard deviation, per period. */
  informationRatio: number;
  /** Periods where both returns exist. */
  n: number;
}

/**
 * Beta, alpha, correlation and information ratio of returns `r` against `b`, period by period
 * (pairs where either is not finite are left out); undefined with fewer than 3 pairs or a flat
 * benchmark. Sample (n − 1) moments, as quantstats and pandas.
 */
export function benchmarkStats(r: readonly number[], b: readonly number[]): BenchmarkStats | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(r.length, b.length); i++) {
    if (Number.isFinite(r[i]!) && Number.isFinite(b[i]!)) {
      xs.push(b[i]!);
      ys.push(r[i]!);
    }
  }
  const n = xs.length;
  if (n < 3) return undefined;
  const mx = xs.reduce((a, v) => a + v, 0) / n;
  const my = ys.reduce((a, v) => a + v, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let see = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0)) return undefined;
  const me = my - mx;
  for (let i = 0; i < n; i++) {
    const d = ys[i]! - xs[i]! - me;
    see += d * d;
  }
  const se = Math.sqrt(see / (n - 1));
  const beta = sxy / sxx;
  return { beta, alpha: my - beta * mx, correlation: syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN, informationRatio: se > 0 ? me / se : NaN, n };
}
