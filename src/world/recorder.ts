import type { EventHandler } from '../kernel/event-queue.ts';
import type { Ledger, Transfer } from '../ledger/ledger.ts';
import { lotsToQty, ticksToPrice } from '../market/instrument.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import { liquidationsTable, marginTable, type MarginRow } from '../risk/recorder.ts';
import type { LiquidationRecord } from '../risk/liquidation.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { F64Column, I64Column, f64Of, i32Of, i64Of, repeatStr, u8Of } from '../results/columns.ts';
import { TradeStats } from '../results/metrics.ts';
import { SpoolSeq, TableSpool, type TableData } from '../results/spool.ts';
import type { SpillThread } from '../results/spill-thread.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import type { PerpVenue } from '../venues/perp/venue.ts';
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
  private transfers: Transfer[] = [];
  private margin: MarginRow[] = [];
  /** Spools of the long tables (see `spill`): rows leave memory in chunks as the run goes. */
  private spillDir: string | undefined;
  private spillRows = Infinity;
  private spillThread: SpillThread | undefined;
  private spillRunId: string | undefined;
  private readonly spools = new Map<string, TableSpool>();
  /** Per venue: order and fill statistics over every order and fill, drained or not. */
  private readonly stats = new Map<string, TradeStats>();
  private lastSampleUs = -Infinity;
  /** Deposits at the prices of the first sample: the capital returns are measured on. */
  private readonly initial = new Map<string, number>();

  constructor(
    private readonly wallets: readonly AccountWallet[],
    private readonly venues: readonly RecordedVenue[],
    ledger: Ledger,
    private readonly engine: MarginEngine | undefined,
    /** Ids of equity legs that are not CLOB venues (options venues): each gets a pnl_<id> column. */
    private readonly legIds: readonly string[] = [],
  ) {
    ledger.onTransfer((t) => {
      this.transfers.push(t);
      if (this.transfers.length >= this.spillRows) this.flushLedger();
    });
    for (const v of venues) this.stats.set(v.id, new TradeStats(v.clob.instrument));
    for (const w of wallets) {
      this.series.set(w.id, new AccountSeries());
      this.split.set(w.id, { deposits: new F64Column(), liquidation: new F64Column(), venues: new Map([...venues.map((v) => v.id), ...legIds].map((id) => [id, new F64Column()])) });
    }
  }

  onEvent(tsUs: number): void {
    this.sample(tsUs);
  }

  /** One equity sample of every account (once per timestamp). */
  sample(tsUs: number): void {
    if (tsUs === this.lastSampleUs) return;
    this.lastSampleUs = tsUs;
    for (const w of this.wallets) {
      const s = this.series.get(w.id)!;
      const e = w.equity();
      if (!Number.isFinite(e)) continue; // no price yet for an asset the account holds
      let realized = 0;
      let unrealized = 0;
      let fees = 0;
      let funding = 0;
      for (const v of w.venues) {
        const p = v.position;
        const n = p.notional;
        const px = w.prices.get(p.inst.settle);
        realized += n.toUnits(p.realized) * px;
        unrealized += (p.lots === 0 ? 0 : n.toUnits(p.unrealized(v.mark()))) * px;
        fees += n.toUnits(p.fees) * px;
        funding += n.toUnits(p.funding) * px;
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
      s.mid.push(primary ? primary.mark() * Number(primary.position.inst.tickSize) : NaN);
      const sp = this.split.get(w.id)!;
      const dep = w.depositsValue();
      if (!this.initial.has(w.id)) this.initial.set(w.id, dep);
      sp.deposits.push(dep);
      sp.liquidation.push(w.liquidationValue());
      for (const [id, col] of sp.venues) {
        const v = w.venues.find((x) => x.id === id);
        const l = v ? undefined : w.legs.find((x) => x.id === id);
        col.push(v ? w.venuePnl(v) : l ? l.pnl() : 0);
      }
    }
    // Margin of the spec's own accounts (a population's thousands of accounts are not sampled).
    if (this.engine) {
      for (const w of this.wallets) {
        if (w.marginMode === 'cash') continue;
        const st = this.engine.state(w.id);
        this.margin.push({ tsUs, account: w.id, equity: st.equity, im: st.im, mm: st.mm, marginRatio: st.marginRatio });
      }
      if (this.margin.length >= this.spillRows) this.spool('margin').append(marginTable(this.margin.splice(0)));
    }
    if (this.spillDir !== undefined) this.spillFull();
  }

  /**
   * Spill the long tables to `dir` in chunks of `rows` rows as the run goes, so its memory stays
   * flat in the length of the data (runWorld passes the run's spill folder). Without it every row
   * stays in memory until the run is written (a world built directly, as in tests).
   */
  spill(dir: string, rows: number, thread?: { thread: SpillThread; runId: string }): void {
    this.spillDir = dir;
    this.spillRows = rows;
    this.spillThread = thread?.thread;
    this.spillRunId = thread?.runId;
  }

  private spool(name: string): TableSpool {
    let t = this.spools.get(name);
    if (t === undefined) {
      // A spool that is a whole table (not one venue's or account's part of it) has its Parquet
      // copy made by the spill thread as it spills.
      const [table] = name.split(':');
      const solo = table === 'equity' ? this.series.size === 1 : table === 'orders' || table === 'fills' || table === 'positions' ? this.venues.length === 1 : true;
      this.spools.set(name, (t = new TableSpool(name, this.spillDir, this.spillRows, this.spillThread, solo ? this.spillRunId : undefined)));
    }
    return t;
  }

  /** Move whatever has reached a chunk to its spool: venues' done orders and fills, equity rows. */
  private spillFull(): void {
    const n = this.spillRows;
    for (const v of this.venues) if (v.clob.orders.length >= n || v.clob.fills.length >= n) this.drainVenue(v);
    for (const [id, s] of this.series) if (s.ts.length >= n) this.flushEquity(id);
  }

  private drainVenue(v: RecordedVenue): void {
    const d = v.clob.drainDone();
    this.spoolVenue(v, d.orders, d.fills);
  }

  /** Orders and fills leave the venue: into the statistics and the orders/fills/positions spools. */
  private spoolVenue(v: RecordedVenue, orders: readonly OwnOrder[], fills: readonly Fill[]): void {
    this.stats.get(v.id)!.addOrders(orders).addFills(fills);
    this.spool(`orders:${v.id}`).append(orderColumns(v, orders));
    this.spool(`fills:${v.id}`).append(fillColumns(v, fills));
    this.spool(`positions:${v.id}`).append(positionColumns(v, fills));
  }

  private flushEquity(id: string): void {
    this.spool(`equity:${id}`).append(this.equityColumns(id));
  }

  private flushLedger(): void {
    this.spool('ledger').append(ledgerColumns(this.transfers));
    this.transfers = [];
  }

  /** Order and fill statistics of a venue so far: the drained orders and fills and those in memory. */
  tradeStats(v: RecordedVenue): TradeStats {
    return this.stats.get(v.id)!.clone().addOrders(v.clob.orders).addFills(v.clob.fills);
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
    const funding = { ts: new F64Column(), venue: [] as string[], symbol: [] as string[], account: [] as string[], rate: new F64Column(), lots: new F64Column(), mark: new F64Column(), pay: new I64Column(), payUnits: new F64Column(), asset: [] as string[] };
    for (const v of this.venues) {
      // Everything still in memory joins the spools (in memory when the run does not spill).
      this.spoolVenue(v, v.clob.orders, v.clob.fills);
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
    for (const id of this.series.keys()) this.flushEquity(id);
    this.flushLedger();
    const seq = (table: string, keys: readonly string[]) => new SpoolSeq(keys.map((k) => this.spool(`${table}:${k}`)));
    const venueIds = this.venues.map((v) => v.id);
    const out: Record<string, TableData> = {
      orders: seq('orders', venueIds),
      fills: seq('fills', venueIds),
      equity: seq('equity', [...this.series.keys()]),
      positions: seq('positions', venueIds),
      ledger: this.spool('ledger'),
    };
    if (this.venues.some((v) => v.perp)) {
      out.funding = {
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
      };
    }
    if (this.engine) {
      const m = this.spool('margin');
      m.append(marginTable(this.margin.splice(0)));
      out.margin = m;
      out.liquidations = liquidationsTable(liquidations);
    }
    return { ...out, ...extra };
  }

  /** The equity rows of one account still in memory, as table columns (the columns are then reset). */
  private equityColumns(id: string): Record<string, ColumnData> {
    const s = this.series.get(id)!;
    const sp = this.split.get(id)!;
    const venueCols: Record<string, Float64Array> = {};
    for (const vid of [...this.venues.map((v) => v.id), ...this.legIds]) venueCols[`pnl_${vid.replace(/[^A-Za-z0-9_]/g, '_')}`] = sp.venues.get(vid)!.view().slice();
    const cols: Record<string, ColumnData> = {
      ts_us: s.ts.view().slice(),
      account: repeatStr(id, s.ts.length),
      equity: s.equity.view().slice(),
      realized: s.realized.view().slice(),
      unrealized: s.unrealized.view().slice(),
      fees: s.fees.view().slice(),
      funding: s.funding.view().slice(),
      position_lots: s.pos.view().slice(),
      mid: s.mid.view().slice(),
      deposits: sp.deposits.view().slice(),
      liquidation: sp.liquidation.view().slice(),
      ...venueCols,
    };
    for (const c of [s.ts, s.equity, s.realized, s.unrealized, s.fees, s.funding, s.pos, s.mid, sp.deposits, sp.liquidation, ...sp.venues.values()]) c.length = 0;
    return cols;
  }

}

const I64_MAX = (1n << 63n) - 1n;

const side = (s: number) => (s === 0 ? 'buy' : 'sell');

function ledgerColumns(t: readonly Transfer[]): Record<string, ColumnData> {
  // int64 holds every amount but 18-decimal tokens above ~9.2 whole tokens (wei): those are
  // clamped in amount_minor (never wrapped) and exact in amount_exact (cast it to HUGEINT to sum).
  const amount = new I64Column();
  for (const x of t) amount.push(x.amount > I64_MAX ? I64_MAX : x.amount < -I64_MAX ? -I64_MAX : x.amount);
  return {
    seq: i32Of(t, (x) => x.seq),
    ts_us: f64Of(t, (x) => x.tsUs),
    from_account: t.map((x) => x.from),
    to_account: t.map((x) => x.to),
    asset: t.map((x) => x.asset),
    amount_minor: amount.view(),
    amount_exact: t.map((x) => x.amount.toString()),
    kind: t.map((x) => x.kind),
    ref: i32Of(t, (x) => x.ref),
  };
}

function orderColumns(v: RecordedVenue, os: readonly OwnOrder[]): Record<string, ColumnData> {
  const inst = v.clob.instrument;
  const tick = Number(inst.tickSize);
  return {
    venue: repeatStr(v.id, os.length),
    account: repeatStr(v.account, os.length),
    order_id: i32Of(os, (o) => o.id),
    submit_ts_us: f64Of(os, (o) => o.submitTsUs),
    arrival_ts_us: f64Of(os, (o) => o.arrivalTsUs),
    done_ts_us: f64Of(os, (o) => o.doneTsUs),
    symbol: repeatStr(inst.symbol, os.length),
    side: os.map((o) => side(o.side)),
    type: os.map((o) => o.type),
    tif: os.map((o) => o.tif),
    post_only: u8Of(os, (o) => (o.postOnly ? 1 : 0)),
    reduce_only: u8Of(os, (o) => (o.reduceOnly ? 1 : 0)),
    tag: os.map((o) => o.tag),
    price_ticks: f64Of(os, (o) => (o.type === 'market' ? NaN : o.priceTicks)),
    price: f64Of(os, (o) => (o.type === 'market' ? NaN : ticksToPrice(inst, o.priceTicks))),
    size_lots: f64Of(os, (o) => o.sizeLots),
    qty: f64Of(os, (o) => lotsToQty(inst, o.sizeLots)),
    filled_lots: f64Of(os, (o) => o.filledLots),
    status: os.map((o) => o.status),
    reason: os.map((o) => o.reason),
    decision_mid: f64Of(os, (o) => o.decisionMidTicks * tick),
  };
}

function fillColumns(v: RecordedVenue, fs: readonly Fill[]): Record<string, ColumnData> {
  const inst = v.clob.instrument;
  const tick = Number(inst.tickSize);
  const n = v.clob.position.notional;
  return {
    venue: repeatStr(v.id, fs.length),
    account: repeatStr(v.account, fs.length),
    seq: i32Of(fs, (f) => f.seq),
    ts_us: f64Of(fs, (f) => f.tsUs),
    order_id: i32Of(fs, (f) => f.orderId),
    symbol: repeatStr(inst.symbol, fs.length),
    side: fs.map((f) => side(f.side)),
    price_ticks: f64Of(fs, (f) => f.priceTicks),
    price: f64Of(fs, (f) => ticksToPrice(inst, f.priceTicks)),
    size_lots: f64Of(fs, (f) => f.sizeLots),
    qty: f64Of(fs, (f) => lotsToQty(inst, f.sizeLots)),
    liquidity: fs.map((f) => (f.maker ? 'maker' : 'taker')),
    fee_minor: i64Of(fs, (f) => f.fee),
    fee: f64Of(fs, (f) => n.toUnits(f.fee)),
    realized_minor: i64Of(fs, (f) => f.realized),
    fee_asset: repeatStr(inst.settle, fs.length),
    mid: f64Of(fs, (f) => f.midTicks * tick),
    decision_mid: f64Of(fs, (f) => f.decisionMidTicks * tick),
    queue_wait_us: f64Of(fs, (f) => f.queueWaitUs),
    position_lots: f64Of(fs, (f) => f.positionLots),
  };
}

function positionColumns(v: RecordedVenue, fs: readonly Fill[]): Record<string, ColumnData> {
  const inst = v.clob.instrument;
  return {
    venue: repeatStr(v.id, fs.length),
    account: repeatStr(v.account, fs.length),
    ts_us: f64Of(fs, (f) => f.tsUs),
    symbol: repeatStr(inst.symbol, fs.length),
    position_lots: f64Of(fs, (f) => f.positionLots),
    position_qty: f64Of(fs, (f) => lotsToQty(inst, f.positionLots)),
    price: f64Of(fs, (f) => ticksToPrice(inst, f.priceTicks)),
  };
}
