import { DataError } from '../errors.ts';

export const BID = 0;
export const ASK = 1;
export type Side = typeof BID | typeof ASK;

/** Sentinels for an empty side; prices are positive integer ticks. */
export const NO_BID = -1;
export const NO_ASK = Number.MAX_SAFE_INTEGER;

/** A ladder wider than this many ticks is almost certainly a bad tick size or a stray price. */
const MAX_SPAN_TICKS = 1 << 24;

/**
 * L2 order book as a price ladder in integer ticks. Sizes are indexed by `priceTicks - base`
 * in two Float64Arrays, so an update is an array store plus, only when the best level empties,
 * a short scan: no allocation per update, no tree rebalancing.
 */
export class L2Book {
  private bids: Float64Array;
  private asks: Float64Array;
  private base = 0;
  private cap: number;
  private initialised = false;
  bestBid = NO_BID;
  bestAsk = NO_ASK;
  private bidLevels = 0;
  private askLevels = 0;
  /** Levels removed because a newer update on the other side crossed them (stale quotes). */
  uncrossedLevels = 0;

  constructor(initialCapacityTicks = 1 << 14) {
    this.cap = initialCapacityTicks;
    this.bids = new Float64Array(this.cap);
    this.asks = new Float64Array(this.cap);
  }

  get empty(): boolean {
    return this.bidLevels === 0 && this.askLevels === 0;
  }
  get levelCount(): number {
    return this.bidLevels + this.askLevels;
  }

  /** Size resting at a price on a side (0 when none or outside the ladder). */
  sizeAt(side: Side, priceTicks: number): number {
    const i = priceTicks - this.base;
    if (i < 0 || i >= this.cap) return 0;
    return side === BID ? this.bids[i]! : this.asks[i]!;
  }

  bestSize(side: Side): number {
    return side === BID
      ? this.bestBid === NO_BID ? 0 : this.bids[this.bestBid - this.base]!
      : this.bestAsk === NO_ASK ? 0 : this.asks[this.bestAsk - this.base]!;
  }

  /** Mid price in ticks (may be fractional), NaN if a side is empty. */
  midTicks(): number {
    return this.bestBid === NO_BID || this.bestAsk === NO_ASK ? NaN : (this.bestBid + this.bestAsk) / 2;
  }

  isCrossed(): boolean {
    return this.bestBid !== NO_BID && this.bestAsk !== NO_ASK && this.bestBid >= this.bestAsk;
  }

  clear(): void {
    this.bids.fill(0);
    this.asks.fill(0);
    this.bestBid = NO_BID;
    this.bestAsk = NO_ASK;
    this.bidLevels = 0;
    this.askLevels = 0;
  }

  clearSide(side: Side): void {
    if (side === BID) {
      this.bids.fill(0);
      this.bestBid = NO_BID;
      this.bidLevels = 0;
    } else {
      this.asks.fill(0);
      this.bestAsk = NO_ASK;
      this.askLevels = 0;
    }
  }

  /**
   * Set the absolute size at a level (0 removes it). A positive level that crosses the other
   * side's best means the other side's crossed levels are stale (their removal is in flight on
   * the feed), so they are dropped: the book is never crossed after an accepted update.
   */
  setLevel(side: Side, priceTicks: number, sizeLots: number): void {
    let i = priceTicks - this.base;
    if (i < 0 || i >= this.cap || !this.initialised) {
      if (sizeLots === 0 && this.initialised) return;
      this.ensure(priceTicks);
      i = priceTicks - this.base;
    }
    if (side === BID) {
      const old = this.bids[i]!;
      this.bids[i] = sizeLots;
      if (sizeLots > 0) {
        if (old === 0) this.bidLevels++;
        if (priceTicks > this.bestBid) {
          this.bestBid = priceTicks;
          if (priceTicks >= this.bestAsk) this.dropAsksUpTo(priceTicks);
        }
      } else if (old !== 0) {
        this.bidLevels--;
        if (priceTicks === this.bestBid) this.bestBid = this.scanBidFrom(i - 1);
      }
    } else {
      const old = this.asks[i]!;
      this.asks[i] = sizeLots;
      if (sizeLots > 0) {
        if (old === 0) this.askLevels++;
        if (priceTicks < this.bestAsk) {
          this.bestAsk = priceTicks;
          if (priceTicks <= this.bestBid) this.dropBidsDownTo(priceTicks);
        }
      } else if (old !== 0) {
        this.askLevels--;
        if (priceTicks === this.bestAsk) this.bestAsk = this.scanAskFrom(i + 1);
      }
    }
  }

  /**
   * Copy up to `n` levels of a side, best first, into the given arrays; returns how many.
   * Callers reuse the arrays, so reading depth allocates nothing.
   */
  levels(side: Side, n: number, outPrices: Float64Array | number[], outSizes: Float64Array | number[]): number {
    let k = 0;
    if (side === BID) {
      for (let i = this.bestBid - this.base; i >= 0 && k < n && this.bestBid !== NO_BID; i--) {
        const s = this.bids[i]!;
        if (s > 0) {
          outPrices[k] = i + this.base;
          outSizes[k] = s;
          k++;
        }
      }
    } else {
      for (let i = this.bestAsk - this.base; i < this.cap && k < n && this.bestAsk !== NO_ASK; i++) {
        const s = this.asks[i]!;
        if (s > 0) {
          outPrices[k] = i + this.base;
          outSizes[k] = s;
          k++;
        }
      }
    }
    return k;
  }

  /** Total size on a side from the best level up to and including `limitTicks`. */
  depthThrough(side: Side, limitTicks: number): number {
    let total = 0;
    if (side === BID) {
      if (this.bestBid === NO_BID) return 0;
      const lo = Math.max(0, limitTicks - this.base);
      for (let i = this.bestBid - this.base; i >= lo; i--) total += this.bids[i]!;
    } else {
      if (this.bestAsk === NO_ASK) return 0;
      const hi = Math.min(this.cap - 1, limitTicks - this.base);
      for (let i = this.bestAsk - this.base; i <= hi; i++) total += this.asks[i]!;
    }
    return total;
  }

  private dropAsksUpTo(priceTicks: number): void {
    const hi = Math.min(this.cap - 1, priceTicks - this.base);
    for (let i = this.bestAsk - this.base; i <= hi; i++) {
      if (this.asks[i]! !== 0) {
        this.asks[i] = 0;
        this.askLevels--;
        this.uncrossedLevels++;
      }
    }
    this.bestAsk = this.scanAskFrom(hi + 1);
  }

  private dropBidsDownTo(priceTicks: number): void {
    const lo = Math.max(0, priceTicks - this.base);
    for (let i = this.bestBid - this.base; i >= lo; i--) {
      if (this.bids[i]! !== 0) {
        this.bids[i] = 0;
        this.bidLevels--;
        this.uncrossedLevels++;
      }
    }
    this.bestBid = this.scanBidFrom(lo - 1);
  }

  private scanBidFrom(i: number): number {
    if (this.bidLevels === 0) return NO_BID;
    for (; i >= 0; i--) if (this.bids[i]! > 0) return i + this.base;
    return NO_BID;
  }

  private scanAskFrom(i: number): number {
    if (this.askLevels === 0) return NO_ASK;
    for (; i < this.cap; i++) if (this.asks[i]! > 0) return i + this.base;
    return NO_ASK;
  }

  /** Grow or re-centre the ladder so `priceTicks` fits, keeping every level. */
  private ensure(priceTicks: number): void {
    if (!Number.isSafeInteger(priceTicks) || priceTicks <= 0) {
      throw new DataError(`price ${priceTicks} ticks is not a positive integer`, { field: 'price' });
    }
    if (!this.initialised) {
      this.base = Math.max(1, priceTicks - (this.cap >> 1));
      this.initialised = true;
      if (priceTicks - this.base < this.cap) return;
    }
    let lo = priceTicks;
    let hi = priceTicks;
    if (this.bidLevels + this.askLevels > 0) {
      const low = Math.min(this.bestBid === NO_BID ? Infinity : this.lowestBid(), this.bestAsk === NO_ASK ? Infinity : this.bestAsk);
      const high = Math.max(this.bestBid === NO_BID ? -Infinity : this.bestBid, this.bestAsk === NO_ASK ? -Infinity : this.highestAsk());
      lo = Math.min(lo, low);
      hi = Math.max(hi, high);
    }
    const span = hi - lo + 1;
    if (span > MAX_SPAN_TICKS) {
      throw new DataError(`price ${priceTicks} ticks is ${span} ticks from the rest of the book`, {
        field: 'price',
        hint: 'check the instrument tick size or drop stray far-away levels',
      });
    }
    let cap = this.cap;
    while (cap < span * 2) cap *= 2;
    const base = Math.max(1, lo - ((cap - span) >> 1));
    const bids = new Float64Array(cap);
    const asks = new Float64Array(cap);
    const shift = this.base - base;
    for (let i = 0; i < this.cap; i++) {
      const b = this.bids[i]!;
      const a = this.asks[i]!;
      if (b !== 0) bids[i + shift] = b;
      if (a !== 0) asks[i + shift] = a;
    }
    this.bids = bids;
    this.asks = asks;
    this.base = base;
    this.cap = cap;
  }

  private lowestBid(): number {
    for (let i = 0; i < this.cap; i++) if (this.bids[i]! > 0) return i + this.base;
    return this.bestBid;
  }

  private highestAsk(): number {
    for (let i = this.cap - 1; i >= 0; i--) if (this.asks[i]! > 0) return i + this.base;
    return this.bestAsk;
  }
}
