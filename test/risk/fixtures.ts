import { Ledger } from '../../src/ledger/ledger.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../../src/market/instrument.ts';
import { MarginEngine } from '../../src/risk/margin-engine.ts';
import { BINANCE_BTCUSDT_TIERS } from '../../src/risk/tiers.ts';
import type { RiskInstrument } from '../../src/risk/types.ts';

export const T0 = 1_700_000_000_000_000;
export const DAY_US = 86_400_000_000;
export const PERP = 'binance-futures:BTCUSDT-PERP';

export const perpMarket: Instrument = { ...KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!, symbol: 'BTCUSDT-PERP' };
/** USDT-settled BTC option: premium in USDT with 0.1 tick, 0.01 BTC per lot. */
export const optionMarket = (symbol: string): Instrument => ({
  symbol, venue: 'options', kind: 'linear', tickSize: '0.1', lotSize: '0.01', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT',
});

export function perpSpec(tiers = BINANCE_BTCUSDT_TIERS): RiskInstrument {
  return { id: PERP, market: perpMarket, kind: 'perp', underlying: 'BTC', tiers };
}

export function optionSpec(kind: 'call' | 'put', strike: number, expiryUs: number): RiskInstrument {
  const id = `BTC-${expiryUs}-${strike}-${kind === 'call' ? 'C' : 'P'}`;
  return { id, market: optionMarket(id), kind: 'option', underlying: 'BTC', option: { kind, strike, expiryUs } };
}

export function newEngine(haircuts?: Record<string, number>) {
  const ledger = new Ledger();
  const engine = new MarginEngine({ ledger, settleAsset: 'USDT', ...(haircuts ? { haircuts } : {}) });
  return { ledger, engine };
}

export function deposit(ledger: Ledger, account: string, usdt: number, asset = 'USDT'): void {
  ledger.transfer(T0, 'external:deposits', `${account}:cash`, asset, BigInt(Math.round(usdt * 1e8)), 'deposit');
}

export const INV = 'binance-delivery:BTCUSD_PERP';
/** Inverse BTCUSD perp: 1 contract = 100 USD, PnL in BTC. */
export function inversePerpSpec(tiers: readonly { notionalCap: number; imr: number; mmr: number }[]): RiskInstrument {
  return { id: INV, market: KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']!, kind: 'perp', underlying: 'BTC', tiers };
}

/** Deribit-style inverse option: premium in BTC (tick 0.0005 BTC), 0.1 BTC per lot, settles in BTC. */
export function coinOptionSpec(kind: 'call' | 'put', strike: number, expiryUs: number): RiskInstrument {
  const id = `deribit:BTC-${expiryUs}-${strike}-${kind === 'call' ? 'C' : 'P'}`;
  const market: Instrument = { symbol: id, venue: 'deribit', kind: 'linear', tickSize: '0.0005', lotSize: '0.1', multiplier: 1, base: 'BTC', quote: 'BTC', settle: 'BTC' };
  return { id, market, kind: 'option', underlying: 'BTC', option: { kind, strike, expiryUs } };
}
