import { ConfigError, PrimesimError } from '../errors.ts';
import { strategyFrame } from './frame.ts';
import type { Simulation } from '../kernel/simulation.ts';
import type { EventHandler } from '../kernel/event-queue.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Fill, OrderRequest, OrderView } from '../venues/clob/order.ts';
import type { AccountContext, BarView, BookView, OptionsContext, ParentOrder, PnlView, RouteDecision, PoolContext, Strategy, StrategyContext, StrategyModule, Subscription, TradeView, VenueContext } from './api.ts';
import { PRIO_TIMER } from '../kernel/simulation.ts';
import type { PortHost, VenuePort } from './venue-port.ts';
import type { RouterPort } from '../router/port.ts';

/** An exception thrown by a strategy callback, with where (file:line) and when (simulated time, event). */
export class StrategyError extends PrimesimError {
  constructor(
    message: string,
    readonly original: unknown,
  ) {
    super(message);
  }
}

const CALLBACKS = ['onStart', 'onBook', 'onTrade', 'onBar', 'onTimer', 'onOrderUpdate', 'onFill', 'onEnd'] as const;

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
    const fn = s[name] as ((c: unknown, x?: unknown, y?: unknown) => void) | undefined;
    if (typeof fn !== 'function') continue;
    (g as Record<string, unknown>)[name] = (c: unknown, x: unknown, y: unknown) => {
      try {
        fn.call(s, c, x, y);
      } catch (e) {
        throw strategyError(module, name, e, sim);
      }
    };
  }
  return g;
}

/** The strategy's subscription with defaults filled in. */
export function subscriptionOf(module: StrategyModule): Required<Subscription> {
  return {
    book: module.subscribe?.book ?? 'every',
    bookThrottleUs: module.subscribe?.bookThrottleUs ?? 0,
    trades: module.subscribe?.trades ?? false,
    bars: module.subscribe?.bars ?? [],
  };
}

/**
 * Runs one strategy against the venues its spec entry lets it trade (each a `VenuePort`) and
 * the account it trades for. The context's single-venue members (`book`, `submit`, …) are the
 * first venue's, so single-venue strategies run unchanged; `ctx.venue(id)` reaches the others,
 * and venue callbacks say which venue they come from.
 */
export class StrategyHost implements StrategyContext, PortHost, EventHandler {
  readonly rng: Rng;
  private strategy: Strategy = {};
  private endUs_ = Infinity;
  private readonly ports: VenuePort[];
  private readonly byId = new Map<string, VenuePort>();
  private readonly pools = new Map<string, PoolContext>();
  private readonly optionVenues = new Map<string, OptionsContext>();
  private readonly first: VenuePort | undefined;
  venueId: string;
  readonly venueIds: readonly string[];
  readonly poolIds: readonly string[];
  readonly optionsIds: readonly string[];

  constructor(
    private readonly sim: Simulation,
    ports: VenuePort[],
    readonly module: StrategyModule,
    readonly account: AccountContext,
    pools: readonly PoolContext[] = [],
    options: readonly OptionsContext[] = [],
  ) {
    for (const o of options) this.optionVenues.set(o.id, o);
    if (ports.length === 0 && pools.length === 0 && options.length === 0) throw new ConfigError(`strategy ${module.name} has no venue to trade`, { field: 'venues' });
    this.rng = sim.rng.split(`strategy:${module.name}`);
    this.ports = ports;
    for (const p of ports) {
      this.byId.set(p.id, p);
      p.host = this;
    }
    for (const p of pools) this.pools.set(p.id, p);
    this.first = ports[0];
    this.venueId = this.first?.id ?? pools[0]?.id ?? options[0]!.id;
    this.venueIds = ports.map((p) => p.id);
    this.poolIds = pools.map((p) => p.id);
    this.optionsIds = options.map((o) => o.id);
  }

  /** The first order-book venue (single-venue members); a strategy that trades only pools has none. */
  private get primary(): VenuePort {
    if (this.first === undefined) throw new ConfigError(`strategy ${this.module.name} trades no order-book venue`, { field: 'venues', hint: 'use ctx.pool(id) for AMM pools, or add a spot/perp venue to the agent' });
    return this.first;
  }

  start(params: unknown, endUs: number): void {
    this.endUs_ = endUs;
    let s: Strategy;
    try {
      s = this.module.create(this, params);
    } catch (e) {
      throw strategyError(this.module, 'create', e, this.sim);
    }
    this.strategy = guardStrategy(s, this.module, this.sim);
    const sub = subscriptionOf(this.module);
    for (const p of this.ports) {
      p.wantsBook = sub.book !== 'none' && this.strategy.onBook !== undefined;
      p.wantsTrades = sub.trades && this.strategy.onTrade !== undefined;
    }
    this.strategy.onStart?.(this);
  }

  end(): void {
    if (this.first) this.venueId = this.first.id;
    this.strategy.onEnd?.(this);
  }

  // ---- port callbacks ----

  bookMessage(port: VenuePort): void {
    this.venueId = port.id;
    this.strategy.onBook!(this, port.id);
  }
  barClosed(port: VenuePort, bar: BarView): void {
    if (this.strategy.onBar === undefined) return;
    this.venueId = port.id;
    this.strategy.onBar(this, bar, port.id);
  }
  tradePrint(port: VenuePort, t: TradeView): void {
    this.venueId = port.id;
    this.strategy.onTrade!(this, t, port.id);
  }
  orderUpdate(port: VenuePort, v: OrderView): void {
    this.router?.onOrderUpdate(port, v);
    if (this.strategy.onOrderUpdate === undefined) return;
    this.venueId = port.id;
    this.strategy.onOrderUpdate(this, v, port.id);
  }
  fill(port: VenuePort, f: Fill): void {
    this.router?.onFill(port, f);
    if (this.strategy.onFill === undefined) return;
    this.venueId = port.id;
    this.strategy.onFill(this, f, port.id);
  }

  onEvent(_ts: number, tag: number): void {
    if (this.first) this.venueId = this.first.id;
    this.strategy.onTimer?.(this, tag);
  }

  // ---- StrategyContext ----

  venue(id: string): VenueContext {
    const p = this.byId.get(id);
    if (!p) throw new ConfigError(`strategy ${this.module.name} may not trade venue "${id}"`, { field: 'agents.venues', hint: `its venues: ${this.venueIds.join(', ')}` });
    return p;
  }

  pool(id: string): PoolContext {
    const p = this.pools.get(id);
    if (!p) throw new ConfigError(`strategy ${this.module.name} may not trade pool "${id}"`, { field: 'agents.venues', hint: `its pools: ${this.poolIds.join(', ') || '(none)'}` });
    return p;
  }

  options(id: string): OptionsContext {
    const o = this.optionVenues.get(id);
    if (!o) throw new ConfigError(`strategy ${this.module.name} may not trade options venue "${id}"`, { field: 'agents.venues', hint: `its options venues: ${[...this.optionVenues.keys()].join(', ') || '(none)'}` });
    return o;
  }

  /** Rows strategies recorded, by table (see `record`). */
  readonly recorded = new Map<string, { columns: string[]; kinds: ('num' | 'str')[]; rows: (number | string)[][] }>();

  record(table: string, row: Readonly<Record<string, number | string>>): void {
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(table)) throw new ConfigError(`record: table name "${table}" must be lower-case letters, digits and _`, { field: 'record' });
    let t = this.recorded.get(table);
    if (!t) {
      const columns = Object.keys(row);
      if (columns.length === 0) throw new ConfigError(`record ${table}: a row needs at least one column`, { field: 'record' });
      for (const c of columns) {
        const v: unknown = row[c];
        if (typeof v !== 'number' && typeof v !== 'string') throw new ConfigError(`record ${table}: column ${c} must be a number or a string, got ${v === null || typeof v === 'object' ? JSON.stringify(v) : typeof v}`, { field: 'record' });
      }
      t = { columns, kinds: columns.map((c) => (typeof row[c] === 'number' ? 'num' : 'str')), rows: [] };
      this.recorded.set(table, t);
    }
    for (const k of Object.keys(row)) if (!t.columns.includes(k)) throw new ConfigError(`record ${table}: column ${k} is not in its first row (${t.columns.join(', ')})`, { field: 'record' });
    // A column keeps the kind of its first value; a missing one is NaN or ''. A string in a number
    // column became NaN, an object "[object Object]", without a word.
    const r = t;
    r.rows.push(r.columns.map((c, i) => {
      const v: unknown = row[c];
      const kind = r.kinds[i] === 'num' ? 'number' : 'string';
      if (v === undefined) return kind === 'number' ? NaN : '';
      if (typeof v !== kind) throw new ConfigError(`record ${table}: column ${c} holds ${kind}s (its first row's), got ${typeof v === 'object' ? JSON.stringify(v) : `${typeof v} ${String(v)}`}`, { field: 'record' });
      return v as number | string;
    }));
  }

  get endUs(): number {
    return this.endUs_;
  }

  /** The router over this strategy's venues (set by the builder). */
  router: RouterPort | undefined;

  route(parent: ParentOrder): RouteDecision {
    if (!this.router) throw new ConfigError(`strategy ${this.module.name} has no router`, { field: 'route' });
    return this.router.route(parent);
  }

  get nowUs(): number {
    return this.sim.nowUs;
  }
  get instrument() {
    return this.primary.instrument;
  }
  get book(): BookView {
    return this.primary.book;
  }
  get positionLots(): number {
    return this.primary.positionLots;
  }
  pnl(): PnlView {
    return this.primary.pnl();
  }
  submit(req: OrderRequest): OrderView {
    return this.primary.submit(req);
  }
  cancel(orderId: number): void {
    this.primary.cancel(orderId);
  }
  cancelAll(): void {
    this.primary.cancelAll();
  }
  amend(orderId: number, priceTicks: number, sizeLots: number): void {
    this.primary.amend(orderId, priceTicks, sizeLots);
  }
  openOrders(): readonly OrderView[] {
    return this.primary.openOrders();
  }

  setTimer(intervalUs: number, tag = 0): void {
    if (!(intervalUs > 0)) throw new ConfigError(`timer interval must be > 0 µs, got ${intervalUs}`, { field: 'setTimer' });
    this.sim.every(this.sim.nowUs + intervalUs, intervalUs, this.endUs_, this, tag);
  }

  timerAt(tsUs: number, tag = 0): void {
    if (!Number.isFinite(tsUs)) throw new ConfigError(`timer time must be a finite µs timestamp, got ${tsUs}`, { field: 'timerAt' });
    if (tsUs <= this.endUs_) this.sim.schedule(tsUs, PRIO_TIMER, this, tag);
  }
}
