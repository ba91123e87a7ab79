import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberMap } from '../../src/kernel/number-map.ts';

describe('NumberMap', () => {
  it('behaves as a Map<string, number> under any sequence of sets and deletes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('BTC', 'ETH', 'USDT', 'x'), value: fc.double({ noNaN: false }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('BTC', 'ETH', 'USDT', 'x') }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m = new NumberMap();
        const ref = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            m.set(o.key, o.value);
            ref.set(o.key, o.value);
          } else expect(m.delete(o.key)).toBe(ref.delete(o.key));
          for (const k of ['BTC', 'ETH', 'USDT', 'x', 'absent']) {
            expect(Object.is(m.get(k), ref.get(k))).toBe(true);
            expect(m.has(k)).toBe(ref.has(k));
          }
          expect(m.size).toBe(ref.size);
          expect([...m.entries()]).toEqual([...ref.entries()]);
          expect([...m.keys()]).toEqual([...ref.keys()]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
