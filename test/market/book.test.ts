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

  it('property: replaceTouch leaves the book the four setLevel calls leave (or declines and changes nothing), on a walking one-level-a-side book', () => {
    // Bar execution's book: one deep level a side moving with the price; a small ladder so that
    // moves leave it often (replaceTouch must decline those: the setLevel path re-centres).
    const step = fc.record({ move: fc.integer({ min: -30, max: 30 }), spread: fc.integer({ min: 1, max: 4 }), stray: fc.integer({ min: 0, max: 20 }) });
    let taken = 0;
    let declined = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps) => {
        const fast = new L2Book(48);
        const slow = new L2Book(48);
        const r = new RefBook();
        let mid = 5_000;
        let bid = -1;
        let ask = -1;
        for (const u of steps) {
          mid = Math.max(100, mid + u.move);
          const nb = mid;
          const na = mid + u.spread;
          if (u.stray === 0 && bid > 0) {
            // A second level now and then: replaceTouch must decline a book of more than one level a side.
            fast.setLevel(BID, bid - 2, 5);
            slow.setLevel(BID, bid - 2, 5);
            r.set(BID, bid - 2, 5);
            const before = [fast.bestBid, fast.bestAsk, fast.levelCount];
            expect(fast.replaceTouch(bid, ask, nb, na, 1e12)).toBe(false);
            expect([fast.bestBid, fast.bestAsk, fast.levelCount]).toEqual(before);
            for (const b of [fast, slow]) b.setLevel(BID, bid - 2, 0);
            r.set(BID, bid - 2, 0);
          }
          if (bid < 0 || !fast.replaceTouch(bid, ask, nb, na, 1e12)) {
            if (bid >= 0) declined++;
            if (bid >= 0) fast.setLevel(BID, bid, 0), fast.setLevel(ASK, ask, 0);
            fast.setLevel(BID, nb, 1e12);
            fast.setLevel(ASK, na, 1e12);
          } else taken++;
          if (bid >= 0) slow.setLevel(BID, bid, 0), slow.setLevel(ASK, ask, 0), r.set(BID, bid, 0), r.set(ASK, ask, 0);
          slow.setLevel(BID, nb, 1e12);
          slow.setLevel(ASK, na, 1e12);
          r.set(BID, nb, 1e12);
          r.set(ASK, na, 1e12);
          bid = nb;
          ask = na;
          for (const b of [fast, slow]) {
            expect([b.bestBid, b.bestAsk, b.levelCount]).toEqual([r.bestBid(), r.bestAsk(), r.bids.size + r.asks.size]);
            expect([b.sizeAt(BID, nb), b.sizeAt(ASK, na), b.midTicks()]).toEqual([1e12, 1e12, (nb + na) / 2]);
          }
          const lv = (b: L2Book, side: 0 | 1) => {
            const ps = new Float64Array(4);
            const ss = new Float64Array(4);
            const k = b.levels(side, 4, ps, ss);
            return [k, ...ps.subarray(0, k), ...ss.subarray(0, k)];
          };
          expect([lv(fast, BID), lv(fast, ASK)]).toEqual([lv(slow, BID), lv(slow, ASK)]);
        }
      }),
      { seed: 11, numRuns: 400 },
    );
    // Both paths were exercised: moves within the ladder (taken) and out of it (declined).
    expect(taken).toBeGreaterThan(1_000);
    expect(declined).toBeGreaterThan(300);
    // On a book that walks within its ladder, the fast path is taken.
    const b = new L2Book(1 << 14);
    b.setLevel(BID, 1000, 7);
    b.setLevel(ASK, 1001, 7);
    expect(b.replaceTouch(1000, 1001, 1003, 1005, 9)).toBe(true);
    expect([b.bestBid, b.bestAsk, b.sizeAt(BID, 1000), b.sizeAt(ASK, 1001), b.sizeAt(BID, 1003), b.sizeAt(ASK, 1005), b.levelCount]).toEqual([1003, 1005, 0, 0, 9, 9, 2]);
    expect(b.replaceTouch(1003, 1005, 1004, 1004, 9)).toBe(false); // would cross
    expect(b.replaceTouch(1000, 1001, 1004, 1006, 9)).toBe(false); // not the book's touch
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
