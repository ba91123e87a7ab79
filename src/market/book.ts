import { DataError } from '../errors.ts';

export const BID = 0;
export const ASK = 1;
export type Side = typeof BID | typeof ASK;

/** Sentinels for an empty side; prices are positive integer ticks. */
export const NO_BID = -1;
export const NO_ASK = Number.MAX_SAFE_INTEGER;

/** Widest ladder (ticks). Levels beyond it live in a small map; 2^20 ticks is 100k USD at a 0.1 tick. */
const MAX_SPAN_TICKS = 1 << 20;

/**
 * L2 order book as a price ladder in integer ticks. Sizes are indexed by `priceTicks - base` in
 * two Float64Arrays, so an update is an array store plus, only when the best level empties, a
 * short scan: no allocation per update. Stray levels too far from the touch for the ladder (a
 * 200,000 USDT ask on a 60,000 book) are kept exactly in a per-side map.
 *
 * Invariant: when a side has ladder levels, its best level is in the ladder; otherwise its best
 * (if any) is the best of its far levels.
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
  private readonly far: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  /** Levels removed because a newer update on the other side crossed them (stale quotes). */
  uncrossedLevels = 0;

  constructor(initialCapacityTicks = 1 << 14) {
    this.cap = initialCapacityTicks;
    this.bids = new Float64Array(this.cap);
    this.asks = new Float64Array(this.cap);
  }

  get empty(): boolean {
    return this.levelCount === 0;
  }
  get levelCount(): number {
    return this.bidLevels + this.askLevels + this.far[0].size + this.far[1].size;
  }

  /** Size resting at a price on a side (0 when none). */
  sizeAt(side: Side, priceTicks: number): number {
    const i = priceTicks - this.base;
    if (i < 0 || i >= this.cap) return this.far[side].get(priceTicks) ?? 0;
    return side === BID ? this.bids[i]! : this.asks[i]!;
  }

  bestSize(side: Side): number {
    const p = side === BID ? this.bestBid : this.bestAsk;
    return p === NO_BID || p === NO_ASK ? 0 : this.sizeAt(side, p);
  }

  /** Mid price in ticks (may be fractional), NaN if a side is empty. */
  midTicks(): number {
    return this.bestBid === NO_BID || this.bestAsk === NO_ASK ? NaN : (this.bestBid + this.bestAsk) / 2;
  }

  isCrossed(): boolean {
    return this.bestBid !== NO_BID && this.bestAsk !== NO_ASK && this.bestBid >= this.bestAsk;
  }

  clear(): void {
    this.clearSide(BID);
    this.clearSide(ASK);
  }

  clearSide(side: Side): void {
    this.far[side].clear();
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
      if (this.initialised && this.setOutside(side, priceTicks, sizeLots)) return;
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
          if (priceTicks >= this.bestAsk) this.dropCrossed(ASK, priceTicks);
        }
      } else if (old !== 0) {
        this.bidLevels--;
        if (priceTicks === this.bestBid) this.bestBid = this.scanBid(i - 1);
      }
    } else {
      const old = this.asks[i]!;
      this.asks[i] = sizeLots;
      if (sizeLots > 0) {
        if (old === 0) this.askLevels++;
        if (priceTicks < this.bestAsk) {
          this.bestAsk = priceTicks;
          if (priceTicks <= this.bestBid) this.dropCrossed(BID, priceTicks);
        }
      } else if (old !== 0) {
        this.askLevels--;
        if (priceTicks === this.bestAsk) this.bestAsk = this.scanAsk(i + 1);
      }
    }
  }

  /**
   * Replace the touch of a book holding one level a side (bid `fromBid`, ask `fromAsk`) with a bid
   * at `bid` and an ask at `ask` of `sizeLots` each: the state the four setLevel calls (both old
   * levels removed, then the new ones laid) leave, without their scans, when all four prices are on
   * the ladder and the book is not crossed after. Returns false, changing nothing, otherwise.
   */
  replaceTouch(fromBid: number, fromAsk: number, bid: number, ask: number, sizeLots: number): boolean {
    if (this.bidLevels !== 1 || this.askLevels !== 1 || this.bestBid !== fromBid || this.bestAsk !== fromAsk) return false;
    if (!(sizeLots > 0) || !(ask > bid) || this.far[BID].size !== 0 || this.far[ASK].size !== 0) return false;
    const ib = bid - this.base;
    const ia = ask - this.base;
    if (ib < 0 || ib >= this.cap || ia < 0 || ia >= this.cap) return false;
    // The old levels are on the ladder: a side's best ladder level is (see the invariant).
    this.bids[fromBid - this.base] = 0;
    this.asks[fromAsk - this.base] = 0;
    this.bids[ib] = sizeLots;
    this.asks[ia] = sizeLots;
    this.bestBid = bid;
    this.bestAsk = ask;
    return true;
  }

  /**
   * Copy up to `n` levels of a side, best first, into the given arrays; returns how many.
   * Callers reuse the arrays, so reading depth allocates nothing (far levels excepted).
   */
  levels(side: Side, n: number, outPrices: Float64Array | number[], outSizes: Float64Array | number[]): number {
    let k = 0;
    // Stop at the side's last ladder level: a sparse side (one deep level) is not scanned to the end.
    if (side === BID) {
      if (this.bidLevels > 0) {
        const m = Math.min(n, this.bidLevels);
        for (let i = this.bestBid - this.base; i >= 0 && k < m; i--) {
          const s = this.bids[i]!;
          if (s > 0) {
            outPrices[k] = i + this.base;
            outSizes[k++] = s;
          }
        }
      }
    } else if (this.askLevels > 0) {
      const m = Math.min(n, this.askLevels);
      for (let i = this.bestAsk - this.base; i < this.cap && k < m; i++) {
        const s = this.asks[i]!;
        if (s > 0) {
          outPrices[k] = i + this.base;
          outSizes[k++] = s;
        }
      }
    }
    if (k < n && this.far[side].size > 0) {
      // Far levels all lie behind the ladder's (see the invariant), so they follow in price order.
      const far = [...this.far[side]].sort((a, b) => (side === BID ? b[0] - a[0] : a[0] - b[0]));
      for (const [p, sz] of far) {
        if (k >= n) break;
        outPrices[k] = p;
        outSizes[k++] = sz;
      }
    }
    return k;
  }

  /** Total size on a side from the best level up to and including `limitTicks`. */
  depthThrough(side: Side, limitTicks: number): number {
    let total = 0;
    if (side === BID) {
      if (this.bidLevels > 0) {
        const lo = Math.max(0, limitTicks - this.base);
        for (let i = this.bestBid - this.base; i >= lo; i--) total += this.bids[i]!;
      }
      for (const [p, s] of this.far[BID]) if (p >= limitTicks) total += s;
    } else {
      if (this.askLevels > 0) {
        const hi = Math.min(this.cap - 1, limitTicks - this.base);
        for (let i = this.bestAsk - this.base; i <= hi; i++) total += this.asks[i]!;
      }
      for (const [p, s] of this.far[ASK]) if (p <= limitTicks) total += s;
    }
    return total;
  }

  /** Remove every level of `side` that a new opposite level at `priceTicks` crosses. */
  private dropCrossed(side: Side, priceTicks: number): void {
    if (side === ASK) {
      if (this.askLevels > 0) {
        const hi = Math.min(this.cap - 1, priceTicks - this.base);
        for (let i = Math.max(0, this.bestAsk - this.base); i <= hi; i++) {
          if (this.asks[i]! !== 0) {
            this.asks[i] = 0;
            this.askLevels--;
            this.uncrossedLevels++;
          }
        }
      }
      for (const p of [...this.far[ASK].keys()]) {
        if (p <= priceTicks) {
          this.far[ASK].delete(p);
          this.uncrossedLevels++;
        }
      }
      this.bestAsk = this.scanAsk(Math.max(0, priceTicks - this.base + 1));
    } else {
      if (this.bidLevels > 0) {
        const lo = Math.max(0, priceTicks - this.base);
        for (let i = Math.min(this.cap - 1, this.bestBid - this.base); i >= lo; i--) {
          if (this.bids[i]! !== 0) {
            this.bids[i] = 0;
            this.bidLevels--;
            this.uncrossedLevels++;
          }
        }
      }
      for (const p of [...this.far[BID].keys()]) {
        if (p >= priceTicks) {
          this.far[BID].delete(p);
          this.uncrossedLevels++;
        }
      }
      this.bestBid = this.scanBid(Math.min(this.cap - 1, priceTicks - this.base - 1));
    }
  }

  private scanBid(i: number): number {
    if (this.bidLevels !== 0) for (; i >= 0; i--) if (this.bids[i]! > 0) return i + this.base;
    return this.far[BID].size === 0 ? NO_BID : this.recentre(this.farBest(BID));
  }

  private scanAsk(i: number): number {
    if (this.askLevels !== 0) for (; i < this.cap; i++) if (this.asks[i]! > 0) return i + this.base;
    return this.far[ASK].size === 0 ? NO_ASK : this.recentre(this.farBest(ASK));
  }

  private farBest(side: Side): number {
    let best = side === BID ? -Infinity : Infinity;
    for (const p of this.far[side].keys()) if (side === BID ? p > best : p < best) best = p;
    return best;
  }

  /**
   * A level outside the ladder. Returns false when the ladder should grow to take it; otherwise
   * stores it in the far map, or re-centres the ladder on it when it becomes a far-away best.
   */
  private setOutside(side: Side, priceTicks: number, sizeLots: number): boolean {
    const m = this.far[side];
    if (m.has(priceTicks) || sizeLots === 0) {
      if (sizeLots !== 0) {
        m.set(priceTicks, sizeLots);
        return true;
      }
      if (!m.delete(priceTicks)) return true;
      const best = side === BID ? this.bestBid : this.bestAsk;
      if (best === priceTicks) {
        if (side === BID) this.bestBid = m.size ? this.farBest(BID) : NO_BID;
        else this.bestAsk = m.size ? this.farBest(ASK) : NO_ASK;
      }
      return true;
    }
    const lo = Math.min(priceTicks, this.base);
    const hi = Math.max(priceTicks, this.base + this.cap - 1);
    if (hi - lo + 1 <= MAX_SPAN_TICKS) return false;
    if (!Number.isSafeInteger(priceTicks) || priceTicks <= 0) throw new DataError(`price ${priceTicks} ticks is not a positive integer`, { field: 'price' });
    const better = side === BID ? priceTicks > this.bestBid : priceTicks < this.bestAsk;
    m.set(priceTicks, sizeLots);
    if (!better) return true;
    // Drop what it crosses first, so re-centring sees an uncrossed book and keeps the invariant.
    const opp: Side = side === BID ? ASK : BID;
    if (side === BID ? priceTicks >= this.bestAsk : priceTicks <= this.bestBid) this.dropCrossed(opp, priceTicks);
    if ((side === BID ? this.bidLevels : this.askLevels) > 0) {
      this.recentre(priceTicks);
    } else if (side === BID) {
      this.bestBid = priceTicks;
    } else {
      this.bestAsk = priceTicks;
    }
    return true;
  }

  /** Rebuild the ladder centred on `centre`; levels that no longer fit move to the far maps. Returns `centre`. */
  private recentre(centre: number): number {
    const all: [Side, number, number][] = [];
    for (const sd of [BID, ASK] as const) {
      const arr = sd === BID ? this.bids : this.asks;
      if ((sd === BID ? this.bidLevels : this.askLevels) > 0) for (let i = 0; i < this.cap; i++) if (arr[i]! > 0) all.push([sd, i + this.base, arr[i]!]);
      for (const [p, sz] of this.far[sd]) all.push([sd, p, sz]);
    }
    this.clear();
    this.base = Math.max(1, centre - (this.cap >> 1));
    for (const [sd, p, sz] of all) {
      const i = p - this.base;
      if (i < 0 || i >= this.cap) {
        this.far[sd].set(p, sz);
      } else if (sd === BID) {
        this.bids[i] = sz;
        this.bidLevels++;
      } else {
        this.asks[i] = sz;
        this.askLevels++;
      }
    }
    this.bestBid = this.bidLevels > 0 ? this.scanBid(this.cap - 1) : this.far[BID].size ? this.farBest(BID) : NO_BID;
    this.bestAsk = this.askLevels > 0 ? this.scanAsk(0) : this.far[ASK].size ? this.farBest(ASK) : NO_ASK;
    return centre;
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
    // An empty ladder (a bar venue lays one level a side and removes both first) needs no scan.
    if (this.bidLevels + this.askLevels > 0) {
      for (let i = 0; i < this.cap; i++) {
        if (this.bids[i]! > 0 || this.asks[i]! > 0) {
          lo = Math.min(lo, i + this.base);
          break;
        }
      }
      for (let i = this.cap - 1; i >= 0; i--) {
        if (this.bids[i]! > 0 || this.asks[i]! > 0) {
          hi = Math.max(hi, i + this.base);
          break;
        }
      }
    }
    const span = hi - lo + 1;
    let cap = this.cap;
    while (cap < span * 2) cap *= 2;
    const base = Math.max(1, lo - ((cap - span) >> 1));
    const shift = base - this.base;
    if (cap === this.cap) {
      // Same capacity: slide the ladder in place (a trending price re-centres often; allocating two
      // new arrays each time made a million-bar run spend a fifth of its time in the collector).
      this.slide(this.bids, shift);
      this.slide(this.asks, shift);
      this.base = base;
      return;
    }
    const bids = new Float64Array(cap);
    const asks = new Float64Array(cap);
    for (let i = 0; i < this.cap; i++) {
      const b = this.bids[i]!;
      const a = this.asks[i]!;
      if (b !== 0) bids[i - shift] = b;
      if (a !== 0) asks[i - shift] = a;
    }
    this.bids = bids;
    this.asks = asks;
    this.base = base;
    this.cap = cap;
  }

  /** Move a ladder's contents so index i holds what index i + shift held (zeros shifted in). */
  private slide(a: Float64Array, shift: number): void {
    const n = a.length;
    if (shift === 0) return;
    if (shift >= n || shift <= -n) a.fill(0);
    else if (shift > 0) {
      a.copyWithin(0, shift, n);
      a.fill(0, n - shift, n);
    } else {
      a.copyWithin(-shift, 0, n + shift);
      a.fill(0, 0, -shift);
    }
  }
}
