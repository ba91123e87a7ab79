import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Vector } from '../../src/results/arrow-io.ts';
import { loadArrowTable, loadArrowTableViaCsv, openDuck } from '../../src/results/duck.ts';

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
