import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaxHeap } from '../../src/kernel/max-heap.ts';

interface Item {
  key: number;
  seq: number;
}
const before = (a: Item, b: Item): boolean => a.key > b.key || (a.key === b.key && a.seq < b.seq);

describe('MaxHeap', () => {
  it('property: built from items, then pushed and popped in any order, it pops what a sorted list of what is in it would give first (ties by the tie-break)', () => {
    let pops = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }), fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(null)), { minLength: 10, maxLength: 150 }), (initial, ops) => {
        let seq = 0;
        const start = initial.map((key) => ({ key, seq: seq++ }));
        const model = [...start];
        const heap = new MaxHeap<Item>([...start], before);
        for (const op of ops) {
          if (op === null) {
            model.sort((a, b) => (before(a, b) ? -1 : 1));
            expect(heap.peek()).toBe(model[0]);
            expect(heap.pop()).toBe(model.shift());
            pops++;
          } else {
            const x = { key: op, seq: seq++ };
            heap.push(x);
            model.push(x);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
      { seed: 5, numRuns: 300 },
    );
    expect(pops).toBeGreaterThan(500);
  });
});
