/**
 * Sorted set of initialized ticks, standing in for TickBitmap. Queries reproduce
 * TickBitmap.nextInitializedTickWithinOneWord exactly, including stopping at the 256-tick word
 * boundary when the word holds no initialized tick: the swap loop takes an extra step there,
 * and each step rounds, so skipping it would break bit-exactness.
 */
import { ModelError } from '../../../errors.ts';

export class TickList {
  /** compressed ticks (tick / tickSpacing), ascending */
  private readonly compressed: number[] = [];

  constructor(readonly tickSpacing: number) {}

  get size(): number {
    return this.compressed.length;
  }

  /** Initialized ticks, ascending. */
  ticks(): number[] {
    return this.compressed.map((c) => c * this.tickSpacing);
  }

  /** TickBitmap.flipTick */
  flip(tick: number): void {
    if (tick % this.tickSpacing !== 0) {
      throw new ModelError('tick not a multiple of tickSpacing', { field: 'tick', hint: `tick ${tick}, spacing ${this.tickSpacing}` });
    }
    const c = tick / this.tickSpacing;
    const i = this.lowerBound(c);
    if (this.compressed[i] === c) this.compressed.splice(i, 1);
    else this.compressed.splice(i, 0, c);
  }

  isInitialized(tick: number): boolean {
    if (tick % this.tickSpacing !== 0) return false;
    const c = tick / this.tickSpacing;
    return this.compressed[this.lowerBound(c)] === c;
  }

  /** first index with compressed[i] >= c */
  private lowerBound(c: number): number {
    let lo = 0;
    let hi = this.compressed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compressed[mid]! < c) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * lte: the greatest initialized tick <= tick within the same word, else the word's first tick.
   * !lte: the least initialized tick > tick within the next-compressed tick's word, else its last tick.
   */
  nextInitializedTickWithinOneWord(tick: number, lte: boolean): { tickNext: number; initialized: boolean } {
    const s = this.tickSpacing;
    const compressed = Math.floor(tick / s); // rounds towards negative infinity like the contract
    if (lte) {
      const wordStart = Math.floor(compressed / 256) * 256;
      const i = this.lowerBound(compressed + 1) - 1;
      const c = i >= 0 ? this.compressed[i]! : undefined;
      if (c !== undefined && c >= wordStart) return { tickNext: c * s, initialized: true };
      return { tickNext: wordStart * s, initialized: false };
    }
    const start = compressed + 1;
    const wordEnd = Math.floor(start / 256) * 256 + 255;
    const c = this.compressed[this.lowerBound(start)];
    if (c !== undefined && c <= wordEnd) return { tickNext: c * s, initialized: true };
    return { tickNext: wordEnd * s, initialized: false };
  }
}
