import { ModelError } from '../errors.ts';
import { fitSviSlice, type SviFitOptions, type SviFitResult } from './svi-fit.ts';
import { checkButterfly, checkCalendar, sviTotalVariance, validateSvi, type ArbitrageViolation, type GridOptions, type SviSlice } from './svi.ts';
import { requireFinite, requireTime } from './validate.ts';

/**
 * A vol surface made of SVI slices, one per expiry, interpolated linearly in total variance
 * w(k, T) at fixed log-moneyness k = ln(K/F). Linear-in-w interpolation keeps calendar
 * no-arbitrage between slices whenever the slices themselves are calendar-free. Before the first
 * expiry w scales linearly from 0 (constant vol); after the last, vol is held constant.
 */
export interface VolSurface {
  /** Slices sorted by expiry. */
  readonly slices: readonly SviSlice[];
  totalVariance(k: number, t: number): number;
  /** Implied vol sqrt(w/T) at log-moneyness k and expiry t (years). */
  vol(k: number, t: number): number;
}

export function buildVolSurface(slices: readonly SviSlice[]): VolSurface {
  if (slices.length === 0) throw new ModelError('vol surface needs at least one SVI slice', { field: 'slices' });
  const sorted = [...slices].sort((x, y) => x.t - y.t);
  sorted.forEach((s, i) => {
    requireTime(`slices[${i}].t`, s.t);
    validateSvi(s.params);
    if (i > 0 && s.t === sorted[i - 1]!.t) throw new ModelError(`two SVI slices share expiry t=${s.t}`, { field: 'slices' });
  });
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;

  const totalVariance = (k: number, t: number): number => {
    requireFinite('k', k);
    requireTime('t', t);
    if (t <= first.t) return (sviTotalVariance(first.params, k) * t) / first.t;
    if (t >= last.t) return (sviTotalVariance(last.params, k) * t) / last.t;
    let hi = 1;
    while (sorted[hi]!.t < t) hi++;
    const s0 = sorted[hi - 1]!;
    const s1 = sorted[hi]!;
    const u = (t - s0.t) / (s1.t - s0.t);
    return (1 - u) * sviTotalVariance(s0.params, k) + u * sviTotalVariance(s1.params, k);
  };
  return {
    slices: sorted,
    totalVariance,
    vol: (k, t) => Math.sqrt(totalVariance(k, t) / t),
  };
}

export interface SliceQuotes {
  t: number;
  /** Log-moneyness ln(K/F). */
  k: readonly number[];
  vols: readonly number[];
  weights?: readonly number[];
}

export interface SurfaceFit {
  surface: VolSurface;
  fits: { t: number; fit: SviFitResult }[];
  /** Butterfly (per slice) and calendar (across slices) violations; empty when arbitrage-free. */
  arbitrage: ArbitrageViolation[];
}

/** Fit one SVI slice per expiry, build the surface and run the arbitrage checks on `grid`. */
export function fitVolSurface(quotes: readonly SliceQuotes[], grid: GridOptions = {}, opts: Omit<SviFitOptions, 'weights'> = {}): SurfaceFit {
  const fits = quotes.map((q) => ({
    t: q.t,
    fit: fitSviSlice(q.t, q.k, q.vols, q.weights ? { ...opts, weights: q.weights } : opts),
  }));
  const slices = fits.map((f) => ({ t: f.t, params: f.fit.params }));
  const arbitrage = [
    ...slices.flatMap((s) => checkButterfly(s.params, grid).map((v) => ({ ...v, t: [s.t, s.t] as [number, number] }))),
    ...checkCalendar(slices, grid),
  ];
  return { surface: buildVolSurface(slices), fits, arbitrage };
}
