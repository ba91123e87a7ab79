import { ConfigError } from '../errors.ts';
import { ASSETS, parseDecimal } from '../market/instrument.ts';
import type { RiskInstrument } from './types.ts';

/** Validated instrument plus the constants the hot path needs. */
export interface InstrumentEntry {
  spec: RiskInstrument;
  /** Underlying units per lot (lotSize × multiplier), float. */
  unitQty: number;
  tick: number;
  /** 10^settle decimals, to turn minor units into floats. */
  unitScale: number;
  /** Settles in the underlying coin (inverse perp/future or coin-premium option); margined in coin. */
  coin: boolean;
  /** Inverse delta-one: unitQty is USD face per lot and the coin value is qty / price. */
  inverse: boolean;
  /** Delta-one basis: mark = underlying mark × (1 + basis) (MarginEngine.setBasis; 0 until set). */
  basis: number;
  /**
   * A delta-one instrument's own mark, as its venue last gave it (`markInstrument`); 0 until then
   * or after a `setBasis`. Two perps on one underlying (a cross-venue basis trade) each keep their
   * own: one of them drives the underlying's mark, and the other's mark must not become that
   * underlying × its old premium whenever the first one moves.
   */
  ownMark: number;
}

/** Settles in its underlying coin (Deribit / Binance COIN-M style): its margin is counted in coin. */
export function isCoinSettled(spec: RiskInstrument): boolean {
  return spec.market.settle === spec.underlying;
}

export function checkInstrument(spec: RiskInstrument, settleAsset: string, settleDecimals: number): InstrumentEntry {
  const id = spec.id;
  const coin = isCoinSettled(spec) && spec.market.settle !== settleAsset;
  if (spec.market.kind === 'inverse' && !coin) {
    throw new ConfigError(`instrument ${id}: an inverse contract must settle in its underlying ${spec.underlying}, not ${spec.market.settle}`, { field: 'settle' });
  }
  if (spec.market.kind === 'inverse' && spec.kind === 'option') {
    throw new ConfigError(`instrument ${id}: an inverse option is a coin-premium option: give it a linear market priced and settled in ${spec.underlying}`, { field: 'kind' });
  }
  if (spec.market.settle !== settleAsset && !coin) {
    throw new ConfigError(`instrument ${id}: settles in ${spec.market.settle}, neither the engine's ${settleAsset} nor its underlying ${spec.underlying}`, { field: 'settle' });
  }
  const decimals = ASSETS[spec.market.settle]?.decimals;
  if (decimals === undefined) throw new ConfigError(`instrument ${id}: unknown settle asset ${spec.market.settle}`, { field: 'settle' });
  if (spec.kind === 'option') {
    const o = spec.option;
    if (!o) throw new ConfigError(`instrument ${id}: an option needs option terms (kind, strike, expiryUs)`, { field: 'option' });
    if (!(o.strike > 0) || !Number.isFinite(o.strike)) throw new ConfigError(`instrument ${id}: strike ${o.strike} must be > 0`, { field: 'option.strike' });
    if (!Number.isFinite(o.expiryUs)) throw new ConfigError(`instrument ${id}: expiryUs ${o.expiryUs} is not a time`, { field: 'option.expiryUs' });
    if (o.kind !== 'call' && o.kind !== 'put') throw new ConfigError(`instrument ${id}: option kind ${String(o.kind)}`, { field: 'option.kind' });
  } else if (spec.kind !== 'perp' && spec.kind !== 'future') {
    throw new ConfigError(`instrument ${id}: unknown kind ${String(spec.kind)}`, { field: 'kind' });
  }
  const lot = Number(spec.market.lotSize);
  const tick = Number(spec.market.tickSize);
  parseDecimal(spec.market.lotSize);
  parseDecimal(spec.market.tickSize);
    void settleDecimals;
  return { spec, unitQty: lot * spec.market.multiplier, tick, unitScale: 10 ** decimals, coin, inverse: spec.market.kind === 'inverse', basis: 0, ownMark: 0 };
}

/** Signed value of a leg in its settle asset: face / mark (coin) for inverse delta-one, qty × mark otherwise. */
export function legSettleValue(e: InstrumentEntry, qty: number, mark: number): number {
  return e.inverse ? qty / mark : qty * mark;
}
