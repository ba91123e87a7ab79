import { ConfigError } from '../errors.ts';
import { ASSETS, parseDecimal, type Instrument } from '../market/instrument.ts';
import { divRound } from './ledger.ts';

/** One Notional per instrument object (its fields are constants: a population's 10,000 positions share one). */
const shared = new WeakMap<Instrument, Notional>();

/** The Notional of an instrument, made once per instrument object. */
export function notionalOf(inst: Instrument): Notional {
  let n = shared.get(inst);
  if (n === undefined) shared.set(inst, (n = new Notional(inst)));
  return n;
}

/**
 * Exact conversion of (price ticks, lots) into the settlement asset's minor units.
 * Linear/spot: value = ticks·tick × lots·lot × multiplier (quote units).
 * Inverse: value = lots·lot × multiplier / (ticks·tick) (coin units).
 * Prices may be half ticks (a mid), so ticks arrive doubled as an integer.
 */
export class Notional {
  readonly settleDecimals: number;
  private readonly tickM: bigint;
  private readonly tickScale: bigint;
  private readonly lotM: bigint;
  private readonly lotScale: bigint;
  private readonly mult: bigint;
  private readonly unit: bigint;
  private readonly unitNum: number;
  /** The constant factors of scaledValue's numerator and denominator, multiplied once (exact: integers). */
  private readonly numC: bigint;
  private readonly denC: bigint;

  constructor(readonly inst: Instrument) {
    const asset = ASSETS[inst.settle];
    if (!asset) throw new ConfigError(`instrument ${inst.symbol}: unknown settle asset ${inst.settle}`, { field: 'settle' });
    if (!Number.isInteger(inst.multiplier)) throw new ConfigError(`instrument ${inst.symbol}: multiplier must be an integer`, { field: 'multiplier' });
    this.settleDecimals = asset.decimals;
    const t = parseDecimal(inst.tickSize);
    const l = parseDecimal(inst.lotSize);
    this.tickM = t.mantissa;
    this.tickScale = 10n ** BigInt(t.scale);
    this.lotM = l.mantissa;
    this.lotScale = 10n ** BigInt(l.scale);
    this.mult = BigInt(inst.multiplier);
    this.unit = 10n ** BigInt(asset.decimals);
    this.unitNum = Number(this.unit);
    if (inst.kind === 'inverse') {
      this.numC = this.lotM * this.mult * 2n * this.tickScale * this.unit;
      this.denC = this.tickM * this.lotScale;
    } else {
      this.numC = this.tickM * this.lotM * this.mult * this.unit;
      this.denC = 2n * this.tickScale * this.lotScale;
    }
  }

  /** Absolute value in settle minor units of `lots` at `priceTicks` (may be x.5). */
  value(priceTicks: number, lots: number): bigint {
    return this.scaledValue(priceTicks, Math.abs(lots), 1n, 1n);
  }

  /**
   * Signed value × num/den, rounded once (half away from zero), e.g. a funding payment at a rate
   * carried as an integer over 1e12: exact, where value() then × rate would round twice.
   */
  scaledValue(priceTicks: number, lots: number, num: bigint, den: bigint): bigint {
    const p2 = BigInt(Math.round(priceTicks * 2));
    const q = BigInt(lots);
    const n = num === 1n ? this.numC : this.numC * num;
    const d = den === 1n ? this.denC : this.denC * den;
    if (this.inst.kind === 'inverse') {
      // lots·lotM/lotScale · mult / (p2/2 · tickM/tickScale) · unit
      return divRound(q * n, p2 * d);
    }
    // p2/2 · tickM/tickScale · lots·lotM/lotScale · mult · unit
    return divRound(p2 * q * n, d);
  }

  /** Base-asset minor units of `lots` (spot), signed. */
  baseUnits(lots: number): bigint {
    const asset = ASSETS[this.inst.base];
    if (!asset) throw new ConfigError(`instrument ${this.inst.symbol}: unknown base asset ${this.inst.base}`, { field: 'base' });
    return divRound(BigInt(lots) * this.lotM * 10n ** BigInt(asset.decimals), this.lotScale);
  }

  /** Fee in minor units for a fee rate in basis points (negative = rebate), rounded half away from zero. */
  fee(value: bigint, feeBps: number): bigint {
    // feeBps may be fractional (e.g. 0.25 bps): scale by 1e4 to keep the arithmetic exact to 1e-4 bps.
    const bps = BigInt(Math.round(feeBps * 10_000));
    return divRound(value * bps, 100_000_000n);
  }

  toUnits(minor: bigint): number {
    return Number(minor) / this.unitNum;
  }
}
