import { ConfigError } from '../../errors.ts';
import type { EventHandler } from '../../kernel/event-queue.ts';
import type { Rng } from '../../kernel/rng.ts';
import { PRIO_RESPONSE, PRIO_VENUE, type Simulation } from '../../kernel/simulation.ts';
import { ASK, BID, L2Book, NO_ASK, NO_BID, type Side } from '../../market/book.ts';
import type { Instrument } from '../../market/instrument.ts';
import type { LatencyModel } from '../../market/latency.ts';
import type { QueueModel } from '../../market/queue-model.ts';
import type { Position } from '../../ledger/portfolio.ts';
import type { FeeModel } from './fees.ts';
import { OwnOrderBook } from './own-orders.ts';
import { checkAmend, checkOrderRequest, remaining, reportOf, type Fill, type OrderReport, type OrderRequest, type OwnOrder } from './order.ts';

/**
 * What the venue tells the desk, after the response latency. `onOrderUpdate` gets a copy of the
 * order as it stood when the venue sent the report, so the desk never sees later venue state.
 */
export interface VenueListener {
  onOrderUpdate(report: OrderReport): void;
  onFill(f: Fill, o: OwnOrder): void;
}

export interface ClobVenueConfig {
  instrument: Instrument;
  queue: QueueModel;
  fees: FeeModel;
  entryLatency: LatencyModel;
  responseLatency: LatencyModel;
  /** Use the data's two timestamps to delay order arrival by the current feed latency. */
  feedLatencyFromData: boolean;
  clockOffsetUs: number;
}

const EV_NEW = 1;
const EV_CANCEL = 2;
const EV_AMEND = 3;
/** Resting reduce-only orders against the position after a fill changed it (arg unused). */
const EV_REDUCE_ONLY = 4;
const RESP_UPDATE = 10;
const RESP_FILL = 11;

/**
 * A central limit order book venue: the replayed L2 book plus the desk's own orders. Own resting
 * orders sit in a FIFO behind the visible size (queue model); own taker orders walk the book and
 * remove the liquidity they took until the replayed book next updates that level.
 */
export class ClobVenue implements EventHandler {
  readonly book = new L2Book();
  readonly own: OwnOrderBook;
  /**
   * The desk's fills and orders still held in memory, in seq / id order. A long run's recorder
   * drains the done prefix (`drainDone`) to its spool, so these start at `fillBase` / `orderBase`;
   * `fillCount` / `orderCount` are the totals.
   */
  readonly fills: Fill[] = [];
  readonly orders: OwnOrder[] = [];
  private orderBase = 0;
  private fillBase = 0;
  /** Order state as the venue reported it, one per response (the desk sees these, never the live order). */
  private readonly reports: (OrderReport | undefined)[] = [];
  private reportBase = 0;
  /** Fills whose report has not reached the desk yet (their fill and order must stay in memory). */
  // A short list (the fills of the last few responses), removed from in place: a Set's delete and
  // re-add at every fill reallocated its table every few fills.
  private readonly fillsInFlight: number[] = [];
  private listener: VenueListener | undefined;
  private readonly rngQueue: Rng;
  private readonly rngEntry: Rng;
  private readonly rngResp: Rng;
  /**
   * Per side, the levels own taker orders consumed (price, lots taken) until the replayed book next
   * updates them: a few at a time, in short arrays (a Map's set and delete at every taker order
   * reallocated its table).
   */
  private readonly consumedP: [number[], number[]] = [[], []];
  private readonly consumedL: [number[], number[]] = [[], []];
  private consumedCount = 0;
  /** Latest feed latency measured from the data, µs. */
  feedLatencyUs = 0;
  private readonly scratchP = new Float64Array(256);
  private readonly scratchS = new Float64Array(256);
  stats = { ordersSubmitted: 0, ordersRejected: 0, makerFills: 0, takerFills: 0 };

  constructor(
    private readonly sim: Simulation,
    readonly cfg: ClobVenueConfig,
    readonly position: Position,
  ) {
    const rng = sim.rng.split(`venue:${cfg.instrument.venue}:${cfg.instrument.symbol}`);
    this.rngQueue = rng.split('queue');
    this.rngEntry = rng.split('entry-latency');
    this.rngResp = rng.split('response-latency');
    this.own = new OwnOrderBook();
  }

  get instrument(): Instrument {
    return this.cfg.instrument;
  }

  setListener(l: VenueListener): void {
    this.listener = l;
  }

  private fillObserver: ((tsUs: number, f: Fill) => void) | undefined;
  /** Called at the venue's fill time (the recorder samples equity there). */
  setFillObserver(fn: (tsUs: number, f: Fill) => void): void {
    this.fillObserver = fn;
  }

  // ---- market data (called by the replay source, hot path) ----

  applyLevel(side: Side, priceTicks: number, sizeLots: number): void {
    const book = this.book;
    if (this.own.count[side] !== 0) {
      const lvl = this.own.level(side, priceTicks);
      if (lvl !== undefined) {
        const prev = book.sizeAt(side, priceTicks);
        for (let i = 0; i < lvl.length; i++) this.cfg.queue.onLevelChange(lvl[i]!, prev, sizeLots, this.rngQueue);
      }
    }
    if (this.consumedCount !== 0) this.refresh(side, priceTicks);
    book.setLevel(side, priceTicks, sizeLots);
  }

  /**
   * Replace the book's one level a side (bid `fromBid`, ask `fromAsk`) with `bid` and `ask` of
   * `sizeLots` each, as applyLevel removing both and laying the new ones does (bar execution lays
   * every point so): at once when none of the desk's orders rests and none of the book's levels
   * was consumed by its fills (nothing of the venue's own is at those levels), else level by level.
   */
  replaceTouch(fromBid: number, fromAsk: number, bid: number, ask: number, sizeLots: number): void {
    const own = this.own.count;
    if (own[BID] === 0 && own[ASK] === 0 && this.consumedCount === 0 && this.book.replaceTouch(fromBid, fromAsk, bid, ask, sizeLots)) return;
    this.applyLevel(BID, fromBid, 0);
    this.applyLevel(ASK, fromAsk, 0);
    this.applyLevel(BID, bid, sizeLots);
    this.applyLevel(ASK, ask, sizeLots);
  }

  clearBook(): void {
    this.book.clear();
    if (this.consumedCount !== 0) {
      for (const side of [0, 1] as const) {
        this.consumedP[side].length = 0;
        this.consumedL[side].length = 0;
      }
      this.consumedCount = 0;
    }
  }

  /** A trade printed by the market; `aggressor` 0 = buyer lifted asks, 1 = seller hit bids. */
  applyTrade(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    const restingSide: Side = aggressor === BID ? ASK : BID;
    if (this.own.count[restingSide] === 0) return;
    const own = this.own;
    // Trade-through: every own order strictly better than the print is filled completely.
    if (restingSide === BID) {
      while (own.count[BID] !== 0 && own.best(BID) > priceTicks) this.fillLevelFully(tsUs, BID, own.best(BID));
    } else {
      while (own.count[ASK] !== 0 && own.best(ASK) < priceTicks) this.fillLevelFully(tsUs, ASK, own.best(ASK));
    }
    const lvl = own.level(restingSide, priceTicks);
    if (lvl === undefined) return;
    // One FIFO per level: visible lots ahead and own orders ahead absorb the print first.
    let ownBefore = 0;
    for (let i = 0; i < lvl.length; i++) {
      const o = lvl[i]!;
      const avail = sizeLots - o.ahead - ownBefore;
      o.cumTradeLots += sizeLots;
      o.ahead = o.ahead > sizeLots ? o.ahead - sizeLots : 0;
      if (avail > 0) {
        const q = Math.min(remaining(o), avail);
        ownBefore += q;
        this.fill(tsUs, o, priceTicks, q, true);
      }
    }
    own.sweep(restingSide, priceTicks);
  }

  /** After a complete message: own orders the book has crossed are filled at their price. */
  checkCrossed(tsUs: number): void {
    const own = this.own;
    const book = this.book;
    while (own.count[BID] !== 0 && book.bestAsk !== NO_ASK && own.best(BID) >= book.bestAsk) this.fillLevelFully(tsUs, BID, own.best(BID));
    while (own.count[ASK] !== 0 && book.bestBid !== NO_BID && own.best(ASK) <= book.bestBid) this.fillLevelFully(tsUs, ASK, own.best(ASK));
  }

  // ---- own orders (desk side) ----

  /** Called by the strategy at `sim.nowUs`; the order reaches the venue after latency. */
  submit(req: OrderRequest, decisionMidTicks: number): OwnOrder {
    checkOrderRequest(req);
    return this.submitChecked(req, decisionMidTicks);
  }

  /** `submit` for a venue in front of this book that has already run checkOrderRequest (the perp's margin gate). */
  submitChecked(req: OrderRequest, decisionMidTicks: number): OwnOrder {
    const o = this.newOrder(req, decisionMidTicks);
    this.orders.push(o);
    this.stats.ordersSubmitted++;
    this.sim.schedule(this.arrivalTime(), PRIO_VENUE, this, EV_NEW, o.id);
    return o;
  }

  /**
   * A pre-trade check (margin, balances) refused the order before it left the desk: it is
   * recorded as one of the desk's orders, status rejected with the reason, and its report
   * reaches the listener now (no latency: the check ran at the desk).
   */
  rejectAtSubmit(req: OrderRequest, decisionMidTicks: number, reason: string): OwnOrder {
    const now = this.sim.nowUs;
    const o = this.newOrder(req, decisionMidTicks);
    o.status = 'rejected';
    o.reason = reason;
    o.doneTsUs = now;
    this.orders.push(o);
    this.stats.ordersSubmitted++;
    this.stats.ordersRejected++;
    this.reports.push(reportOf(o));
    this.sim.schedule(now, PRIO_RESPONSE, this, RESP_UPDATE, this.reportBase + this.reports.length - 1);
    return o;
  }

  /** The desk's order for a request, pending, sent now. */
  private newOrder(req: OrderRequest, decisionMidTicks: number): OwnOrder {
    const type = req.type ?? 'limit';
    return {
      id: this.orderCount + 1,
      side: req.side,
      type,
      tif: type === 'market' ? 'IOC' : (req.tif ?? 'GTC'),
      postOnly: req.postOnly ?? false,
      reduceOnly: req.reduceOnly ?? false,
      tag: req.tag ?? '',
      // A trailing stop's trigger is set by the path once it arrives (NaN until then).
      priceTicks: type === 'market' ? (req.side === BID ? Number.MAX_SAFE_INTEGER : 1) : (req.priceTicks ?? NaN),
      sizeLots: req.sizeLots,
      filledLots: 0,
      status: 'pending',
      reason: '',
      submitTsUs: this.sim.nowUs,
      arrivalTsUs: NaN,
      restTsUs: NaN,
      doneTsUs: NaN,
      decisionMidTicks,
      ahead: 0,
      cumTradeLots: 0,
      // Every order has the same fields, trailing stop or not (one object shape for the venue's reads).
      trailBps: req.trailBps,
      trailExtremeTicks: undefined,
      limitTicks: req.limitTicks,
      triggered: false,
    };
  }

  cancel(id: number): void {
    this.sim.schedule(this.arrivalTime(), PRIO_VENUE, this, EV_CANCEL, id);
  }

  /**
   * The exchange cancels every resting order and stop of the desk at once, with `reason` (its
   * account is being liquidated); orders still in flight arrive and are handled as usual.
   * Returns how many it cancelled.
   */
  cancelAllResting(tsUs: number, reason: string): number {
    const all = [...this.own.all(), ...this.stops];
    for (const o of all) this.takeOff(tsUs, o, reason);
    return all.length;
  }

  /**
   * A pre-trade check (margin, balances) refused an amend at the desk: the order keeps its terms,
   * and a report of it with the reason reaches the listener now (the check ran at the desk).
   */
  refuseAmend(id: number, reason: string): void {
    const o = this.orderById(id);
    if (o) this.amendRefused(this.sim.nowUs, o, reason);
  }

  /** The order as it stands, reported at `atUs` with why its amend was refused (it keeps its terms). */
  private amendRefused(atUs: number, o: OwnOrder, reason: string): void {
    this.reports.push({ ...reportOf(o), reason: `amend refused: ${reason}` });
    this.sim.schedule(atUs, PRIO_RESPONSE, this, RESP_UPDATE, this.reportBase + this.reports.length - 1);
  }

  /** Amend price and/or size. A size decrease keeps queue priority; anything else re-queues. */
  amend(id: number, priceTicks: number, sizeLots: number): void {
    if (!(id >= 1 && id <= this.orderCount)) throw new ConfigError(`no order ${id}`, { field: 'id' });
    checkAmend(priceTicks, sizeLots);
    // A drained order is done: its amend arrives and is ignored, as for any done order.
    const o = this.orderById(id);
    if (o) o.pendingAmend = { priceTicks, sizeLots };
    this.sim.schedule(this.arrivalTime(), PRIO_VENUE, this, EV_AMEND, id);
  }

  private arrivalTime(): number {
    const feed = this.cfg.feedLatencyFromData ? this.feedLatencyUs : 0;
    return this.sim.nowUs + this.cfg.entryLatency.sampleUs(this.rngEntry) + feed;
  }

  onEvent(tsUs: number, kind: number, arg: number): void {
    if (kind === RESP_UPDATE) {
      const snap = this.reports[arg - this.reportBase]!;
      this.reports[arg - this.reportBase] = undefined; // delivered: let it be collected
      this.listener?.onOrderUpdate(snap);
      return;
    }
    if (kind === RESP_FILL) {
      const f = this.fills[arg - this.fillBase]!;
      const inFlight = this.fillsInFlight;
      const at = inFlight.indexOf(arg);
      if (at >= 0) {
        for (let i = at + 1; i < inFlight.length; i++) inFlight[i - 1] = inFlight[i]!;
        inFlight.pop(); // not length-- (a runtime call in V8)
      }
      this.listener?.onFill(f, this.orderById(f.orderId)!);
      return;
    }
    if (kind === EV_REDUCE_ONLY) return this.fitReduceOnly(tsUs);
    const o = this.orderById(arg);
    if (!o) return;
    if (kind === EV_NEW) this.onArrive(tsUs, o);
    else if (kind === EV_CANCEL) this.onCancel(tsUs, o);
    else if (kind === EV_AMEND) this.onAmend(tsUs, o);
  }

  /**
   * Stop-market orders waiting for their trigger. Only a venue whose data source walks prices
   * through time in a known path (bar execution) enables them: it calls `triggerStops` with each
   * price move. Elsewhere a stop is rejected on arrival.
   */
  readonly stops: OwnOrder[] = [];
  stopsEnabled = false;
  /**
   * Set by the world builder: why a new order can no longer trade here because the venue's data
   * has ended (its book frozen at the last row: filling against it would be trading at a price of
   * the past — a second venue of a run whose data ends before the first's), else undefined.
   */
  noMarketData: (() => string | undefined) | undefined;
  /**
   * A venue whose book is laid along a price path (bar execution) jumps from point to point while
   * the path between them is continuous: a resting order the jump crosses was reached on the way,
   * and its fill's mid is where the path was then (given by the path's source), not where the
   * jump lands. Otherwise spread capture and inventory PnL trade places: a stop bought at its
   * trigger with no slippage showed the move from the open to the trigger as spread lost and the
   * same amount as inventory won. Undefined on a replayed book: a fill's mid is the book's.
   */
  pathMid: ((o: OwnOrder) => number) | undefined = undefined;

  /**
   * The price moved from `from` to `to` (ticks) at `tsUs`. A buy stop at S whose price was
   * already at or above S when the move started fills at `from`; one the move crosses fills at S
   * on a continuous path, or at `to` across a gap (`gap`: a bar's open after the previous close).
   * Sell stops mirror it. Fills are takers, in path order, priced through `price(p, side)`
   * (slippage). Returns how many stops filled.
   */
  triggerStops(tsUs: number, from: number, to: number, gap: boolean, price: (p: number, side: 0 | 1) => number): number {
    if (this.stops.length === 0) return 0;
    const hits: { o: OwnOrder; at: number; rank: number }[] = [];
    for (const o of this.stops) {
      if (o.trailBps !== undefined) {
        // A trailing stop: the trigger trails the best price reached before this move (a move is
        // monotone, so it cannot fire on the way to a new best); then the best moves on.
        const first = o.trailExtremeTicks === undefined;
        const ext = first ? from : o.trailExtremeTicks!;
        const cb = o.trailBps / 10_000;
        o.priceTicks = o.side === ASK ? Math.floor(ext * (1 - cb) + 1e-9) : Math.ceil(ext * (1 + cb) - 1e-9);
        o.trailExtremeTicks = o.side === ASK ? Math.max(ext, to) : Math.min(ext, to);
      }
      const s = o.priceTicks;
      const beyond = o.side === BID ? from >= s : from <= s;
      const crossed = o.side === BID ? to >= s : to <= s;
      if (beyond) hits.push({ o, at: from, rank: -1 });
      else if (crossed) hits.push({ o, at: gap ? to : s, rank: Math.abs(s - from) });
    }
    if (hits.length === 0) return 0;
    hits.sort((x, y) => x.rank - y.rank || x.o.id - y.o.id);
    for (const { o, at } of hits) {
      this.stops.splice(this.stops.indexOf(o), 1);
      // A stop's decision price is its trigger: its slippage is measured from there, and the
      // fill's mid is where the path was when it fired.
      o.decisionMidTicks = o.priceTicks;
      const px = price(at, o.side);
      const limit = o.limitTicks;
      if (limit !== undefined && (o.side === BID ? px > limit : px < limit)) {
        // A stop-limit that cannot fill at its limit where it fired rests as that limit.
        o.triggered = true;
        o.priceTicks = limit;
        this.rest(tsUs, o);
      } else this.fill(tsUs, o, px, remaining(o), false, at);
      this.respond(tsUs, o);
    }
    return hits.length;
  }

  private onArrive(tsUs: number, o: OwnOrder): void {
    o.arrivalTsUs = tsUs;
    const closed = this.noMarketData?.();
    if (closed !== undefined) return this.reject(tsUs, o, closed);
    if (o.type === 'stop' && !this.stopsEnabled) return this.reject(tsUs, o, 'stop orders are supported on bar-execution venues only');
    if (o.reduceOnly) {
      // At most the position it reduces (a stop-loss as much as a limit): Binance's rule.
      const reducing = this.reducible(o.side);
      if (reducing <= 0) return this.reject(tsUs, o, 'reduce-only order would increase the position');
      if (o.sizeLots > reducing) o.sizeLots = reducing;
    }
    if (o.type === 'stop') {
      o.status = 'open';
      o.restTsUs = tsUs;
      this.stops.push(o);
      if (o.reduceOnly) this.reduceOnlyResting = true;
      return this.respond(tsUs, o);
    }
    const book = this.book;
    const marketable = o.side === BID ? book.bestAsk !== NO_ASK && o.priceTicks >= book.bestAsk : book.bestBid !== NO_BID && o.priceTicks <= book.bestBid;
    if (o.postOnly && marketable) return this.reject(tsUs, o, 'post-only order would take liquidity');
    if (o.tif === 'FOK' && this.available(o) < o.sizeLots) return this.reject(tsUs, o, 'FOK: not enough liquidity at the limit');
    if (marketable) this.take(tsUs, o);
    if (remaining(o) > 0) {
      if (o.tif !== 'GTC' || o.type === 'market') {
        o.status = 'cancelled';
        o.reason = o.type === 'market' ? 'market order: book exhausted' : `${o.tif} remainder cancelled`;
        o.doneTsUs = tsUs;
      } else {
        o.status = 'open';
        this.rest(tsUs, o);
      }
    }
    this.respond(tsUs, o);
  }

  private rest(tsUs: number, o: OwnOrder): void {
    if (o.reduceOnly) this.reduceOnlyResting = true;
    o.restTsUs = tsUs;
    this.cfg.queue.onPlaced(o, this.book.sizeAt(o.side, o.priceTicks));
    this.own.add(o);
  }

  private onCancel(tsUs: number, o: OwnOrder): void {
    if (o.status !== 'open' && o.status !== 'pending') return;
    this.takeOff(tsUs, o, 'cancelled by desk');
  }

  private onAmend(tsUs: number, o: OwnOrder): void {
    const a = o.pendingAmend;
    o.pendingAmend = undefined;
    if (!a || o.status !== 'open') return;
    // No data any more: an amend could only reprice the order against a frozen book. It keeps its
    // terms (a cancel still works), and its report says why.
    const closed = this.noMarketData?.();
    if (closed !== undefined) return this.amendRefused(tsUs + this.cfg.responseLatency.sampleUs(this.rngResp), o, closed);
    if (o.type === 'stop' && !o.triggered) {
      // A stop stays a stop: a new trigger and size, still waiting for the path to reach it (a
      // trigger the price is already past fires at the next move, as on arrival). It used to be
      // matched as a limit at the trigger price: a sell stop moved under the market sold at once.
      // (A trailing stop keeps its trail: its amend sets the size.)
      if (o.trailBps === undefined) o.priceTicks = a.priceTicks;
      o.sizeLots = a.sizeLots;
      const cap = this.reducible(o.side);
      if (o.reduceOnly && cap <= 0) return this.takeOff(tsUs, o, 'reduce-only: no position left to reduce');
      if (o.reduceOnly && o.sizeLots > cap) o.sizeLots = cap;
      return this.respond(tsUs, o);
    }
    // A reduce-only limit amended up still reduces at most the position.
    if (o.reduceOnly) a.sizeLots = Math.min(a.sizeLots, o.filledLots + Math.max(0, this.reducible(o.side)));
    if (!(a.sizeLots > o.filledLots)) {
      this.own.remove(o);
      o.status = 'cancelled';
      o.reason = 'amended to at most the filled size';
      o.doneTsUs = tsUs;
      return this.respond(tsUs, o);
    }
    if (a.priceTicks === o.priceTicks && a.sizeLots <= o.sizeLots) {
      o.sizeLots = a.sizeLots; // keeps its place in the queue
      return this.respond(tsUs, o);
    }
    this.own.remove(o);
    o.priceTicks = a.priceTicks;
    o.sizeLots = a.sizeLots;
    const marketable = o.side === BID ? o.priceTicks >= this.book.bestAsk : o.priceTicks <= this.book.bestBid;
    if (marketable && o.postOnly) {
      o.status = 'cancelled';
      o.reason = 'post-only amend would take liquidity';
      o.doneTsUs = tsUs;
      return this.respond(tsUs, o);
    }
    if (marketable) this.take(tsUs, o);
    if (remaining(o) > 0) this.rest(tsUs, o);
    this.respond(tsUs, o);
  }

  private reject(tsUs: number, o: OwnOrder, reason: string): void {
    o.status = 'rejected';
    o.reason = reason;
    o.doneTsUs = tsUs;
    this.stats.ordersRejected++;
    this.respond(tsUs, o);
  }

  private respond(tsUs: number, o: OwnOrder): void {
    this.reports.push(reportOf(o));
    this.sim.schedule(tsUs + this.cfg.responseLatency.sampleUs(this.rngResp), PRIO_RESPONSE, this, RESP_UPDATE, this.reportBase + this.reports.length - 1);
  }

  /** Liquidity an order could take within its limit, net of what own orders already took. */
  private available(o: OwnOrder): number {
    const opp: Side = o.side === BID ? ASK : BID;
    const n = this.book.levels(opp, this.scratchP.length, this.scratchP, this.scratchS);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = this.scratchP[i]!;
      if (o.side === BID ? p > o.priceTicks : p < o.priceTicks) break;
      total += Math.max(0, this.scratchS[i]! - this.consumedAt(opp, p));
    }
    return total;
  }

  /** Walk the opposite side up to the limit price. */
  private take(tsUs: number, o: OwnOrder): void {
    const opp: Side = o.side === BID ? ASK : BID;
    const n = this.book.levels(opp, this.scratchP.length, this.scratchP, this.scratchS);
    const ps = this.consumedP[opp];
    const ls = this.consumedL[opp];
    for (let i = 0; i < n && remaining(o) > 0; i++) {
      const p = this.scratchP[i]!;
      if (o.side === BID ? p > o.priceTicks : p < o.priceTicks) break;
      const k = ps.indexOf(p);
      const already = k < 0 ? 0 : ls[k]!;
      const avail = this.scratchS[i]! - already;
      if (avail <= 0) continue;
      const q = Math.min(avail, remaining(o));
      if (k < 0) {
        ps.push(p);
        ls.push(q);
        this.consumedCount++;
      } else ls[k] = already + q;
      this.fill(tsUs, o, p, q, false);
    }
  }

  /** Lots own orders took at a level since the book last updated it. */
  private consumedAt(side: Side, priceTicks: number): number {
    const k = this.consumedP[side].indexOf(priceTicks);
    return k < 0 ? 0 : this.consumedL[side][k]!;
  }

  private refresh(side: Side, priceTicks: number): void {
    const ps = this.consumedP[side];
    const k = ps.indexOf(priceTicks);
    if (k < 0) return;
    // Order among the consumed levels does not matter: the last takes the removed one's place.
    const ls = this.consumedL[side];
    ps[k] = ps[ps.length - 1]!;
    ls[k] = ls[ls.length - 1]!;
    ps.pop(); // not length-- (a runtime call in V8)
    ls.pop();
    this.consumedCount--;
  }

  private fillLevelFully(tsUs: number, side: Side, priceTicks: number): void {
    const lvl = this.own.level(side, priceTicks);
    if (lvl) for (let i = 0; i < lvl.length; i++) this.fill(tsUs, lvl[i]!, priceTicks, remaining(lvl[i]!), true);
    this.own.sweep(side, priceTicks);
  }

  /**
   * Whether a reduce-only order may be resting (a stop or a limit): set when one rests, cleared when
   * a check finds none. Strategies that never send one pay nothing after their fills.
   */
  private reduceOnlyResting = false;
  private reduceOnlyCheckAt = NaN;

  /** Lots an order on `side` can still reduce the position by (≤ 0: it would add to it). */
  private reducible(side: Side): number {
    return side === BID ? -this.position.lots : this.position.lots;
  }

  /** Take a resting order or stop off the venue, cancelled with `reason`; its report follows. */
  private takeOff(tsUs: number, o: OwnOrder, reason: string): void {
    if (o.type === 'stop' && !o.triggered) {
      const i = this.stops.indexOf(o);
      if (i >= 0) this.stops.splice(i, 1);
    } else this.own.remove(o);
    o.status = 'cancelled';
    o.reason = reason;
    o.doneTsUs = tsUs;
    this.respond(tsUs, o);
  }

  /**
   * Reduce-only orders never add to or flip the position, whatever filled since they were sent
   * (Binance adjusts and cancels them as the position changes): after a fill, each resting one is
   * cut to the position left to reduce, or cancelled when none is (a take-profit and a stop-loss
   * on one position thus act as one-cancels-the-other). Runs at the fill's time, after its matching.
   */
  private fitReduceOnly(tsUs: number): void {
    this.reduceOnlyCheckAt = NaN;
    let left = false;
    const check = (o: OwnOrder): void => {
      if (!o.reduceOnly || o.status !== 'open') return;
      const cap = this.reducible(o.side);
      if (cap <= 0) return this.takeOff(tsUs, o, 'reduce-only: no position left to reduce');
      left = true;
      if (remaining(o) > cap) {
        o.sizeLots = o.filledLots + cap; // as an amend down: keeps its place in the queue
        this.respond(tsUs, o);
      }
    };
    for (const o of [...this.stops, ...this.own.all()]) check(o);
    this.reduceOnlyResting = left;
  }

  private fill(tsUs: number, o: OwnOrder, priceTicks: number, lots: number, maker: boolean, pathTicks = NaN): void {
    if (lots <= 0) return;
    if (o.reduceOnly) {
      // Two reduce-only orders met in one pass (a stop and a take-profit crossed by one move): the
      // second fills only what the first left of the position, and is cancelled for the rest.
      const cap = this.reducible(o.side);
      if (lots > cap) {
        if (cap > 0) this.fill(tsUs, o, priceTicks, cap, maker, pathTicks);
        // The caller's sweep of the level (or the stop list it was taken from) lets it go.
        o.status = 'cancelled';
        o.reason = cap > 0 ? 'reduce-only: the rest would have flipped the position' : 'reduce-only: no position left to reduce';
        o.doneTsUs = tsUs;
        this.respond(tsUs, o);
        return;
      }
    }
    o.filledLots += lots;
    const signed = o.side === BID ? lots : -lots;
    const acct = this.position.applyFill(tsUs, signed, priceTicks, this.cfg.fees.feeBps(maker), o.id);
    if (maker) this.stats.makerFills++;
    else this.stats.takerFills++;
    const f: Fill = {
      seq: this.fillCount,
      tsUs,
      orderId: o.id,
      side: o.side,
      priceTicks,
      sizeLots: lots,
      maker,
      fee: acct.fee,
      realized: acct.realized,
      midTicks: pathTicks === pathTicks ? pathTicks : maker && this.pathMid !== undefined ? this.pathMid(o) : this.book.midTicks(),
      decisionMidTicks: o.decisionMidTicks,
      queueWaitUs: maker ? tsUs - o.restTsUs : 0,
      positionLots: this.position.lots,
    };
    this.fills.push(f);
    if (this.reduceOnlyResting && this.reduceOnlyCheckAt !== tsUs) {
      this.reduceOnlyCheckAt = tsUs;
      this.sim.schedule(tsUs, PRIO_VENUE, this, EV_REDUCE_ONLY, 0);
    }
    // In flight before the observer runs: the observer (the recorder) may drain done fills.
    this.fillsInFlight.push(f.seq);
    this.fillObserver?.(tsUs, f);
    if (o.filledLots >= o.sizeLots) {
      o.status = 'filled';
      o.doneTsUs = tsUs;
    }
    this.sim.schedule(tsUs + this.cfg.responseLatency.sampleUs(this.rngResp), PRIO_RESPONSE, this, RESP_FILL, f.seq);
  }

  get orderCount(): number {
    return this.orderBase + this.orders.length;
  }

  get fillCount(): number {
    return this.fillBase + this.fills.length;
  }

  /** An order still held in memory (undefined when drained: drained orders are done). */
  orderById(id: number): OwnOrder | undefined {
    return this.orders[id - 1 - this.orderBase];
  }

  /**
   * Remove the done prefix from memory and return it, in order: fills whose report reached the
   * desk, and orders that are done with no fill report in flight (a report hands the desk its
   * order). Cancels and amends of a drained order arrive and are ignored, as for any done order.
   * Orders leave in id order: one that rests for the whole run holds the later ones in memory.
   */
  drainDone(): { orders: OwnOrder[]; fills: Fill[] } {
    let minFill = this.fillCount;
    let minOrder = Infinity;
    for (let i = 0; i < this.fillsInFlight.length; i++) {
      const seq = this.fillsInFlight[i]!;
      if (seq < minFill) minFill = seq;
      const oid = this.fills[seq - this.fillBase]!.orderId;
      if (oid < minOrder) minOrder = oid;
    }
    let no = 0;
    while (no < this.orders.length) {
      const o = this.orders[no]!;
      if ((o.status !== 'filled' && o.status !== 'cancelled' && o.status !== 'rejected') || o.id >= minOrder) break;
      no++;
    }
    const nf = minFill - this.fillBase;
    const orders = this.orders.splice(0, no);
    const fills = this.fills.splice(0, nf);
    this.orderBase += no;
    this.fillBase += nf;
    let nr = 0;
    while (nr < this.reports.length && this.reports[nr] === undefined) nr++;
    this.reports.splice(0, nr);
    this.reportBase += nr;
    return { orders, fills };
  }
}
