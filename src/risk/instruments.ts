import { ConfigError } from '../errors.ts';
import { parseDecimal } from '../market/instrument.ts';
import type { RiskInstrument } from './types.ts';

/** Validated instrument plus the constants the hot path needs. */
export interface InstrumentEntry {
  spec: RiskInstrument;
  /** Underlying units per lot (lotSize × multiplier), float. */
  unitQty: number;
  tick: number;
  /** 10^settle decimals, to turn minor units into floats. */
  unitScale: number;
}

export function checkInstrument(spec: RiskInstrument, settleAsset: string, settleDecimals: number): InstrumentEntry {
  const id = spec.id;
  if (spec.market.kind === 'inverse') {
    throw new ConfigError(`instrument ${id}: inverse contracts are not supported by the margin engine yet (margin is in ${settleAsset})`, { field: 'kind' });
  }
  if (spec.market.settle !== settleAsset) {
    throw new ConfigError(`instrument ${id}: settles in ${spec.market.settle}, the margin engine in ${settleAsset}`, { field: 'settle' });
  }
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
  return { spec, unitQty: lot * spec.market.multiplier, tick, unitScale: 10 ** settleDecimals };
}
