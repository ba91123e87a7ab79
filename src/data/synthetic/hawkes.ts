import type { Rng } from '../../kernel/rng.ts';

/**
 * Exponential-kernel Hawkes process: intensity λ(t) = μ + Σ α·e^{−β(t−tᵢ)}, branching ratio
 * n = α/β (mean number of trades each trade triggers), stationary rate μ/(1−n).
 */
export interface HawkesFit {
  branching: number;
  decayPerSec: number;
}

/** Variance/mean of event counts in consecutive windows of each length (the Fano factor). */
export function fanoFactors(timesUs: Float64Array, startUs: number, endUs: number, windowsSec: number[]): { windowSec: number; fano: number }[] {
  const out: { windowSec: number; fano: number }[] = [];
  for (const w of windowsSec) {
    const wUs = w * 1e6;
    const bins = Math.floor((endUs - startUs) / wUs);
    if (bins < 10) continue;
    let i = 0;
    let s = 0;
    let s2 = 0;
    for (let b = 0; b < bins; b++) {
      const hi = startUs + (b + 1) * wUs;
      let c = 0;
      while (i < timesUs.length && timesUs[i]! < hi) {
        if (timesUs[i]! >= startUs) c++;
        i++;
      }
      s += c;
      s2 += c * c;
    }
    const mean = s / bins;
    if (mean > 0) out.push({ windowSec: w, fano: (s2 / bins - mean * mean) / mean });
  }
  return out;
}

/**
 * Fano factor of a stationary exponential Hawkes process over a window Δ:
 * F(Δ) = κ + (1 − κ)(1 − e^{−γΔ})/(γΔ), κ = 1/(1−n)², γ = β(1−n). It rises from 1 (Poisson at
 * short scales) to κ, so its level gives the branching ratio and its rise time the decay.
 */
export function hawkesFano(n: number, decayPerSec: number, windowSec: number): number {
  const kappa = 1 / (1 - n) ** 2;
  const x = decayPerSec * (1 - n) * windowSec;
  const g = x < 1e-9 ? 1 : (1 - Math.exp(-x)) / x;
  return kappa + (1 - kappa) * g;
}

/** Method of moments: least squares in log Fano over a deterministic (n, γ) grid. */
export function fitHawkesFano(points: { windowSec: number; fano: number }[]): HawkesFit {
  let best = { branching: 0, decayPerSec: 1, err: Infinity };
  const usable = points.filter((p) => p.fano > 0);
  if (usable.length === 0) return { branching: 0, decayPerSec: 1 };
  for (let ni = 0; ni <= 980; ni++) {
    const n = ni / 1000;
    for (let gi = 0; gi <= 240; gi++) {
      const gamma = 10 ** (-2 + gi / 40); // 0.01 … 10⁴ per second
      const beta = gamma / (1 - n);
      let err = 0;
      for (const p of usable) {
        const d = Math.log(hawkesFano(n, beta, p.windowSec)) - Math.log(p.fano);
        err += d * d;
      }
      if (err < best.err) best = { branching: n, decayPerSec: beta, err };
    }
  }
  return { branching: best.branching, decayPerSec: best.decayPerSec };
}

/**
 * Exact sampler of Hawkes inter-arrival times (Dassios & Zhao 2013): two competing candidates,
 * one from the baseline rate and one from the decaying excitation, no thinning loop.
 */
export class HawkesClock {
  private excess = 0;
  private readonly alpha: number;

  constructor(
    private readonly rng: Rng,
    public baselinePerSec: number,
    private readonly branching: number,
    private readonly decayPerSec: number,
  ) {
    this.alpha = branching * decayPerSec;
  }

  /** Seconds until the next event; the event's own excitation is added. */
  next(): number {
    const mu = this.baselinePerSec;
    const beta = this.decayPerSec;
    const s1 = mu > 0 ? this.rng.exp(1 / mu) : Infinity;
    let s2 = Infinity;
    if (this.excess > 0) {
      const d = 1 + (beta * Math.log(1 - this.rng.next())) / this.excess;
      if (d > 0) s2 = -Math.log(d) / beta;
    }
    const w = s1 < s2 ? s1 : s2;
    this.excess = this.excess * Math.exp(-beta * w) + this.alpha;
    return w;
  }

  /** Current intensity above the baseline (for tests and profiles). */
  get excessPerSec(): number {
    return this.excess;
  }
}
