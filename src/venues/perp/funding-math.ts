import { ConfigError } from '../../errors.ts';
import { Notional } from '../../ledger/notional.ts';
import type { Instrument } from '../../market/instrument.ts';

/** Funding rates are carried as integers over 1e12: exact for any rate printed with ≤ 12 decimals. */
export const RATE_DEN = 10n ** 12n;

export function rateToScaled(rate: number): bigint {
  if (!Number.isFinite(rate)) throw new ConfigError(`funding rate ${rate} is not finite`, { field: 'funding_rate' });
  return BigInt(Math.round(rate * 1e12));
}

/**
 * Exact funding payment in the settle asset's minor units, rounded once (half away from zero):
 *   payment = sign(lots) × notional(mark) × rate, positive = the account pays.
 * Linear: notional = mark × qty × multiplier (quote). Inverse: notional in coin =
 * contracts × multiplier / mark. So a long pays and a short receives when the rate is positive,
 * on both kinds. The mark may be a half tick (a mid), as in `Notional`.
 */
export class FundingCalculator {
  private readonly notional: Notional;

  constructor(readonly inst: Instrument) {
    this.notional = new Notional(inst);
  }

  payment(lots: number, markTicks: number, rate: number): bigint {
    if (lots === 0) return 0n;
    if (!(Math.round(markTicks * 2) > 0)) throw new ConfigError(`${this.inst.symbol}: mark ${markTicks} ticks is not positive`, { field: 'mark' });
    // signed: the sign of the position is the sign of the payment
    return this.notional.scaledValue(markTicks, lots, rateToScaled(rate), RATE_DEN);
  }
}
