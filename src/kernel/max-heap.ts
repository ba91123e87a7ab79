/** A binary max-heap over an array, built in O(n); `before(a, b)` means a pops first. */
export class MaxHeap<T> {
  private readonly items: T[];
  constructor(items: T[], private readonly before: (a: T, b: T) => boolean) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  /** The item that pops next (undefined when empty). */
  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const items = this.items;
    let i = items.length;
    items.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(x, items[p] as T)) break;
      items[i] = items[p] as T;
      i = p;
    }
    items[i] = x;
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0] as T;
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(items[l] as T, items[m] as T)) m = l;
      if (r < n && this.before(items[r] as T, items[m] as T)) m = r;
      if (m === i) return;
      const tmp = items[i] as T;
      items[i] = items[m] as T;
      items[m] = tmp;
      i = m;
    }
  }
}
