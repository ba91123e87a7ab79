import { scaler, type Instrument } from '../market/instrument.ts';
import { F64Column, I64Column, repeatStr, TextColumn } from './columns.ts';
import type { ColumnData } from './arrow-io.ts';

/**
 * What closed a trip: the strategy's own orders, a liquidation of the account, or auto-deleveraging
 * (the account's profitable position taken as a bankrupt account's counterparty).
 */
export type TripExit = 'orders' | 'liquidation' | 'adl';

/**
 * Round trips of one account on one instrument, built from every booking of its position as it
 * happens: the venue's fills and the risk engine's (liquidation steps, auto-deleveraging), so a
 * liquidated position ends its trip where it was closed, not at the strategy's next order.
 *
 * A trip opens when the position leaves zero and closes when it returns to zero; a booking through
 * zero closes one trip and opens the next (its realized PnL belongs to the closing trip, its fee is
 * split by quantity, in exact minor units, so the trips' realized PnL and fees add up to the
 * bookings' exactly). Prices are averages of the bookings that opened or added to the position
 * (entry) and of those that reduced it (exit): arithmetic for linear and spot, harmonic for inverse
 * contracts (the price at which the coin value of the quantity is the same). PnL is realized price
 * PnL less trading fees; funding and liquidation penalties are in their own tables.
 */
export class RoundTrips {
  private pos = 0;
  private openUs = 0;
  private dir = 0;
  private bookings = 0;
  private entryLots = 0;
  /** Σ lots × price (linear, spot) or Σ lots ÷ price (inverse) of the entries, and of the exits. */
  private entrySum = 0;
  private exitLots = 0;
  private exitSum = 0;
  private maxLots = 0;
  private realized = 0n;
  private fee = 0n;
  private lastExit: TripExit = 'orders';
  /** Tag of the order whose fill last reduced the trip (the one that closed it, at the end). */
  private lastTag = '';
  /** Per trip emitted (closed, then the open one): the tag of the order that closed it ('' if none). */
  private readonly closingTags: string[] = [];
  /** The table was made (the open trip emitted): no more bookings. */
  private ended = false;
  private readonly inverse: boolean;
  private readonly scale: number;
  private readonly tick: number;

  private readonly trip = new F64Column();
  private readonly direction = new TextColumn();
  private readonly status = new TextColumn();
  private readonly exit = new TextColumn();
  private readonly open = new F64Column();
  private readonly close = new F64Column();
  private readonly count = new F64Column();
  private readonly qty = new F64Column();
  private readonly entryPx = new F64Column();
  private readonly exitPx = new F64Column();
  private readonly realizedMinor = new I64Column();
  private readonly feeMinor = new I64Column();

  constructor(
    private readonly inst: Instrument,
    /** Minor units per unit of the settle asset (10^decimals). */
    scale: number,
  ) {
    this.inverse = inst.kind === 'inverse';
    this.scale = scale;
    this.tick = Number(inst.tickSize);
    this.toPrice = scaler(inst.tickSize);
    this.toQty = scaler(inst.lotSize);
  }

  /** ticksToPrice and lotsToQty of this instrument, the steps parsed once. */
  private readonly toPrice: (ticks: number) => number;
  private readonly toQty: (lots: number) => number;

  /** One booking: signed `lots` (buy > 0) at `priceTicks`, its exact realized PnL and fee. */
  book(tsUs: number, lots: number, priceTicks: number, realized: bigint, fee: bigint, by: TripExit, tag = ''): void {
    if (lots === 0) return;
    if (this.ended) throw new Error('RoundTrips.book: after table()');
    const before = this.pos;
    const after = before + lots;
    this.pos = after;
    if (before === 0) {
      this.start(tsUs, lots, priceTicks, realized, fee);
      return;
    }
    this.bookings++;
    const size = Math.abs(lots);
    if (Math.sign(lots) === this.dir) {
      this.add(size, priceTicks);
      this.realized += realized;
      this.fee += fee;
      return;
    }
    // Reducing: the part up to zero exits this trip; any rest opens the next one.
    this.lastExit = by;
    this.lastTag = tag;
    const closing = Math.min(size, Math.abs(before));
    this.exitLots += closing;
    this.exitSum += this.weight(closing, priceTicks);
    this.realized += realized;
    const feeClose = closing === size ? fee : (fee * BigInt(closing)) / BigInt(size);
    this.fee += feeClose;
    if (after === 0 || Math.sign(after) !== this.dir) {
      this.emit(tsUs, 'closed');
      if (after !== 0) this.start(tsUs, after, priceTicks, 0n, fee - feeClose);
    }
  }

  private start(tsUs: number, lots: number, priceTicks: number, realized: bigint, fee: bigint): void {
    this.openUs = tsUs;
    this.dir = Math.sign(lots);
    this.bookings = 1;
    this.entryLots = 0;
    this.entrySum = 0;
    this.exitLots = 0;
    this.exitSum = 0;
    this.maxLots = 0;
    this.realized = realized;
    this.fee = fee;
    this.lastExit = 'orders';
    this.lastTag = '';
    this.add(Math.abs(lots), priceTicks);
  }

  private add(size: number, priceTicks: number): void {
    this.entryLots += size;
    this.entrySum += this.weight(size, priceTicks);
    const held = Math.abs(this.pos);
    if (held > this.maxLots) this.maxLots = held;
  }

  private weight(size: number, priceTicks: number): number {
    return this.inverse ? size / priceTicks : size * priceTicks;
  }

  private avg(lots: number, sum: number): number {
    if (lots === 0) return NaN;
    const ticks = this.inverse ? lots / sum : sum / lots;
    // On the tick grid the exact decimal price (50040, not 50040.00000000001); between ticks the product.
    return Number.isInteger(ticks) ? this.toPrice(ticks) : ticks * this.tick;
  }

  private emit(closeUs: number, status: 'closed' | 'open'): void {
    this.trip.push(this.trip.length);
    this.direction.push(this.dir > 0 ? 'long' : 'short');
    this.status.push(status);
    this.exit.push(status === 'open' ? '' : this.lastExit);
    this.closingTags.push(status === 'open' || this.lastExit !== 'orders' ? '' : this.lastTag);
    this.open.push(this.openUs);
    this.close.push(status === 'open' ? NaN : closeUs);
    this.count.push(this.bookings);
    this.qty.push(this.toQty(this.maxLots));
    this.entryPx.push(this.avg(this.entryLots, this.entrySum));
    this.exitPx.push(this.avg(this.exitLots, this.exitSum));
    this.realizedMinor.push(this.realized);
    this.feeMinor.push(this.fee);
  }

  /** Per trip, in the table's order: the tag of the order whose fill closed it ('' when none did). */
  get exitTags(): readonly string[] {
    return this.closingTags;
  }

  /** Trips closed so far. */
  get closedTrips(): number {
    return this.trip.length;
  }

  /**
   * The table, once at the end: every closed trip and, when the position is not flat, the open one
   * (status `open`, no close time; its exit price averages what was reduced so far, if anything).
   */
  table(venue: string, account: string): Record<string, ColumnData> {
    if (this.ended) throw new Error('RoundTrips.table: called twice');
    this.ended = true;
    if (this.pos !== 0) this.emit(NaN, 'open');
    const n = this.trip.length;
    const realized = this.realizedMinor.view();
    const fees = this.feeMinor.view();
    const open = this.open.view();
    const close = this.close.view();
    const entry = this.entryPx.view();
    const qty = this.qty.view();
    const r = new Float64Array(n);
    const f = new Float64Array(n);
    const pnl = new Float64Array(n);
    const ret = new Float64Array(n);
    const hold = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = Number(realized[i]!) / this.scale;
      f[i] = Number(fees[i]!) / this.scale;
      pnl[i] = Number(realized[i]! - fees[i]!) / this.scale;
      // Return on the value the trip put at risk at its entry price (quote for linear, coin for inverse).
      const v = this.inverse ? (qty[i]! * this.inst.multiplier) / entry[i]! : qty[i]! * entry[i]! * this.inst.multiplier;
      ret[i] = v > 0 ? pnl[i]! / v : NaN;
      hold[i] = close[i]! - open[i]!;
    }
    const out: Record<string, ColumnData> = {
      venue: repeatStr(venue, n),
      account: repeatStr(account, n),
      symbol: repeatStr(this.inst.symbol, n),
      trip: new Int32Array(this.trip.view()),
      direction: this.direction.take(),
      status: this.status.take(),
      exit: this.exit.take(),
      open_ts_us: open.slice(),
      close_ts_us: close.slice(),
      holding_us: hold,
      bookings: new Int32Array(this.count.view()),
      max_qty: qty.slice(),
      entry_price: entry.slice(),
      exit_price: this.exitPx.view().slice(),
      realized: r,
      fees: f,
      pnl,
      return: ret,
      asset: repeatStr(this.inst.settle, n),
      realized_minor: realized.slice(),
      fee_minor: fees.slice(),
    };
    return out;
  }
}

/** A closed round trip as the `trades` table has it: when it opened and closed, its PnL. */
export interface ClosedTrip {
  openUs: number;
  closeUs: number;
  /** Realized PnL minus fees over the trip, in the settle asset. */
  pnl: number;
}

/** What quantstats and pyfolio say of round trips. */
export interface TripStats {
  trips: number;
  /** Share of trips with a positive PnL. */
  hitRate: number;
  /** Gross wins over gross losses (Infinity with no loss). */
  profitFactor: number;
  /** Mean PnL per trip. */
  expectancy: number;
  avgHoldingUs: number;
}

export function tripStats(trips: readonly ClosedTrip[]): TripStats | undefined {
  if (trips.length === 0) return undefined;
  let wins = 0;
  let gw = 0;
  let gl = 0;
  let sum = 0;
  let hold = 0;
  for (const t of trips) {
    if (t.pnl > 0) {
      wins++;
      gw += t.pnl;
    } else gl -= t.pnl;
    sum += t.pnl;
    hold += t.closeUs - t.openUs;
  }
  return { trips: trips.length, hitRate: wins / trips.length, profitFactor: gl > 0 ? gw / gl : Infinity, expectancy: sum / trips.length, avgHoldingUs: hold / trips.length };
}

/** The closed trips of one account (and venue, if given) in a `trades` table. */
export function closedTrips(t: Record<string, ColumnData>, account: string | undefined, venue?: string): ClosedTrip[] {
  const out: ClosedTrip[] = [];
  if (t.account === undefined) return out;
  const acct = t.account as string[];
  const ven = t.venue as string[];
  const status = t.status as string[];
  const open = t.open_ts_us as ArrayLike<number>;
  const close = t.close_ts_us as ArrayLike<number>;
  const pnl = t.pnl as ArrayLike<number>;
  for (let i = 0; i < acct.length; i++) {
    if (status[i] !== 'closed' || (account !== undefined && acct[i] !== account) || (venue !== undefined && ven[i] !== venue)) continue;
    out.push({ openUs: open[i]!, closeUs: close[i]!, pnl: pnl[i]! });
  }
  return out;
}

