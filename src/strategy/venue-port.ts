import type { Side } from '../market/book.ts';
import type { Position } from '../ledger/portfolio.ts';
import type { ClobVenue, VenueListener } from '../venues/clob/venue.ts';
import type { Fill, OrderReport, OrderRequest, OrderView, OwnOrder } from '../venues/clob/order.ts';
import type { BarView, BookView, PnlView, Subscription, TradeView, VenueContext } from './api.ts';
import { ConfigError } from '../errors.ts';

/** What the host needs from a port to run callbacks (implemented by StrategyHost). */
export interface PortHost {
  bookMessage(port: VenuePort): void;
  tradePrint(port: VenuePort, t: TradeView): void;
  barClosed(port: VenuePort, bar: BarView): void;
  orderUpdate(port: VenuePort, v: OrderView): void;
  fill(port: VenuePort, f: Fill): void;
}

/** How orders enter a venue: straight to the CLOB, or through a pre-trade gate (margin, balances). */
export interface OrderEntry {
  submit(req: OrderRequest, decisionMidTicks: number): OwnOrder;
  /** An amend through the same pre-trade check as a new order (absent: straight to the book). */
  amend?(orderId: number, priceTicks: number, sizeLots: number): void;
}

export interface VenuePortConfig {
  id: string;
  kind: 'spot' | 'perp';
  clob: ClobVenue;
  entry: OrderEntry;
  /** Mark in ticks (perp mark model; the mid for spot). */
  mark: () => number;
  subscription: Required<Subscription>;
}

/** The builder connects a port to its venue with `venue.setListener(port)` (a perp venue also reports its gate's rejections). */

/**
 * One venue as one strategy sees it: turns the venue's replay notifications and reports into
 * host callbacks, and the strategy's requests into venue messages (which then travel with
 * latency). Orders are seen only through reports (`OrderView`), never the venue's live state.
 */
export class VenuePort implements VenueContext, VenueListener {
  readonly id: string;
  readonly kind: 'spot' | 'perp';
  readonly book: BookView;
  private readonly clob: ClobVenue;
  private readonly entry: OrderEntry;
  private readonly markFn: () => number;
  readonly sub: Required<Subscription>;
  private lastBookUs = -Infinity;
  private lastBid = NaN;
  private lastAsk = NaN;
  private lastBidSize = NaN;
  private lastAskSize = NaN;
  private readonly trade: TradeView = { tsUs: 0, aggressor: 0, priceTicks: 0, sizeLots: 0 };
  /** The desk's view of orders not yet known to be done, by id (insertion order = submission order). */
  private readonly live = new LiveViews();
  host: PortHost | undefined;
  /** True when the strategy has an onTrade callback and subscribed to trades. */
  wantsTrades = false;
  /** True when the strategy has an onBook callback and a book subscription. */
  wantsBook = false;

  constructor(cfg: VenuePortConfig) {
    this.id = cfg.id;
    this.kind = cfg.kind;
    this.clob = cfg.clob;
    this.entry = cfg.entry;
    this.markFn = cfg.mark;
    this.book = cfg.clob.book;
    this.sub = cfg.subscription;
  }

  get instrument() {
    return this.clob.instrument;
  }
  get position(): Position {
    return this.clob.position;
  }
  get positionLots(): number {
    return this.clob.position.lots;
  }

  markTicks(): number {
    return this.markFn();
  }

  pnl(): PnlView {
    const p = this.clob.position;
    const n = p.notional;
    const mark = this.markFn();
    const realized = n.toUnits(p.realized);
    const unrealized = n.toUnits(p.unrealized(mark));
    const fees = n.toUnits(p.fees);
    return { realized, unrealized, fees, equity: realized + unrealized - fees };
  }

  // ---- replay notifications (hot path) ----

  /** After a complete book message: dedupe/throttle per the subscription, then the callback. */
  onBookMessage(nowUs: number): void {
    if (!this.wantsBook) return;
    if (nowUs - this.lastBookUs < this.sub.bookThrottleUs) return;
    const b = this.clob.book;
    if (this.sub.book === 'bbo') {
      const bs = b.bestSize(0);
      const as = b.bestSize(1);
      if (b.bestBid === this.lastBid && b.bestAsk === this.lastAsk && bs === this.lastBidSize && as === this.lastAskSize) return;
      this.lastBid = b.bestBid;
      this.lastAsk = b.bestAsk;
      this.lastBidSize = bs;
      this.lastAskSize = as;
    }
    if (b.bestBid < 0 || b.bestAsk === Number.MAX_SAFE_INTEGER) return;
    this.lastBookUs = nowUs;
    this.host!.bookMessage(this);
  }

  /** Market trades for the router's interval VWAP (set by the builder when the strategy has one). */
  tradeTap: ((tsUs: number, priceTicks: number, sizeLots: number) => void) | undefined;

  onTradePrint(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    if (this.tradeTap !== undefined) this.tradeTap(tsUs, priceTicks, sizeLots);
    if (!this.wantsTrades) return;
    const t = this.trade;
    t.tsUs = tsUs;
    t.aggressor = aggressor;
    t.priceTicks = priceTicks;
    t.sizeLots = sizeLots;
    this.host!.tradePrint(this, t);
  }

  // ---- venue responses ----

  /** Bar aggregation for the subscribed intervals (set up by `setBarIntervals`). */
  private aggs: { intervalUs: number; bar: BarView; open: boolean }[] = [];

  /** Intervals (µs) to aggregate the venue's bars into, besides its own. */
  setBarIntervals(baseUs: number, intervalsUs: readonly number[]): void {
    for (const d of intervalsUs) {
      if (d === baseUs) continue;
      if (d % baseUs !== 0) throw new ConfigError(`bar interval ${d / 1e6}s is not a multiple of the venue's ${baseUs / 1e6}s bars`, { field: 'subscribe.bars' });
      this.aggs.push({ intervalUs: d, bar: { tsUs: 0, intervalUs: d, open: 0, high: 0, low: 0, close: 0, volume: 0 }, open: false });
    }
  }

  /**
   * A base bar closed: deliver it, then any longer bar it completes (aligned to the epoch). A
   * longer bar whose last base bars are missing (no trade in those minutes) is delivered when the
   * first base bar past it closes, before that bar: the earliest the run can know it is over.
   * Before, it was overwritten by the next one and never delivered.
   */
  onBar(b: BarView): void {
    if (!this.host) return;
    for (const a of this.aggs) {
      if (a.open && Math.floor(b.tsUs / a.intervalUs) * a.intervalUs !== a.bar.tsUs) {
        a.open = false;
        this.host.barClosed(this, a.bar);
      }
    }
    this.host.barClosed(this, b);
    for (const a of this.aggs) {
      const start = Math.floor(b.tsUs / a.intervalUs) * a.intervalUs;
      const x = a.bar;
      if (!a.open || x.tsUs !== start) {
        x.tsUs = start;
        x.open = b.open;
        x.high = b.high;
        x.low = b.low;
        x.volume = 0;
        a.open = true;
      }
      if (b.high > x.high) x.high = b.high;
      if (b.low < x.low) x.low = b.low;
      x.close = b.close;
      x.volume += b.volume;
      if (b.tsUs + b.intervalUs >= start + a.intervalUs) {
        a.open = false;
        this.host.barClosed(this, x);
      }
    }
  }

  onOrderUpdate(report: OrderReport): void {
    const v = this.live.get(report.id);
    if (!v) return; // already known to be done
    v.priceTicks = report.priceTicks;
    v.sizeLots = report.sizeLots;
    v.reason = report.reason;
    v.pendingAmend = false;
    // Fills travel as their own reports; a 'filled' status may overtake them, never the reverse.
    if (report.status !== 'filled' || v.filledLots >= v.sizeLots) v.status = report.status;
    if (v.status !== 'open' && v.status !== 'pending') this.live.delete(v);
    this.host?.orderUpdate(this, v);
  }

  onFill(f: Fill): void {
    const v = this.live.get(f.orderId);
    if (v) {
      v.filledLots += f.sizeLots;
      if (v.filledLots >= v.sizeLots) {
        v.status = 'filled';
        this.live.delete(v);
      }
    }
    this.host?.fill(this, f);
  }

  // ---- orders ----

  submit(req: OrderRequest): OrderView {
    const o = this.entry.submit(req, this.clob.book.midTicks());
    const v: OrderView = {
      id: o.id,
      side: o.side,
      type: o.type,
      tif: o.tif,
      tag: o.tag,
      submitTsUs: o.submitTsUs,
      priceTicks: o.priceTicks,
      sizeLots: o.sizeLots,
      filledLots: 0,
      status: 'pending',
      reason: '',
      pendingAmend: false,
    };
    this.live.add(v);
    return v;
  }

  cancel(orderId: number): void {
    if (this.live.get(orderId) !== undefined) this.clob.cancel(orderId);
  }

  cancelAll(): void {
    for (const v of [...this.live.values()]) this.clob.cancel(v.id);
  }

  amend(orderId: number, priceTicks: number, sizeLots: number): void {
    const v = this.live.get(orderId);
    if (!v) return;
    v.pendingAmend = true;
    if (this.entry.amend) this.entry.amend(orderId, priceTicks, sizeLots);
    else this.clob.amend(orderId, priceTicks, sizeLots);
  }

  openOrders(): readonly OrderView[] {
    const out: OrderView[] = [];
    for (const o of this.live.values()) if (o.status === 'open' || o.status === 'pending') out.push(o);
    return out;
  }
}

/**
 * The desk's orders not yet known to be done, by id: a list in id order (a port submits in id
 * order), searched by bisection. A Map's delete and set at every order reallocated its table
 * every few orders.
 */
class LiveViews {
  private readonly list: OrderView[] = [];

  private indexOf(id: number): number {
    const l = this.list;
    let lo = 0;
    let hi = l.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = l[mid]!.id;
      if (x === id) return mid;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(id: number): OrderView | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.list[i];
  }

  add(v: OrderView): void {
    const l = this.list;
    let i = l.length;
    l.push(v);
    // Ids come in order; an out-of-order one is moved to its place.
    while (i > 0 && l[i - 1]!.id > v.id) {
      l[i] = l[i - 1]!;
      l[--i] = v;
    }
  }

  delete(v: OrderView): void {
    const i = this.indexOf(v.id);
    if (i < 0) return;
    const l = this.list;
    for (let k = i + 1; k < l.length; k++) l[k - 1] = l[k]!;
    // pop, not length--: V8 makes a shrinking length store a runtime call.
    l.pop();
  }

  values(): readonly OrderView[] {
    return this.list;
  }
}
