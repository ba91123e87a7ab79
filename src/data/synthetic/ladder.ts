/**
 * One side of the generated book as its non-empty levels, best first. Fixed typed arrays with
 * in-place shifts: the window is a few dozen levels, so a copyWithin beats any tree and
 * allocates nothing.
 */
export class Ladder {
  readonly px: Float64Array;
  readonly sz: Float64Array;
  n = 0;
  /** −1 for bids (deeper is lower), +1 for asks. */
  readonly dir: number;

  constructor(
    readonly side: 0 | 1,
    capacity: number,
  ) {
    this.px = new Float64Array(capacity);
    this.sz = new Float64Array(capacity);
    this.dir = side === 0 ? -1 : 1;
  }

  get best(): number {
    return this.px[0]!;
  }

  /** Remove the first r levels. */
  dropFront(r: number): void {
    if (r <= 0) return;
    this.px.copyWithin(0, r, this.n);
    this.sz.copyWithin(0, r, this.n);
    this.n -= r;
  }

  /** Make room for r levels in front (the caller fills px/sz[0..r-1]). */
  openFront(r: number): void {
    if (r <= 0) return;
    this.px.copyWithin(r, 0, this.n);
    this.sz.copyWithin(r, 0, this.n);
    this.n += r;
  }

  /** True when price p is strictly better (closer to the other side) than q on this side. */
  better(p: number, q: number): boolean {
    return this.dir * (q - p) > 0;
  }
}
