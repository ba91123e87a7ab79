import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ASK, BID, L2Book, NO_ASK, NO_BID } from '../../src/market/book.ts';

/** A deliberately naive reference: a Map per side, with the same stale-level rule for crossing updates. */
class RefBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  set(side: 0 | 1, p: number, s: number) {
    const m = side === 0 ? this.bids : this.asks;
    if (s === 0) m.delete(p);
    else {
      m.set(p, s);
      const other = side === 0 ? this.asks : this.bids;
      for (const q of [...other.keys()]) if (side === 0 ? q <= p : q >= p) other.delete(q);
    }
  }
  bestBid() {
    return this.bids.size ? Math.max(...this.bids.keys()) : NO_BID;
  }
  bestAsk() {
    return this.asks.size ? Math.min(...this.asks.keys()) : NO_ASK;
  }
}

describe('L2Book', () => {
  it('property: never crossed after any accepted update, and equal to a naive reference book', () => {
    const upd = fc.record({ side: fc.constantFrom<0 | 1>(0, 1), p: fc.integer({ min: 1, max: 400 }), s: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })) });
    fc.assert(
      fc.property(fc.array(upd, { maxLength: 300 }), fc.integer({ min: 1, max: 100_000 }), (ups, offset) => {
        const b = new L2Book(16);
        const r = new RefBook();
        for (const u of ups) {
          b.setLevel(u.side, u.p + offset, u.s);
          r.set(u.side, u.p + offset, u.s);
          expect(b.isCrossed()).toBe(false);
          expect(b.bestBid).toBe(r.bestBid());
          expect(b.bestAsk).toBe(r.bestAsk());
        }
        const P = new Float64Array(500);
        const S = new Float64Array(500);
        const n = b.levels(BID, 500, P, S);
        const ref = [...r.bids].sort((x, y) => y[0] - x[0]);
        expect(n).toBe(ref.length);
        ref.forEach(([p, s], i) => {
          expect(P[i]).toBe(p);
          expect(S[i]).toBe(s);
        });
        const na = b.levels(ASK, 500, P, S);
        expect(na).toBe(r.asks.size);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('property: stray levels millions of ticks away are kept exactly without a huge ladder', async () => {
    const price = fc.oneof(fc.integer({ min: 1_000_000, max: 1_000_300 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 40_000_000, max: 40_000_020 }));
    const upd = fc.record({ side: fc.constantFrom<0 | 1>(0, 1), p: price, s: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })) });
    // Async, yielding to the event loop between cases: ~15 s of synchronous work in one go
    // starves the vitest worker's RPC with the runner on a busy machine.
    await fc.assert(
      fc.asyncProperty(fc.array(upd, { maxLength: 200 }), async (ups) => {
        await new Promise<void>((r) => setImmediate(r));
        const b = new L2Book(64);
        const r = new RefBook();
        // Plain comparisons inside the loop (cheaper than `expect` per update).
        for (const u of ups) {
          b.setLevel(u.side, u.p, u.s);
          r.set(u.side, u.p, u.s);
          const size = (u.side === 0 ? r.bids : r.asks).get(u.p) ?? 0;
          if (b.isCrossed() || b.bestBid !== r.bestBid() || b.bestAsk !== r.bestAsk() || b.sizeAt(u.side, u.p) !== size) {
            throw new Error(`after ${JSON.stringify(u)}: book bid/ask ${b.bestBid}/${b.bestAsk} size ${b.sizeAt(u.side, u.p)}, reference ${r.bestBid()}/${r.bestAsk()} size ${size}, crossed ${b.isCrossed()}`);
          }
        }
        expect(b.levelCount).toBe(r.bids.size + r.asks.size);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('property: a narrow book drifting far (in-place re-centring at one capacity) equals the reference', () => {
    // Updates within ±6 ticks of a random walk that moves up to 40 ticks a step: the 16-tick ladder
    // slides in place again and again (and grows only when the band is wider than half of it).
    const step = fc.record({ move: fc.integer({ min: -40, max: 40 }), side: fc.constantFrom<0 | 1>(0, 1), d: fc.integer({ min: -6, max: 6 }), s: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const b = new L2Book(16);
        const r = new RefBook();
        let mid = 10_000;
        for (const u of steps) {
          mid = Math.max(50, mid + u.move);
          const p = mid + u.d;
          b.setLevel(u.side, p, u.s);
          r.set(u.side, p, u.s);
          if (b.bestBid !== r.bestBid() || b.bestAsk !== r.bestAsk()) throw new Error(`at ${p}: ${b.bestBid}/${b.bestAsk} vs ${r.bestBid()}/${r.bestAsk()}`);
        }
        for (const [p, s] of r.bids) expect(b.sizeAt(BID, p)).toBe(s);
        for (const [p, s] of r.asks) expect(b.sizeAt(ASK, p)).toBe(s);
        expect(b.levelCount).toBe(r.bids.size + r.asks.size);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('grows and re-centres the ladder without losing levels', () => {
    const b = new L2Book(8);
    b.setLevel(BID, 1000, 5);
    b.setLevel(ASK, 1001, 6);
    b.setLevel(BID, 10, 1);
    b.setLevel(ASK, 5000, 2);
    expect(b.sizeAt(BID, 1000)).toBe(5);
    expect(b.sizeAt(BID, 10)).toBe(1);
    expect(b.sizeAt(ASK, 5000)).toBe(2);
    expect(b.bestBid).toBe(1000);
    expect(b.bestAsk).toBe(1001);
    expect(b.depthThrough(BID, 10)).toBe(6);
  });

  it('rejects non-positive prices with a DataError naming the field', () => {
    const b = new L2Book();
    expect(() => b.setLevel(BID, 0, 1)).toThrow(/field price/);
  });
});
