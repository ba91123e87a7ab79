import type { EventHandler } from '../kernel/event-queue.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { assetScale } from '../market/instrument.ts';
import { BID } from '../market/book.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import { liquidationsTable, MarginColumns } from '../risk/recorder.ts';
import type { LiquidationRecord } from '../risk/liquidation.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { F64Column, I64Column, repeatStr } from '../results/columns.ts';
import { TradeStats } from '../results/metrics.ts';
import { RoundTrips } from '../results/round-trips.ts';
import { concatColumns, PostedTable, SpoolSeq, TableSpool, type TableData } from '../results/spool.ts';
import type { SpillThread } from '../results/spill-thread.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import type { PerpVenue } from '../venues/perp/venue.ts';
import { FillRows, LedgerRows, OrderRows } from './recorder-rows.ts';
import type { AccountWallet } from './wallet.ts';

export interface RecordedVenue {
  id: string;
  kind: 'spot' | 'perp';
  account: string;
  clob: ClobVenue;
  perp: PerpVenue | undefined;
}

class AccountSeries {
  /** The whole equity curve (time, equity), kept for the run's metrics when the rows spill. */
  readonly allTs = new F64Column();
  readonly allEquity = new F64Column();
  readonly ts = new F64Column();
  readonly equity = new F64Column();
  readonly realized = new F64Column();
  readonly unrealized = new F64Column();
  readonly fees = new F64Column();
  readonly funding = new F64Column();
  readonly pos = new F64Column();
  readonly mid = new F64Column();
}

/**
 * The one recorder of a run: equity per account on a timer and at every fill (with its split
 * into deposits, each venue's PnL and liquidation transfers), margin per margin account, every
 * ledger transfer; at the end orders, fills and positions of every venue with `venue` and
 * `account` columns, funding per perp venue, and the liquidation engine's records.
 */
export class WorldRecorder implements EventHandler {
  private readonly series = new Map<string, AccountSeries>();
  /** Per account: deposits at current prices, liquidation transfers, and PnL per venue id (all venues, 0 where none). */
  private readonly split = new Map<string, { deposits: F64Column; liquidation: F64Column; venues: Map<string, F64Column> }>();
  /** The ledger's transfers as rows of the `ledger` table, appended as they are booked (no object kept). */
  private readonly ledgerRows = new LedgerRows();
  /**
   * Rows that left memory as columns before their chunk is due (see STAGE_ROWS): per venue its
   * orders and fills (with positions) as rows of growable columns (the ledger's transfers go to
   * theirs as they are booked); appended to their spools, as one, when the chunk they belong to is
   * due — the same chunks as draining them all then.
   */
  private readonly staged = new Map<string, { orders: OrderRows; fills: FillRows; retryAt: number }>();
  /** Margin samples as columns (the `margin` table: ts_us, account, equity, im, mm, margin_ratio), not a row object each. */
  private readonly margin = new MarginColumns();
  /** Spools of the long tables (see `spill`): rows leave memory in chunks as the run goes. */
  private spillDir: string | undefined;
  private spillRows = Infinity;
  private spillThread: SpillThread | undefined;
  private spillRunId: string | undefined;
  private spillCollect = true;
  /** Spilled chunks stay in memory (see SpoolOptions.inMemory). */
  private spillInMemory = false;
  private readonly spools = new Map<string, TableSpool>();
  /** Per venue: order and fill statistics over every order and fill, drained or not. */
  private readonly stats = new Map<string, TradeStats>();
  private lastSampleUs = -Infinity;
  /** Deposits at the prices of the first sample: the capital returns are measured on. */
  private readonly initial = new Map<string, number>();
  /** Per venue (in `venues` order): the account's round trips, fed by every booking of its position. */
  private readonly trips: RoundTrips[];
  private tripsMade: Record<string, ColumnData> | undefined;

  constructor(
    private readonly wallets: readonly AccountWallet[],
    private readonly venues: readonly RecordedVenue[],
    ledger: Ledger,
    private readonly engine: MarginEngine | undefined,
    /** Ids of equity legs that are not CLOB venues (options venues): each gets a pnl_<id> column. */
    private readonly legIds: readonly string[] = [],
  ) {
    ledger.onTransfer((t) => {
      const l = this.ledgerRows;
      l.add(t);
      if (l.length >= this.spillRows) this.flushLedger();
    });
    for (const v of venues) {
      this.stats.set(v.id, new TradeStats(v.clob.instrument));
      this.staged.set(v.id, { orders: new OrderRows(v), fills: new FillRows(v), retryAt: STAGE_ROWS });
    }
    this.trips = venues.map((v) => new RoundTrips(v.clob.instrument, assetScale(v.clob.instrument.settle)));
    if (engine) {
      // Liquidation steps and ADL close a venue's position through the margin engine, not its book.
      const byPosition = new Map<unknown, RoundTrips>(venues.map((v, i) => [v.clob.position, this.trips[i]!]));
      engine.onBooked = (pos, tsUs, lots, priceTicks, b, reason) => byPosition.get(pos)?.book(tsUs, lots, priceTicks, b.realized, b.fee, reason === 'trade' ? 'orders' : reason);
    }
    for (const w of wallets) {
      this.series.set(w.id, new AccountSeries());
      this.split.set(w.id, { deposits: new F64Column(), liquidation: new F64Column(), venues: new Map([...venues.map((v) => v.id), ...legIds].map((id) => [id, new F64Column()])) });
    }
    this.stagedList = venues.map((v) => this.staged.get(v.id)!);
    this.seriesList = [...this.series];
  }

  onEvent(tsUs: number): void {
    this.sample(tsUs);
  }

  /** A fill of venue `i` (its index in `venues`): into its round trips, then an equity sample. */
  onFill(i: number, tsUs: number, f: Fill): void {
    this.trips[i]!.book(tsUs, f.side === BID ? f.sizeLots : -f.sizeLots, f.priceTicks, f.realized, f.fee, 'orders', this.venues[i]!.clob.orderById(f.orderId)?.tag ?? '');
    this.sample(tsUs);
  }

  /**
   * The round trips of every venue's account (the `trades` table), made once at the end: later
   * bookings would not be in it.
   */
  tradesTable(): Record<string, ColumnData> {
    if (this.tripsMade === undefined) {
      const parts = this.venues.map((v, i) => this.trips[i]!.table(v.id, v.account));
      this.tripsMade = parts.length === 0 ? {} : concatColumns(parts);
    }
    return this.tripsMade;
  }

  /**
   * The run has ended (no booking or sample comes after): every row still in memory joins its
   * table, a spill thread is asked to finish the files of the tables it writes, and the trades
   * table (made now) goes to it whole — all while this thread computes the run's metrics, which
   * read none of it. Called again (by `tables`), nothing happens.
   */
  endRun(): void {
    if (this.ended) return;
    this.ended = true;
    // Everything still in memory joins the spools (in memory when the run does not spill).
    for (const v of this.venues) this.spoolVenue(v, v.clob.orders, v.clob.fills);
    for (const id of this.series.keys()) this.flushEquity(id);
    this.flushLedger();
    if (this.engine) this.spool('margin').append(this.margin.take());
    for (const t of this.spools.values()) t.finish();
    if (this.venues.length > 0) this.tradesPosted = this.whole('trades', this.tradesTable());
  }

  private ended = false;
  private tradesPosted: TableData | undefined;

  /**
   * A table made whole at the end: given to the spill thread to write (see PostedTable) when the
   * run spills to one, else its columns, written by the run folder.
   */
  private whole(name: string, cols: Record<string, ColumnData>): TableData {
    return this.spillThread !== undefined && this.spillRunId !== undefined && Object.keys(cols).length > 0 ? new PostedTable(cols, this.spillThread, this.spillDir!, name, this.spillRunId) : cols;
  }

  /**
   * Closed round trips of an account by the tag of the order that closed them: trips and how many
   * won (PnL after fees > 0). Call after `tradesTable()`.
   */
  exitsByTag(account: string): Record<string, { trips: number; won: number }> {
    const t = this.tradesTable();
    const out: Record<string, { trips: number; won: number }> = {};
    if (t.pnl === undefined) return out;
    const pnl = t.pnl as Float64Array;
    const status = t.status as string[];
    const exit = t.exit as string[];
    // The table is the venues' parts in order, each one row per trip its RoundTrips emitted.
    let row = 0;
    this.venues.forEach((v, i) => {
      const tags = this.trips[i]!.exitTags;
      for (let k = 0; k < tags.length; k++, row++) {
        if (v.account !== account || status[row] !== 'closed') continue;
        const key = exit[row] === 'liquidation' ? '(liquidated)' : exit[row] === 'adl' ? '(auto-deleveraged)' : tags[k] || '(untagged orders)';
        const e = (out[key] ??= { trips: 0, won: 0 });
        e.trips++;
        if (pnl[row]! > 0) e.won++;
      }
    });
    return out;
  }

  /** Per account, resolved once at the first sample (the world is built by then): what a sample reads. */
  private bound: { w: AccountWallet; s: AccountSeries; deposits: F64Column; liquidation: F64Column; legs: { col: F64Column; vi: number; l: AccountWallet['legs'][number] | undefined }[]; units: Float64Array; started: boolean; tick: number }[] | undefined;

  private bind(): NonNullable<WorldRecorder['bound']> {
    return (this.bound = this.wallets.map((w) => {
      const sp = this.split.get(w.id)!;
      return {
        w,
        s: this.series.get(w.id)!,
        deposits: sp.deposits,
        liquidation: sp.liquidation,
        legs: [...sp.venues].map(([id, col]) => {
          const vi = w.venues.findIndex((x) => x.id === id);
          return { col, vi, l: vi >= 0 ? undefined : w.legs.find((x) => x.id === id) };
        }),
        units: new Float64Array(5 * w.venues.length),
        started: false,
        // The primary venue's tick as a number (its instrument keeps a decimal string).
        tick: w.venues[0] ? Number(w.venues[0].position.inst.tickSize) : NaN,
      };
    }));
  }

  /** One equity sample of every account (once per timestamp). */
  /**
   * The run's last sample, after its end: only when an account's equity moved since the last one
   * (an on-chain transaction included after the data ended). Otherwise none, so the samples end
   * where the run's data does (see the equity clock in build.ts).
   */
  sampleIfMoved(tsUs: number): void {
    if (tsUs === this.lastSampleUs) return;
    const bound = this.bound ?? this.bind();
    for (let bi = 0; bi < bound.length; bi++) {
      const { w, s } = bound[bi]!;
      const e = w.equity();
      if (!Number.isFinite(e)) continue;
      const n = s.allEquity.length;
      if (n === 0 || s.allEquity.data[n - 1] !== e) {
        this.sample(tsUs);
        return;
      }
    }
  }

  sample(tsUs: number): void {
    if (tsUs === this.lastSampleUs) return;
    this.lastSampleUs = tsUs;
    const bound = this.bound ?? this.bind();
    for (let bi = 0; bi < bound.length; bi++) {
      const b = bound[bi]!;
      const w = b.w;
      const s = b.s;
      const e = w.equity();
      if (!Number.isFinite(e)) continue; // no price yet for an asset the account holds
      let realized = 0;
      let unrealized = 0;
      let fees = 0;
      let funding = 0;
      // Each venue's figures in its settle asset and that asset's price, kept for its PnL column
      // below (what w.venuePnl computes from the same conversions).
      const u = b.units;
      for (let vi = 0; vi < w.venues.length; vi++) {
        const v = w.venues[vi]!;
        const p = v.position;
        const n = p.notional;
        const px = w.prices.get(p.inst.settle);
        const r = n.toUnits(p.realized);
        const o = p.lots === 0 ? 0 : n.toUnits(p.unrealized(v.mark()));
        const f = n.toUnits(p.fees);
        const fu = n.toUnits(p.funding);
        realized += r * px;
        unrealized += o * px;
        fees += f * px;
        funding += fu * px;
        u[5 * vi] = r;
        u[5 * vi + 1] = o;
        u[5 * vi + 2] = f;
        u[5 * vi + 3] = fu;
        u[5 * vi + 4] = px;
      }
      s.allTs.push(tsUs);
      s.allEquity.push(e);
      s.ts.push(tsUs);
      s.equity.push(e);
      s.realized.push(realized);
      s.unrealized.push(unrealized);
      s.fees.push(fees);
      s.funding.push(funding);
      const primary = w.venues[0];
      s.pos.push(primary ? primary.position.lots : 0);
      s.mid.push(primary ? primary.mark() * b.tick : NaN);
      const dep = w.depositsValue();
      if (!b.started) {
        b.started = true;
        this.initial.set(w.id, dep);
      }
      b.deposits.push(dep);
      b.liquidation.push(w.liquidationValue());
      for (const c of b.legs) {
        const k = 5 * c.vi;
        // w.venuePnl: (realized + open − fees − funding) × price, in that order.
        c.col.push(c.vi >= 0 ? (u[k]! + u[k + 1]! - u[k + 2]! - u[k + 3]!) * u[k + 4]! : c.l ? c.l.pnl() : 0);
      }
    }
    // Margin of the spec's own accounts (a population's thousands of accounts are not sampled).
    if (this.engine) {
      for (const w of this.wallets) {
        if (w.marginMode === 'cash') continue;
        this.margin.push(tsUs, w.id, this.engine.state(w.id));
      }
      if (this.margin.length >= this.spillRows) this.spool('margin').append(this.margin.take());
    }
    if (this.spillDir !== undefined) this.spillFull();
  }

  /**
   * Spill the long tables to `dir` in chunks of `rows` rows as the run goes, so its memory stays
   * flat in the length of the data (runWorld passes the run's spill folder). Without it every row
   * stays in memory until the run is written (a world built directly, as in tests).
   */
  spill(dir: string, rows: number, opts: { thread?: { thread: SpillThread; runId: string }; collect?: boolean; inMemory?: boolean } = {}): void {
    this.spillDir = dir;
    this.spillRows = rows;
    this.spillThread = opts.thread?.thread;
    this.spillRunId = opts.thread?.runId;
    this.spillCollect = opts.collect ?? true;
    this.spillInMemory = opts.inMemory ?? false;
  }

  private spool(name: string): TableSpool {
    let t = this.spools.get(name);
    if (t === undefined) {
      // A spool that is a whole table (not one venue's or account's part of it) is written by the
      // spill thread straight into the table's Arrow file and Parquet copy as it spills.
      const [table] = name.split(':');
      const solo = table === 'equity' ? this.series.size === 1 : table === 'orders' || table === 'fills' || table === 'positions' ? this.venues.length === 1 : true;
      this.spools.set(name, (t = new TableSpool(name, this.spillDir, this.spillRows, { thread: this.spillThread, runId: solo ? this.spillRunId : undefined, collect: this.spillCollect, inMemory: this.spillInMemory })));
    }
    return t;
  }

  /**
   * Move whatever has reached a chunk to its spool: venues' done orders and fills (with those
   * staged), equity rows; stage a venue's done orders and fills as rows of columns every STAGE_ROWS.
   */
  private spillFull(): void {
    const n = this.spillRows;
    // Asked at every sample (a fill's too): arrays in `venues` and account order, no map lookup or iterator.
    const staged = this.stagedList;
    const series = this.seriesList;
    for (let i = 0; i < staged.length; i++) {
      const v = this.venues[i]!;
      const st = staged[i]!;
      if (st.orders.length + v.clob.orders.length >= n || st.fills.length + v.clob.fills.length >= n) this.drainVenue(v);
      else if (v.clob.orders.length + v.clob.fills.length >= st.retryAt) this.stageVenue(v);
    }
    for (let i = 0; i < series.length; i++) if (series[i]![1].ts.length >= n) this.flushEquity(series[i]![0]);
  }

  /** `staged` in `venues` order and `series` as entries, for spillFull. */
  private readonly stagedList: { orders: OrderRows; fills: FillRows; retryAt: number }[];
  private readonly seriesList: [string, AccountSeries][];

  private drainVenue(v: RecordedVenue): void {
    const d = v.clob.drainDone();
    this.spoolVenue(v, d.orders, d.fills);
  }

  /** A venue's done orders and fills become rows of their tables now, their chunk later (see `staged`). */
  private stageVenue(v: RecordedVenue): void {
    const d = v.clob.drainDone();
    const st = this.staged.get(v.id)!;
    this.stats.get(v.id)!.addOrders(d.orders).addFills(d.fills);
    st.orders.add(d.orders);
    st.fills.add(d.fills);
    // An order resting since long ago holds the later ones (orders leave in id order): try
    // again when as many more have come, not at every sample.
    st.retryAt = v.clob.orders.length + v.clob.fills.length + STAGE_ROWS;
  }

  /** Orders and fills leave the venue: into the statistics and the orders/fills/positions spools (after those staged). */
  private spoolVenue(v: RecordedVenue, orders: readonly OwnOrder[], fills: readonly Fill[]): void {
    const st = this.staged.get(v.id)!;
    this.stats.get(v.id)!.addOrders(orders).addFills(fills);
    st.orders.add(orders);
    st.fills.add(fills);
    const fp = st.fills.take();
    this.spool(`orders:${v.id}`).append(st.orders.take());
    this.spool(`fills:${v.id}`).append(fp.fills);
    this.spool(`positions:${v.id}`).append(fp.positions);
    st.retryAt = v.clob.orders.length + v.clob.fills.length + STAGE_ROWS;
  }

  private flushEquity(id: string): void {
    this.spool(`equity:${id}`).append(this.equityColumns(id));
  }

  private flushLedger(): void {
    this.spool('ledger').append(this.ledgerRows.take());
  }

  /** Order and fill statistics of a venue so far: the drained orders and fills and those in memory. */
  tradeStats(v: RecordedVenue): TradeStats {
    const st = this.stats.get(v.id)!.clone();
    // After endRun the venue's orders and fills in memory are in the statistics already.
    return this.ended ? st : st.addOrders(v.clob.orders).addFills(v.clob.fills);
  }

  initialCapital(account: string): number {
    return this.initial.get(account) ?? NaN;
  }

  equitySeries(account: string): { ts: Float64Array; equity: Float64Array } {
    const s = this.series.get(account)!;
    return { ts: s.allTs.view(), equity: s.allEquity.view() };
  }

  /** All result tables, by name (long ones as spools); takes what the venues still hold: call once, at the end. */
  tables(liquidations: readonly LiquidationRecord[], extra: Record<string, TableData> = {}): Record<string, TableData> {
    this.endRun();
    const funding = { ts: new F64Column(), venue: [] as string[], symbol: [] as string[], account: [] as string[], rate: new F64Column(), lots: new F64Column(), mark: new F64Column(), pay: new I64Column(), payUnits: new F64Column(), asset: [] as string[] };
    for (const v of this.venues) {
      if (v.perp) {
        const inst = v.clob.instrument;
        const tick = Number(inst.tickSize);
        const n = v.clob.position.notional;
        for (const e of v.perp.fundingLog) {
          if (e.account !== v.account) continue;
          funding.ts.push(e.tsUs);
          funding.venue.push(v.id);
          funding.symbol.push(e.symbol);
          funding.account.push(e.account);
          funding.rate.push(e.rate);
          funding.lots.push(e.positionLots);
          funding.mark.push(e.markTicks * tick);
          funding.pay.push(e.payment);
          funding.payUnits.push(n.toUnits(e.payment));
          funding.asset.push(inst.settle);
        }
      }
    }
    const seq = (table: string, keys: readonly string[]) => new SpoolSeq(keys.map((k) => this.spool(`${table}:${k}`)));
    const venueIds = this.venues.map((v) => v.id);
    const out: Record<string, TableData> = {
      orders: seq('orders', venueIds),
      fills: seq('fills', venueIds),
      equity: seq('equity', [...this.series.keys()]),
      positions: seq('positions', venueIds),
      ...(this.tradesPosted !== undefined ? { trades: this.tradesPosted } : {}),
      ledger: this.spool('ledger'),
    };
    if (this.venues.some((v) => v.perp)) {
      out.funding = this.whole('funding', {
        ts_us: funding.ts.view(),
        venue: funding.venue,
        account: funding.account,
        symbol: funding.symbol,
        rate: funding.rate.view(),
        position_lots: funding.lots.view(),
        mark: funding.mark.view(),
        payment_minor: funding.pay.view(),
        payment: funding.payUnits.view(),
        asset: funding.asset,
      });
    }
    if (this.engine) {
      out.margin = this.spool('margin');
      out.liquidations = this.whole('liquidations', liquidationsTable(liquidations));
    }
    return { ...out, ...extra };
  }

  /** The equity rows of one account still in memory, as table columns (the columns are then reset). */
  private equityColumns(id: string): Record<string, ColumnData> {
    const s = this.series.get(id)!;
    const sp = this.split.get(id)!;
    const venueCols: Record<string, Float64Array> = {};
    for (const vid of [...this.venues.map((v) => v.id), ...this.legIds]) venueCols[`pnl_${vid.replace(/[^A-Za-z0-9_]/g, '_')}`] = sp.venues.get(vid)!.take();
    const n = s.ts.length;
    return {
      ts_us: s.ts.take(),
      account: repeatStr(id, n),
      equity: s.equity.take(),
      realized: s.realized.take(),
      unrealized: s.unrealized.take(),
      fees: s.fees.take(),
      funding: s.funding.take(),
      position_lots: s.pos.take(),
      mid: s.mid.take(),
      deposits: sp.deposits.take(),
      liquidation: sp.liquidation.take(),
      ...venueCols,
    };
  }

}

/**
 * Rows after which done orders, fills and ledger transfers leave memory as columns, well before
 * their chunk (SPILL_ROWS) is due: the objects then die young, collected by V8's scavenger, not
 * copied through it and kept in the old generation until the chunk drains (a bar backtest's
 * 61,000 orders made its young collections ~2.5× as long as a run without orders).
 */
const STAGE_ROWS = 256;
