import { ConfigError, PrimesimError } from '../errors.ts';
import { strategyFrame } from './frame.ts';
import type { Simulation } from '../kernel/simulation.ts';
import type { EventHandler } from '../kernel/event-queue.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Side } from '../market/book.ts';
import type { ClobVenue, VenueListener } from '../venues/clob/venue.ts';
import type { Fill, OrderRequest, OrderView, OwnOrder } from '../venues/clob/order.ts';
import type { BookView, PnlView, Strategy, StrategyContext, StrategyModule, Subscription, TradeView } from './api.ts';

/** An exception thrown by a strategy callback, with where (file:line) and when (simulated time, event). */
export class StrategyError extends PrimesimError {
  constructor(
    message: string,
    readonly original: unknown,
  ) {
    super(message);
  }
}

const CALLBACKS = ['onStart', 'onBook', 'onTrade', 'onTimer', 'onOrderUpdate', 'onFill', 'onEnd'] as const;

function isoUs(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, -1)}${String(Math.round(us - ms * 1000)).padStart(3, '0')}Z`;
}

export function strategyError(module: StrategyModule, callback: string, e: unknown, sim: Simulation): StrategyError {
  if (e instanceof StrategyError) return e;
  const file = module.file;
  const frame = file ? strategyFrame(e, file) : undefined;
  const at = file ? `${file}${frame ? `:${frame.line}:${frame.column}` : ''}` : `strategy ${module.name}`;
  const msg = e instanceof Error ? e.message : String(e);
  return new StrategyError(`${at}: ${callback} threw at simulated time ${isoUs(sim.nowUs)} (event ${sim.eventIndex}): ${msg}`, e);
}

/**
 * Wrap each callback so an exception carries the strategy's file and line, the callback and
 * the simulated time. A try/catch costs nothing until something throws; fixed arity keeps the
 * wrapper allocation-free per event.
 */
function guardStrategy(s: Strategy, module: StrategyModule, sim: Simulation): Strategy {
  const g: Strategy = {};
  for (const name of CALLBACKS) {
    const fn = s[name] as ((c: unknown, x?: unknown) => void) | undefined;
    if (typeof fn !== 'function') continue;
    (g as Record<string, unknown>)[name] = (c: unknown, x: unknown) => {
      try {
        fn.call(s, c, x);
      } catch (e) {
        throw strategyError(module, name, e, sim);
      }
    };
  }
  return g;
}

/**
 * Runs one strategy against one venue: turns replay notifications and venue responses into
 * strategy callbacks, and strategy requests into venue messages (which then travel with latency).
 */
export class StrategyHost implements StrategyContext, VenueListener, EventHandler {
  readonly rng: Rng;
  private strategy: Strategy = {};
  private readonly sub: Required<Subscription>;
  private lastBookUs = -Infinity;
  private lastBid = NaN;
  private lastAsk = NaN;
  private lastBidSize = NaN;
  private lastAskSize = NaN;
  private readonly trade: TradeView = { tsUs: 0, aggressor: 0, priceTicks: 0, sizeLots: 0 };
  /** The desk's view of orders not yet known to be done, by id (insertion order = submission order). */
  private readonly live = new Map<number, OrderView>();
  private endUs = Infinity;
  readonly book: BookView;

  constructor(
    private readonly sim: Simulation,
    readonly venue: ClobVenue,
    readonly module: StrategyModule,
  ) {
    this.rng = sim.rng.split(`strategy:${module.name}`);
    this.book = venue.book;
    this.sub = {
      book: module.subscribe?.book ?? 'every',
      bookThrottleUs: module.subscribe?.bookThrottleUs ?? 0,
      trades: module.subscribe?.trades ?? false,
    };
    venue.setListener(this);
  }

  start(params: unknown, endUs: number): void {
    this.endUs = endUs;
    let s: Strategy;
    try {
      s = this.module.create(this, params);
    } catch (e) {
      throw strategyError(this.module, 'create', e, this.sim);
    }
    this.strategy = guardStrategy(s, this.module, this.sim);
    this.strategy.onStart?.(this);
  }

  end(): void {
    this.strategy.onEnd?.(this);
  }

  get wantsTrades(): boolean {
    return this.sub.trades && this.strategy.onTrade !== undefined;
  }

  // ---- replay notifications ----

  onBookMessage(): void {
    const s = this.strategy;
    if (s.onBook === undefined || this.sub.book === 'none') return;
    const now = this.sim.nowUs;
    if (now - this.lastBookUs < this.sub.bookThrottleUs) return;
    const b = this.venue.book;
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
    this.lastBookUs = now;
    s.onBook(this);
  }

  onTradePrint(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    const t = this.trade;
    t.tsUs = tsUs;
    t.aggressor = aggressor;
    t.priceTicks = priceTicks;
    t.sizeLots = sizeLots;
    this.strategy.onTrade?.(this, t);
  }

  // ---- venue responses ----

  onOrderUpdate(report: OwnOrder): void {
    const v = this.live.get(report.id);
    if (!v) return; // already known to be done
    v.priceTicks = report.priceTicks;
    v.sizeLots = report.sizeLots;
    v.reason = report.reason;
    v.pendingAmend = false;
    // Fills travel as their own reports; a 'filled' status may overtake them, never the reverse.
    if (report.status !== 'filled' || v.filledLots >= v.sizeLots) v.status = report.status;
    if (v.status !== 'open' && v.status !== 'pending') this.live.delete(v.id);
    this.strategy.onOrderUpdate?.(this, v);
  }

  onFill(f: Fill): void {
    const v = this.live.get(f.orderId);
    if (v) {
      v.filledLots += f.sizeLots;
      if (v.filledLots >= v.sizeLots) {
        v.status = 'filled';
        this.live.delete(v.id);
      }
    }
    this.strategy.onFill?.(this, f);
  }

  onEvent(_ts: number, tag: number): void {
    this.strategy.onTimer?.(this, tag);
  }

  // ---- StrategyContext ----

  get nowUs(): number {
    return this.sim.nowUs;
  }
  get instrument() {
    return this.venue.instrument;
  }
  get positionLots(): number {
    return this.venue.position.lots;
  }

  pnl(): PnlView {
    const p = this.venue.position;
    const n = p.notional;
    const realized = n.toUnits(p.realized);
    const unrealized = n.toUnits(p.unrealized(this.venue.book.midTicks()));
    const fees = n.toUnits(p.fees);
    return { realized, unrealized, fees, equity: realized + unrealized - fees };
  }

  submit(req: OrderRequest): OrderView {
    const o = this.venue.submit(req, this.venue.book.midTicks());
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
    this.live.set(o.id, v);
    return v;
  }

  cancel(orderId: number): void {
    if (this.live.has(orderId)) this.venue.cancel(orderId);
  }

  cancelAll(): void {
    for (const id of this.live.keys()) this.venue.cancel(id);
  }

  amend(orderId: number, priceTicks: number, sizeLots: number): void {
    const v = this.live.get(orderId);
    if (!v) return;
    v.pendingAmend = true;
    this.venue.amend(orderId, priceTicks, sizeLots);
  }

  openOrders(): readonly OrderView[] {
    const out: OrderView[] = [];
    for (const o of this.live.values()) if (o.status === 'open' || o.status === 'pending') out.push(o);
    return out;
  }

  setTimer(intervalUs: number, tag = 0): void {
    if (!(intervalUs > 0)) throw new ConfigError(`timer interval must be > 0 µs, got ${intervalUs}`, { field: 'setTimer' });
    this.sim.every(this.sim.nowUs + intervalUs, intervalUs, this.endUs, this, tag);
  }
}

