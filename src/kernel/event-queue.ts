/**
 * Scheduled events, ordered by (ts, priority class, seq). A binary heap over parallel typed
 * arrays: pushing and popping allocate nothing once capacity is reached. An event is a handler
 * plus two numeric arguments, so callers encode what they need (an order slot, a kind) without
 * allocating closures per event.
 */
export interface EventHandler {
  onEvent(tsUs: number, a: number, b: number): void;
}

export class EventQueue {
  private ts: Float64Array;
  private prio: Int32Array;
  private seqs: Float64Array;
  private argA: Float64Array;
  private argB: Float64Array;
  private handlers: (EventHandler | undefined)[];
  private heap: Int32Array; // heap of slot indices
  private free: Int32Array; // stack of free slots
  private freeTop: number;
  private n = 0;
  private seq = 0;
  private cap: number;

  constructor(capacity = 1024) {
    this.cap = capacity;
    this.ts = new Float64Array(capacity);
    this.prio = new Int32Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.argA = new Float64Array(capacity);
    this.argB = new Float64Array(capacity);
    this.handlers = new Array<EventHandler | undefined>(capacity).fill(undefined);
    this.heap = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or +Infinity. */
  peekTs(): number {
    return this.n === 0 ? Infinity : this.ts[this.heap[0]!]!;
  }
  peekPriority(): number {
    return this.n === 0 ? 0 : this.prio[this.heap[0]!]!;
  }

  push(tsUs: number, priority: number, handler: EventHandler, a = 0, b = 0): void {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop]!;
    this.ts[slot] = tsUs;
    this.prio[slot] = priority;
    this.seqs[slot] = this.seq++;
    this.argA[slot] = a;
    this.argB[slot] = b;
    this.handlers[slot] = handler;
    let i = this.n++;
    this.heap[i] = slot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = this.heap[p]!;
      if (!this.less(slot, ps)) break;
      this.heap[i] = ps;
      i = p;
    }
    this.heap[i] = slot;
  }

  /** Pops the earliest event and runs it. */
  dispatchNext(): void {
    const slot = this.heap[0]!;
    const h = this.handlers[slot]!;
    const t = this.ts[slot]!;
    const a = this.argA[slot]!;
    const b = this.argB[slot]!;
    this.handlers[slot] = undefined;
    this.free[this.freeTop++] = slot;
    const last = this.heap[--this.n]!;
    if (this.n > 0) this.siftDown(last);
    h.onEvent(t, a, b);
  }

  private siftDown(slot: number): void {
    let i = 0;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && this.less(this.heap[r]!, this.heap[l]!)) c = r;
      const cs = this.heap[c]!;
      if (!this.less(cs, slot)) break;
      this.heap[i] = cs;
      i = c;
    }
    this.heap[i] = slot;
  }

  private less(x: number, y: number): boolean {
    const tx = this.ts[x]!;
    const ty = this.ts[y]!;
    if (tx !== ty) return tx < ty;
    const px = this.prio[x]!;
    const py = this.prio[y]!;
    if (px !== py) return px < py;
    return this.seqs[x]! < this.seqs[y]!;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Int32Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(cap);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts, Float64Array);
    this.prio = g(this.prio, Int32Array);
    this.seqs = g(this.seqs, Float64Array);
    this.argA = g(this.argA, Float64Array);
    this.argB = g(this.argB, Float64Array);
    this.heap = g(this.heap, Int32Array);
    const free = new Int32Array(cap);
    let k = 0;
    for (let i = cap - 1; i >= this.cap; i--) free[k++] = i;
    this.free = free;
    this.freeTop = k;
    for (let i = this.cap; i < cap; i++) this.handlers.push(undefined);
    this.cap = cap;
  }
}
