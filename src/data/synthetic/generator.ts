import { Rng } from '../../kernel/rng.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE, type MarketRow, type RowKind } from '../market-rows.ts';
import { HawkesClock } from './hawkes.ts';
import { Ladder } from './ladder.ts';
import { resolveParams, type GenerateOptions, type ResolvedParams } from './params.ts';
import { LatencyModel } from './latency.ts';

export interface GenerateSummary {
  rows: number;
  messages: number;
  trades: number;
  startUs: number;
  endUs: number;
  params: ResolvedParams;
}

const CRASH_TICK_US = 100_000;
/**
 * Generates a market as rows: a snapshot, then messages (trades, level updates, BBO), pushed to
 * `onRow` with one reused row object (copy it if you keep it). Same options → same rows.
 */
export function generateMarket(opts: GenerateOptions, onRow: (row: MarketRow) => void): GenerateSummary {
  return new MarketGenerator(resolveParams(opts), onRow).run();
}

/**
 * Event-driven book model. Competing clocks: Hawkes trades, Poisson level refreshes, Poisson mid
 * moves (compound, exponential steps), Poisson jumps, a refill after a trade empties the best
 * level, and the crash drift. The book is kept as `depthLevels` non-empty levels per side whose
 * sizes are drawn from the calibrated per-level means and whose spacing from the calibrated gaps.
 */
class MarketGenerator {
  private readonly bid: Ladder;
  private readonly ask: Ladder;
  private readonly rTrade: Rng;
  private readonly rBook: Rng;
  private readonly rMove: Rng;
  private readonly hawkes: HawkesClock;
  private readonly row: MarketRow = { tsUs: 0, localTsUs: 0, kind: ROW_LEVEL, side: 0, flags: 0, priceTicks: 0, sizeLots: 0 };
  // Rows of the message being built: FLAG_END goes on the last one, known only at flush.
  private readonly mKind: Uint8Array;
  private readonly mSide: Uint8Array;
  private readonly mPx: Float64Array;
  private readonly mSz: Float64Array;
  private mLen = 0;
  private readonly tmpPx: Float64Array;
  private readonly depth: Float64Array;
  private readonly gapLogQ: Float64Array;
  private readonly spreadCdf: Float64Array;
  private readonly latency: LatencyModel;
  private readonly removed = new Float64Array(2);
  private levelKind: RowKind = ROW_LEVEL;
  private t = 0;
  private lastLocal = -Infinity;
  private rows = 0;
  private messages = 0;
  private trades = 0;
  private readonly floorTicks: number;
  private crashBase = NaN;
  private crashApplied = 0;

  constructor(
    private readonly p: ResolvedParams,
    private readonly onRow: (row: MarketRow) => void,
  ) {
    const L = p.depthLevels;
    this.bid = new Ladder(0, 2 * L + 4);
    this.ask = new Ladder(1, 2 * L + 4);
    const cap = 16 * L + 64;
    this.mKind = new Uint8Array(cap);
    this.mSide = new Uint8Array(cap);
    this.mPx = new Float64Array(cap);
    this.mSz = new Float64Array(cap);
    this.tmpPx = new Float64Array(L + 1);
    this.depth = Float64Array.from(p.depthLots);
    // Gap = 1 + geometric on {0,1,…} with mean g−1: floor(ln U / ln q), q = (g−1)/g.
    this.gapLogQ = Float64Array.from(p.gapTicks, (g) => (g > 1 ? Math.log((g - 1) / g) : 0));
    let acc = 0;
    const total = p.spreadProb.reduce((a, b) => a + b, 0) || 1;
    this.spreadCdf = Float64Array.from(p.spreadProb, (x) => (acc += x / total));
    const root = Rng.root(p.seed).split('synthetic-market');
    this.rTrade = root.split('trades');
    this.rBook = root.split('book');
    this.rMove = root.split('moves');
    this.latency = new LatencyModel(root.split('latency'), p.latencyMeanUs, p.jitterQuantilesUs, p.startUs);
    this.hawkes = new HawkesClock(root.split('hawkes'), p.tradeRatePerSec * (1 - p.hawkesBranching), p.hawkesBranching, p.hawkesDecayPerSec);
    this.floorTicks = Math.max(100, Math.round(p.startTicks * 0.05));
  }

  run(): GenerateSummary {
    const p = this.p;
    const endT = p.durationUs >= Number.MAX_SAFE_INTEGER - p.startUs ? Infinity : p.startUs + p.durationUs;
    this.t = p.startUs;
    this.snapshot();
    let nextTrade = this.t + this.hawkes.next() * 1e6;
    const refreshMean = p.refreshRatePerSec > 0 ? 1e6 / p.refreshRatePerSec : Infinity;
    const moveMean = p.moveRatePerSec > 0 && p.moveMeanTicks > 0 ? 1e6 / p.moveRatePerSec : Infinity;
    const jumpMean = p.jumpIntensityPerHour > 0 && p.jumpSizeBps > 0 ? 3.6e9 / p.jumpIntensityPerHour : Infinity;
    let nextRefresh = this.t + this.rBook.exp(refreshMean);
    let nextMove = this.t + this.rMove.exp(moveMean);
    let nextJump = this.t + this.rMove.exp(jumpMean);
    let nextRefill = Infinity;
    let nextCrash = p.crashFraction > 0 ? p.crashStartUs : Infinity;
    const crashEnd = p.crashStartUs + p.crashDurationUs;

    while (this.rows < p.events) {
      // Earliest clock wins; ties go to the lower event number (fixed order, deterministic).
      let tn = nextTrade;
      let ev = 0;
      if (nextRefresh < tn) {
        tn = nextRefresh;
        ev = 1;
      }
      if (nextMove < tn) {
        tn = nextMove;
        ev = 2;
      }
      if (nextJump < tn) {
        tn = nextJump;
        ev = 3;
      }
      if (nextRefill < tn) {
        tn = nextRefill;
        ev = 4;
      }
      if (nextCrash < tn) {
        tn = nextCrash;
        ev = 5;
      }
      if (!(tn <= endT)) break;
      this.t = tn;
      switch (ev) {
        case 0:
          if (this.trade()) nextRefill = Math.min(nextRefill, this.t + this.rBook.exp(p.refillMeanUs));
          nextTrade = this.t + this.hawkes.next() * 1e6;
          break;
        case 1:
          this.refresh();
          nextRefresh = this.t + this.rBook.exp(refreshMean);
          break;
        case 2:
          this.move(this.rMove.next() < 0.5 ? -1 : 1, Math.max(1, Math.round(this.rMove.exp(p.moveMeanTicks))));
          nextMove = this.t + this.rMove.exp(moveMean);
          break;
        case 3: {
          const mid = (this.bid.best + this.ask.best) / 2;
          const ticks = Math.max(1, Math.round((mid * this.rMove.exp(p.jumpSizeBps)) / 1e4));
          this.move(this.rMove.next() < 0.5 ? -1 : 1, ticks);
          nextJump = this.t + this.rMove.exp(jumpMean);
          break;
        }
        case 4:
          this.refill();
          nextRefill = Infinity;
          break;
        case 5:
          this.crashStep(crashEnd);
          nextCrash = this.t >= crashEnd ? Infinity : Math.min(crashEnd, this.t + CRASH_TICK_US);
          break;
      }
    }
    return { rows: this.rows, messages: this.messages, trades: this.trades, startUs: p.startUs, endUs: Math.floor(this.t), params: p };
  }

  // ---- events ----

  private snapshot(): void {
    this.levelKind = ROW_SNAPSHOT;
    const b = this.p.startTicks;
    this.fillFront(this.bid, b);
    this.fillFront(this.ask, b + this.drawSpread());
    this.trimExtend(this.bid);
    this.trimExtend(this.ask);
    this.flush(FLAG_SNAPSHOT_START);
    this.levelKind = ROW_LEVEL;
    this.bbo();
  }

  /**
   * One fill against the touched side's best level (a sweep shows up as a Hawkes burst of fills,
   * as in the exchange's trade stream, where each maker fill is one trade). A fill at least as
   * large as the level takes all of it; returns true when that left the spread wide.
   */
  private trade(): boolean {
    const r = this.rTrade;
    const buy = r.next() < this.p.buyFraction;
    const lad = buy ? this.ask : this.bid;
    const want = Math.max(1, Math.round(Math.exp(this.p.tradeLogMean + this.p.tradeLogStd * r.normal())));
    const px = lad.px[0]!;
    const s = lad.sz[0]!;
    const fill = want < s ? want : s;
    this.add(ROW_TRADE, buy ? 0 : 1, px, fill);
    this.trades++;
    this.flush(0);
    if (fill < s) {
      lad.sz[0] = s - fill;
      this.add(ROW_LEVEL, lad.side, px, s - fill);
    } else {
      this.add(ROW_LEVEL, lad.side, px, 0);
      lad.dropFront(1);
      this.trimExtend(lad);
    }
    this.flush(0);
    this.bbo();
    return fill === s && this.ask.best - this.bid.best > 1;
  }

  /** Cancels and refills resting size at random levels of the window. */
  private refresh(): void {
    const r = this.rBook;
    const m = Math.min(4 * this.p.depthLevels, 1 + r.poisson(this.p.levelsPerRefresh - 1));
    for (let i = 0; i < m; i++) {
      const lad = r.next() < 0.5 ? this.bid : this.ask;
      const k = Math.floor(r.next() * lad.n);
      const s = this.drawSize(k);
      lad.sz[k] = s;
      this.add(ROW_LEVEL, lad.side, lad.px[k]!, s);
    }
    this.flush(0);
    this.bbo();
  }

  /** A new order inside a spread left wide by a trade. */
  private refill(): void {
    const spread = this.ask.best - this.bid.best;
    const s = this.drawSpread();
    if (spread <= 1 || s >= spread) return;
    if (this.rBook.next() < 0.5) this.fillFront(this.bid, this.ask.best - s);
    else this.fillFront(this.ask, this.bid.best + s);
    this.trimExtend(this.bid);
    this.trimExtend(this.ask);
    this.flush(0);
    this.bbo();
  }

  /** Shift the book by `ticks` in direction `sign` (mid move or jump); reflect off the price floor. */
  private move(sign: number, ticks: number): void {
    let b = this.bid.best + sign * ticks;
    if (b < this.floorTicks) b = this.bid.best + ticks;
    this.recenter(b);
  }

  /** Crash drift: move down to the linear drawdown path, in steps every CRASH_TICK_US. */
  private crashStep(crashEnd: number): void {
    const p = this.p;
    if (Number.isNaN(this.crashBase)) this.crashBase = (this.bid.best + this.ask.best) / 2;
    const frac = Math.min(1, (this.t - p.crashStartUs) / p.crashDurationUs);
    const target = -p.crashFraction * this.crashBase * (this.t >= crashEnd ? 1 : frac);
    const delta = Math.round(target - this.crashApplied);
    if (delta > -1) return;
    this.crashApplied += delta;
    this.recenter(Math.max(1, this.bid.best + delta));
  }

  // ---- book operations (rows go to the message buffer) ----

  /**
   * New best bid `b` and best ask b + spread. Removals come first so that no row crosses the
   * book. Levels that survive but change rank are resized for their new rank: without this the
   * shifts would smear the calibrated depth profile (a deep level becoming the best keeps a
   * deep level's size).
   */
  private recenter(b: number): void {
    const a = b + this.drawSpread();
    this.recenterSide(this.bid, b, 0);
    this.recenterSide(this.ask, a, 0);
    this.recenterSide(this.bid, b, 1);
    this.recenterSide(this.ask, a, 1);
    this.flush(0);
    this.bbo();
  }

  private recenterSide(lad: Ladder, target: number, phase: 0 | 1): void {
    if (phase === 0) {
      let r = 0;
      while (r < lad.n && lad.better(lad.px[r]!, target)) this.add(ROW_LEVEL, lad.side, lad.px[r++]!, 0);
      lad.dropFront(r);
      this.removed[lad.side] = r;
      return;
    }
    const k = this.fillFront(lad, target);
    const shift = k - this.removed[lad.side]!;
    if (shift !== 0) {
      const end = Math.min(lad.n, this.p.depthLevels);
      for (let i = k > 0 ? k : 1; i < end; i++) {
        const s = this.drawSize(i);
        if (s === lad.sz[i]) continue;
        lad.sz[i] = s;
        this.add(ROW_LEVEL, lad.side, lad.px[i]!, s);
      }
    }
    this.trimExtend(lad);
  }

  /**
   * Make `target` the best price of a side: new levels from it outwards (calibrated gaps and
   * per-level sizes) until they reach the old best; an existing level at `target` is resized
   * to a best-level size. Returns how many levels were inserted.
   */
  private fillFront(lad: Ladder, target: number): number {
    if (lad.n > 0 && lad.px[0] === target) {
      const s = this.drawSize(0);
      lad.sz[0] = s;
      this.add(this.levelKind, lad.side, target, s);
      return 0;
    }
    const L = this.p.depthLevels;
    let k = 0;
    let px = target;
    while (k < L && px >= 1 && (lad.n === 0 || lad.better(px, lad.px[0]!))) {
      this.tmpPx[k] = px;
      px += lad.dir * this.drawGap(k);
      k++;
    }
    lad.openFront(k);
    for (let i = 0; i < k; i++) {
      const s = this.drawSize(i);
      lad.px[i] = this.tmpPx[i]!;
      lad.sz[i] = s;
      this.add(this.levelKind, lad.side, lad.px[i]!, s);
    }
    return k;
  }

  /** Keep exactly depthLevels levels: drop the deepest, or add deeper ones. */
  private trimExtend(lad: Ladder): void {
    const L = this.p.depthLevels;
    while (lad.n > L) {
      lad.n--;
      this.add(this.levelKind, lad.side, lad.px[lad.n]!, 0);
    }
    while (lad.n < L && lad.n > 0) {
      const px = lad.px[lad.n - 1]! + lad.dir * this.drawGap(lad.n - 1);
      if (px < 1) break;
      const s = this.drawSize(lad.n);
      lad.px[lad.n] = px;
      lad.sz[lad.n] = s;
      this.add(this.levelKind, lad.side, px, s);
      lad.n++;
    }
  }

  // ---- draws ----

  private drawSize(k: number): number {
    return Math.max(1, Math.round(this.rBook.exp(this.depth[k]!)));
  }

  private drawGap(k: number): number {
    const lq = this.gapLogQ[k < this.gapLogQ.length ? k : this.gapLogQ.length - 1]!;
    return lq === 0 ? 1 : 1 + Math.floor(Math.log(1 - this.rBook.next()) / lq);
  }

  private drawSpread(): number {
    const u = this.rBook.next();
    const c = this.spreadCdf;
    for (let i = 0; i < c.length; i++) if (u < c[i]!) return i + 1;
    return c.length;
  }

  // ---- output ----

  private add(kind: RowKind, side: 0 | 1, px: number, sz: number): void {
    const i = this.mLen++;
    this.mKind[i] = kind;
    this.mSide[i] = side;
    this.mPx[i] = px;
    this.mSz[i] = sz;
  }

  private bbo(): void {
    this.add(ROW_BBO, 0, this.bid.best, this.bid.sz[0]!);
    this.add(ROW_BBO, 1, this.ask.best, this.ask.sz[0]!);
    this.flush(0);
  }

  /** Emit the buffered message: one exchange time, one receive time, FLAG_END on its last row. */
  private flush(firstFlags: number): void {
    const n = this.mLen;
    if (n === 0) return;
    const ts = Math.floor(this.t);
    let local = Math.floor(ts + this.latency.draw(this.t));
    // A feed delivers in order: a message is never received before the previous one.
    if (local < this.lastLocal) local = this.lastLocal;
    this.lastLocal = local;
    const row = this.row;
    row.tsUs = ts;
    row.localTsUs = local;
    for (let i = 0; i < n; i++) {
      row.kind = this.mKind[i] as RowKind;
      row.side = this.mSide[i] as 0 | 1;
      row.priceTicks = this.mPx[i]!;
      row.sizeLots = this.mSz[i]!;
      row.flags = (i === 0 ? firstFlags : 0) | (i === n - 1 ? FLAG_END : 0);
      this.onRow(row);
    }
    this.rows += n;
    this.messages++;
    this.mLen = 0;
  }
}
