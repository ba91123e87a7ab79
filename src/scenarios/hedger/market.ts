import type { Rng } from '../../kernel/rng.ts';
import { ASK, BID } from '../../market/book.ts';
import type { ClobVenue } from '../../venues/clob/venue.ts';

export interface JumpDiffusionParams {
  s0: number;
  /** Annual lognormal vol of the diffusion part. */
  vol: number;
  /** Annual drift of the price (jump compensation included, so E[S_t] = s0·e^{μt}). */
  drift: number;
  /** Jumps per year (Poisson). */
  jumpsPerYear: number;
  /** Mean and std of the log jump size. */
  jumpMean: number;
  jumpStd: number;
}

/** Merton jump diffusion on the log price, exact in distribution per step. */
export class JumpDiffusionPath {
  price: number;
  jumps = 0;
  private readonly kappa: number;

  constructor(
    private readonly rng: Rng,
    readonly p: JumpDiffusionParams,
  ) {
    this.price = p.s0;
    this.kappa = Math.exp(p.jumpMean + 0.5 * p.jumpStd * p.jumpStd) - 1;
  }

  step(dtYears: number): number {
    const { vol, drift, jumpsPerYear, jumpMean, jumpStd } = this.p;
    let x = (drift - 0.5 * vol * vol - jumpsPerYear * this.kappa) * dtYears + vol * Math.sqrt(dtYears) * this.rng.normal();
    const n = this.rng.poisson(jumpsPerYear * dtYears);
    for (let i = 0; i < n; i++) x += jumpMean + jumpStd * this.rng.normal();
    this.jumps += n;
    this.price *= Math.exp(x);
    return this.price;
  }
}

/** Ornstein–Uhlenbeck perp basis (mid/index − 1): mean-reverting premium that drives funding. */
export class BasisProcess {
  basis: number;
  constructor(
    private readonly rng: Rng,
    readonly mean: number,
    readonly reversionPerYear: number,
    readonly volPerSqrtYear: number,
  ) {
    this.basis = mean;
  }
  step(dtYears: number): number {
    this.basis += this.reversionPerYear * (this.mean - this.basis) * dtYears + this.volPerSqrtYear * Math.sqrt(dtYears) * this.rng.normal();
    return this.basis;
  }
}

export interface SyntheticBookParams {
  levels: number;
  /** Half spread in ticks at the touch (≥ 1). */
  halfSpreadTicks: number;
  /** Ticks between levels. */
  stepTicks: number;
  /** Mean lots per level; each level draws uniformly in [½, 1½] × mean. */
  meanLots: number;
}

/** Replace the venue's book with a fresh symmetric ladder around `centerTicks` (one refresh per step). */
export function refreshSyntheticBook(venue: ClobVenue, centerTicks: number, p: SyntheticBookParams, rng: Rng): void {
  venue.clearBook();
  const c = Math.round(centerTicks);
  for (let i = 0; i < p.levels; i++) {
    const off = p.halfSpreadTicks + i * p.stepTicks;
    venue.applyLevel(BID, c - off, Math.max(1, Math.round(p.meanLots * (0.5 + rng.next()))));
    venue.applyLevel(ASK, c + off, Math.max(1, Math.round(p.meanLots * (0.5 + rng.next()))));
  }
}
