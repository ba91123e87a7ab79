import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compact, expand } from '../../src/results/spill-columns.ts';

/**
 * Chunks posted to the spill thread carry text columns compacted (one value: the value and a count;
 * at most 256 values: them and a byte per row): what the thread expands is the column posted.
 */
describe('posted columns', () => {
  it('expand(compact(columns)) is the columns, whatever their text (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 400 }),
        (pool, n, seed, distinct) => {
          let x = seed;
          const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
          const few = Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]!);
          const many = Array.from({ length: n }, () => `id-${Math.floor(rnd() * distinct)}`);
          const cols = { few, many, one: new Array<string>(n).fill('binance'), f: Float64Array.from({ length: n }, () => rnd()), single: few.slice(0, 1) };
          const posted = compact(cols);
          expect(expand(posted)).toEqual(cols);
          // What was sent: constants as a count, few values as bytes, the rest as text.
          if (n > 1) expect(posted.one).toEqual({ repeat: 'binance', n });
          if (new Set(few).size > 1) expect(posted.few).toHaveProperty('codes');
          if (new Set(many).size > 256) expect(Array.isArray(posted.many)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});
