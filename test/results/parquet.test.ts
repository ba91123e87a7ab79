import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeVector, Table } from 'apache-arrow';
import fc from 'fast-check';
import { snappyCompress, snappyCompressor } from 'hysnappy';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { snappyUncompress } from 'hyparquet/src/snappy.js';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { readArrow, utf8Vector, writeArrow } from '../../src/results/arrow-io.ts';
import { loadArrowTable, openDuck } from '../../src/results/duck.ts';
import { writeParquetFile } from '../../src/results/parquet.ts';
import { codedOf, repeatStr, TextColumn } from '../../src/results/columns.ts';

const dir = mkdtempSync(join(tmpdir(), 'primesim-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The run tables' Parquet copies are written by primesim's own encoder from the typed columns
 * (src/results/parquet.ts); DuckDB reads them back, against DuckDB's own appender as the reference: every value bit-identical
 * (doubles with NaN, ±Infinity and −0, 64-bit integers at the extremes, unsigned bytes, strings
 * with quotes, commas, newlines, non-ASCII text and the empty string, which stays non-NULL), the
 * column types DuckDB gives them, and rows in order across several parts (spill chunks).
 */
describe('Parquet copies read back by DuckDB', () => {
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

  it('text columns known constant (repeatStr) or coded (TextColumn), or with missing strings, write the bytes their plain strings write, in whole and split row groups (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 40_000 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (pool, n, distinct, seed) => {
          let x = seed;
          const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
          const few = new TextColumn();
          const many = new TextColumn();
          for (let i = 0; i < n; i++) {
            few.push(pool[Math.floor(rnd() * pool.length)]!);
            many.push(`acct-${Math.floor(rnd() * distinct)}`);
          }
          // A plain column with missing strings (written as '', as its Arrow file has them).
          const gaps = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? (undefined as unknown as string) : pool[i % pool.length]!));
          const known = { venue: repeatStr(pool[0]!, n), side: few.take(), account: many.take(), px: Float64Array.from({ length: n }, () => rnd()), gaps };
          expect(codedOf(known.side)).toBeDefined();
          const plain = { venue: [...known.venue], side: [...known.side], account: [...known.account], px: known.px, gaps: gaps.map((g) => g ?? '') };
          const a = join(dir, `known-${seed}.parquet`);
          const b = join(dir, `plain-${seed}.parquet`);
          writeParquetFile(a, [known], 'r');
          writeParquetFile(b, [plain], 'r');
          expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
          rmSync(a);
          rmSync(b);
        },
      ),
      { numRuns: 25, seed: 11 },
    );
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

/**
 * The encoder against two libraries nobody here wrote: hyparquet-writer (which wrote the copies
 * before) writes the same columns, and hyparquet and DuckDB read both files — every value equal,
 * through each encoding the encoder chooses: PLAIN numbers, a dictionary of a few values (bit
 * widths 1 to 13), a constant column (one RLE run), text nearly all distinct (PLAIN), across row
 * groups of 16,384 rows; and the ts_us min/max statistics in the footer are each group's.
 */
describe('the Parquet encoder against hyparquet-writer, hyparquet and DuckDB', () => {
  it('same values in every encoding, row group and statistic', async () => {
    const n = 40_000;
    let x = 7;
    const rnd = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const words = ['buy', 'sell', 'filled', 'é', 'say "hi"\n', ''];
    const cols = {
      ts_us: Float64Array.from({ length: n }, (_, i) => 1.7e15 + i * 1e6 + (i % 7 === 0 ? NaN : 0)),
      px: Float64Array.from({ length: n }, (_, i) => (i % 1000 === 1 ? -0 : i % 1000 === 2 ? Infinity : 3000 + Math.sin(i) * 50)),
      amount: BigInt64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -(2n ** 63n) : BigInt(i) * 1_000_000_007n)),
      k: Int32Array.from({ length: n }, (_, i) => (i * 2_654_435_761) | 0),
      u: Uint8Array.from({ length: n }, (_, i) => i % 256),
      venue: Array.from({ length: n }, () => 'binance'),
      side: Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]!),
      account: Array.from({ length: n }, (_, i) => `pop-${Math.floor(rnd() * 5000)}${i % 3 === 0 ? 'ü' : ''}`),
      exact: Array.from({ length: n }, (_, i) => String(BigInt(i) * 987_654_321_987n)),
    };
    // Dictionaries of 2, 3, … 8,192 values: every bit width.
    const sizes = [2, 3, 5, 9, 17, 33, 65, 129, 257, 513, 1025, 2049, 4097, 8192];
    const dicts = Object.fromEntries(sizes.map((d) => [`d${d}`, Array.from({ length: n }, (_, i) => `v${(i * 7919) % d}`)]));
    const all = { ...cols, ...dicts };
    const ours = join(dir, 'enc-ours.parquet');
    const ref = join(dir, 'enc-ref.parquet');
    writeParquetFile(ours, [all], 'run-x');
    parquetWriteFile({
      filename: ref,
      columnData: [
        { name: 'run_id', data: new Array<string>(n).fill('run-x'), type: 'STRING', nullable: false },
        { name: 'ts_us', data: cols.ts_us, type: 'DOUBLE', nullable: false },
        { name: 'px', data: cols.px, type: 'DOUBLE', nullable: false },
        { name: 'amount', data: cols.amount, type: 'INT64', nullable: false },
        { name: 'k', data: cols.k, type: 'INT32', nullable: false },
        { name: 'u', data: Int32Array.from(cols.u), type: 'INT32', nullable: false },
        ...Object.entries({ venue: cols.venue, side: cols.side, account: cols.account, exact: cols.exact, ...dicts }).map(([name, data]) => ({ name, data, type: 'STRING' as const, nullable: false })),
      ],
      rowGroupSize: 16_384,
    });
    // hyparquet reads ours: the values as written (NaN, −0, ±Infinity, 64-bit extremes, text).
    const buf = readFileSync(ours);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const rows = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
    expect(rows.length).toBe(n);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (!Object.is(r.ts_us, cols.ts_us[i]) || !Object.is(r.px, cols.px[i]) || r.amount !== cols.amount[i] || r.k !== cols.k[i] || r.u !== cols.u[i] || r.run_id !== 'run-x') bad++;
      for (const name of ['venue', 'side', 'account', 'exact', ...Object.keys(dicts)]) if (r[name] !== (all as unknown as Record<string, string[]>)[name]![i]) bad++;
    }
    expect(bad).toBe(0);
    // The encodings chosen: a constant column is one RLE run, a few values a dictionary, text
    // nearly all distinct PLAIN; three row groups.
    const meta = parquetMetadata(ab);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([16_384, 16_384, 7_232]);
    const enc = (name: string) => meta.row_groups[0]!.columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!.encodings;
    expect(enc('venue')).toEqual(['PLAIN', 'RLE_DICTIONARY']);
    expect(enc('side')).toEqual(['PLAIN', 'RLE_DICTIONARY']);
    for (const d of sizes.slice(0, -1)) expect(enc(`d${d}`)).toEqual(['PLAIN', 'RLE_DICTIONARY']); // 1 to 13 bits
    expect(enc('exact')).toEqual(['PLAIN']);
    expect(enc('px')).toEqual(['PLAIN']);
    // Each group's ts_us statistics: its min and max without the NaNs.
    meta.row_groups.forEach((g, k) => {
      const ts = Array.from(cols.ts_us.subarray(k * 16_384, k * 16_384 + Number(g.num_rows))).filter((v) => !Number.isNaN(v));
      const st = g.columns.find((c) => c.meta_data!.path_in_schema[0] === 'ts_us')!.meta_data!.statistics!;
      expect(st.min_value).toBe(Math.min(...ts));
      expect(st.max_value).toBe(Math.max(...ts));
    });
    // DuckDB reads both files to the same rows, and skips row groups by the statistics.
    const { instance, conn } = await openDuck();
    try {
      const cmp = `SELECT CAST(ts_us AS VARCHAR), CAST(px AS VARCHAR) || ':' || CAST(signbit(px) AS VARCHAR), amount, k, u, venue, side, account, exact, ${Object.keys(dicts).join(', ')}, run_id FROM`;
      const a = (await conn.runAndReadAll(`${cmp} read_parquet('${ours}')`)).getRows();
      const b = (await conn.runAndReadAll(`${cmp} read_parquet('${ref}')`)).getRows();
      expect(a.length).toBe(n);
      expect(a).toEqual(b);
      const types = (await conn.runAndReadAll(`SELECT column_type FROM (DESCRIBE SELECT ts_us, amount, k, u, venue FROM read_parquet('${ours}'))`)).getRows().map((r) => r[0]);
      expect(types).toEqual(['DOUBLE', 'BIGINT', 'INTEGER', 'UTINYINT', 'VARCHAR']);
      const stats = (await conn.runAndReadAll(`SELECT row_group_id, stats_min_value, stats_max_value FROM parquet_metadata('${ours}') WHERE path_in_schema = 'ts_us' ORDER BY row_group_id`)).getRows();
      expect(stats.map((r) => [Number(r[1]), Number(r[2])])).toEqual(meta.row_groups.map((_, k) => {
        const ts = Array.from(cols.ts_us.subarray(k * 16_384, (k + 1) * 16_384)).filter((v) => !Number.isNaN(v));
        return [Math.min(...ts), Math.max(...ts)];
      }));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
