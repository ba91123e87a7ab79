import { ModelError } from '../errors.ts';
import { nelderMead } from './nelder-mead.ts';
import type { SviParams } from './svi.ts';
import { requireFinite, requireTime } from './validate.ts';

/**
 * Deterministic raw-SVI least-squares fit by the Zeliade quasi-explicit method (De Marco &
 * Martini 2009): with y = (k - m)/sigma the slice is w = a + d*y + c*sqrt(y^2 + 1) where
 * d = rho*b*sigma and c = b*sigma, which for fixed (m, sigma) is linear in (a, d, c). The inner
 * problem is solved exactly under b >= 0 and |rho| <= 1 (i.e. c >= 0, |d| <= c); the outer 2-D
 * problem in (m, ln sigma) starts from the best point of a fixed grid and is refined by
 * Nelder-Mead (restarted once from its own optimum, the usual guard against early collapse).
 */

export interface SviFitResult {
  params: SviParams;
  /** Root-mean-square error in total variance. */
  rmse: number;
  iterations: number;
}

interface Inner {
  a: number;
  d: number;
  c: number;
  sse: number;
}

/** Weighted least squares of w on the given basis columns (2 or 3), via normal equations. */
function lsq(cols: readonly Float64Array[], w: Float64Array, wt: Float64Array): { coef: number[]; sse: number } | null {
  const n = cols.length;
  const A = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (let i = 0; i < w.length; i++) {
    const wi = wt[i]!;
    for (let r = 0; r < n; r++) {
      const xr = cols[r]![i]! * wi;
      for (let c = 0; c < n; c++) A[r]![c] = A[r]![c]! + xr * cols[c]![i]!;
      A[r]![n] = A[r]![n]! + xr * w[i]!;
    }
  }
  // Gaussian elimination with partial pivoting on the tiny (<= 3x3) system.
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
    if (Math.abs(A[piv]![col]!) < 1e-300) return null;
    [A[col], A[piv]] = [A[piv]!, A[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const fct = A[r]![col]! / A[col]![col]!;
      for (let c = col; c <= n; c++) A[r]![c] = A[r]![c]! - fct * A[col]![c]!;
    }
  }
  const coef = A.map((row, i) => row[n]! / row[i]!);
  let sse = 0;
  for (let i = 0; i < w.length; i++) {
    let fit = 0;
    for (let r = 0; r < n; r++) fit += coef[r]! * cols[r]![i]!;
    const e = w[i]! - fit;
    sse += wt[i]! * e * e;
  }
  return { coef, sse };
}

function innerFit(ks: Float64Array, w: Float64Array, wt: Float64Array, m: number, sigma: number): Inner {
  const n = ks.length;
  const one = new Float64Array(n).fill(1);
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = (ks[i]! - m) / sigma;
    z[i] = Math.sqrt(y[i]! * y[i]! + 1);
  }
  const free = lsq([one, y, z], w, wt);
  if (free) {
    const [a, d, c] = free.coef as [number, number, number];
    if (c >= 0 && Math.abs(d) <= c) return { a, d, c, sse: free.sse };
  }
  // The optimum of a convex quadratic over the cone |d| <= c lies on one of its faces.
  let best: Inner = { a: 0, d: 0, c: 0, sse: Number.POSITIVE_INFINITY };
  for (const sgn of [1, -1]) {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = z[i]! + sgn * y[i]!;
    const face = lsq([one, u], w, wt);
    if (face && face.coef[1]! >= 0 && face.sse < best.sse) {
      best = { a: face.coef[0]!, d: sgn * face.coef[1]!, c: face.coef[1]!, sse: face.sse };
    }
  }
  const flat = lsq([one], w, wt);
  if (flat && flat.sse < best.sse) best = { a: flat.coef[0]!, d: 0, c: 0, sse: flat.sse };
  return best;
}

export interface SviFitOptions {
  /** Per-point weights (e.g. vega); all 1 when omitted. */
  weights?: readonly number[];
  /** Smallest sigma searched (default 1e-4). */
  sigmaMin?: number;
}

/** Fit raw SVI to total variances `w` at log-moneyness `k`. */
export function fitSviTotalVariance(k: readonly number[], w: readonly number[], opts: SviFitOptions = {}): SviFitResult {
  if (k.length !== w.length) throw new ModelError(`SVI fit: ${k.length} strikes but ${w.length} variances`, { field: 'w' });
  if (k.length < 5) throw new ModelError(`SVI fit needs at least 5 points, got ${k.length}`, { field: 'k' });
  const ks = Float64Array.from(k, (v, i) => requireFinite(`k[${i}]`, v));
  const ws = Float64Array.from(w, (v, i) => {
    requireFinite(`w[${i}]`, v);
    if (!(v > 0)) throw new ModelError(`total variance w[${i}] must be > 0, got ${v}`, { field: `w[${i}]` });
    return v;
  });
  const wt = opts.weights ? Float64Array.from(opts.weights, (v, i) => requireFinite(`weights[${i}]`, v)) : new Float64Array(ks.length).fill(1);
  if (wt.length !== ks.length) throw new ModelError(`SVI fit: ${wt.length} weights for ${ks.length} points`, { field: 'weights' });

  const kMin = Math.min(...ks);
  const kMax = Math.max(...ks);
  const span = Math.max(kMax - kMin, 1e-6);
  const sigmaMin = opts.sigmaMin ?? 1e-4;
  const sigmaMax = 10 * span;
  const objective = (x: readonly number[]): number => {
    const sigma = Math.exp(x[1]!);
    if (!(sigma >= sigmaMin && sigma <= sigmaMax)) return Number.POSITIVE_INFINITY;
    return innerFit(ks, ws, wt, x[0]!, sigma).sse;
  };

  let start = [0.5 * (kMin + kMax), Math.log(0.1 * span)];
  let fStart = Number.POSITIVE_INFINITY;
  const GRID = 24;
  for (let i = 0; i <= GRID; i++) {
    const m = kMin + (span * i) / GRID;
    for (let j = 0; j <= GRID; j++) {
      const lnSigma = Math.log(sigmaMin) + ((Math.log(sigmaMax) - Math.log(sigmaMin)) * j) / GRID;
      const v = objective([m, lnSigma]);
      if (v < fStart) {
        fStart = v;
        start = [m, lnSigma];
      }
    }
  }
  const first = nelderMead(objective, start, [span / GRID, 0.5]);
  const second = nelderMead(objective, first.x, [span / (4 * GRID), 0.1]);
  const x = second.fx <= first.fx ? second.x : first.x;
  const m = x[0]!;
  const sigma = Math.exp(x[1]!);
  const inner = innerFit(ks, ws, wt, m, sigma);
  const b = inner.c / sigma;
  const rho = inner.c > 0 ? inner.d / inner.c : 0;
  let wsum = 0;
  for (const v of wt) wsum += v;
  return {
    params: { a: inner.a, b, rho, m, sigma },
    rmse: Math.sqrt(inner.sse / wsum),
    iterations: first.iterations + second.iterations,
  };
}

/** Fit raw SVI to implied vols of one expiry `t` (years); converts to total variance vol^2 * t. */
export function fitSviSlice(t: number, k: readonly number[], vols: readonly number[], opts: SviFitOptions = {}): SviFitResult {
  requireTime('t', t);
  const w = vols.map((v, i) => {
    requireFinite(`vols[${i}]`, v);
    if (!(v > 0)) throw new ModelError(`implied vol vols[${i}] must be > 0, got ${v}`, { field: `vols[${i}]` });
    return v * v * t;
  });
  return fitSviTotalVariance(k, w, opts);
}
