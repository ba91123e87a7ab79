import { ASK, BID, type Side } from '../../market/book.ts';
import { remaining, type OwnOrder } from './order.ts';

/**
 * The desk's resting orders by side and price, FIFO within a price. Kept apart from the
 * replayed book so replay updates cost one size check when the desk has nothing at a side.
 */
export class OwnOrderBook {
  readonly count: [number, number] = [0, 0];
  private readonly levels: [Map<number, OwnOrder[]>, Map<number, OwnOrder[]>] = [new Map(), new Map()];
  private bestCache: [number, number] = [NaN, NaN];

  level(side: Side, priceTicks: number): OwnOrder[] | undefined {
    return this.levels[side].get(priceTicks);
  }

  /** Best own price: highest bid or lowest ask (NaN when none). */
  best(side: Side): number {
    const c = this.bestCache[side];
    if (!Number.isNaN(c)) return c;
    let b = NaN;
    for (const p of this.levels[side].keys()) {
      if (Number.isNaN(b) || (side === BID ? p > b : p < b)) b = p;
    }
    this.bestCache[side] = b;
    return b;
  }

  add(o: OwnOrder): void {
    const m = this.levels[o.side];
    let lvl = m.get(o.priceTicks);
    if (!lvl) {
      lvl = [];
      m.set(o.priceTicks, lvl);
    }
    lvl.push(o);
    this.count[o.side]++;
    this.bestCache[o.side] = NaN;
  }

  remove(o: OwnOrder): void {
    const m = this.levels[o.side];
    const lvl = m.get(o.priceTicks);
    if (!lvl) return;
    const i = lvl.indexOf(o);
    if (i < 0) return;
    lvl.splice(i, 1);
    this.count[o.side]--;
    if (lvl.length === 0) m.delete(o.priceTicks);
    this.bestCache[o.side] = NaN;
  }

  /** Drop filled orders from a level. */
  sweep(side: Side, priceTicks: number): void {
    const m = this.levels[side];
    const lvl = m.get(priceTicks);
    if (!lvl) return;
    let k = 0;
    for (let i = 0; i < lvl.length; i++) {
      const o = lvl[i]!;
      if (remaining(o) > 0 && o.status === 'open') lvl[k++] = o;
      else this.count[side]--;
    }
    // pops, not a length store (a runtime call in V8 for a shrinking array).
    while (lvl.length > k) lvl.pop();
    if (k === 0) {
      m.delete(priceTicks);
      this.bestCache[side] = NaN;
    }
  }

  all(): OwnOrder[] {
    const out: OwnOrder[] = [];
    for (const s of [BID, ASK] as const) for (const lvl of this.levels[s].values()) out.push(...lvl);
    return out.sort((a, b) => a.id - b.id);
  }
}

/**
 * The orders a desk-side check (the perp's margin gate, the spot cash check) let through that may
 * still fill, for what they hold: `live` visits those pending or open and forgets the others.
 */
export class LiveOrders {
  // An array compacted in place, in the order orders came (a Set's delete and re-add churned its
  // table: a reallocation every few orders).
  private readonly list: OwnOrder[] = [];

  add(o: OwnOrder): void {
    this.list.push(o);
  }

  live(visit: (o: OwnOrder) => void): void {
    const l = this.list;
    let k = 0;
    for (let i = 0; i < l.length; i++) {
      const o = l[i]!;
      if (o.status === 'open' || o.status === 'pending') {
        l[k++] = o;
        visit(o);
      }
    }
    // pops, not a length store (a runtime call in V8 for a shrinking array).
    while (l.length > k) l.pop();
  }
}
