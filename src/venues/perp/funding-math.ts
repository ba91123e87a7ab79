import { ConfigError } from '../../errors.ts';
import { divRound } from '../../ledger/ledger.ts';
import { ASSETS, parseDecimal, type Instrument } from '../../market/instrument.ts';

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
  private readonly tickM: bigint;
  private readonly tickScale: bigint;
  private readonly lotM: bigint;
  private readonly lotScale: bigint;
  private readonly mult: bigint;
  private readonly unit: bigint;

  constructor(readonly inst: Instrument) {
    const asset = ASSETS[inst.settle];
    if (!asset) throw new ConfigError(`instrument ${inst.symbol}: unknown settle asset ${inst.settle}`, { field: 'settle' });
    const t = parseDecimal(inst.tickSize);
    const l = parseDecimal(inst.lotSize);
    this.tickM = t.mantissa;
    this.tickScale = 10n ** BigInt(t.scale);
    this.lotM = l.mantissa;
    this.lotScale = 10n ** BigInt(l.scale);
    this.mult = BigInt(inst.multiplier);
    this.unit = 10n ** BigInt(asset.decimals);
  }

  payment(lots: number, markTicks: number, rate: number): bigint {
    if (lots === 0) return 0n;
    const q = BigInt(lots); // signed: the sign of the position is the sign of the payment
    const p2 = BigInt(Math.round(markTicks * 2));
    if (p2 <= 0n) throw new ConfigError(`${this.inst.symbol}: mark ${markTicks} ticks is not positive`, { field: 'mark' });
    const r = rateToScaled(rate);
    if (this.inst.kind === 'inverse') {
      return divRound(q * this.lotM * this.mult * 2n * this.tickScale * this.unit * r, p2 * this.tickM * this.lotScale * RATE_DEN);
    }
    return divRound(p2 * this.tickM * q * this.lotM * this.mult * this.unit * r, 2n * this.tickScale * this.lotScale * RATE_DEN);
  }
}
