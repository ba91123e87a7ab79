/** The replayed CEX price for the DEX scenarios: a seeded GBM sampled once per block. */
import type { Rng } from '../../kernel/rng.ts';

export class CexPricePath {
  private readonly prices: number[] = [];

  /** `priceUsd` at `t0Us`, one log-normal step of `volPerStep` every `stepUs`. */
  constructor(rng: Rng, readonly t0Us: number, readonly stepUs: number, steps: number, priceUsd: number, volPerStep: number) {
    let p = priceUsd;
    for (let i = 0; i <= steps; i++) {
      this.prices.push(p);
      p *= Math.exp(volPerStep * rng.normal() - 0.5 * volPerStep * volPerStep);
    }
  }

  /** USD per whole token at `tsUs` (last step at or before it). */
  usd(tsUs: number): number {
    const i = Math.max(0, Math.min(this.prices.length - 1, Math.floor((tsUs - this.t0Us) / this.stepUs)));
    return this.prices[i]!;
  }
}
