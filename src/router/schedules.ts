/**
 * Parent-order schedules: how much of the order should be done by when. Pure functions; the
 * execution strategies (strategies/execute.ts) turn them into child orders through the router.
 *
 * - TWAP: equal slices at equal intervals.
 * - VWAP: slices in proportion to a volume profile learned from the data before the start.
 * - POV: a target share of the market's traded volume, ours included: after the market trades V,
 *   a POV of ρ has traded q with q / (V + q) = ρ, i.e. q = ρ·V / (1 − ρ).
 * - Implementation shortfall (Almgren & Chriss 2000, "Optimal execution of portfolio
 *   transactions"): holdings x_k = X·sinh(κ(T − t_k)) / sinh(κT), with κ from the discrete-time
 *   condition cosh(κτ) = 1 + κ̃²τ²/2, κ̃² = λσ²/η̃ and η̃ = η − γτ/2 (λ risk aversion, σ
 *   volatility in price per √time, η temporary and γ permanent impact, τ = T/N).
 */

export interface Schedule {
  /** Times (µs) at which each slice is due, ascending. */
  readonly tsUs: Float64Array;
  /** Holdings still to trade after each slice (starts below the order size, ends at 0). */
  readonly remaining: Float64Array;
  /** Quantity of each slice (remaining[k-1] − remaining[k]). */
  readonly slices: Float64Array;
}

function fromRemaining(qty: number, tsUs: Float64Array, remaining: Float64Array): Schedule {
  const slices = new Float64Array(remaining.length);
  let prev = qty;
  for (let k = 0; k < remaining.length; k++) {
    slices[k] = prev - remaining[k]!;
    prev = remaining[k]!;
  }
  return { tsUs, remaining, slices };
}

function slotTimes(startUs: number, endUs: number, n: number): Float64Array {
  if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`slices must be a positive integer, got ${n}`);
  if (!(endUs > startUs)) throw new RangeError('the schedule needs end > start');
  const t = new Float64Array(n);
  // Slice k is due at the end of its interval; the last one at the end.
  for (let k = 0; k < n; k++) t[k] = startUs + Math.round(((k + 1) * (endUs - startUs)) / n);
  return t;
}

/** TWAP: N equal slices, slice k due at start + (k+1)·(end − start)/N. */
export function twapSchedule(qty: number, startUs: number, endUs: number, n: number): Schedule {
  const t = slotTimes(startUs, endUs, n);
  const rem = new Float64Array(n);
  for (let k = 0; k < n; k++) rem[k] = k === n - 1 ? 0 : qty - (qty * (k + 1)) / n;
  return fromRemaining(qty, t, rem);
}

/** VWAP: slice k carries volume[k] / Σ volume of the order (the profile's buckets span [start, end] evenly). */
export function vwapSchedule(qty: number, startUs: number, endUs: number, volume: ArrayLike<number>): Schedule {
  const n = volume.length;
  const t = slotTimes(startUs, endUs, n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const v = volume[k]!;
    if (!(v >= 0)) throw new RangeError(`volume profile bucket ${k} is ${v}; volumes must be ≥ 0`);
    total += v;
  }
  if (!(total > 0)) throw new RangeError('the volume profile is empty (no volume before the start)');
  const rem = new Float64Array(n);
  let cum = 0;
  for (let k = 0; k < n; k++) {
    cum += volume[k]!;
    rem[k] = k === n - 1 ? 0 : qty - (qty * cum) / total;
  }
  return fromRemaining(qty, t, rem);
}

/** The volume profile: traded volume of the window [start − lookback, start) in `n` buckets, the shape VWAP follows. */
export function volumeProfile(tsUs: ArrayLike<number>, size: ArrayLike<number>, fromUs: number, toUs: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const w = (toUs - fromUs) / n;
  for (let i = 0; i < tsUs.length; i++) {
    const t = tsUs[i]!;
    if (t < fromUs || t >= toUs) continue;
    out[Math.min(n - 1, Math.floor((t - fromUs) / w))]! += size[i]!;
  }
  return out;
}

/** POV: what we should have traded after the market traded `marketVolume` (others' volume), at participation ρ. */
export function povTarget(marketVolume: number, rate: number): number {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`participation must be in (0, 1), got ${rate}`);
  return (rate * marketVolume) / (1 - rate);
}

export interface AlmgrenChrissParams {
  /** Shares (base units) to sell. */
  qty: number;
  /** Horizon T and number of slices N (τ = T/N), T in seconds. */
  horizonS: number;
  slices: number;
  /** Volatility in price units per √second. */
  sigma: number;
  /** Temporary impact η (price per (base per second)) and permanent γ (price per base). */
  eta: number;
  gamma: number;
  /** Risk aversion λ (per unit of price² · base² … i.e. 1/quote). */
  lambda: number;
}

/** κ of the discrete-time Almgren–Chriss solution (per second). */
export function almgrenChrissKappa(p: AlmgrenChrissParams): number {
  const tau = p.horizonS / p.slices;
  const etaTilde = p.eta - (p.gamma * tau) / 2;
  if (!(etaTilde > 0)) throw new RangeError(`η − γτ/2 must be > 0 (η ${p.eta}, γ ${p.gamma}, τ ${tau} s)`);
  const kt2 = (p.lambda * p.sigma * p.sigma) / etaTilde;
  return Math.acosh(1 + (kt2 * tau * tau) / 2) / tau;
}

/** The Almgren–Chriss trading trajectory: holdings after each slice (risk-neutral λ = 0: a straight line). */
export function almgrenChrissSchedule(p: AlmgrenChrissParams, startUs: number): Schedule {
  const n = p.slices;
  const t = slotTimes(startUs, startUs + p.horizonS * 1e6, n);
  const kappa = almgrenChrissKappa(p);
  const T = p.horizonS;
  const rem = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const tk = ((k + 1) * T) / n;
    rem[k] = k === n - 1 ? 0 : kappa * T < 1e-9 ? p.qty * (1 - tk / T) : (p.qty * Math.sinh(kappa * (T - tk))) / Math.sinh(kappa * T);
  }
  return fromRemaining(p.qty, t, rem);
}

/** Expected cost E and variance V of a trajectory under the model (the efficient frontier's coordinates). */
export function almgrenChrissCost(p: AlmgrenChrissParams, remaining: ArrayLike<number>): { expected: number; variance: number } {
  const tau = p.horizonS / p.slices;
  let prev = p.qty;
  let e = 0.5 * p.gamma * p.qty * p.qty;
  let v = 0;
  const etaTilde = p.eta - (p.gamma * tau) / 2;
  for (let k = 0; k < remaining.length; k++) {
    const x = remaining[k]!;
    const nk = prev - x;
    e += (etaTilde / tau) * nk * nk;
    // AC: V = σ² Σ_{k=1..N} τ x_k² (x_k: holdings at t_k).
    v += p.sigma * p.sigma * tau * x * x;
    prev = x;
  }
  return { expected: e, variance: v };
}
