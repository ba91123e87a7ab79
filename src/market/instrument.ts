import { ConfigError } from '../errors.ts';

export interface Asset {
  symbol: string;
  /** Minor units per whole unit are 10^decimals; ledger amounts are integers in minor units. */
  decimals: number;
}

export type ContractKind = 'spot' | 'linear' | 'inverse';

/**
 * A tradable instrument. Book prices are integer ticks and sizes integer lots; `tickSize` and
 * `lotSize` convert at the edges, as decimal strings so that the conversion is exact.
 */
export interface Instrument {
  symbol: string;
  venue: string;
  kind: ContractKind;
  /** Decimal string, e.g. "0.1". */
  tickSize: string;
  /** Decimal string, e.g. "0.001" (base units for linear/spot; contracts for inverse). */
  lotSize: string;
  /** Inverse: quote value of one contract (e.g. 100 USD); linear: base units per contract (1). */
  multiplier: number;
  base: string;
  quote: string;
  /** Asset PnL and fees settle in: quote for linear/spot, base for inverse. */
  settle: string;
}

/** Decimal string → {mantissa, scale} so that value = mantissa / 10^scale exactly. */
export function parseDecimal(s: string): { mantissa: bigint; scale: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new ConfigError(`"${s}" is not a positive decimal`);
  const frac = m[2] ?? '';
  return { mantissa: BigInt(m[1]! + frac), scale: frac.length };
}

export function decimals(s: string): number {
  return parseDecimal(s).scale;
}

export function priceToTicks(inst: Instrument, price: number): number {
  return Math.round(price / Number(inst.tickSize));
}
export function ticksToPrice(inst: Instrument, ticks: number): number {
  const d = decimals(inst.tickSize);
  return Number((ticks * Number(inst.tickSize)).toFixed(d));
}
export function lotsToQty(inst: Instrument, lots: number): number {
  const d = decimals(inst.lotSize);
  return Number((lots * Number(inst.lotSize)).toFixed(d));
}

export function validateInstrument(inst: Instrument): Instrument {
  for (const f of ['tickSize', 'lotSize'] as const) {
    const { mantissa } = parseDecimal(inst[f]);
    if (mantissa <= 0n) throw new ConfigError(`instrument ${inst.symbol}: ${f} must be > 0`, { field: f });
  }
  if (!(inst.multiplier > 0)) throw new ConfigError(`instrument ${inst.symbol}: multiplier must be > 0`, { field: 'multiplier' });
  return inst;
}

export const ASSETS: Record<string, Asset> = {
  USDT: { symbol: 'USDT', decimals: 8 },
  USD: { symbol: 'USD', decimals: 8 },
  USDC: { symbol: 'USDC', decimals: 8 },
  BTC: { symbol: 'BTC', decimals: 8 },
  ETH: { symbol: 'ETH', decimals: 8 },
};

/** Known instruments of the shared captures; anything else comes from a dataset manifest. */
export const KNOWN_INSTRUMENTS: Record<string, Instrument> = {
  'binance-futures:BTCUSDT': { symbol: 'BTCUSDT', venue: 'binance-futures', kind: 'linear', tickSize: '0.1', lotSize: '0.001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' },
  'binance-futures:ETHUSDT': { symbol: 'ETHUSDT', venue: 'binance-futures', kind: 'linear', tickSize: '0.01', lotSize: '0.001', multiplier: 1, base: 'ETH', quote: 'USDT', settle: 'USDT' },
  'binance-delivery:BTCUSD_PERP': { symbol: 'BTCUSD_PERP', venue: 'binance-delivery', kind: 'inverse', tickSize: '0.1', lotSize: '1', multiplier: 100, base: 'BTC', quote: 'USD', settle: 'BTC' },
  'binance:BTCUSDT': { symbol: 'BTCUSDT', venue: 'binance', kind: 'spot', tickSize: '0.01', lotSize: '0.00000001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' },
};
