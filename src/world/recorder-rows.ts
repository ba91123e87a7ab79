import type { Transfer } from '../ledger/ledger.ts';
import { scaler } from '../market/instrument.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { F64Column, I64Column, repeatStr, TextColumn } from '../results/columns.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import type { RecordedVenue } from './recorder.ts';

/**
 * The recorder's long tables as rows of growable columns: the ledger's transfers, a venue's done
 * orders, its fills (and the position after each). A chunk takes the columns whole.
 */

const I64_MAX = (1n << 63n) - 1n;

const side = (s: number) => (s === 0 ? 'buy' : 'sell');

/** The ledger's transfers as the `ledger` table's rows (growable columns a chunk takes whole). */
export class LedgerRows {
  private readonly seq = new F64Column();
  private readonly ts = new F64Column();
  private readonly from = new TextColumn();
  private readonly to = new TextColumn();
  private readonly asset = new TextColumn();
  private readonly amount = new I64Column();
  private exact: string[] = [];
  private readonly kind = new TextColumn();
  private readonly ref = new F64Column();

  get length(): number {
    return this.seq.length;
  }

  add(x: Transfer): void {
    // int64 holds every amount but 18-decimal tokens above ~9.2 whole tokens (wei): those are
    // clamped in amount_minor (never wrapped) and exact in amount_exact (cast it to HUGEINT to sum).
    this.seq.push(x.seq);
    this.ts.push(x.tsUs);
    this.from.push(x.from);
    this.to.push(x.to);
    this.asset.push(x.asset);
    this.amount.push(x.amount > I64_MAX ? I64_MAX : x.amount < -I64_MAX ? -I64_MAX : x.amount);
    this.exact.push(x.amount.toString());
    this.kind.push(x.kind);
    this.ref.push(x.ref);
  }

  /** The rows so far as the table's columns; empties the rows. */
  take(): Record<string, ColumnData> {
    const out = {
      seq: this.seq.takeAs(Int32Array),
      ts_us: this.ts.take(),
      from_account: this.from.take(),
      to_account: this.to.take(),
      asset: this.asset.take(),
      amount_minor: this.amount.take(),
      amount_exact: this.exact,
      kind: this.kind.take(),
      ref: this.ref.takeAs(Int32Array),
    };
    this.exact = [];
    return out;
  }
}

// The rows below are appended in one pass over the orders or fills (a loop per column through a
// callback cost ~4× more: every callback call site was megamorphic), into growable columns that a
// chunk takes whole: a few arrays per chunk, not ~20 typed arrays per 256 rows (allocating them,
// each with its own buffer, cost more than filling them).

/** A venue's done orders as the `orders` table's rows, appended as they leave the venue. */
export class OrderRows {
  private readonly id = new F64Column();
  private readonly submit = new F64Column();
  private readonly arrival = new F64Column();
  private readonly done = new F64Column();
  private readonly sides = new TextColumn();
  private readonly types = new TextColumn();
  private readonly tifs = new TextColumn();
  private readonly postOnly = new F64Column();
  private readonly reduceOnly = new F64Column();
  private readonly tags = new TextColumn();
  private readonly priceTicks = new F64Column();
  private readonly price = new F64Column();
  private readonly size = new F64Column();
  private readonly qty = new F64Column();
  private readonly filled = new F64Column();
  private readonly status = new TextColumn();
  private readonly reason = new TextColumn();
  private readonly decisionMid = new F64Column();
  private readonly tick: number;
  private readonly toPrice: (ticks: number) => number;
  private readonly toQty: (lots: number) => number;

  constructor(private readonly v: RecordedVenue) {
    const inst = v.clob.instrument;
    this.tick = Number(inst.tickSize);
    this.toPrice = scaler(inst.tickSize);
    this.toQty = scaler(inst.lotSize);
  }

  get length(): number {
    return this.id.length;
  }

  add(os: readonly OwnOrder[]): void {
    const tick = this.tick;
    for (let i = 0; i < os.length; i++) {
      const o = os[i]!;
      this.id.push(o.id);
      this.submit.push(o.submitTsUs);
      this.arrival.push(o.arrivalTsUs);
      this.done.push(o.doneTsUs);
      this.sides.push(side(o.side));
      this.types.push(o.type);
      this.tifs.push(o.tif);
      this.postOnly.push(o.postOnly ? 1 : 0);
      this.reduceOnly.push(o.reduceOnly ? 1 : 0);
      this.tags.push(o.tag);
      const market = o.type === 'market';
      this.priceTicks.push(market ? NaN : o.priceTicks);
      this.price.push(market ? NaN : this.toPrice(o.priceTicks));
      this.size.push(o.sizeLots);
      this.qty.push(this.toQty(o.sizeLots));
      this.filled.push(o.filledLots);
      this.status.push(o.status);
      this.reason.push(o.reason);
      this.decisionMid.push(o.decisionMidTicks * tick);
    }
  }

  /** The rows so far as the table's columns; empties the rows. */
  take(): Record<string, ColumnData> {
    const v = this.v;
    const n = this.length;
    const out: Record<string, ColumnData> = {
      venue: repeatStr(v.id, n),
      account: repeatStr(v.account, n),
      order_id: this.id.takeAs(Int32Array),
      submit_ts_us: this.submit.take(),
      arrival_ts_us: this.arrival.take(),
      done_ts_us: this.done.take(),
      symbol: repeatStr(v.clob.instrument.symbol, n),
      side: this.sides.take(),
      type: this.types.take(),
      tif: this.tifs.take(),
      post_only: this.postOnly.takeAs(Uint8Array),
      reduce_only: this.reduceOnly.takeAs(Uint8Array),
      tag: this.tags.take(),
      price_ticks: this.priceTicks.take(),
      price: this.price.take(),
      size_lots: this.size.take(),
      qty: this.qty.take(),
      filled_lots: this.filled.take(),
      status: this.status.take(),
      reason: this.reason.take(),
      decision_mid: this.decisionMid.take(),
    };
    return out;
  }
}

/** A venue's fills as the `fills` table's rows and the `positions` table's (a row per fill: the position after it). */
export class FillRows {
  private readonly seq = new F64Column();
  private readonly ts = new F64Column();
  private readonly orderId = new F64Column();
  private readonly sides = new TextColumn();
  private readonly priceTicks = new F64Column();
  private readonly price = new F64Column();
  private readonly size = new F64Column();
  private readonly qty = new F64Column();
  private readonly liquidity = new TextColumn();
  private readonly feeMinor = new I64Column();
  private readonly fee = new F64Column();
  private readonly realized = new I64Column();
  private readonly mid = new F64Column();
  private readonly decisionMid = new F64Column();
  private readonly wait = new F64Column();
  private readonly posLots = new F64Column();
  private readonly posQty = new F64Column();
  private readonly tick: number;
  private readonly toPrice: (ticks: number) => number;
  private readonly toQty: (lots: number) => number;

  constructor(private readonly v: RecordedVenue) {
    const inst = v.clob.instrument;
    this.tick = Number(inst.tickSize);
    this.toPrice = scaler(inst.tickSize);
    this.toQty = scaler(inst.lotSize);
  }

  get length(): number {
    return this.seq.length;
  }

  add(fs: readonly Fill[]): void {
    const tick = this.tick;
    const nt = this.v.clob.position.notional;
    for (let i = 0; i < fs.length; i++) {
      const f = fs[i]!;
      this.seq.push(f.seq);
      this.ts.push(f.tsUs);
      this.orderId.push(f.orderId);
      this.sides.push(side(f.side));
      this.priceTicks.push(f.priceTicks);
      this.price.push(this.toPrice(f.priceTicks));
      this.size.push(f.sizeLots);
      this.qty.push(this.toQty(f.sizeLots));
      this.liquidity.push(f.maker ? 'maker' : 'taker');
      this.feeMinor.push(f.fee);
      this.fee.push(nt.toUnits(f.fee));
      this.realized.push(f.realized);
      this.mid.push(f.midTicks * tick);
      this.decisionMid.push(f.decisionMidTicks * tick);
      this.wait.push(f.queueWaitUs);
      this.posLots.push(f.positionLots);
      this.posQty.push(this.toQty(f.positionLots));
    }
  }

  /** The rows so far as the two tables' columns (each its own arrays); empties the rows. */
  take(): { fills: Record<string, ColumnData>; positions: Record<string, ColumnData> } {
    const v = this.v;
    const inst = v.clob.instrument;
    const n = this.length;
    const ts = this.ts.take();
    const price = this.price.take();
    const posLots = this.posLots.take();
    const out = {
      fills: {
        venue: repeatStr(v.id, n),
        account: repeatStr(v.account, n),
        seq: this.seq.takeAs(Int32Array),
        ts_us: ts,
        order_id: this.orderId.takeAs(Int32Array),
        symbol: repeatStr(inst.symbol, n),
        side: this.sides.take(),
        price_ticks: this.priceTicks.take(),
        price,
        size_lots: this.size.take(),
        qty: this.qty.take(),
        liquidity: this.liquidity.take(),
        fee_minor: this.feeMinor.take(),
        fee: this.fee.take(),
        realized_minor: this.realized.take(),
        fee_asset: repeatStr(inst.settle, n),
        mid: this.mid.take(),
        decision_mid: this.decisionMid.take(),
        queue_wait_us: this.wait.take(),
        position_lots: posLots,
      },
      // Its own copies of the columns it has in common with fills: a spill thread is handed each
      // chunk's arrays (not copied), which leaves them empty here.
      positions: {
        venue: repeatStr(v.id, n),
        account: repeatStr(v.account, n),
        ts_us: ts.slice(),
        symbol: repeatStr(inst.symbol, n),
        position_lots: posLots.slice(),
        position_qty: this.posQty.take(),
        price: price.slice(),
      },
    };
    return out;
  }
}
