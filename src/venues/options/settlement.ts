import { ModelError } from '../../errors.ts';
import { divRound } from '../../ledger/ledger.ts';
import { ASSETS, parseDecimal } from '../../market/instrument.ts';
import type { OptionContract } from './contract.ts';

/** Prices (strike, settlement) are carried as integers over 1e8: exact for any price printed with ≤ 8 decimals. */
const PX = 100_000_000;
const PXN = 100_000_000n;

const scaled = (symbol: string, field: string, x: number): bigint => {
  if (!(x > 0) || !Number.isFinite(x)) throw new ModelError(`${symbol}: ${field} ${x} must be a positive finite price`, { field });
  return BigInt(Math.round(x * PX));
};

/**
 * Expiry payout in the settle asset's minor units for a signed number of lots (holder receives,
 * writer pays), rounded once, half away from zero:
 *   inverse: lots × lotSize × max(±(S − K), 0) / S   (coin)
 *   linear:  lots × lotSize × max(±(S − K), 0)       (quote)
 */
export function expiryPayout(c: OptionContract, lots: number, settlementPrice: number): bigint {
  const asset = ASSETS[c.settle];
  if (!asset) throw new ModelError(`${c.symbol}: unknown settle asset ${c.settle}`, { field: 'settle' });
  const unit = 10n ** BigInt(asset.decimals);
  const s = scaled(c.symbol, 'settlement price', settlementPrice);
  const k = scaled(c.symbol, 'strike', c.strike);
  const intrinsic = c.kind === 'call' ? s - k : k - s;
  if (intrinsic <= 0n || lots === 0) return 0n;
  const l = parseDecimal(c.lotSize);
  const q = BigInt(lots) * l.mantissa;
  const lotScale = 10n ** BigInt(l.scale);
  if (c.style === 'inverse') return divRound(q * intrinsic * unit, lotScale * s);
  return divRound(q * intrinsic * unit, lotScale * PXN);
}
