import type { EventHandler } from '../kernel/event-queue.ts';
import type { Ledger, Transfer } from '../ledger/ledger.ts';
import { lotsToQty, ticksToPrice } from '../market/instrument.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import { liquidationsTable, marginTable, type MarginRow } from '../risk/recorder.ts';
import type { LiquidationRecord } from '../risk/liquidation.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { F64Column, I64Column, f64Of, i32Of, i64Of, u8Of } from '../results/columns.ts';
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
  private readonly transfers: Transfer[] = [];
  private readonly margin: MarginRow[] = [];
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
    ledger.onTransfer((t) => this.transfers.push(t));
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
    }
  }

  initialCapital(account: string): number {
    return this.initial.get(account) ?? NaN;
  }

  equitySeries(account: string): { ts: Float64Array; equity: Float64Array } {
    const s = this.series.get(account)!;
    return { ts: s.ts.view(), equity: s.equity.view() };
  }

  /** All result tables, by name. */
  tables(liquidations: readonly LiquidationRecord[], extra: Record<string, Record<string, ColumnData>> = {}): Record<string, Record<string, ColumnData>> {
    const side = (s: number) => (s === 0 ? 'buy' : 'sell');
    const orders: Record<string, ColumnData[]> = {};
    const fills: Record<string, ColumnData[]> = {};
    const positions: Record<string, ColumnData[]> = {};
    const add = (acc: Record<string, ColumnData[]>, cols: Record<string, ColumnData>) => {
      for (const [k, v] of Object.entries(cols)) (acc[k] ??= []).push(v);
    };
    const funding = { ts: new F64Column(), venue: [] as string[], symbol: [] as string[], account: [] as string[], rate: new F64Column(), lots: new F64Column(), mark: new F64Column(), pay: new I64Column(), payUnits: new F64Column(), asset: [] as string[] };
    for (const v of this.venues) {
      const inst = v.clob.instrument;
      const tick = Number(inst.tickSize);
      const n = v.clob.position.notional;
      const os = v.clob.orders;
      const fs = v.clob.fills;
      add(orders, {
        venue: os.map(() => v.id),
        account: os.map(() => v.account),
        order_id: i32Of(os, (o) => o.id),
        submit_ts_us: f64Of(os, (o) => o.submitTsUs),
        arrival_ts_us: f64Of(os, (o) => o.arrivalTsUs),
        done_ts_us: f64Of(os, (o) => o.doneTsUs),
        symbol: os.map(() => inst.symbol),
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
      });
      add(fills, {
        venue: fs.map(() => v.id),
        account: fs.map(() => v.account),
        seq: i32Of(fs, (f) => f.seq),
        ts_us: f64Of(fs, (f) => f.tsUs),
        order_id: i32Of(fs, (f) => f.orderId),
        symbol: fs.map(() => inst.symbol),
        side: fs.map((f) => side(f.side)),
        price_ticks: f64Of(fs, (f) => f.priceTicks),
        price: f64Of(fs, (f) => ticksToPrice(inst, f.priceTicks)),
        size_lots: f64Of(fs, (f) => f.sizeLots),
        qty: f64Of(fs, (f) => lotsToQty(inst, f.sizeLots)),
        liquidity: fs.map((f) => (f.maker ? 'maker' : 'taker')),
        fee_minor: i64Of(fs, (f) => f.fee),
        fee: f64Of(fs, (f) => n.toUnits(f.fee)),
        realized_minor: i64Of(fs, (f) => f.realized),
        fee_asset: fs.map(() => inst.settle),
        mid: f64Of(fs, (f) => f.midTicks * tick),
        decision_mid: f64Of(fs, (f) => f.decisionMidTicks * tick),
        queue_wait_us: f64Of(fs, (f) => f.queueWaitUs),
        position_lots: f64Of(fs, (f) => f.positionLots),
      });
      add(positions, {
        venue: fs.map(() => v.id),
        account: fs.map(() => v.account),
        ts_us: f64Of(fs, (f) => f.tsUs),
        symbol: fs.map(() => inst.symbol),
        position_lots: f64Of(fs, (f) => f.positionLots),
        position_qty: f64Of(fs, (f) => lotsToQty(inst, f.positionLots)),
        price: f64Of(fs, (f) => ticksToPrice(inst, f.priceTicks)),
      });
      if (v.perp) {
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
    const out: Record<string, Record<string, ColumnData>> = {
      orders: concat(orders),
      fills: concat(fills),
      equity: this.equityTable(),
      positions: concat(positions),
      ledger: this.ledgerTable(),
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
      out.margin = marginTable(this.margin);
      out.liquidations = liquidationsTable(liquidations);
    }
    return { ...out, ...extra };
  }

  private equityTable(): Record<string, ColumnData> {
    const acct: string[] = [];
    const cols = { ts: [] as Float64Array[], equity: [] as Float64Array[], realized: [] as Float64Array[], unrealized: [] as Float64Array[], fees: [] as Float64Array[], funding: [] as Float64Array[], pos: [] as Float64Array[], mid: [] as Float64Array[] };
    for (const [id, s] of this.series) {
      for (let i = 0; i < s.ts.length; i++) acct.push(id);
      cols.ts.push(s.ts.view());
      cols.equity.push(s.equity.view());
      cols.realized.push(s.realized.view());
      cols.unrealized.push(s.unrealized.view());
      cols.fees.push(s.fees.view());
      cols.funding.push(s.funding.view());
      cols.pos.push(s.pos.view());
      cols.mid.push(s.mid.view());
    }
    // The exact split of equity: deposits at current prices + liquidation transfers + Σ pnl_<venue>.
    const splits = [...this.split.values()];
    const venueCols: Record<string, Float64Array> = {};
    for (const id of [...this.venues.map((v) => v.id), ...this.legIds]) venueCols[`pnl_${id.replace(/[^A-Za-z0-9_]/g, '_')}`] = cat(splits.map((x) => x.venues.get(id)!.view()));
    return {
      ts_us: cat(cols.ts),
      account: acct,
      equity: cat(cols.equity),
      realized: cat(cols.realized),
      unrealized: cat(cols.unrealized),
      fees: cat(cols.fees),
      funding: cat(cols.funding),
      position_lots: cat(cols.pos),
      mid: cat(cols.mid),
      deposits: cat(splits.map((x) => x.deposits.view())),
      liquidation: cat(splits.map((x) => x.liquidation.view())),
      ...venueCols,
    };
  }

  private ledgerTable(): Record<string, ColumnData> {
    const t = this.transfers;
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
}

const I64_MAX = (1n << 63n) - 1n;

function cat(parts: Float64Array[]): Float64Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Concatenate per-venue columns of the same name and type. */
export function concat(parts: Record<string, ColumnData[]>): Record<string, ColumnData> {
  const out: Record<string, ColumnData> = {};
  for (const [k, list] of Object.entries(parts)) {
    const first = list[0]!;
    if (list.length === 1) out[k] = first;
    else if (Array.isArray(first)) {
      // A plain loop: Array.prototype.flat is several times slower on long string columns.
      const all: string[] = [];
      for (const part of list as string[][]) for (let i = 0; i < part.length; i++) all.push(part[i]!);
      out[k] = all;
    }
    else {
      const n = list.reduce((s, p) => s + (p as ArrayLike<unknown>).length, 0);
      const Ctor = (first as unknown as { constructor: new (n: number) => ColumnData }).constructor;
      const arr = new Ctor(n) as unknown as { set(a: ArrayLike<unknown>, o: number): void };
      let o = 0;
      for (const p of list) {
        arr.set(p as unknown as ArrayLike<unknown>, o);
        o += (p as ArrayLike<unknown>).length;
      }
      out[k] = arr as unknown as ColumnData;
    }
  }
  return out;
}
