/**
 * A calibration check of the cascade model's leveraged population against a CEX's real
 * liquidation volume. The population is the one `src/world/population.ts` builds (leverage
 * log-uniform in [min, max], longs and shorts, isolated margin), but entering continuously —
 * a cohort of positions opens at every bar at that bar's price and leaves at a constant hazard
 * (mean holding time) — so that a month can be modelled in closed form instead of by running a
 * world: a long opened at P with leverage L is liquidated once the price has fallen below
 * P·(1 − 1/L + mmr), i.e. when the drawdown since entry reaches 1/L − mmr; the share of a cohort
 * liquidated by a drawdown d is P(L ≥ 1/(d + mmr)) under the log-uniform law. Shorts mirror
 * this with the run-up. Expected liquidated quantity per bar is then a sum over the cohorts still
 * open (those of the last `horizon` bars). Entry volume (two scale factors, longs and shorts) is
 * fitted by least squares on a training window; leverage range and holding time by grid search.
 */

export interface CohortParams {
  leverageMin: number;
  leverageMax: number;
  /** Mean holding time, bars (exponential). */
  holdBars: number;
  /** Maintenance margin rate (fraction of notional). */
  mmr: number;
}

export interface CohortVolumes {
  /** Expected liquidated quantity per bar for one unit of quantity entering per bar. */
  long: Float64Array;
  short: Float64Array;
}

/** Share of a log-uniform leverage population [a, b] with L ≥ x. */
export function shareAbove(x: number, a: number, b: number): number {
  if (x <= a) return 1;
  if (x >= b) return 0;
  return Math.log(b / x) / Math.log(b / a);
}

/**
 * Liquidated quantity per bar from cohorts entering at unit rate: `open` is each bar's entry
 * price, `low`/`high` the bar's extreme (drawdowns and run-ups are measured on them).
 */
export function cohortLiquidations(open: Float64Array, low: Float64Array, high: Float64Array, p: CohortParams, horizon: number): CohortVolumes {
  const n = open.length;
  const long = new Float64Array(n);
  const short = new Float64Array(n);
  const decay = Math.exp(-1 / p.holdBars);
  const lnSpan = Math.log(p.leverageMax / p.leverageMin);
  const lnB = Math.log(p.leverageMax);
  // Share liquidated by a drawdown d: P(L ≥ 1/(d + mmr)) = ln(b·(d + mmr)) / ln(b/a), clamped.
  const share = (d: number): number => {
    if (d <= 0) return 0;
    const x = (lnB + Math.log(d + p.mmr)) / lnSpan;
    return x <= 0 ? 0 : x >= 1 ? 1 : x;
  };
  for (let t = 0; t < n; t++) {
    // Cohort e (entered at open[e]) has seen bars e..t. Bar t adds to its liquidated share only
    // when it makes a new extreme for it; going back in e, the extreme of bars e..t−1 only grows,
    // so once bar t is not a new extreme for a cohort it is none for the older ones: stop there.
    let before = Infinity;
    let surv = 1;
    let l = 0;
    for (let e = t; e >= 0 && t - e <= horizon; e--) {
      if (e < t && low[e]! < before) before = low[e]!;
      if (e < t && low[t]! >= before) break;
      const p0 = open[e]!;
      l += surv * (share(1 - low[t]! / p0) - (e < t ? share(1 - before / p0) : 0));
      surv *= decay;
    }
    before = -Infinity;
    surv = 1;
    let sh = 0;
    for (let e = t; e >= 0 && t - e <= horizon; e--) {
      if (e < t && high[e]! > before) before = high[e]!;
      if (e < t && high[t]! <= before) break;
      const p0 = open[e]!;
      sh += surv * (share(high[t]! / p0 - 1) - (e < t ? share(before / p0 - 1) : 0));
      surv *= decay;
    }
    long[t] = l;
    short[t] = sh;
  }
  return { long, short };
}

export interface LiquidationSeries {
  /** Bar start, µs. */
  tsUs: Float64Array;
  open: Float64Array;
  low: Float64Array;
  high: Float64Array;
  /** Real liquidated quantity per bar, longs and shorts. */
  long: Float64Array;
  short: Float64Array;
}

/** Minute quotes and liquidation volume (the catalog's columns) aggregated to bars of `barMinutes`. */
export function toBars(ts: Float64Array, mid: Float64Array, liqLong: Float64Array, liqShort: Float64Array, barMinutes: number): LiquidationSeries {
  const barUs = barMinutes * 60e6;
  const t0 = Math.floor(ts[0]! / barUs) * barUs;
  const n = Math.floor((ts[ts.length - 1]! - t0) / barUs) + 1;
  const out: LiquidationSeries = { tsUs: new Float64Array(n), open: new Float64Array(n).fill(NaN), low: new Float64Array(n).fill(Infinity), high: new Float64Array(n).fill(-Infinity), long: new Float64Array(n), short: new Float64Array(n) };
  for (let i = 0; i < n; i++) out.tsUs[i] = t0 + i * barUs;
  for (let i = 0; i < ts.length; i++) {
    const k = Math.floor((ts[i]! - t0) / barUs);
    if (Number.isNaN(out.open[k]!)) out.open[k] = mid[i]!;
    if (mid[i]! < out.low[k]!) out.low[k] = mid[i]!;
    if (mid[i]! > out.high[k]!) out.high[k] = mid[i]!;
    out.long[k] = out.long[k]! + liqLong[i]!;
    out.short[k] = out.short[k]! + liqShort[i]!;
  }
  // A bar with no quote carries the previous close.
  for (let k = 0; k < n; k++) {
    if (!Number.isNaN(out.open[k]!)) continue;
    const prev = k > 0 ? out.open[k - 1]! : mid[0]!;
    out.open[k] = prev;
    out.low[k] = prev;
    out.high[k] = prev;
  }
  return out;
}

export interface LiquidationFit {
  params: CohortParams;
  /** Quantity entering per bar, longs and shorts (least squares on the training bars). */
  entryLong: number;
  entryShort: number;
  /** Modelled liquidated quantity per bar. */
  long: Float64Array;
  short: Float64Array;
  /** First held-out bar. */
  split: number;
  /** Pearson correlation of hourly volumes (longs + shorts) on the training and held-out bars. */
  corrTrain: number;
  corrHeldOut: number;
}

/** Least-squares scale of x onto y over [from, to). */
function scaleOf(x: Float64Array, y: Float64Array, from: number, to: number): number {
  let xy = 0;
  let xx = 0;
  for (let i = from; i < to; i++) {
    xy += x[i]! * y[i]!;
    xx += x[i]! * x[i]!;
  }
  return xx > 0 ? xy / xx : 0;
}

export function correlation(x: ArrayLike<number>, y: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  let mx = 0;
  let my = 0;
  for (let i = from; i < to; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = from; i < to; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Sums of `x` over groups of `k` bars (e.g. 5-minute bars to hours). */
export function aggregate(x: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(Math.ceil(x.length / k));
  for (let i = 0; i < x.length; i++) out[Math.floor(i / k)] = out[Math.floor(i / k)]! + x[i]!;
  return out;
}

/**
 * Fit on the bars before `split`: for every leverage range and holding time of the grid, the two
 * entry volumes by least squares; keep the combination with the least squared error. Report the
 * correlation of hourly volumes on the training and held-out bars.
 */
export function fitLiquidations(s: LiquidationSeries, split: number, barMinutes: number, grid: { leverageMin: number[]; leverageMax: number[]; holdBars: number[]; mmr: number }): LiquidationFit {
  let best: LiquidationFit | undefined;
  let bestErr = Infinity;
  const perHour = Math.max(1, Math.round(60 / barMinutes));
  for (const leverageMin of grid.leverageMin) {
    for (const leverageMax of grid.leverageMax) {
      if (!(leverageMax > leverageMin)) continue;
      for (const holdBars of grid.holdBars) {
        const params = { leverageMin, leverageMax, holdBars, mmr: grid.mmr };
        const v = cohortLiquidations(s.open, s.low, s.high, params, Math.ceil(5 * holdBars));
        const eL = scaleOf(v.long, s.long, 0, split);
        const eS = scaleOf(v.short, s.short, 0, split);
        let err = 0;
        for (let i = 0; i < split; i++) err += (eL * v.long[i]! - s.long[i]!) ** 2 + (eS * v.short[i]! - s.short[i]!) ** 2;
        if (err >= bestErr) continue;
        bestErr = err;
        const long = v.long.map((x) => x * eL);
        const short = v.short.map((x) => x * eS);
        const model = aggregate(long.map((x, i) => x + short[i]!), perHour);
        const real = aggregate(s.long.map((x, i) => x + s.short[i]!), perHour);
        const h = Math.floor(split / perHour);
        best = { params, entryLong: eL, entryShort: eS, long, short, split, corrTrain: correlation(model, real, 0, h), corrHeldOut: correlation(model, real, h, model.length) };
      }
    }
  }
  return best!;
}

/**
 * The fitted parameters that sit on an edge of the grid searched, described for the user: the best
 * fit may lie beyond such an edge. 1× and the exchanges' 125× are real bounds, not search edges.
 */
export function fitGridEdges(p: { leverageMin: number; leverageMax: number; holdBars: number }, grid: { leverageMin: number[]; leverageMax: number[]; holdBars: number[] }, barMinutes: number): string[] {
  const h = (bars: number) => `${+((bars * barMinutes) / 60).toFixed(2)} h`;
  return [
    ...(grid.leverageMin.length > 1 && p.leverageMin === grid.leverageMin.at(-1) ? [`lowest leverage ${p.leverageMin}× (grid ${grid.leverageMin.join(', ')})`] : []),
    ...(grid.leverageMax.length > 1 && p.leverageMax === grid.leverageMax[0] ? [`highest leverage ${p.leverageMax}× (grid ${grid.leverageMax.join(', ')})`] : []),
    ...(grid.holdBars.length > 1 && (p.holdBars === grid.holdBars[0] || p.holdBars === grid.holdBars.at(-1)) ? [`holding time ${h(p.holdBars)} (grid ${h(grid.holdBars[0]!)} – ${h(grid.holdBars.at(-1)!)})`] : []),
  ];
}
