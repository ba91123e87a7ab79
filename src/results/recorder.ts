import { join } from 'node:path';
import type { EventHandler } from '../kernel/event-queue.ts';
import type { Transfer, Ledger } from '../ledger/ledger.ts';
import type { Position } from '../ledger/portfolio.ts';
import { ticksToPrice, lotsToQty, type Instrument } from '../market/instrument.ts';
import type { L2Book } from '../market/book.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import { writeArrow, type ColumnData } from './arrow-io.ts';
import { F64Column, I64Column } from './columns.ts';

export interface ResultFile {
  table: string;
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Collects a run's results in columns while it runs (equity on a timer and at every fill, every
 * ledger transfer) and writes them as Arrow IPC files at the end.
 */
export class Recorder implements EventHandler {
  private readonly eq = { ts: new F64Column(), equity: new F64Column(), realized: new F64Column(), unrealized: new F64Column(), fees: new F64Column(), pos: new F64Column(), mid: new F64Column() };
  private readonly transfers: Transfer[] = [];
  private readonly inst: Instrument;

  constructor(
    private readonly position: Position,
    private readonly book: L2Book,
    ledger: Ledger,
  ) {
    this.inst = position.inst;
    ledger.onTransfer((t) => this.transfers.push(t));
  }

  /** Timer callback: one equity sample. */
  onEvent(tsUs: number): void {
    this.sampleEquity(tsUs);
  }

  sampleEquity(tsUs: number): void {
    const p = this.position;
    const mid = this.book.midTicks();
    if (Number.isNaN(mid)) return;
    const n = p.notional;
    const realized = n.toUnits(p.realized);
    const unrealized = n.toUnits(p.unrealized(mid));
    const fees = n.toUnits(p.fees);
    const e = this.eq;
    e.ts.push(tsUs);
    e.realized.push(realized);
    e.unrealized.push(unrealized);
    e.fees.push(fees);
    e.equity.push(n.toUnits(p.equity(mid)));
    e.pos.push(p.lots);
    e.mid.push(mid * Number(this.inst.tickSize));
  }

  equitySeries(): { ts: Float64Array; equity: Float64Array } {
    return { ts: this.eq.ts.view(), equity: this.eq.equity.view() };
  }

  write(dir: string, orders: OwnOrder[], fills: Fill[], funding?: { ts: F64Column; rate: F64Column; lots: F64Column; mark: F64Column; payment: I64Column }): ResultFile[] {
    const inst = this.inst;
    const tick = Number(inst.tickSize);
    const n = this.position.notional;
    const out: ResultFile[] = [];
    const put = (table: string, cols: Record<string, ColumnData>) => {
      const file = `${table}.arrow`;
      const r = writeArrow(join(dir, file), cols);
      out.push({ table, file, ...r });
    };
    const side = (s: number) => (s === 0 ? 'buy' : 'sell');
    put('orders', {
      order_id: Int32Array.from(orders, (o) => o.id),
      submit_ts_us: Float64Array.from(orders, (o) => o.submitTsUs),
      arrival_ts_us: Float64Array.from(orders, (o) => o.arrivalTsUs),
      done_ts_us: Float64Array.from(orders, (o) => o.doneTsUs),
      symbol: orders.map(() => inst.symbol),
      side: orders.map((o) => side(o.side)),
      type: orders.map((o) => o.type),
      tif: orders.map((o) => o.tif),
      post_only: Uint8Array.from(orders, (o) => (o.postOnly ? 1 : 0)),
      reduce_only: Uint8Array.from(orders, (o) => (o.reduceOnly ? 1 : 0)),
      tag: orders.map((o) => o.tag),
      price_ticks: Float64Array.from(orders, (o) => (o.type === 'market' ? NaN : o.priceTicks)),
      price: Float64Array.from(orders, (o) => (o.type === 'market' ? NaN : ticksToPrice(inst, o.priceTicks))),
      size_lots: Float64Array.from(orders, (o) => o.sizeLots),
      qty: Float64Array.from(orders, (o) => lotsToQty(inst, o.sizeLots)),
      filled_lots: Float64Array.from(orders, (o) => o.filledLots),
      status: orders.map((o) => o.status),
      reason: orders.map((o) => o.reason),
      decision_mid: Float64Array.from(orders, (o) => o.decisionMidTicks * tick),
    });
    put('fills', {
      seq: Int32Array.from(fills, (f) => f.seq),
      ts_us: Float64Array.from(fills, (f) => f.tsUs),
      order_id: Int32Array.from(fills, (f) => f.orderId),
      symbol: fills.map(() => inst.symbol),
      side: fills.map((f) => side(f.side)),
      price_ticks: Float64Array.from(fills, (f) => f.priceTicks),
      price: Float64Array.from(fills, (f) => ticksToPrice(inst, f.priceTicks)),
      size_lots: Float64Array.from(fills, (f) => f.sizeLots),
      qty: Float64Array.from(fills, (f) => lotsToQty(inst, f.sizeLots)),
      liquidity: fills.map((f) => (f.maker ? 'maker' : 'taker')),
      fee_minor: BigInt64Array.from(fills, (f) => f.fee),
      fee: Float64Array.from(fills, (f) => n.toUnits(f.fee)),
      realized_minor: BigInt64Array.from(fills, (f) => f.realized),
      fee_asset: fills.map(() => inst.settle),
      mid: Float64Array.from(fills, (f) => f.midTicks * tick),
      decision_mid: Float64Array.from(fills, (f) => f.decisionMidTicks * tick),
      queue_wait_us: Float64Array.from(fills, (f) => f.queueWaitUs),
      position_lots: Float64Array.from(fills, (f) => f.positionLots),
    });
    const e = this.eq;
    put('equity', {
      ts_us: e.ts.view(),
      equity: e.equity.view(),
      realized: e.realized.view(),
      unrealized: e.unrealized.view(),
      fees: e.fees.view(),
      position_lots: e.pos.view(),
      mid: e.mid.view(),
    });
    // Position after every fill: the inventory path.
    put('positions', {
      ts_us: Float64Array.from(fills, (f) => f.tsUs),
      symbol: fills.map(() => inst.symbol),
      position_lots: Float64Array.from(fills, (f) => f.positionLots),
      position_qty: Float64Array.from(fills, (f) => lotsToQty(inst, f.positionLots)),
      price: Float64Array.from(fills, (f) => ticksToPrice(inst, f.priceTicks)),
    });
    if (funding) {
      put('funding', {
        ts_us: funding.ts.view(),
        symbol: Array.from({ length: funding.ts.length }, () => inst.symbol),
        rate: funding.rate.view(),
        position_lots: funding.lots.view(),
        mark: funding.mark.view(),
        payment_minor: funding.payment.view(),
        payment: Float64Array.from(funding.payment.view(), (x) => n.toUnits(x)),
        asset: Array.from({ length: funding.ts.length }, () => inst.settle),
      });
    }
    const t = this.transfers;
    const amount = new I64Column();
    for (const x of t) amount.push(x.amount);
    put('ledger', {
      seq: Int32Array.from(t, (x) => x.seq),
      ts_us: Float64Array.from(t, (x) => x.tsUs),
      from_account: t.map((x) => x.from),
      to_account: t.map((x) => x.to),
      asset: t.map((x) => x.asset),
      amount_minor: amount.view(),
      kind: t.map((x) => x.kind),
      ref: Int32Array.from(t, (x) => x.ref),
    });
    return out;
  }
}
