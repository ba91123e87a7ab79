import { ASK, BID, L2Book, NO_ASK, NO_BID } from '../../market/book.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE, type MarketRow } from '../market-rows.ts';
import { fanoFactors, fitHawkesFano, type HawkesFit } from './hawkes.ts';

/**
 * Market statistics measured from a row stream. The same accumulator runs on the real capture
 * (calibration) and on generated data (fidelity tests), so both sides of every comparison are
 * computed by one definition.
 */
export interface MarketMeasures {
  durationSec: number;
  spread: {
    /** Time-weighted mean spread in ticks (book sampled on a fixed grid). */
    meanTicks: number;
    /** P(spread = k ticks) for k = 1..SPREAD_BUCKETS; the last bucket holds k ≥ SPREAD_BUCKETS. */
    probByTicks: number[];
    /** Mean length of an episode with the BBO spread above one tick, in ms (how fast gaps refill). */
    wideEpisodeMeanMs: number;
  };
  /** Time-weighted mean size at the k-th non-empty level from the best, bid and ask averaged, in lots. */
  depthLots: number[];
  /** Mean distance in ticks between the k-th and (k+1)-th non-empty levels. */
  gapTicks: number[];
  levelMessages: {
    ratePerSec: number;
    levelsPerMsgMean: number;
    /** Level rows per message whose price lies within the top-N window (the part a generator models). */
    windowLevelsPerMsgMean: number;
  };
  trades: {
    ratePerSec: number;
    buyFraction: number;
    meanLots: number;
    logMean: number;
    logStd: number;
    /** Trade size in lots at probabilities TRADE_QUANTILE_PROBS. */
    quantilesLots: number[];
    interArrivalCv: number;
    fano: { windowSec: number; fano: number }[];
    hawkes: HawkesFit;
  };
  mid: {
    /** Std of the 1-second mid change, in ticks. */
    vol1sTicks: number;
    changeRatePerSec: number;
    meanAbsChangeTicks: number;
  };
  latency: {
    /** Mean of localTs − ts in µs (includes the capture clock offset). */
    meanUs: number;
    /** Std of the de-meaned jitter in µs. */
    jitterStdUs: number;
    /** De-meaned jitter (µs) at probabilities LATENCY_QUANTILE_PROBS. */
    jitterQuantilesUs: number[];
  };
}

export const SPREAD_BUCKETS = 10;
export const DEPTH_LEVELS = 20;
export const SAMPLE_US = 100_000;
export const FANO_WINDOWS_SEC = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
export const TRADE_QUANTILE_PROBS = Array.from({ length: 101 }, (_, i) => i / 100);
export const LATENCY_QUANTILE_PROBS = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** Growable Float64 buffer: one allocation per doubling, not per sample. */
class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

export function quantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const x = p * (sorted.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  const a = sorted[i]!;
  return f === 0 ? a : a + (sorted[i + 1]! - a) * f;
}

export class MarketStats {
  readonly book = new L2Book();
  private started = false;
  private firstUs = 0;
  private lastUs = 0;
  private nextSampleUs = 0;
  private samples = 0;
  private spreadSum = 0;
  private readonly spreadHist = new Float64Array(SPREAD_BUCKETS);
  private readonly depthSum = new Float64Array(DEPTH_LEVELS);
  private readonly depthN = new Float64Array(DEPTH_LEVELS);
  private readonly gapSum = new Float64Array(DEPTH_LEVELS - 1);
  private readonly gapN = new Float64Array(DEPTH_LEVELS - 1);
  private readonly px = new Float64Array(DEPTH_LEVELS);
  private readonly sz = new Float64Array(DEPTH_LEVELS);
  private bidWindowLow = NO_BID;
  private askWindowHigh = NO_ASK;
  private readonly mids1s = new F64();
  private sampleIdx = 0;

  private msgLevelRows = 0;
  private msgWindowRows = 0;
  private levelMsgs = 0;
  private levelRows = 0;
  private windowRows = 0;

  private lastMid = NaN;
  private midChanges = 0;
  private midAbsSum = 0;
  private wideSinceUs = -1;
  private bboBid = 0;
  private bboAsk = 0;
  private wideEpisodes = 0;
  private wideSumUs = 0;

  private trades = 0;
  private buys = 0;
  private sizeSum = 0;
  private logSum = 0;
  private logSq = 0;
  private readonly tradeSizes = new F64();
  private readonly tradeTimes = new F64();
  private readonly latencies = new F64();

  push(r: MarketRow): void {
    if (!this.started) {
      // Statistics start at the first snapshot: before it there is no book to measure.
      if (!(r.kind === ROW_SNAPSHOT && r.flags & FLAG_SNAPSHOT_START)) return;
      this.started = true;
      this.firstUs = r.tsUs;
      this.nextSampleUs = r.tsUs + SAMPLE_US;
    }
    // Rows of one message share a timestamp, so a grid point is crossed only between messages,
    // when the book is consistent: sample once per grid point passed (time-weighted).
    while (r.tsUs >= this.nextSampleUs) {
      this.sample();
      this.nextSampleUs += SAMPLE_US;
    }
    this.lastUs = r.tsUs;
    const end = (r.flags & FLAG_END) !== 0;
    switch (r.kind) {
      case ROW_SNAPSHOT:
        if (r.flags & FLAG_SNAPSHOT_START) this.book.clear();
        this.book.setLevel(r.side, r.priceTicks, r.sizeLots);
        break;
      case ROW_LEVEL:
        this.msgLevelRows++;
        if (r.side === BID ? r.priceTicks >= this.bidWindowLow : r.priceTicks <= this.askWindowHigh) this.msgWindowRows++;
        this.book.setLevel(r.side, r.priceTicks, r.sizeLots);
        if (end) {
          this.levelMsgs++;
          this.levelRows += this.msgLevelRows;
          this.windowRows += this.msgWindowRows;
        }
        break;
      case ROW_TRADE:
        this.trades++;
        if (r.side === 0) this.buys++;
        this.sizeSum += r.sizeLots;
        {
          const l = Math.log(r.sizeLots);
          this.logSum += l;
          this.logSq += l * l;
        }
        this.tradeSizes.push(r.sizeLots);
        this.tradeTimes.push(r.tsUs);
        break;
      case ROW_BBO:
        if (r.side === 0) this.bboBid = r.priceTicks;
        else this.bboAsk = r.priceTicks;
        if (end) this.afterBbo(r.tsUs);
        break;
    }
    if (end) {
      this.msgLevelRows = 0;
      this.msgWindowRows = 0;
      this.latencies.push(r.localTsUs - r.tsUs);
      if (r.kind === ROW_LEVEL || r.kind === ROW_SNAPSHOT) this.afterBookMessage(r.tsUs);
    }
  }

  private afterBookMessage(tsUs: number): void {
    const b = this.book;
    if (b.bestBid === NO_BID || b.bestAsk === NO_ASK) return;
    const mid = (b.bestBid + b.bestAsk) / 2;
    if (!Number.isNaN(this.lastMid) && mid !== this.lastMid) {
      this.midChanges++;
      this.midAbsSum += Math.abs(mid - this.lastMid);
    }
    this.lastMid = mid;
  }

  /** Wide-spread episodes from the exchange's BBO messages: the real depth stream is throttled
   * (~19 msg/s) and would stretch every episode to its update interval. */
  private afterBbo(tsUs: number): void {
    const wide = this.bboAsk - this.bboBid > 1;
    if (wide && this.wideSinceUs < 0) this.wideSinceUs = tsUs;
    else if (!wide && this.wideSinceUs >= 0) {
      this.wideEpisodes++;
      this.wideSumUs += tsUs - this.wideSinceUs;
      this.wideSinceUs = -1;
    }
  }

  private sample(): void {
    const b = this.book;
    if (b.bestBid === NO_BID || b.bestAsk === NO_ASK) return;
    this.samples++;
    const spread = b.bestAsk - b.bestBid;
    this.spreadSum += spread;
    this.spreadHist[Math.min(SPREAD_BUCKETS, Math.max(1, spread)) - 1]! += 1;
    if (this.sampleIdx++ % Math.round(1_000_000 / SAMPLE_US) === 0) this.mids1s.push((b.bestBid + b.bestAsk) / 2);
    for (const side of [BID, ASK] as const) {
      const n = b.levels(side, DEPTH_LEVELS, this.px, this.sz);
      for (let k = 0; k < n; k++) {
        this.depthSum[k]! += this.sz[k]!;
        this.depthN[k]! += 1;
        if (k > 0) {
          this.gapSum[k - 1]! += Math.abs(this.px[k]! - this.px[k - 1]!);
          this.gapN[k - 1]! += 1;
        }
      }
      const edge = n > 0 ? this.px[n - 1]! : side === BID ? NO_BID : NO_ASK;
      if (side === BID) this.bidWindowLow = edge;
      else this.askWindowHigh = edge;
    }
  }

  result(): MarketMeasures {
    const durationSec = (this.lastUs - this.firstUs) / 1e6;
    const sizes = Float64Array.from(this.tradeSizes.view()).sort();
    const times = this.tradeTimes.view();
    let iaSum = 0;
    let iaSq = 0;
    for (let i = 1; i < times.length; i++) {
      const d = times[i]! - times[i - 1]!;
      iaSum += d;
      iaSq += d * d;
    }
    const nIa = Math.max(1, times.length - 1);
    const iaMean = iaSum / nIa;
    const iaCv = Math.sqrt(Math.max(0, iaSq / nIa - iaMean * iaMean)) / iaMean;
    const fano = fanoFactors(times, this.firstUs, this.lastUs, FANO_WINDOWS_SEC);

    const mids = this.mids1s.view();
    let dSum = 0;
    let dSq = 0;
    for (let i = 1; i < mids.length; i++) {
      const d = mids[i]! - mids[i - 1]!;
      dSum += d;
      dSq += d * d;
    }
    const nD = Math.max(1, mids.length - 1);
    const vol1s = Math.sqrt(Math.max(0, dSq / nD - (dSum / nD) ** 2));

    const lat = this.latencies.view();
    let lSum = 0;
    for (let i = 0; i < lat.length; i++) lSum += lat[i]!;
    const lMean = lat.length ? lSum / lat.length : 0;
    const jit = Float64Array.from(lat, (x) => x - lMean).sort();
    let jSq = 0;
    for (let i = 0; i < jit.length; i++) jSq += jit[i]! * jit[i]!;

    const n = Math.max(1, this.trades);
    const logMean = this.logSum / n;
    return {
      durationSec,
      spread: {
        meanTicks: this.spreadSum / Math.max(1, this.samples),
        probByTicks: Array.from(this.spreadHist, (c) => c / Math.max(1, this.samples)),
        wideEpisodeMeanMs: this.wideEpisodes ? this.wideSumUs / this.wideEpisodes / 1000 : 0,
      },
      depthLots: Array.from(this.depthSum, (s, k) => s / Math.max(1, this.depthN[k]!)),
      gapTicks: Array.from(this.gapSum, (s, k) => s / Math.max(1, this.gapN[k]!)),
      levelMessages: {
        ratePerSec: this.levelMsgs / durationSec,
        levelsPerMsgMean: this.levelRows / Math.max(1, this.levelMsgs),
        windowLevelsPerMsgMean: this.windowRows / Math.max(1, this.levelMsgs),
      },
      trades: {
        ratePerSec: this.trades / durationSec,
        buyFraction: this.buys / n,
        meanLots: this.sizeSum / n,
        logMean,
        logStd: Math.sqrt(Math.max(0, this.logSq / n - logMean * logMean)),
        quantilesLots: TRADE_QUANTILE_PROBS.map((p) => quantile(sizes, p)),
        interArrivalCv: iaCv,
        fano,
        hawkes: fitHawkesFano(fano),
      },
      mid: {
        vol1sTicks: vol1s,
        changeRatePerSec: this.midChanges / durationSec,
        meanAbsChangeTicks: this.midAbsSum / Math.max(1, this.midChanges),
      },
      latency: {
        meanUs: lMean,
        jitterStdUs: Math.sqrt(jSq / Math.max(1, jit.length)),
        jitterQuantilesUs: LATENCY_QUANTILE_PROBS.map((p) => quantile(jit, p)),
      },
    };
  }
}
