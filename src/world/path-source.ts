import { PRIO_DATA, type Simulation, type Source } from '../kernel/simulation.ts';
import { ASK, BID } from '../market/book.ts';
import type { Instrument } from '../market/instrument.ts';
import { BTCUSDT_CALIBRATION } from '../data/synthetic/calibration.ts';
import type { ReplayListener } from '../backtest/replay-source.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import { F64Column } from '../results/columns.ts';

/** A book shape: distance of each level from the mid (fraction of price) and its size (base units). */
export interface DepthProfile {
  offsets: Float64Array;
  sizes: Float64Array;
  source: string;
}

/**
 * The depth profile of the real Binance USDⓈ-M BTCUSDT capture (2024-08-08), as measured by the
 * calibration (`src/data/synthetic/calibration.ts`): the mean size of each of the top 20 levels
 * and the mean tick gaps between them, at the capture's price (≈ 61,000 USDT, tick 0.1). Beyond
 * level 20 the book continues at the density of its last ten levels, in 1-bp buckets out to
 * `maxBps`. `scale` multiplies every size (other eras and venues are deeper or thinner).
 */
export function captureDepthProfile(scale = 1, maxBps = 200): DepthProfile {
  const C = BTCUSDT_CALIBRATION;
  const refPrice = 61_000;
  const tick = 0.1;
  const lot = 0.001;
  const offs: number[] = [];
  const sizes: number[] = [];
  let ticks = C.spread.meanTicks / 2;
  for (let k = 0; k < C.depthLots.length; k++) {
    offs.push((ticks * tick) / refPrice);
    sizes.push(C.depthLots[k]! * lot * scale);
    ticks += C.gapTicks[k] ?? C.gapTicks[C.gapTicks.length - 1]!;
  }
  const tail = C.depthLots.slice(-10);
  const gaps = C.gapTicks.slice(-10);
  const perTick = (tail.reduce((s, x) => s + x, 0) / tail.length) * lot / (gaps.reduce((s, x) => s + x, 0) / gaps.length);
  const bp = 1e-4;
  const perBp = perTick * ((refPrice * bp) / tick) * scale;
  for (let b = Math.ceil(offs[offs.length - 1]! / bp) + 1; b <= maxBps; b++) {
    offs.push(b * bp);
    sizes.push(perBp);
  }
  return { offsets: Float64Array.from(offs), sizes: Float64Array.from(sizes), source: `usdm_btcusdt_20240808 capture depth ×${scale}, 1-bp tail to ${maxBps} bps` };
}

export interface PathSourceOptions {
  /** Path point times (µs) and prices (quote units), increasing in time. */
  tsUs: Float64Array;
  price: Float64Array;
  profile: DepthProfile;
  /** Depth multiplier over time (stress: market makers withdrawing); default 1. */
  depthAt?: (tsUs: number) => number;
  /** Keep the displacement liquidity-taking leaves in the book (decaying), or restore it at every point. */
  impact: boolean;
  /** Half-life of that displacement (the book's resilience), µs. */
  resilienceUs: number;
}

/**
 * A book that follows a price path: at every path point the venue's book is laid out around the
 * path price with the given depth profile. What liquidity-taking left behind (a liquidation
 * walking the bids) is remembered as a displacement of the mid that decays with the book's
 * resilience, so forced selling moves the mark and feeds the next liquidations; with `impact`
 * off the book is restored at every point (the no-impact counterfactual).
 */
export class PathBookSource implements Source {
  readonly priority = PRIO_DATA;
  private i = 0;
  rows = 0;
  /** Displacement of the mid, as a fraction of price (negative = pushed down). */
  impact = 0;
  private lastUs = NaN;
  private laidBid = NaN;
  private laidAsk = NaN;
  private readonly tick: number;
  private readonly lot: number;
  /**
   * Points before this time are not recorded: a run with a window (`time.start`) replays the path
   * before it only to warm the book up, and its marks table, path low and drawdowns are the
   * window's (they began a day early in aave-eth-2021-05, and its report's mark with them).
   */
  recordFromUs = -Infinity;
  /** Per path point from `recordFromUs`: time, path price, laid mid (path × (1 + impact)), impact — the `marks` table. */
  readonly marks = { ts: new F64Column(), path: new F64Column(), mid: new F64Column(), impact: new F64Column(), openInterest: new F64Column() };
  /** Open interest (base units) recorded with each point, when the world has a margin engine on this perp. */
  openInterest: (() => number) | undefined;
  private laidBids = new Float64Array(0);
  private laidAsks = new Float64Array(0);
  private laidN = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly clob: ClobVenue,
    private readonly listener: ReplayListener,
    private readonly o: PathSourceOptions,
    inst: Instrument,
  ) {
    this.tick = Number(inst.tickSize);
    this.lot = Number(inst.lotSize) * inst.multiplier;
  }

  peekTs(): number {
    return this.i < this.o.tsUs.length ? this.o.tsUs[this.i]! : Infinity;
  }

  dispatch(): void {
    const i = this.i++;
    const ts = this.o.tsUs[i]!;
    const book = this.clob.book;
    if (this.o.impact && Number.isFinite(this.laidBid)) {
      // What was taken since the last point: bids eaten push the mid down, asks eaten push it up.
      const down = book.bestBid >= 0 ? Math.max(0, this.laidBid - book.bestBid) : 0;
      const up = book.bestAsk < Number.MAX_SAFE_INTEGER ? Math.max(0, book.bestAsk - this.laidAsk) : 0;
      const mid = (this.laidBid + this.laidAsk) / 2;
      this.impact += (up - down) / mid;
      this.impact *= Math.exp((-(ts - this.lastUs) * Math.LN2) / this.o.resilienceUs);
    }
    this.lastUs = ts;
    const mid = this.o.price[i]! * (1 + this.impact);
    // Remove what the last point laid (cheaper than clearing the whole ladder). Farthest first
    // when no own order rests (none whose queue model draws at a level change, in this order):
    // removing the best level makes the book scan the ladder for the next one, and nearest first
    // that was a scan across every gap of the profile, both sides, at every point.
    const own = this.clob.own.count;
    const farFirst = own[0] === 0 && own[1] === 0;
    for (let j = 0; j < this.laidN; j++) {
      const k = farFirst ? this.laidN - 1 - j : j;
      if (book.sizeAt(BID, this.laidBids[k]!) !== 0) this.clob.applyLevel(BID, this.laidBids[k]!, 0);
      if (book.sizeAt(ASK, this.laidAsks[k]!) !== 0) this.clob.applyLevel(ASK, this.laidAsks[k]!, 0);
    }
    const { offsets, sizes } = this.o.profile;
    const depth = this.o.depthAt ? this.o.depthAt(ts) : 1;
    if (this.laidBids.length !== offsets.length) {
      this.laidBids = new Float64Array(offsets.length);
      this.laidAsks = new Float64Array(offsets.length);
    }
    this.laidN = offsets.length;
    let bestBid = NaN;
    let bestAsk = NaN;
    for (let k = 0; k < offsets.length; k++) {
      const lots = Math.max(1, Math.round((sizes[k]! * depth) / this.lot));
      const bid = Math.floor((mid * (1 - offsets[k]!)) / this.tick);
      const ask = Math.ceil((mid * (1 + offsets[k]!)) / this.tick);
      if (k === 0) {
        bestBid = bid;
        bestAsk = ask > bid ? ask : bid + 1;
      }
      // Near the touch several offsets can round to one tick: their sizes add up.
      const b = Math.max(1, bid);
      this.clob.applyLevel(BID, b, book.sizeAt(BID, b) + lots);
      const a = Math.max(ask, bestAsk);
      this.clob.applyLevel(ASK, a, book.sizeAt(ASK, a) + lots);
      this.laidBids[k] = b;
      this.laidAsks[k] = a;
    }
    this.laidBid = bestBid;
    this.laidAsk = bestAsk;
    this.rows++;
    if (ts >= this.recordFromUs) {
      const mk = this.marks;
      mk.ts.push(ts);
      mk.path.push(this.o.price[i]!);
      mk.mid.push(mid);
      mk.impact.push(this.impact);
      mk.openInterest.push(this.openInterest ? this.openInterest() : NaN);
    }
    this.sim.batchDone = 0;
    if (this.clob.own.count[0] !== 0 || this.clob.own.count[1] !== 0) this.clob.checkCrossed(ts);
    this.listener.onBookMessage();
  }

  close(): void {}
}
