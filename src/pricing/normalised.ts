import { erf, erfcx, normCdf, normPdf } from './normal.ts';

/**
 * The normalised out-of-the-money Black value b(x, s) = OTM price / sqrt(F*K), with
 * x = ln(F/K) <= 0 (an OTM call; an OTM put with x > 0 is the same number at -x) and total
 * std-dev s = vol*sqrt(T). Everything else (prices, implied vol) is built on this one function.
 *
 * Far out of the money, F*N(d1) and K*N(d2) are two tiny numbers that agree in their leading
 * digits, so subtracting them loses up to |d1|/s digits (1e-10 relative error at 1e-240 prices).
 * There we use the Mills-ratio form (h = x/s, t = s/2, Y(z) = N(z)/pdf(z)):
 *   b = pdf(h) * exp(-t^2/2) * (Y(h+t) - Y(h-t)) = pdf(h) * exp(-t^2/2) * integral_{h-t}^{h+t} Y'(z) dz
 * and integrate Y'(z) = 1 + z*Y(z) > 0 by Gauss-Legendre, so no cancellation remains.
 */

const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/** Y'(z) = 1 + z*N(z)/pdf(z), accurate in relative terms for z <= 0. */
function millsDerivative(z: number): number {
  if (z > -10) return 1 + z * SQRT_HALF_PI * erfcx(-z * Math.SQRT1_2);
  // Asymptotic series 1/z^2 - 3/z^4 + 15/z^6 - ...; at |z| >= 10 it reaches 1e-16 in < 20 terms.
  const inv = 1 / (z * z);
  let term = inv;
  let sum = inv;
  for (let n = 2; n < 40; n++) {
    term *= -(2 * n - 1) * inv;
    sum += term;
    if (Math.abs(term) < 1e-17 * sum) break;
  }
  return sum;
}

const GL_N = 12;
const { nodes: GL_X, weights: GL_W } = gaussLegendre(GL_N);

/** Nodes and weights on [-1, 1] by Newton on the Legendre recurrence. */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

/** integral_{lo}^{hi} Y'(z) dz with composite Gauss-Legendre on pieces of width <= 0.5. */
function integrateMills(lo: number, hi: number): number {
  const pieces = Math.min(256, Math.max(1, Math.ceil((hi - lo) / 0.5)));
  const w = (hi - lo) / pieces;
  let total = 0;
  for (let p = 0; p < pieces; p++) {
    const mid = lo + (p + 0.5) * w;
    let acc = 0;
    for (let i = 0; i < GL_N; i++) acc += GL_W[i]! * millsDerivative(mid + 0.5 * w * GL_X[i]!);
    total += acc * 0.5 * w;
  }
  return total;
}

/** b(x, s) for x <= 0, s > 0. */
export function normalisedOtm(x: number, s: number): number {
  const h = x / s;
  const t = 0.5 * s;
  if (h + t < -1) {
    return normPdf(h) * Math.exp(-0.5 * t * t) * integrateMills(h - t, h + t);
  }
  let v: number;
  if (h - t > -1) {
    // Near the money both cdfs are ~0.5 and their difference cancels; with N = (1 + erf)/2 the
    // 0.5s combine exactly into sinh(x/2) and the erf terms keep their relative accuracy.
    v = Math.sinh(0.5 * x) + 0.5 * (Math.exp(0.5 * x) * erf((h + t) * Math.SQRT1_2) - Math.exp(-0.5 * x) * erf((h - t) * Math.SQRT1_2));
  } else {
    v = Math.exp(0.5 * x) * normCdf(h + t) - Math.exp(-0.5 * x) * normCdf(h - t);
  }
  return v > 0 ? v : 0;
}

/** db/ds for x <= 0: exp(x/2) * pdf(d1). */
export function normalisedVega(x: number, s: number): number {
  return Math.exp(0.5 * x) * normPdf(x / s + 0.5 * s);
}
