import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberMap } from '../../src/kernel/number-map.ts';

describe('NumberMap', () => {
  it('reads back what a Map<string, number> would, under any sequence of sets (NaN and -0 included)', () => {
    const op = fc.record({ key: fc.constantFrom('BTC', 'ETH', 'USDT', 'x'), value: fc.double() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m = new NumberMap();
        const ref = new Map<string, number>();
        for (const o of ops) {
          m.set(o.key, o.value);
          ref.set(o.key, o.value);
          for (const k of ['BTC', 'ETH', 'USDT', 'x', 'absent']) {
            expect(Object.is(m.get(k), ref.get(k))).toBe(true);
            expect(m.has(k)).toBe(ref.has(k));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
