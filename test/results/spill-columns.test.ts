import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codedOf, TextColumn } from '../../src/results/columns.ts';
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

  it('a TextColumn gives back the strings pushed, and is posted as the scan of those strings would post them (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 400 }),
        (pool, chunks, seed, distinct) => {
          let x = seed;
          const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
          // Chunks taken one after the other from the same columns (a dictionary per chunk).
          const few = new TextColumn();
          const many = new TextColumn();
          for (const n of chunks) {
            const a = Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]!);
            const b = Array.from({ length: n }, () => `acct-${Math.floor(rnd() * distinct)}`);
            for (let i = 0; i < n; i++) {
              few.push(a[i]!);
              many.push(b[i]!);
            }
            expect(few.length).toBe(n);
            const ta = few.take();
            const tb = many.take();
            expect(ta).toEqual(a);
            expect(tb).toEqual(b);
            expect(few.length).toBe(0);
            // Known coded unless a chunk had over 256 values; posted exactly as a scan of plain strings posts.
            expect(codedOf(tb) !== undefined).toBe(new Set(b).size <= 256);
            expect(compact({ a: ta, b: tb })).toEqual(compact({ a: [...a], b: [...b] }));
          }
        },
      ),
      { numRuns: 150, seed: 9 },
    );
  });

  it('a coded column whose codes went to the thread (transferred) is plain strings again here', () => {
    const t = new TextColumn();
    for (const x of ['buy', 'sell', 'sell', 'buy']) t.push(x);
    const col = t.take();
    const transfer = new Set<ArrayBuffer>();
    const posted = compact({ side: col }, transfer);
    expect(transfer.size).toBe(1);
    const moved = structuredClone(posted, { transfer: [...transfer] });
    expect(expand(moved)).toEqual({ side: ['buy', 'sell', 'sell', 'buy'] });
    expect(codedOf(col)).toBeUndefined();
    expect(col).toEqual(['buy', 'sell', 'sell', 'buy']);
    expect(compact({ side: col })).toEqual({ side: { dict: ['buy', 'sell'], codes: Uint8Array.of(0, 1, 1, 0) } });
  });
});
