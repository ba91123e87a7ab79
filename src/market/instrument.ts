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
/** Decimal step (tick, lot) → integer mantissa and 10^scale, parsed once per string. */
const STEPS = new Map<string, { m: number; p: number; d: number; x: number }>();
function step(s: string): { m: number; p: number; d: number; x: number } {
  let v = STEPS.get(s);
  if (v === undefined) {
    const { mantissa, scale } = parseDecimal(s);
    v = { m: Number(mantissa), p: 10 ** scale, d: scale, x: Number(s) };
    STEPS.set(s, v);
  }
  return v;
}

/**
 * Integer steps × a decimal step size, as the nearest double to the exact decimal value:
 * (n · mantissa) is an exact integer and the division by 10^scale is correctly rounded, which is
 * what parsing the decimal string gives (and what `toFixed` rounding gave, without formatting).
 */
function scaled(n: number, s: string): number {
  return scaledBy(n, step(s));
}

function scaledBy(n: number, st: { m: number; p: number; d: number; x: number }): number {
  const k = n * st.m;
  return Number.isSafeInteger(k) && st.p <= 1e22 ? k / st.p : Number((n * st.x).toFixed(st.d));
}

/**
 * `scaled(·, s)` with the step looked up once: for a loop over many rows of one instrument (the
 * result tables convert every order's and fill's ticks and lots).
 */
export function scaler(s: string): (n: number) => number {
  const st = step(s);
  return (n) => scaledBy(n, st);
}

export function ticksToPrice(inst: Instrument, ticks: number): number {
  return scaled(ticks, inst.tickSize);
}
export function lotsToQty(inst: Instrument, lots: number): number {
  return scaled(lots, inst.lotSize);
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

/** USD and the USD stablecoins: one unit of each is worth one of the others (a valuation in any of them prices the rest at 1). */
export const USD_ASSETS: ReadonlySet<string> = new Set(['USD', 'USDT', 'USDC']);

const SCALES = new Map<string, number>();

/** Minor units per whole unit of an asset (10^decimals; 8 for an asset not in ASSETS). */
export function assetScale(asset: string): number {
  // Asked for every balance of every equity sample: looked up once per asset.
  let s = SCALES.get(asset);
  if (s === undefined) SCALES.set(asset, (s = 10 ** (ASSETS[asset]?.decimals ?? 8)));
  return s;
}

/** Known instruments of the shared captures; anything else comes from a dataset manifest. */
export const KNOWN_INSTRUMENTS: Record<string, Instrument> = {
  'binance-futures:BTCUSDT': { symbol: 'BTCUSDT', venue: 'binance-futures', kind: 'linear', tickSize: '0.1', lotSize: '0.001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' },
  'binance-futures:ETHUSDT': { symbol: 'ETHUSDT', venue: 'binance-futures', kind: 'linear', tickSize: '0.01', lotSize: '0.001', multiplier: 1, base: 'ETH', quote: 'USDT', settle: 'USDT' },
  'binance-delivery:BTCUSD_PERP': { symbol: 'BTCUSD_PERP', venue: 'binance-delivery', kind: 'inverse', tickSize: '0.1', lotSize: '1', multiplier: 100, base: 'BTC', quote: 'USD', settle: 'BTC' },
  'binance:BTCUSDT': { symbol: 'BTCUSDT', venue: 'binance', kind: 'spot', tickSize: '0.01', lotSize: '0.00000001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' },
  // Bybit's USDT perpetual as LEAN's bars of 2022-12-13 trade it: every price a multiple of 0.5 (its tick then).
  'bybit:BTCUSDT': { symbol: 'BTCUSDT', venue: 'bybit', kind: 'linear', tickSize: '0.5', lotSize: '0.001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' },
};

/**
 * Contract specs of instruments that are inverse (coin-settled) on their exchange, so imports
 * never mistake them for linear contracts. Sizes as the exchange's feeds report them:
 * BitMEX XBTUSD sizes are contracts of 1 USD; Deribit perpetual and future sizes are in USD,
 * in steps of the contract size (BTC 10 USD, ETH 1 USD); Binance COIN-M sizes are contracts
 * (BTC 100 USD, others 10 USD). `tickSize` is the exchange's real tick where it is fixed.
 */
export function knownContract(venue: string, symbol: string): Pick<Instrument, 'kind' | 'lotSize' | 'multiplier'> & { tickSize?: string } | undefined {
  const v = venue.toLowerCase();
  const s = symbol.toUpperCase();
  if (v === 'bitmex' && s === 'XBTUSD') return { kind: 'inverse', lotSize: '1', multiplier: 1, tickSize: '0.5' };
  if (v === 'deribit' && /^BTC-(PERPETUAL|\d{1,2}[A-Z]{3}\d{2})$/.test(s)) return { kind: 'inverse', lotSize: '10', multiplier: 1, tickSize: '0.5' };
  if (v === 'deribit' && /^ETH-(PERPETUAL|\d{1,2}[A-Z]{3}\d{2})$/.test(s)) return { kind: 'inverse', lotSize: '1', multiplier: 1, tickSize: '0.05' };
  if ((v === 'binance-delivery' || v === 'binance-coin-m') && /^[A-Z]+USD_(PERP|\d{6})$/.test(s)) {
    return { kind: 'inverse', lotSize: '1', multiplier: s.startsWith('BTCUSD_') ? 100 : 10 };
  }
  return undefined;
}
