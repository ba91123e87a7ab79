import { ConfigError } from '../errors.ts';
import { NumberMap } from '../kernel/number-map.ts';
import type { Ledger, Transfer } from '../ledger/ledger.ts';
import type { Position } from '../ledger/portfolio.ts';
import { ASSETS, assetScale, lotsToQty, USD_ASSETS } from '../market/instrument.ts';
import { BID, NO_ASK, NO_BID, type Side } from '../market/book.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import type { AccountContext, MarginView } from '../strategy/api.ts';
import type { OrderEntry } from '../strategy/venue-port.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import { LiveOrders } from '../venues/clob/own-orders.ts';
import { checkAmend, checkOrderRequest, type OrderRequest, type OwnOrder } from '../venues/clob/order.ts';

/**
 * Prices of assets in the run's valuation asset (e.g. USDT), kept current by the venue drivers
 * (spot mids, perp index prices). USD and USDT are taken at par with each other: the one
 * approximation of the valuation, stated here.
 */
export class Prices {
  private readonly px = new NumberMap();
  constructor(readonly valuation: string) {}

  set(asset: string, price: number): void {
    if (price > 0 && Number.isFinite(price)) this.px.set(asset, price);
  }

  get(asset: string): number {
    if (asset === this.valuation) return 1;
    if (USD_ASSETS.has(asset) && USD_ASSETS.has(this.valuation)) return 1;
    return this.px.get(asset) ?? NaN;
  }
}

/** One leg of an account's equity: a venue's trading PnL, or deposits, or liquidation transfers. */
export interface VenueBook {
  id: string;
  kind: 'spot' | 'perp';
  position: Position;
  /** Mark in ticks used to value the open position. */
  mark(): number;
  /** Initial margin the venue's open orders hold (a perp behind the margin gate); absent: none. */
  orderMargin?(): number;
}

/** A leg of equity that is not a CLOB position, e.g. an account's options on an options venue. */
export interface WalletLeg {
  id: string;
  /** Assets its cash flows settle in (held in the wallet). */
  assets: readonly string[];
  /** Open value in the valuation asset (added to equity). */
  value(): number;
  /** Its whole PnL in the valuation asset: cash it moved plus open value (a column of the equity split). */
  pnl(): number;
  /** What was put into it from outside (on-chain funding) at current prices: counted with the wallet's deposits. */
  deposits?(): number;
}

/**
 * An account of the run: one wallet (`<id>:cash` in the ledger, every asset in it), the
 * positions its venues book, and — unless it is a cash account — its state in the shared margin
 * engine. Equity is the wallet at current prices plus open derivative PnL; it also splits
 * exactly into deposits at current prices + each venue's PnL + liquidation transfers.
 */
export class AccountWallet implements AccountContext {
  readonly cashAccount: string;
  readonly venues: VenueBook[] = [];
  readonly legs: WalletLeg[] = [];
  private readonly deposits = new Map<string, bigint>();
  /** Net liquidation transfers (fees paid out negative, insurance cover in positive), per asset. */
  private readonly liquidation = new Map<string, bigint>();

  constructor(
    readonly id: string,
    readonly marginMode: 'cash' | 'cross' | 'isolated' | 'portfolio',
    private readonly ledger: Ledger,
    readonly prices: Prices,
    private readonly engine: MarginEngine | undefined,
  ) {
    this.cashAccount = `${id}:cash`;
    ledger.onTransfer((t) => this.onTransfer(t));
  }

  private onTransfer(t: Transfer): void {
    if (t.kind !== 'liquidation' && t.kind !== 'insurance') return;
    const sign = t.to === this.cashAccount ? 1n : t.from === this.cashAccount ? -1n : 0n;
    if (sign !== 0n) this.liquidation.set(t.asset, (this.liquidation.get(t.asset) ?? 0n) + sign * t.amount);
  }

  deposit(tsUs: number, asset: string, units: number): void {
    if (!ASSETS[asset]) throw new ConfigError(`unknown asset ${asset}`, { field: `accounts.${this.id}.deposits` });
    const minor = BigInt(Math.round(units * assetScale(asset)));
    this.ledger.transfer(tsUs, 'external:deposits', this.cashAccount, asset, minor, 'deposit');
    this.deposits.set(asset, (this.deposits.get(asset) ?? 0n) + minor);
    this.depositUnits = undefined;
  }

  /** Deposits in whole units per asset, in the map's order (made again after a deposit): read at every equity sample. */
  private depositUnits: { asset: string; units: number }[] | undefined;

  balance(asset: string): number {
    return Number(this.ledger.balance(this.cashAccount, asset)) / assetScale(asset);
  }

  /** assets(), and the counts it was made from (deposits, venues and legs only grow). */
  private assetsMemo: { deposits: number; venues: number; legs: number; list: string[] } | undefined;

  /** Assets the wallet holds or was funded with. */
  assets(): string[] {
    const m = this.assetsMemo;
    if (m !== undefined && m.deposits === this.deposits.size && m.venues === this.venues.length && m.legs === this.legs.length) return m.list;
    const s = new Set<string>([...this.deposits.keys()]);
    for (const v of this.venues) {
      s.add(v.position.inst.settle);
      if (v.kind === 'spot') s.add(v.position.inst.base);
    }
    for (const l of this.legs) for (const a of l.assets) s.add(a);
    const list = [...s].sort();
    this.assetsMemo = { deposits: this.deposits.size, venues: this.venues.length, legs: this.legs.length, list };
    return list;
  }

  /** Open PnL of a derivative position in its settle asset's whole units (spot: 0, valued in the wallet). */
  private openPnl(v: VenueBook): number {
    if (v.kind === 'spot') return 0;
    const p = v.position;
    return p.lots === 0 ? 0 : p.notional.toUnits(p.unrealized(v.mark()));
  }

  /** Equity in the valuation asset: every wallet balance at its price plus open derivative PnL. */
  equity(): number {
    let e = 0;
    for (const a of this.assets()) {
      const b = this.balance(a);
      if (b !== 0) e += b * this.prices.get(a);
    }
    for (const v of this.venues) {
      const u = this.openPnl(v);
      if (u !== 0) e += u * this.prices.get(v.position.inst.settle);
    }
    for (const l of this.legs) e += l.value();
    return e;
  }

  /** Deposits at current prices. */
  depositsValue(): number {
    let e = 0;
    const d = (this.depositUnits ??= [...this.deposits].map(([asset, m]) => ({ asset, units: Number(m) / assetScale(asset) })));
    for (let i = 0; i < d.length; i++) e += d[i]!.units * this.prices.get(d[i]!.asset);
    for (const l of this.legs) if (l.deposits !== undefined) e += l.deposits();
    return e;
  }

  /** A venue's trading PnL (realized + open − fees − funding) in the valuation asset. */
  venuePnl(v: VenueBook): number {
    const p = v.position;
    const n = p.notional;
    const open = p.lots === 0 ? 0 : n.toUnits(p.unrealized(v.mark()));
    return (n.toUnits(p.realized) + open - n.toUnits(p.fees) - n.toUnits(p.funding)) * this.prices.get(p.inst.settle);
  }

  liquidationValue(): number {
    let e = 0;
    for (const [a, m] of this.liquidation) e += (Number(m) / assetScale(a)) * this.prices.get(a);
    return e;
  }

  margin(): MarginView {
    if (!this.engine) {
      const e = this.equity();
      return { equity: e, initialMargin: 0, maintenanceMargin: 0, marginRatio: 0, orderMargin: 0, available: e };
    }
    const s = this.engine.state(this.id);
    let orderMargin = 0;
    for (const v of this.venues) if (v.orderMargin) orderMargin += v.orderMargin();
    return { equity: s.equity, initialMargin: s.im, maintenanceMargin: s.mm, marginRatio: s.marginRatio, orderMargin, available: s.equity - s.im - orderMargin };
  }

  /**
   * Price (ticks) at which a perp position's account would reach maintenance margin, all else
   * equal: solves equity + qty·(P − mark) = MM at the current maintenance rate (linear); NaN when
   * flat, for spot, or when no such price exists.
   */
  liquidationPriceTicks(venueId: string): number {
    const v = this.venues.find((x) => x.id === venueId);
    if (!v || v.kind !== 'perp' || v.position.lots === 0 || !this.engine) return NaN;
    const p = v.position;
    const inst = p.inst;
    const tick = Number(inst.tickSize);
    const mark = v.mark() * tick;
    const s = this.engine.state(this.id);
    const mmRate = s.mm > 0 ? s.mm / (Math.abs(lotsToQty(inst, p.lots)) * mark) : 0;
    if (inst.kind === 'inverse') return NaN;
    const qty = lotsToQty(inst, p.lots) * inst.multiplier;
    // equity(P) = E + qty (P − m); MM(P) = mmRate |qty| P → P = (qty m − E) / (qty − mmRate |qty|)
    const den = qty - mmRate * Math.abs(qty);
    if (den === 0) return NaN;
    const price = (qty * mark - s.equity) / den;
    return price > 0 ? price / tick : NaN;
  }
}

/**
 * Pre-trade check for spot: a sale may not exceed the wallet's base asset net of open sells, a
 * purchase may not exceed its quote asset net of open buys (at the limit, or the touch for a
 * market order), fees included. Refused orders are rejected at the desk with the reason, never
 * filled. (Spot borrowing is not modelled: no sale beyond holdings.)
 */
export class SpotBalanceEntry implements OrderEntry {
  private readonly active = new LiveOrders();

  constructor(
    private readonly clob: ClobVenue,
    private readonly ledger: Ledger,
    private readonly cashAccount: string,
    private readonly takerFeeBps: number,
  ) {}

  submit(req: OrderRequest, decisionMidTicks: number): OwnOrder {
    // Checked once, before the cash check reads its side and size (a side of 'buy' was a sell here).
    checkOrderRequest(req);
    // A market order and a trailing stop (no price of its own yet) are priced at the touch.
    const why = this.refusal(req.side, (req.type ?? 'limit') === 'market' || req.trailBps !== undefined, req.priceTicks, req.sizeLots, undefined);
    if (why !== undefined) return this.clob.rejectAtSubmit(req, decisionMidTicks, why);
    const o = this.clob.submitChecked(req, decisionMidTicks);
    this.active.add(o);
    return o;
  }

  /**
   * An amend through the same check: the order's new remaining size at its new price against
   * what the wallet holds net of the other open orders (a one-lot buy amended to a thousand lots
   * used to skip it). A refused amend leaves the order as it was, with the reason in its report.
   */
  amend(orderId: number, priceTicks: number, sizeLots: number): void {
    const o = this.clob.orderById(orderId);
    if (o && (o.status === 'open' || o.status === 'pending') && sizeLots > o.filledLots) {
      checkAmend(priceTicks, sizeLots);
      const why = this.refusal(o.side, o.type === 'market' || o.trailBps !== undefined, priceTicks, sizeLots - o.filledLots, o);
      if (why !== undefined) return this.clob.refuseAmend(orderId, why);
    }
    this.clob.amend(orderId, priceTicks, sizeLots);
  }

  /** Why an order of `sizeLots` (at `priceTicks`, or the touch for a market order) does not fit in the wallet, net of the open orders but `exclude`; undefined when it fits. */
  private refusal(side: Side, market: boolean, priceTicks: number | undefined, sizeLots: number, exclude: OwnOrder | undefined): string | undefined {
    const inst = this.clob.instrument;
    const n = this.clob.position.notional;
    const book = this.clob.book;
    let reservedBase = 0n;
    let reservedQuote = 0n;
    this.active.live((o) => {
      if (o === exclude) return;
      const left = o.sizeLots - o.filledLots;
      // A trailing stop before its first trigger has no price: it holds cash at the touch.
      const at = Number.isFinite(o.priceTicks) ? o.priceTicks : book.bestAsk;
      if (o.side === BID) reservedQuote += at === NO_ASK ? 0n : n.value(at, left);
      else reservedBase += n.baseUnits(left);
    });
    if (side === BID) {
      const px = market ? (book.bestAsk === NO_ASK ? NaN : book.bestAsk) : priceTicks!;
      if (!Number.isFinite(px)) return 'spot buy: no ask to price a market order';
      const cost = n.value(px, sizeLots);
      const need = cost + n.fee(cost, Math.max(0, this.takerFeeBps));
      const have = this.ledger.balance(this.cashAccount, inst.quote) - reservedQuote;
      if (need > have) return `insufficient ${inst.quote}: buy needs ${n.toUnits(need)} incl. fees, available ${n.toUnits(have)} after open orders`;
      return undefined;
    }
    if (market && book.bestBid === NO_BID) return 'spot sell: no bid for a market order';
    const need = n.baseUnits(sizeLots);
    const have = this.ledger.balance(this.cashAccount, inst.base) - reservedBase;
    if (need > have) {
      const d = assetScale(inst.base);
      return `insufficient ${inst.base}: sell of ${Number(need) / d} exceeds holdings available ${Number(have) / d} (no borrowing on spot)`;
    }
    return undefined;
  }
}
