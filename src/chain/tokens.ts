/**
 * Tokens the chain models know, with their on-chain decimals (ERC-20 `decimals()` on Ethereum
 * mainnet). Amounts on the chain are integers in these minor units (wei for ETH/WETH, µ-units
 * for USDC/USDT), never the CEX ledger's 8-decimal units.
 */
import { ConfigError } from '../errors.ts';

export const CHAIN_TOKENS: Readonly<Record<string, number>> = {
  ETH: 18,
  WETH: 18,
  USDC: 6,
  USDT: 6,
  DAI: 18,
  WBTC: 8,
};

/** The CEX asset a chain token is priced as: a wrapped coin as its coin (WETH as ETH). */
export function pricedAs(token: string): string {
  return token === 'WETH' ? 'ETH' : token === 'WBTC' ? 'BTC' : token;
}

export function tokenDecimals(symbol: string, field = 'token'): number {
  const d = CHAIN_TOKENS[symbol];
  if (d === undefined) throw new ConfigError(`unknown chain token ${symbol}`, { field, hint: `tokens: ${Object.keys(CHAIN_TOKENS).join(', ')}` });
  return d;
}

/**
 * Whole tokens → minor units, exact for amounts given to 6 decimals (what a spec writes). Going
 * through 1e6 keeps large amounts (2,000,000 USDC, 10^4 ETH) exact in bigint.
 */
export function toMinor(units: number, decimals: number): bigint {
  const micro = BigInt(Math.round(units * 1e6));
  return decimals >= 6 ? micro * 10n ** BigInt(decimals - 6) : micro / 10n ** BigInt(6 - decimals);
}

/** Minor units → whole tokens (a float for reports). */
export function fromMinor(amount: bigint, decimals: number): number {
  return Number(amount) / 10 ** decimals;
}
