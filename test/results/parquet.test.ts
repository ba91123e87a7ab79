import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readArrow, utf8Vector, writeArrow } from '../../src/results/arrow-io.ts';
import { loadArrowTable, openDuck } from '../../src/results/duck.ts';
import { writeParquetFile } from '../../src/results/parquet.ts';

const dir = mkdtempSync(join(tmpdir(), 'primesim-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The run tables' Parquet copies are written by hyparquet-writer from the typed columns; DuckDB
 * reads them back, against DuckDB's own appender as the reference: every value bit-identical
 * (doubles with NaN, ±Infinity and −0, 64-bit integers at the extremes, unsigned bytes, strings
 * with quotes, commas, newlines, non-ASCII text and the empty string, which stays non-NULL), the
 * column types DuckDB gives them, and rows in order across several parts (spill chunks).
 */
describe('Parquet copies (hyparquet-writer) read back by DuckDB', () => {
  it('equal the appender on random tables split into random parts (fast-check)', async () => {
    const { instance, conn } = await openDuck();
    let k = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.double(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 255 }), fc.string({ unit: 'binary', maxLength: 12 })), { minLength: 1, maxLength: 80 }),
          fc.integer({ min: 1, max: 30 }),
          async (rows, partRows) => {
            const cols = (rs: typeof rows) => ({
              f: Float64Array.from(rs, (r) => r[0]),
              b: BigInt64Array.from(rs, (r) => r[1]),
              i: Int32Array.from(rs, (r) => r[2]),
              u: Uint8Array.from(rs, (r) => r[3]),
              s: rs.map((r) => r[4]),
            });
            const all = cols(rows);
            const t = new Table({ f: makeVector(all.f), b: makeVector(all.b), i: makeVector(all.i), u: makeVector(all.u), s: utf8Vector(all.s) });
            k++;
            await loadArrowTable(conn, 'ref', t, 'run');
            // In-memory parts for some, Arrow tables for others (both kinds reach the writer).
            const parts = [];
            for (let a = 0; a < rows.length; a += partRows) {
              const c = cols(rows.slice(a, a + partRows));
              parts.push(k % 2 ? c : new Table({ f: makeVector(c.f), b: makeVector(c.b), i: makeVector(c.i), u: makeVector(c.u), s: utf8Vector(c.s) }));
            }
            const file = join(dir, `t${k}.parquet`);
            writeParquetFile(file, parts, 'run');
            const q = `SELECT row_number() OVER () AS n, CAST(f AS VARCHAR) || ':' || CAST(signbit(f) AS VARCHAR) AS fb, b, i, u, s, run_id FROM `;
            const a = (await conn.runAndReadAll(`${q} ref`)).getRows();
            const p = (await conn.runAndReadAll(`${q} read_parquet('${file}')`)).getRows();
            expect(p).toEqual(a);
            const types = (await conn.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)).getRows();
            expect(types).toEqual([['run_id', 'VARCHAR'], ['f', 'DOUBLE'], ['b', 'BIGINT'], ['i', 'INTEGER'], ['u', 'UTINYINT'], ['s', 'VARCHAR']]);
          },
        ),
        { numRuns: 60, seed: 11 },
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('a table written from its in-memory columns equals the one written from its Arrow file', async () => {
    const cols = {
      ts: Float64Array.from([1, 2.5, NaN, -0, Infinity]),
      n: BigInt64Array.from([1n, -(2n ** 63n), 2n ** 63n - 1n, 0n, 5n]),
      k: Int32Array.from([1, -2, 3, 0, 2 ** 31 - 1]),
      u: Uint8Array.from([0, 1, 255, 7, 9]),
      s: ['a', '', 'say "hi", then\nleave', 'é', 'x'],
    };
    writeArrow(join(dir, 'mem.arrow'), cols);
    writeParquetFile(join(dir, 'mem.parquet'), [cols], 'r');
    writeParquetFile(join(dir, 'arrow.parquet'), [readArrow(join(dir, 'mem.arrow'))], 'r');
    expect(readFileSync(join(dir, 'mem.parquet')).equals(readFileSync(join(dir, 'arrow.parquet')))).toBe(true);
  });

  it('an empty table keeps its columns; the same parts give the same bytes', async () => {
    const empty = join(dir, 'empty.parquet');
    writeParquetFile(empty, [{ ts_us: new Float64Array(0), kind: [] as string[] }], 'r');
    const { instance, conn } = await openDuck();
    try {
      const r = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${empty}')`);
      expect(Number(r.getRows()[0]![0])).toBe(0);
      const cols = (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${empty}'))`)).getRows().map((x) => x[0]);
      expect(cols).toEqual(['run_id', 'ts_us', 'kind']);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    const a = join(dir, 'a.parquet');
    const b = join(dir, 'b.parquet');
    const part = { x: Float64Array.from({ length: 40_000 }, (_, i) => Math.sin(i)), s: Array.from({ length: 40_000 }, (_, i) => `id-${i % 97}`) };
    writeParquetFile(a, [part], 'r');
    writeParquetFile(b, [part], 'r');
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
});
