import type { Rng } from '../../kernel/rng.ts';
import { LATENCY_QUANTILE_PROBS } from './stats.ts';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Correlation time of the latency process. Network delay moves slowly compared with message
 * spacing (sub-ms inside trade bursts); i.i.d. draws would make the in-order delivery clamp
 * queue messages behind every spike and inflate latency far beyond the calibrated distribution.
 */
export const LATENCY_CORR_US = 200_000;

/**
 * Feed latency = mean + calibrated de-meaned jitter. A latent Ornstein–Uhlenbeck normal is
 * mapped through Φ and the jitter's inverse CDF (piecewise linear between the calibrated
 * quantiles): the marginal is the calibrated one and consecutive messages see similar delays.
 */
export class LatencyModel {
  private readonly probs = Float64Array.from(LATENCY_QUANTILE_PROBS);
  private readonly q: Float64Array;
  private z: number;
  private lastUs: number;

  constructor(
    private readonly rng: Rng,
    private readonly meanUs: number,
    jitterQuantilesUs: number[],
    startUs: number,
  ) {
    this.q = Float64Array.from(jitterQuantilesUs);
    this.z = rng.normal();
    this.lastUs = startUs;
  }

  /** Latency in µs (≥ 0) of a message sent at tUs (non-decreasing across calls). */
  draw(tUs: number): number {
    const rho = Math.exp(-(tUs - this.lastUs) / LATENCY_CORR_US);
    this.lastUs = tUs;
    this.z = rho * this.z + Math.sqrt(1 - rho * rho) * this.rng.normal();
    const u = normCdf(this.z);
    const P = this.probs;
    const Q = this.q;
    let i = 1;
    while (i < P.length - 1 && u >= P[i]!) i++;
    const p0 = P[i - 1]!;
    const q0 = Q[i - 1]!;
    const lat = this.meanUs + q0 + ((Q[i]! - q0) * (u - p0)) / (P[i]! - p0);
    return lat > 0 ? lat : 0;
  }
}
