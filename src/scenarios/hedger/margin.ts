import type { Ledger } from '../../ledger/ledger.ts';
import type { Position } from '../../ledger/portfolio.ts';
import type { Instrument } from '../../market/instrument.ts';
import type { ColumnData } from '../../results/arrow-io.ts';
import { BINANCE_BTCUSDT_TIERS, MarginEngine, PortfolioMargin, type MarginRow, type TrackedPosition } from '../../risk/index.ts';
import { premiumInstrument, type OptionContract, type OptionsVenue } from '../../venues/options/index.ts';

/** The engine's margin row plus the per-settle-asset pools the hedger reports. */
export interface DeskMarginRow extends MarginRow {
  btcEquity: number;
  btcIm: number;
  btcMm: number;
  usdtEquity: number;
  usdtIm: number;
  usdtMm: number;
}

/**
 * The hedger's margin from the shared `src/risk` MarginEngine on the desk's own ledger: no shadow.
 * The engine tracks the real positions — the linear perp's `Position` (USDT, futures-style) and
 * each inverse option the options venue holds (coin premium already in BTC cash, so the tracked
 * cost basis is 0 and the position's uPnL is its coin value) — and reads `desk:cash` in USDT and
 * BTC from the ledger. Two pools under portfolio margin: USDT (perp, scenario grid in USDT) and
 * BTC (options, grid revalued in coin). The BTC pool's equity (cash + option value) counts at the
 * mark less `btcHaircut` when positive; no offset between the pools (the perp hedge does not
 * reduce the options' coin requirement), which is the conservative reading of cross-collateral.
 */
export class DeskMargin {
  readonly engine: MarginEngine;
  readonly rows: DeskMarginRow[] = [];
  private readonly perpId: string;
  private readonly tracked = new Set<string>();

  constructor(
    ledger: Ledger,
    perp: Instrument,
    perpPosition: Position,
    private readonly options: OptionsVenue,
    readonly btcHaircut: number,
  ) {
    this.engine = new MarginEngine({ ledger, settleAsset: perp.settle, haircuts: { BTC: btcHaircut } });
    this.perpId = `${perp.venue}:${perp.symbol}`;
    this.engine.registerInstrument({ id: this.perpId, market: perp, kind: 'perp', underlying: perp.base, tiers: BINANCE_BTCUSDT_TIERS });
    this.engine.openAccount(perpPosition.account, new PortfolioMargin());
    this.engine.trackPosition(perpPosition.account, this.perpId, perpPosition);
  }

  private optionId(c: OptionContract): string {
    return `deribit:${c.symbol}`;
  }

  /** Start tracking every option position of `account` the venue holds (idempotent). */
  private trackOptions(account: string): void {
    for (const p of this.options.positions.values()) {
      if (p.account !== account) continue;
      const id = this.optionId(p.contract);
      if (this.tracked.has(id)) continue;
      this.tracked.add(id);
      const c = p.contract;
      this.engine.registerInstrument({ id, market: premiumInstrument(c), kind: 'option', underlying: c.underlying, option: { kind: c.kind, strike: c.strike, expiryUs: c.expiryUs } });
      // Premium-paid: the venue moved the premium to cash at the trade, so the whole value is open PnL.
      const view: TrackedPosition = { get lots() { return p.lots; }, costBasis: 0n };
      this.engine.trackPosition(account, id, view);
    }
  }

  /** Reprice at the current marks: underlying (option forward), perp mark, each live option's vol. */
  setMarket(tsUs: number, account: string, underlying: string, spot: number, perpMark: number, vols: readonly [OptionContract, number][]): void {
    this.trackOptions(account);
    for (const [c, v] of vols) this.engine.setIv(this.optionId(c), v);
    this.engine.setBasis(this.perpId, perpMark / spot - 1);
    this.engine.setMark(underlying, spot, tsUs);
    this.engine.revalue(account, tsUs);
  }

  snapshot(tsUs: number): void {
    for (const id of this.engine.accountIds()) {
      const s = this.engine.state(id);
      const btc = s.perAsset?.BTC;
      const usdt = s.perAsset?.USDT;
      this.rows.push({
        tsUs, account: id, equity: s.equity, im: s.im, mm: s.mm, marginRatio: s.marginRatio,
        btcEquity: btc?.equity ?? 0, btcIm: btc?.im ?? 0, btcMm: btc?.mm ?? 0,
        usdtEquity: usdt?.equity ?? s.equity, usdtIm: usdt?.im ?? s.im, usdtMm: usdt?.mm ?? s.mm,
      });
    }
  }

  table(): Record<string, ColumnData> {
    const r = this.rows;
    const col = (f: (x: DeskMarginRow) => number) => Float64Array.from(r, f);
    return {
      ts_us: col((x) => x.tsUs),
      account: r.map((x) => x.account),
      equity: col((x) => x.equity),
      im: col((x) => x.im),
      mm: col((x) => x.mm),
      margin_ratio: col((x) => x.marginRatio),
      equity_btc: col((x) => x.btcEquity),
      im_btc: col((x) => x.btcIm),
      mm_btc: col((x) => x.btcMm),
      equity_usdt: col((x) => x.usdtEquity),
      im_usdt: col((x) => x.usdtIm),
      mm_usdt: col((x) => x.usdtMm),
    };
  }
}
