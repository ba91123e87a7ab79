import { ConfigError } from '../../errors.ts';
import type { Instrument } from '../../market/instrument.ts';
import type { OptionKind } from '../../pricing/index.ts';

/**
 * An option contract. `inverse` (Deribit): premium quoted and settled in the coin, payoff
 * max(S−K, 0)/S coin per contract; `linear`: premium and payoff in the quote (USD-style).
 */
export interface OptionContract {
  symbol: string;
  /** Underlying coin, e.g. BTC. */
  underlying: string;
  kind: OptionKind;
  strike: number;
  expiryUs: number;
  style: 'inverse' | 'linear';
  /** Asset premium and settlement are paid in (the coin for inverse). */
  settle: string;
  /** Premium tick in the settle asset, decimal string (Deribit BTC: 0.0001). */
  tickSize: string;
  /** Contracts per lot, decimal string, one contract = 1 coin (Deribit BTC: 0.1). */
  lotSize: string;
}

/** The ledger-side instrument of an option: premium × size, linear in the settle asset. */
export function premiumInstrument(c: OptionContract): Instrument {
  return { symbol: c.symbol, venue: 'options', kind: 'linear', tickSize: c.tickSize, lotSize: c.lotSize, multiplier: 1, base: c.symbol, quote: c.settle, settle: c.settle };
}

/** Deribit-style contract from chain fields; `underlying` is the symbol's prefix (BTC-9JUN20-… → BTC). */
export function deribitContract(symbol: string, kind: OptionKind, strike: number, expiryUs: number, opts: Partial<Pick<OptionContract, 'style' | 'tickSize' | 'lotSize' | 'settle'>> = {}): OptionContract {
  const underlying = symbol.split('-')[0] ?? '';
  if (!underlying) throw new ConfigError(`option symbol "${symbol}" has no underlying prefix`, { field: 'symbol' });
  const style = opts.style ?? 'inverse';
  return {
    symbol,
    underlying,
    kind,
    strike,
    expiryUs,
    style,
    settle: opts.settle ?? (style === 'inverse' ? underlying : 'USD'),
    tickSize: opts.tickSize ?? '0.0001',
    lotSize: opts.lotSize ?? '0.1',
  };
}
