import { ModelError } from '../errors.ts';
import { requireFinite } from './validate.ts';

/**
 * Raw SVI slice (Gatheral 2004) in total implied variance w = vol^2 * T against log-moneyness
 * k = ln(K/F):  w(k) = a + b * (rho * (k - m) + sqrt((k - m)^2 + sigma^2)).
 */
export interface SviParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

/** Validates the raw-SVI domain: b >= 0, |rho| < 1, sigma > 0, min variance >= 0. */
export function validateSvi(p: SviParams): SviParams {
  for (const key of ['a', 'b', 'rho', 'm', 'sigma'] as const) requireFinite(`svi.${key}`, p[key]);
  if (p.b < 0) throw new ModelError(`svi.b must be >= 0, got ${p.b}`, { field: 'svi.b' });
  if (!(Math.abs(p.rho) < 1)) throw new ModelError(`svi.rho must lie in (-1, 1), got ${p.rho}`, { field: 'svi.rho' });
  if (!(p.sigma > 0)) throw new ModelError(`svi.sigma must be > 0, got ${p.sigma}`, { field: 'svi.sigma' });
  const minW = p.a + p.b * p.sigma * Math.sqrt(1 - p.rho * p.rho);
  if (minW < 0) {
    throw new ModelError(`SVI minimum total variance ${minW} < 0 at k=${p.m - (p.rho * p.sigma) / Math.sqrt(1 - p.rho * p.rho)}`, {
      field: 'svi.a',
    });
  }
  return p;
}

export function sviTotalVariance(p: SviParams, k: number): number {
  const u = k - p.m;
  return p.a + p.b * (p.rho * u + Math.sqrt(u * u + p.sigma * p.sigma));
}

/** w, w' and w'' at k. */
export function sviDerivatives(p: SviParams, k: number): { w: number; w1: number; w2: number } {
  const u = k - p.m;
  const r = Math.sqrt(u * u + p.sigma * p.sigma);
  return {
    w: p.a + p.b * (p.rho * u + r),
    w1: p.b * (p.rho + u / r),
    w2: (p.b * p.sigma * p.sigma) / (r * r * r),
  };
}

/**
 * Gatheral's butterfly density factor: the risk-neutral density is proportional to g(k), so a
 * slice is free of butterfly arbitrage iff g(k) >= 0 everywhere (Gatheral & Jacquier 2014).
 */
export function sviG(p: SviParams, k: number): number {
  const { w, w1, w2 } = sviDerivatives(p, k);
  const t1 = 1 - (k * w1) / (2 * w);
  return t1 * t1 - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
}

export type ArbitrageKind = 'butterfly' | 'wing-slope' | 'negative-variance' | 'calendar';

export interface ArbitrageViolation {
  kind: ArbitrageKind;
  /** Log-moneyness where the check fails (+/-Infinity for an asymptotic wing-slope failure). */
  k: number;
  /** The offending quantity: g(k), the wing slope b(1+|rho|), w(k), or the variance drop. */
  value: number;
  /** Expiries (years) involved, for calendar violations. */
  t?: [number, number];
  message: string;
}

export interface GridOptions {
  kMin?: number;
  kMax?: number;
  /** Number of grid points (inclusive of both ends). */
  n?: number;
}

export function kGrid(o: GridOptions = {}): number[] {
  const kMin = o.kMin ?? -3;
  const kMax = o.kMax ?? 3;
  const n = Math.max(2, o.n ?? 601);
  return Array.from({ length: n }, (_, i) => kMin + ((kMax - kMin) * i) / (n - 1));
}

/**
 * Butterfly checks for one slice: g(k) >= 0 on a grid (each failing k is reported), total
 * variance > 0 on the grid, and Roger Lee's moment bound on the wings: total variance grows at
 * most like 2|k|, i.e. b(1 + |rho|) <= 2 (the failing wing is reported as k = +/-Infinity).
 */
export function checkButterfly(p: SviParams, grid: GridOptions = {}, tol = 1e-12): ArbitrageViolation[] {
  const out: ArbitrageViolation[] = [];
  const slope = p.b * (1 + Math.abs(p.rho));
  if (slope > 2 + tol) {
    const k = p.rho >= 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    out.push({
      kind: 'wing-slope',
      k,
      value: slope,
      message: `Lee wing bound violated: b(1+|rho|) = ${slope} > 2 on the ${k > 0 ? 'right' : 'left'} wing`,
    });
  }
  for (const k of kGrid(grid)) {
    const w = sviTotalVariance(p, k);
    if (!(w > 0)) {
      out.push({ kind: 'negative-variance', k, value: w, message: `total variance ${w} <= 0 at k=${k}` });
      continue;
    }
    const g = sviG(p, k);
    if (g < -tol) out.push({ kind: 'butterfly', k, value: g, message: `butterfly arbitrage: g(k) = ${g} < 0 at k=${k}` });
  }
  return out;
}

export interface SviSlice {
  /** Expiry in years. */
  t: number;
  params: SviParams;
}

/**
 * Calendar check: total variance must not decrease with expiry at any fixed k (otherwise a
 * calendar spread has negative cost). Reports each (k, pair of adjacent expiries) that fails.
 */
export function checkCalendar(slices: readonly SviSlice[], grid: GridOptions = {}, tol = 1e-12): ArbitrageViolation[] {
  const sorted = [...slices].sort((x, y) => x.t - y.t);
  const out: ArbitrageViolation[] = [];
  const ks = kGrid(grid);
  for (let i = 1; i < sorted.length; i++) {
    const s0 = sorted[i - 1]!;
    const s1 = sorted[i]!;
    for (const k of ks) {
      const w0 = sviTotalVariance(s0.params, k);
      const w1 = sviTotalVariance(s1.params, k);
      if (w1 < w0 - tol) {
        out.push({
          kind: 'calendar',
          k,
          value: w0 - w1,
          t: [s0.t, s1.t],
          message: `calendar arbitrage at k=${k}: w(T=${s1.t}) = ${w1} < w(T=${s0.t}) = ${w0}`,
        });
      }
    }
  }
  return out;
}
