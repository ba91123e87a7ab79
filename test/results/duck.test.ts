import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Vector } from '../../src/results/arrow-io.ts';
import { loadArrowTable, loadArrowTableViaCsv, numberText, openDuck } from '../../src/results/duck.ts';

const dir = mkdtempSync(join(tmpdir(), 'primesim-duck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The Parquet copies go through DuckDB's CSV reader; the appender (DuckDB's own value-by-value
 * API) is the independent reference. Every value must come back bit-identical: doubles including
 * NaN, ±Infinity and −0, 64-bit integers at the extremes, strings with quotes, commas, newlines,
 * non-ASCII text, and the empty string (which must not become NULL).
 */
describe('Arrow → DuckDB through CSV is exact', () => {
  it('equals the appender on random tables (fast-check)', async () => {
    const { instance, conn } = await openDuck();
    let k = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.double(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string({ unit: 'binary', maxLength: 12 })), { minLength: 1, maxLength: 60 }),
          async (rows) => {
            const t = new Table({
              f: makeVector(Float64Array.from(rows, (r) => r[0])),
              b: makeVector(BigInt64Array.from(rows, (r) => r[1])),
              i: makeVector(Int32Array.from(rows, (r) => r[2])),
              s: utf8Vector(rows.map((r) => r[3])),
            });
            k++;
            await loadArrowTable(conn, 'ref', t, 'run');
            await loadArrowTableViaCsv(conn, 'csv', t, join(dir, `t${k}.csv`), 'run');
            // Compare bit patterns of doubles (NaN = NaN, −0 ≠ 0) and every other column as is, row by row.
            const q = `SELECT row_number() OVER () AS n, CAST(f AS VARCHAR) || ':' || CAST(signbit(f) AS VARCHAR) AS fb, b, i, s, run_id FROM `;
            const a = (await conn.runAndReadAll(`${q} ref`)).getRows();
            const c = (await conn.runAndReadAll(`${q} csv`)).getRows();
            expect(c).toEqual(a);
          },
        ),
        { numRuns: 60, seed: 7 },
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe('Parquet copies from the in-memory columns', () => {
  it('equal the copies made from the Arrow files written from them', async () => {
    const { writeArrow } = await import('../../src/results/arrow-io.ts');
    const { writeTableCsv, openDuck: open } = await import('../../src/results/duck.ts');
    const cols = {
      ts: Float64Array.from([1, 2.5, NaN, -0, Infinity]),
      n: BigInt64Array.from([1n, -(2n ** 63n), 2n ** 63n - 1n, 0n, 5n]),
      k: Int32Array.from([1, -2, 3, 0, 2 ** 31 - 1]),
      u: Uint8Array.from([0, 1, 255, 7, 9]),
      s: ['a', '', 'say "hi", then\nleave', 'é', 'x'],
    };
    writeArrow(join(dir, 'mem.arrow'), cols);
    const { readArrow } = await import('../../src/results/arrow-io.ts');
    const { instance, conn } = await open();
    try {
      await writeTableCsv(cols, join(dir, 'a.csv'))(conn, 'a', 'r');
      await writeTableCsv(readArrow(join(dir, 'mem.arrow')), join(dir, 'b.csv'))(conn, 'b', 'r');
      const q = (t: string) => conn.runAndReadAll(`SELECT row_number() OVER () AS i, CAST(ts AS VARCHAR) || ':' || CAST(signbit(ts) AS VARCHAR), n, k, u, s, typeof(ts), typeof(n), typeof(k), typeof(u) FROM ${t}`);
      expect((await q('a')).getRows()).toEqual((await q('b')).getRows());
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe('numberText', () => {
  it('property: prints every finite number exactly as String() does', () => {
    const num = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.maxSafeNat(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 99_999_999 }).map((x) => 1.6e15 + x), fc.constantFrom(1e8, 1e8 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, 0, -0));
    fc.assert(
      fc.property(num, (x) => {
        expect(numberText(x)).toBe(String(x));
      }),
      { seed: 3, numRuns: 20_000 },
    );
  });
});
