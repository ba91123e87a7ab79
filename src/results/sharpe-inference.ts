/**
 * How much a backtest's Sharpe ratio can be trusted (pure functions), after Bailey and López de
 * Prado: "The Sharpe Ratio Efficient Frontier" (Journal of Risk, 2012) for the probabilistic
 * Sharpe ratio, "The Deflated Sharpe Ratio" (Journal of Portfolio Management, 2014) for a
 * sweep's best run. Sharpe ratios here are per return period (not annualised), as the formulas are.
 *
 * PSR(SR*) = Φ( (SR̂ − SR*) · √(n − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) ): the probability that
 * the true Sharpe ratio exceeds SR*, given the estimate SR̂ from n returns of skewness γ₃ and
 * kurtosis γ₄ (3 for normal returns). Fat tails and negative skew widen the estimate's error.
 *
 * Of N trials (a sweep's runs), the best Sharpe is inflated by selection: with V the variance of
 * the trials' Sharpe ratios, its expected maximum under no skill is
 * SR*₀ = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ = Euler–Mascheroni; the deflated
 * Sharpe ratio of a run is PSR(SR*₀): the probability its Sharpe beats what the best of N
 * skill-less trials would show.
 */
import { normCdf, normInv } from '../pricing/normal.ts';

const EULER_GAMMA = 0.5772156649015329;

/** Sample skewness and kurtosis (population moments: E[(r − μ)³]/σ³, E[(r − μ)⁴]/σ⁴; normal: 0 and 3). NaN with fewer than 2 returns or none varying. */
export function returnShape(rets: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = rets.length;
  if (n < 2) return { skew: NaN, kurtosis: NaN };
  let m = 0;
  for (let i = 0; i < n; i++) m += rets[i]!;
  m /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = rets[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return { skew: NaN, kurtosis: NaN };
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** PSR(SR*): the probability that the true per-period Sharpe ratio exceeds `srStar` (NaN when undefined). */
export function probabilisticSharpe(sr: number, n: number, skew: number, kurtosis: number, srStar = 0): number {
  const v = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(n > 1) || !(v > 0) || !Number.isFinite(sr)) return NaN;
  return normCdf(((sr - srStar) * Math.sqrt(n - 1)) / Math.sqrt(v));
}

/** SR*₀: the expected best per-period Sharpe ratio of `trials` skill-less trials whose Sharpe ratios vary with `variance`. */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(trials >= 2) || !(variance >= 0)) return NaN;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normInv(1 - 1 / trials) + EULER_GAMMA * normInv(1 - 1 / (trials * Math.E)));
}

/** One run of a sweep as the deflated Sharpe ratio reads it. */
export interface SharpeTrial {
  sr: number;
  n: number;
  skew: number;
  kurtosis: number;
}

/**
 * Deflated Sharpe ratios of a sweep's runs: SR*₀ from their number and the sample variance of
 * their Sharpe ratios, then each run's PSR(SR*₀). Undefined with fewer than two runs with a Sharpe.
 */
export function deflatedSharpes(trials: readonly SharpeTrial[]): { threshold: number; trials: number; dsr: number[] } | undefined {
  const srs = trials.map((t) => t.sr).filter((x) => Number.isFinite(x));
  if (srs.length < 2) return undefined;
  const mean = srs.reduce((a, b) => a + b, 0) / srs.length;
  const variance = srs.reduce((a, b) => a + (b - mean) ** 2, 0) / (srs.length - 1);
  const threshold = expectedMaxSharpe(srs.length, variance);
  return { threshold, trials: srs.length, dsr: trials.map((t) => probabilisticSharpe(t.sr, t.n, t.skew, t.kurtosis, threshold)) };
}

