import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import fc from 'fast-check';
import { snappyCompress, snappyCompressor } from 'hysnappy';
import { snappyUncompress } from 'hyparquet/src/snappy.js';
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

  it('a reused Snappy compressor (one per file) writes valid Snappy, though not always the bytes a fresh one would', () => {
    // Mixed inputs as column chunks are (zeros, constant runs, noise, sparse patterns) at the sizes
    // a 16,384-row group gives: every output decodes back (hyparquet's own decoder); some differ
    // from a fresh compressor's — why one compressor never outlives its file.
    let x = 12_345;
    const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    let differ = 0;
    for (let k = 0; k < 10; k++) {
      const c = snappyCompressor();
      for (let j = 0; j < 60; j++) {
        const n = [131_072, 131_072, 65_536, 4_096, 100_000, 7][Math.floor(rnd() * 6)]! + (rnd() < 0.3 ? Math.floor(rnd() * 1000) : 0);
        const mode = Math.floor(rnd() * 4);
        const input = new Uint8Array(n);
        let v = Math.floor(rnd() * 256);
        for (let i = 0; i < n; i++) input[i] = mode === 0 ? 0 : mode === 1 ? (rnd() < 0.01 ? (v = Math.floor(rnd() * 256)) : v) : mode === 2 ? Math.floor(rnd() * 256) : rnd() < 0.5 ? 0 : (i >> 10) & 255;
        const packed = c(input);
        const out = new Uint8Array(n);
        snappyUncompress(packed, out);
        expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true);
        if (!Buffer.from(packed).equals(Buffer.from(snappyCompress(input)))) differ++;
      }
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('large multi-chunk tables: every value back through DuckDB, and the same bytes whatever was written before', async () => {
    // An equity-like table (times, a price walk, a position switching on and off, realized PnL in
    // steps, constant columns): what Snappy leaves in its memory after one chunk changes the
    // matches it finds in a later one of the same size (valid either way). One compressor serves
    // a whole file and no other, so the file must still read back exactly and must not depend on
    // what the process wrote before it.
    const chunk = (n: number, seed: number) => {
      const c = { ts_us: new Float64Array(n), equity: new Float64Array(n), realized: new Float64Array(n), unrealized: new Float64Array(n), fees: new Float64Array(n), position_lots: new Float64Array(n), mid: new Float64Array(n), deposits: new Float64Array(n), pnl: new Float64Array(n), kind: new Array<string>(n) };
      let t = 1.64e15 + seed * 1e12;
      let px = 47_000;
      let r = 0;
      let p = 0;
      let entry = 0;
      for (let i = 0; i < n; i++) {
        t += (i * 7 + seed) % 3 === 0 ? 3.6e9 : 60e6 * (1 + ((i * 13 + seed) % 17));
        px = Math.round((px + Math.sin(i * 0.37 + seed) * 40) * 10) / 10;
        if ((i + seed) % 2 === 0) {
          if (p === 0) [p, entry] = [1000, px];
          else [r, p] = [r + px - entry, 0];
        }
        c.ts_us[i] = t;
        c.mid[i] = px;
        c.position_lots[i] = p;
        c.realized[i] = r;
        c.unrealized[i] = p ? px - entry : 0;
        c.pnl[i] = r + c.unrealized[i]!;
        c.deposits[i] = 1e7;
        c.equity[i] = 1e7 + c.pnl[i]!;
        c.kind[i] = (i + seed) % 2 === 0 ? 'fill' : 'timer';
      }
      return c;
    };
    const parts = [chunk(40_000, 1), chunk(20_000, 2), chunk(9_000, 3), chunk(500, 4)];
    const n = 69_500;
    const first = join(dir, 'big1.parquet');
    const second = join(dir, 'big2.parquet');
    writeParquetFile(first, parts, 'r');
    writeParquetFile(join(dir, 'other.parquet'), [chunk(40_000, 5), chunk(20_000, 6), chunk(9_000, 7)], 'r');
    writeParquetFile(second, parts, 'r');
    expect(readFileSync(first).equals(readFileSync(second))).toBe(true);
    const { instance, conn } = await openDuck();
    try {
      const names = ['ts_us', 'equity', 'realized', 'unrealized', 'fees', 'position_lots', 'mid', 'deposits', 'pnl', 'kind'] as const;
      const rows = (await conn.runAndReadAll(`SELECT ${names.join(', ')} FROM read_parquet('${first}')`)).getRows();
      expect(rows.length).toBe(n);
      let r = 0;
      let differs = 0;
      for (const p of parts) {
        for (let i = 0; i < p.kind.length; i++, r++) names.forEach((k, j) => (rows[r]![j] !== p[k][i] ? differs++ : 0));
      }
      expect(differs).toBe(0);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
