import { Ledger } from '../../ledger/ledger.ts';
import type { Instrument } from '../../market/instrument.ts';
import { BINANCE_BTCUSDT_TIERS, MarginEngine, PortfolioMargin, marginTable, snapshotMargin, type MarginRow } from '../../risk/index.ts';
import type { OptionContract } from '../../venues/options/index.ts';

/**
 * The hedger's margin, computed by the shared `src/risk` MarginEngine (Deribit-style portfolio
 * margin) on a shadow ledger that mirrors the desk's trades. A shadow, because the engine owns
 * positions through `applyFill` (futures-style option accounting) and margins in one settle
 * asset: it does not take inverse (coin) contracts yet. Each inverse option leg is therefore
 * mirrored as the USDT-settled option with the same strike, expiry and size — the same USD payoff
 * max(±(S−K), 0) — at its coin price × S. What this leaves out is the revaluation of the coin
 * premium itself (premium BTC × ΔS), which the desk's own `equity` table does include.
 */
export class ShadowMargin {
  readonly ledger = new Ledger();
  readonly engine = new MarginEngine({ ledger: this.ledger, settleAsset: 'USDT' });
  readonly rows: MarginRow[] = [];
  private readonly perpId: string;
  private readonly optionIds = new Set<string>();

  constructor(
    perp: Instrument,
    depositMinor: bigint,
    tsUs: number,
  ) {
    this.perpId = `${perp.venue}:${perp.symbol}`;
    this.engine.registerInstrument({ id: this.perpId, market: perp, kind: 'perp', underlying: perp.base, tiers: BINANCE_BTCUSDT_TIERS });
    this.engine.openAccount('desk', new PortfolioMargin());
    this.ledger.transfer(tsUs, 'external:deposit', 'desk:cash', 'USDT', depositMinor, 'deposit');
  }

  private optionId(c: OptionContract): string {
    const id = `shadow:${c.symbol}`;
    if (!this.optionIds.has(id)) {
      this.optionIds.add(id);
      const market: Instrument = { symbol: id, venue: 'shadow-options', kind: 'linear', tickSize: '0.01', lotSize: c.lotSize, multiplier: 1, base: c.underlying, quote: 'USDT', settle: 'USDT' };
      this.engine.registerInstrument({ id, market, kind: 'option', underlying: c.underlying, option: { kind: c.kind, strike: c.strike, expiryUs: c.expiryUs } });
    }
    return id;
  }

  setMarket(tsUs: number, underlying: string, spot: number, perpMark: number, vols: readonly [OptionContract, number][]): void {
    for (const [c, v] of vols) this.engine.setIv(this.optionId(c), v);
    this.engine.setBasis(this.perpId, perpMark / spot - 1);
    this.engine.setMark(underlying, spot, tsUs);
  }

  perpFill(tsUs: number, lots: number, priceTicks: number, feeBps: number): void {
    this.engine.applyFill('desk', this.perpId, tsUs, lots, priceTicks, feeBps);
  }

  /** An option trade or expiry close at a USD price per contract. */
  optionFill(tsUs: number, c: OptionContract, lots: number, priceUsd: number): void {
    this.engine.applyFill('desk', this.optionId(c), tsUs, lots, Math.round(priceUsd / 0.01), 0);
  }

  /** Option fees paid in coin, mirrored at their USD value. */
  fee(tsUs: number, usdMinor: bigint): void {
    this.ledger.transfer(tsUs, 'desk:cash', 'shadow:fees', 'USDT', usdMinor, 'fee');
  }

  funding(tsUs: number, paymentMinor: bigint): void {
    this.ledger.transfer(tsUs, 'desk:cash', 'shadow:funding', 'USDT', paymentMinor, 'funding');
  }

  snapshot(tsUs: number): void {
    snapshotMargin(this.engine, tsUs, this.rows);
  }

  table(): ReturnType<typeof marginTable> {
    return marginTable(this.rows);
  }
}
