/** Growable parallel arrays of parsed levels, reused across messages (no allocation per level). */
export class LevelScratch {
  side = new Uint8Array(256);
  price = new Float64Array(256);
  size = new Float64Array(256);
  n = 0;

  reset(): void {
    this.n = 0;
  }

  push(side: 0 | 1, priceTicks: number, sizeLots: number): void {
    if (this.n === this.side.length) this.grow();
    const i = this.n++;
    this.side[i] = side;
    this.price[i] = priceTicks;
    this.size[i] = sizeLots;
  }

  /** Removes zero-size levels (meaningless in a snapshot). */
  dropZeros(): void {
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.size[i] === 0) continue;
      this.side[k] = this.side[i]!;
      this.price[k] = this.price[i]!;
      this.size[k] = this.size[i]!;
      k++;
    }
    this.n = k;
  }

  /**
   * A description when some bid is at or above some ask (checked on the levels themselves:
   * `L2Book.setLevel` silently removes crossed levels, so the book cannot report it), else null.
   */
  crossed(): string | null {
    let maxBid = -Infinity;
    let minAsk = Infinity;
    for (let i = 0; i < this.n; i++) {
      if (this.size[i] === 0) continue;
      const p = this.price[i]!;
      if (this.side[i] === 0) {
        if (p > maxBid) maxBid = p;
      } else if (p < minAsk) minAsk = p;
    }
    return maxBid >= minAsk ? `best bid ${maxBid} ticks >= best ask ${minAsk} ticks` : null;
  }

  private grow(): void {
    const cap = this.side.length * 2;
    const side = new Uint8Array(cap);
    const price = new Float64Array(cap);
    const size = new Float64Array(cap);
    side.set(this.side);
    price.set(this.price);
    size.set(this.size);
    this.side = side;
    this.price = price;
    this.size = size;
  }
}
