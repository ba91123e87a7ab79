import { PRIO_DATA, type Simulation, type Source } from '../kernel/simulation.ts';
import { ASK, BID } from '../market/book.ts';
import type { Instrument } from '../market/instrument.ts';
import type { BarSeries } from '../data/readers/bars.ts';
import type { BarView } from '../strategy/api.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import type { VenueDriver } from './driver.ts';

/** Depth laid at every point: enough that any order fills whole at the touch. */
const DEEP_LOTS = 1e12;

/**
 * Bar execution, the convention of bar backtesters (LEAN, Backtrader, vectorbt), on the same venue,
 * ledger, margin engine and recorder as tick runs. Each bar is four points in time:
 *   open  at the bar's start;
 *   two intrabar points at +⅓ and +⅔ of the interval: high then low for an up bar (close ≥ open),
 *         low then high for a down bar — open→high→low→close / open→low→high→close;
 *   close 1 µs before the next bar's start, after which the strategy's `onBar` runs.
 * At each point the venue's book is one deep level a side around the point's price:
 * bid = ⌊p·(1 − s)⌋, ask = ⌈p·(1 + s)⌉ in ticks (s = slippage, at least a one-tick spread). So an
 * order decided on a bar's close arrives at the next bar's open (entry latency 1 µs, after the
 * open is laid) and a market order fills there at open ± slippage; a resting limit order fills at
 * its own price at the first point whose laid price crosses it (a buy when ⌈low·(1 + s)⌉ ≤ limit),
 * in path order — so inside a bar it is reached along the documented path. A stop-market order
 * (`type: 'stop'`, trigger `priceTicks`) fills at its trigger ± slippage when a later point's
 * move crosses it, at the next open when the open gaps past it, and at once (the start of the
 * next move) when the price is already beyond it. Intrabar points are laid only while the account
 * has resting orders or stops (nothing can fill otherwise): without them they are not events at all.
 * A fill's mid (from which spread capture and slippage are measured) is where the path was when
 * the order filled: a limit's price less the slippage the laid book adds (the open across a gap),
 * a stop's trigger (or the price it gapped to); a stop's decision price is its trigger.
 */
export class BarSource implements Source {
  readonly priority = PRIO_DATA;
  private i = 0;
  /** Point within the bar: 0 open, 1 and 2 intrabar, 3 close. */
  private k = 0;
  /** Bars replayed. */
  rows = 0;
  private readonly tick: number;
  private readonly s: number;
  private laidBid = -1;
  private laidAsk = -1;
  /** Price (ticks) of the last point laid: where a stop's move starts. */
  private lastTicks = NaN;
  /** Whether the move to the last point laid was a gap (to a bar's open). */
  private gapMove = false;
  private readonly bar: BarView;

  constructor(
    private readonly sim: Simulation,
    private readonly clob: ClobVenue,
    private readonly driver: VenueDriver,
    private readonly bars: BarSeries,
    inst: Instrument,
    slippageBps: number,
  ) {
    this.tick = Number(inst.tickSize);
    this.s = slippageBps / 10_000;
    // Stop-market orders need a known price path; this venue has one.
    clob.stopsEnabled = true;
    // A resting limit crossed on a continuous move was reached where the laid price (± slippage)
    // met it; across a gap (a bar's open) the path jumped to the open.
    clob.pathMid = (o) => (this.gapMove ? this.lastTicks : o.side === BID ? o.priceTicks / (1 + this.s) : o.priceTicks / (1 - this.s));
    this.bar = { tsUs: 0, intervalUs: bars.intervalUs, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  }

  private timeOf(i: number, k: number): number {
    const t = this.bars.tsUs[i]!;
    const d = this.bars.intervalUs;
    return k === 0 ? t : k === 3 ? t + d - 1 : t + Math.floor((d * k) / 3);
  }

  get intervalUs(): number {
    return this.bars.intervalUs;
  }

  /** Intrabar points matter only while something rests (an order or a stop); otherwise the next point is the close. */
  private nextPoint(): number {
    const k = this.k;
    if (k !== 1 && k !== 2) return k;
    const own = this.clob.own.count;
    return own[0] === 0 && own[1] === 0 && this.clob.stops.length === 0 ? 3 : k;
  }

  peekTs(): number {
    // Asked before every event, so an order that comes to rest after the open brings the
    // intrabar points back (nothing is skipped that could fill).
    return this.i < this.bars.tsUs.length ? this.timeOf(this.i, this.nextPoint()) : Infinity;
  }

  dispatch(): void {
    this.dispatchBatch(-Infinity);
  }

  /**
   * Points while their time is ≤ `limitUs` and no scheduled event is due first (data wins ties,
   * as in the kernel); always at least one. One kernel turn for a run of bars without orders.
   */
  dispatchBatch(limitUs: number): number {
    const sim = this.sim;
    const q = sim.queue;
    const n = this.bars.tsUs.length;
    let done = 0;
    while (this.i < n) {
      const k = this.nextPoint();
      const ts = this.timeOf(this.i, k);
      if (done > 0 && (ts > limitUs || ts > q.peekTs())) break;
      sim.nowUs = ts;
      sim.batchDone = done;
      this.dispatchPoint(k);
      done++;
    }
    sim.batchDone = 0;
    return done;
  }

  /**
   * Point `k` of the current bar, at the simulation's time (set from peekTs' arithmetic). No
   * fractional number crosses a call on this path (a bar's price is passed as its column and row):
   * V8 boxes a double argument that is not a small integer, and a million bars made ~130 bytes
   * of such garbage each.
   */
  private dispatchPoint(k: number): void {
    const i = this.i;
    const b = this.bars;
    if (k === 3) {
      this.k = 0;
      this.i++;
    } else this.k = k + 1;
    const own = this.clob.own.count;
    if (k === 1 || k === 2) {
      const up = b.close[i]! >= b.open[i]!;
      this.point((k === 1) === up ? b.high : b.low, i, false);
      this.clob.checkCrossed(this.sim.nowUs);
      return;
    }
    this.point(k === 0 ? b.open : b.close, i, k === 0);
    if (own[0] !== 0 || own[1] !== 0) this.clob.checkCrossed(this.sim.nowUs);
    this.driver.onBookMessage();
    if (k === 3) {
      this.rows++;
      const v = this.bar;
      v.tsUs = b.tsUs[i]!;
      v.open = b.open[i]!;
      v.high = b.high[i]!;
      v.low = b.low[i]!;
      v.close = b.close[i]!;
      v.volume = b.volume[i]!;
      this.driver.onBar(v);
    }
  }

  /** A stop's fill price in ticks: its price ± slippage, rounded against the taker (made once, not per point). */
  private readonly stopFill = (p: number, side: 0 | 1): number => (side === BID ? Math.ceil(p * (1 + this.s) - 1e-9) : Math.floor(p * (1 - this.s) + 1e-9));

  /**
   * Lay the point priced `col[i]` and trigger the stops its move reaches (the move from the last
   * close to an open is a gap); one deep level a side around the price, the previous point's
   * levels removed.
   */
  private point(col: Float64Array, i: number, gap: boolean): void {
    const price = col[i]!;
    const t = price / this.tick;
    if (this.clob.stops.length !== 0) {
      const from = Number.isNaN(this.lastTicks) ? t : this.lastTicks;
      this.clob.triggerStops(this.sim.nowUs, from, t, gap, this.stopFill);
    }
    this.lastTicks = t;
    this.gapMove = gap;
    const bid = Math.floor((price * (1 - this.s)) / this.tick + 1e-9);
    let ask = Math.ceil((price * (1 + this.s)) / this.tick - 1e-9);
    if (ask <= bid) ask = bid + 1;
    if (this.laidBid !== bid || this.laidAsk !== ask) this.lay(bid, ask);
  }

  /** Lay `bid` and `ask` (ticks) as the book's one deep level a side. */
  private lay(bid: number, ask: number): void {
    const clob = this.clob;
    // Remove both old levels before laying the new ones: the book is never crossed in between.
    if (this.laidBid >= 0 && this.laidAsk >= 0) clob.replaceTouch(this.laidBid, this.laidAsk, bid, ask, DEEP_LOTS);
    else {
      if (this.laidBid >= 0) clob.applyLevel(BID, this.laidBid, 0);
      if (this.laidAsk >= 0) clob.applyLevel(ASK, this.laidAsk, 0);
      clob.applyLevel(BID, bid, DEEP_LOTS);
      clob.applyLevel(ASK, ask, DEEP_LOTS);
    }
    this.laidBid = bid;
    this.laidAsk = ask;
  }

  close(): void {}
}
