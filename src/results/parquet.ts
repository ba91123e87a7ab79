/**
 * A run table's Parquet copy, written here rather than by DuckDB from a CSV (DuckDB reads Arrow
 * only through an extension it downloads): the typed columns go in as they are — no text in
 * between, so doubles (NaN, ±0, ±Infinity included) and 64-bit integers are the bits of the
 * Arrow file — one row group per spill chunk (at most 16,384 rows), streamed to disk, so a long
 * run's copy holds one chunk at a time. Types as DuckDB reads them back: DOUBLE, BIGINT (INT64),
 * INTEGER (INT32), UTINYINT (INT32, UINT_8) and VARCHAR (UTF8, required: a result's text is never
 * null — the Arrow files write a missing string as '' — so no definition levels to write), with
 * the run id as a first `run_id` column.
 *
 * The encoder is this file's own, for the one shape result tables have — flat, required columns,
 * one page per column chunk: numbers PLAIN (the typed array's bytes as they are), text PLAIN or,
 * when it pays, a dictionary (RLE_DICTIONARY), pages Snappy-compressed by hysnappy
 * (WebAssembly), min/max statistics for `ts_us`. hyparquet-writer, which wrote them before,
 * encodes value by value for any schema: the copies were most of the time spent writing a run
 * (a bar backtest's writing thread, a tenth of a Monte Carlo path). It stays the reference of
 * the differential tests, with DuckDB and hyparquet reading the files back.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { Table, Type, type Vector } from 'apache-arrow';
import { snappyCompressor } from 'hysnappy';
import type { ColumnData } from './arrow-io.ts';
import { codedOf, isRepeated, repeatStr } from './columns.ts';
import { ByteBuffer, StructWriter, T_BINARY, T_I32, T_STRUCT } from './thrift-compact.ts';

/** A result column's type, as DuckDB names it (and reads it back from the Parquet copy). */
export type ColumnType = 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'UTINYINT' | 'VARCHAR';

export function arrowColumnType(t: Table['schema']['fields'][number]['type']): ColumnType {
  if (t.typeId === Type.Float) return 'DOUBLE';
  if (t.typeId === Type.Int) {
    const it = t as unknown as { bitWidth: number; isSigned: boolean };
    return it.bitWidth === 64 ? 'BIGINT' : it.bitWidth === 8 && !it.isSigned ? 'UTINYINT' : 'INTEGER';
  }
  return 'VARCHAR';
}

/** One part of a table to write: names, types, and per column the numbers or a row → string reader. */
interface Columns {
  n: number;
  names: string[];
  types: ColumnType[];
  /** A column's numbers (`a`), or its text: in memory (`text`) or read from an Arrow vector (`s`). */
  cols: { a: ArrayLike<number | bigint> | undefined; s: ((r: number) => string) | undefined; text?: readonly (string | undefined)[] }[];
}

const DECODER = new TextDecoder();

/**
 * Row → string of a Utf8 column. Result columns are ASCII text (ids, kinds, hashes): then each
 * batch's bytes are decoded once and rows are slices of that string (decoding row by row was most
 * of the time spent writing a spilled table); otherwise Arrow's own decoding.
 */
function utf8Reader(v: Vector): (r: number) => string {
  const parts = v.data.map((d) => {
    const bytes = d.values as Uint8Array | undefined;
    const offsets = d.valueOffsets as Int32Array | undefined;
    if (bytes === undefined || offsets === undefined || d.nullCount > 0 || d.offset !== 0) return undefined;
    const end = offsets[d.length]!;
    for (let k = offsets[0]!; k < end; k++) if (bytes[k]! > 127) return undefined;
    return { text: DECODER.decode(bytes.subarray(0, end)), offsets, length: d.length };
  });
  if (parts.some((p) => p === undefined)) return (r) => (v.get(r) as string | null) ?? '';
  if (parts.length === 1) {
    const { text, offsets } = parts[0]!;
    return (r) => text.slice(offsets[r]!, offsets[r + 1]!);
  }
  return (r) => {
    let k = 0;
    let base = 0;
    while (r - base >= parts[k]!.length) base += parts[k++]!.length;
    const p = parts[k]!;
    return p.text.slice(p.offsets[r - base]!, p.offsets[r - base + 1]!);
  };
}

/** The columns of an Arrow table or of in-memory result columns (what the run writer turns into Arrow). */
function columnsOf(t: Table | Record<string, ColumnData>): Columns {
  if (t instanceof Table) {
    const fields = t.schema.fields;
    const types = fields.map((f) => arrowColumnType(f.type));
    return {
      n: t.numRows,
      names: fields.map((f) => f.name),
      types,
      cols: fields.map((f, i) => {
        const v = t.getChild(f.name)!;
        return types[i] !== 'VARCHAR' ? { a: v.toArray() as ArrayLike<number | bigint>, s: undefined } : { a: undefined, s: utf8Reader(v) };
      }),
    };
  }
  const names = Object.keys(t);
  const typeOf = (c: ColumnData): ColumnType => (Array.isArray(c) ? 'VARCHAR' : c instanceof Float64Array ? 'DOUBLE' : c instanceof BigInt64Array ? 'BIGINT' : c instanceof Uint8Array ? 'UTINYINT' : 'INTEGER');
  return {
    n: names.length > 0 ? t[names[0]!]!.length : 0,
    names,
    types: names.map((k) => typeOf(t[k]!)),
    cols: names.map((k) => {
      const c = t[k]!;
      return Array.isArray(c) ? { a: undefined, s: undefined, text: c } : { a: c as ArrayLike<number | bigint>, s: undefined };
    }),
  };
}

const ROW_GROUP = 16_384;
/** Fixed: the file's bytes must not depend on a library's default (runs are byte-identical). */
const CREATED_BY = 'primesim parquet writer 1 (hysnappy 1.1.1)';

// Parquet's enums (parquet.thrift).
const PHYSICAL: Record<ColumnType, number> = { DOUBLE: 5, BIGINT: 2, INTEGER: 1, UTINYINT: 1, VARCHAR: 6 };
const CONVERTED_UTF8 = 0;
const CONVERTED_UINT_8 = 11;
const REQUIRED = 0;
const ENC_PLAIN = 0;
const ENC_RLE_DICTIONARY = 8;
const CODEC_SNAPPY = 1;
const PAGE_DICTIONARY = 2;
const PAGE_DATA_V2 = 3;

/** The typed arrays' bytes are PLAIN's (little-endian) only on a little-endian machine. */
const LE = endianness() === 'LE';
const ENCODER = new TextEncoder();

/** A column chunk as the footer describes it. */
interface ChunkMeta {
  type: ColumnType;
  name: string;
  offset: number;
  dictOffset: number | undefined;
  dataOffset: number;
  encodings: number[];
  uncompressed: number;
  compressed: number;
  n: number;
  stats: { min: Uint8Array; max: Uint8Array } | undefined;
}

/** Write `file` from a table's parts in order (an Arrow table, in-memory columns, or spill chunks). */
export function writeParquetFile(file: string, parts: Iterable<Table | Record<string, ColumnData>>, runId?: string): void {
  const w = new ParquetTableWriter(file, runId);
  for (const part of parts) w.append(part);
  w.finish();
}

/**
 * A table's Parquet file written part by part (each part: row groups of at most 16,384 rows),
 * streamed to disk: `writeParquetFile` over all parts at once, or a spill thread appending each
 * chunk as it spills. The same parts give the same bytes either way.
 */
export class ParquetTableWriter {
  private fd: number | undefined;
  private offset = 0;
  private names: string[] = [];
  private types: ColumnType[] = [];
  private readonly groups: { rows: number; offset: number; chunks: ChunkMeta[] }[] = [];
  private rows = 0;
  /** One row group's pages, written to the file when the group is whole. */
  private readonly out = new ByteBuffer();
  // One Snappy compressor per file: hysnappy's `snappyCompress` decodes, compiles and instantiates
  // its WebAssembly module with fresh memory on every call (every column chunk: a third of the
  // writing time). A compressor keeps one instance, and what it leaves in its memory can change
  // which matches a later call finds (always valid Snappy): so it never outlives the file, whose
  // bytes then depend on its own rows alone (runs stay byte-identical).
  private readonly snappyCompress = snappyCompressor();

  constructor(
    readonly file: string,
    readonly runId?: string,
  ) {}

  private open(c: Columns): number {
    this.names = [...(this.runId !== undefined ? ['run_id'] : []), ...c.names];
    this.types = [...(this.runId !== undefined ? (['VARCHAR'] as const) : []), ...c.types];
    const fd = (this.fd = openSync(this.file, 'w'));
    this.write(Uint8Array.of(0x50, 0x41, 0x52, 0x31)); // PAR1
    return fd;
  }

  private write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd!, b, done, b.length - done);
    this.offset += b.length;
  }

  /** Append a part (the first one fixes the columns, even with no rows). */
  append(part: Table | Record<string, ColumnData>): void {
    const c = columnsOf(part);
    if (this.fd === undefined) this.open(c);
    for (let g = 0; g < c.n; g += ROW_GROUP) this.group(c, g, Math.min(c.n, g + ROW_GROUP));
  }

  /** Rows [start, end) of a part as one row group. */
  private group(c: Columns, start: number, end: number): void {
    const n = end - start;
    const out = this.out;
    out.length = 0;
    const base = this.offset;
    const chunks: ChunkMeta[] = [];
    const runId = this.runId;
    let k = 0;
    if (runId !== undefined) chunks.push(this.textChunk('run_id', repeatStr(runId, n), base));
    for (const col of c.cols) {
      const name = c.names[k]!;
      const type = c.types[k++]!;
      if (col.a !== undefined) chunks.push(this.numberChunk(name, type, col.a, start, end, base));
      else {
        let strings: readonly string[];
        if (col.text !== undefined) strings = textRows(col.text, start, end);
        else {
          const s = col.s!;
          const rows = new Array<string>(n);
          for (let r = 0; r < n; r++) rows[r] = s(start + r);
          strings = rows;
        }
        chunks.push(this.textChunk(name, strings, base));
      }
    }
    this.write(out.view());
    this.groups.push({ rows: n, offset: base, chunks });
    this.rows += n;
  }

  /** One page, Snappy-compressed, after its header; returns [uncompressed, compressed] sizes with the header. */
  private page(kind: 'dict' | 'data', body: Uint8Array, n: number, encoding: number): [number, number] {
    const packed = this.snappyCompress(body);
    const out = this.out;
    const at = out.length;
    const h = new StructWriter(out).i32(1, kind === 'dict' ? PAGE_DICTIONARY : PAGE_DATA_V2).i32(2, body.length).i32(3, packed.length);
    if (kind === 'dict') h.struct(7, (d) => d.i32(1, n).i32(2, ENC_PLAIN));
    // Required columns: no nulls, no levels; the page is compressed (is_compressed's default).
    else h.struct(8, (d) => d.i32(1, n).i32(2, 0).i32(3, n).i32(4, encoding).i32(5, 0).i32(6, 0));
    h.end();
    const header = out.length - at;
    out.bytes(packed);
    return [header + body.length, header + packed.length];
  }

  private numberChunk(name: string, type: ColumnType, a: ArrayLike<number | bigint>, start: number, end: number, base: number): ChunkMeta {
    const body = plainNumbers(type, a, start, end);
    const dataOffset = base + this.out.length;
    const [u, z] = this.page('data', body, end - start, ENC_PLAIN);
    // Min/max only for time (row groups skipped by a time filter): elsewhere nothing filters on them.
    const stats = name === 'ts_us' && type === 'DOUBLE' ? doubleStats(a, start, end) : undefined;
    return { type, name, offset: dataOffset, dictOffset: undefined, dataOffset, encodings: [ENC_PLAIN], uncompressed: u, compressed: z, n: end - start, stats };
  }

  private textChunk(name: string, strings: readonly string[], base: number): ChunkMeta {
    const n = strings.length;
    const dict = dictionaryOf(strings);
    if (dict === undefined) {
      const dataOffset = base + this.out.length;
      const [u, z] = this.page('data', plainStrings(strings), n, ENC_PLAIN);
      return { type: 'VARCHAR', name, offset: dataOffset, dictOffset: undefined, dataOffset, encodings: [ENC_PLAIN], uncompressed: u, compressed: z, n, stats: undefined };
    }
    const dictOffset = base + this.out.length;
    const [u1, z1] = this.page('dict', plainStrings(dict.values), dict.values.length, ENC_PLAIN);
    const dataOffset = base + this.out.length;
    const [u2, z2] = this.page('data', dictionaryIndexes(dict.indexes, dict.values.length), n, ENC_RLE_DICTIONARY);
    return { type: 'VARCHAR', name, offset: dictOffset, dictOffset, dataOffset, encodings: [ENC_PLAIN, ENC_RLE_DICTIONARY], uncompressed: u1 + u2, compressed: z1 + z2, n, stats: undefined };
  }

  /** Write the footer and close the file (a file with no part has no columns). */
  finish(): void {
    if (this.fd === undefined) this.open({ n: 0, names: [], types: [], cols: [] });
    const out = this.out;
    out.length = 0;
    const names = this.names;
    const types = this.types;
    new StructWriter(out)
      .i32(1, 2)
      .list(2, T_STRUCT, [-1, ...names.map((_, i) => i)], (i, e) => {
        if (i < 0) {
          e.binary(4, 'schema').i32(5, names.length);
          return;
        }
        const t = types[i]!;
        e.i32(1, PHYSICAL[t]).i32(3, REQUIRED).binary(4, names[i]!);
        if (t === 'VARCHAR') e.i32(6, CONVERTED_UTF8);
        else if (t === 'UTINYINT') e.i32(6, CONVERTED_UINT_8);
      })
      .i64(3, this.rows)
      .list(4, T_STRUCT, this.groups, (g, rg) => {
        let total = 0;
        let packed = 0;
        for (const c of g.chunks) {
          total += c.uncompressed;
          packed += c.compressed;
        }
        rg.list(1, T_STRUCT, g.chunks, (c, cc) => {
          cc.i64(2, c.offset).struct(3, (m) => {
            m.i32(1, PHYSICAL[c.type])
              .list(2, T_I32, c.encodings)
              .list(3, T_BINARY, [c.name])
              .i32(4, CODEC_SNAPPY)
              .i64(5, c.n)
              .i64(6, c.uncompressed)
              .i64(7, c.compressed)
              .i64(9, c.dataOffset);
            if (c.dictOffset !== undefined) m.i64(11, c.dictOffset);
            const st = c.stats;
            if (st !== undefined) m.struct(12, (s) => s.i64(3, 0).binary(5, st.max).binary(6, st.min));
          });
        })
          .i64(2, total)
          .i64(3, g.rows)
          .i64(5, g.offset)
          .i64(6, packed);
      })
      .binary(6, CREATED_BY)
      .end();
    const meta = out.length;
    out.u32le(meta);
    out.bytes(Uint8Array.of(0x50, 0x41, 0x52, 0x31));
    try {
      this.write(out.view());
    } finally {
      closeSync(this.fd!);
    }
  }
}

/** PLAIN numbers: the typed array's own bytes where they are PLAIN's (little-endian, same width). */
function plainNumbers(type: ColumnType, a: ArrayLike<number | bigint>, start: number, end: number): Uint8Array {
  const n = end - start;
  if (type === 'DOUBLE') {
    const f = a instanceof Float64Array ? a.subarray(start, end) : Float64Array.from({ length: n }, (_, i) => Number(a[start + i]));
    return LE ? new Uint8Array(f.buffer, f.byteOffset, n * 8) : bigEndianSwap(f, 8);
  }
  if (type === 'BIGINT') {
    const b = a instanceof BigInt64Array ? a.subarray(start, end) : BigInt64Array.from({ length: n }, (_, i) => BigInt(a[start + i]!));
    return LE ? new Uint8Array(b.buffer, b.byteOffset, n * 8) : bigEndianSwap(b, 8);
  }
  // INT32 (an unsigned byte column too: UINT_8 is stored as INT32).
  const i32 = a instanceof Int32Array ? a.subarray(start, end) : Int32Array.from({ length: n }, (_, i) => Number(a[start + i]));
  return LE ? new Uint8Array(i32.buffer, i32.byteOffset, n * 4) : bigEndianSwap(i32, 4);
}

/** A typed array's values as little-endian bytes on a big-endian machine. */
function bigEndianSwap(a: Float64Array | BigInt64Array | Int32Array, width: number): Uint8Array {
  const src = new Uint8Array(a.buffer, a.byteOffset, a.length * width);
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += width) for (let j = 0; j < width; j++) out[i + j] = src[i + width - 1 - j]!;
  return out;
}

/** Min and max of the non-NaN doubles, as PLAIN bytes (none when every value is NaN). */
function doubleStats(a: ArrayLike<number | bigint>, start: number, end: number): { min: Uint8Array; max: Uint8Array } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  let any = false;
  for (let i = start; i < end; i++) {
    const x = Number(a[i]);
    if (Number.isNaN(x)) continue;
    any = true;
    // −0 sorts before +0 (Parquet's rule for a min and max of zeros).
    if (x < lo || (x === lo && Object.is(x, -0))) lo = x;
    if (x > hi || (x === hi && Object.is(hi, -0))) hi = x;
  }
  if (!any) return undefined;
  return { min: plainNumbers('DOUBLE', Float64Array.of(lo), 0, 1).slice(), max: plainNumbers('DOUBLE', Float64Array.of(hi), 0, 1).slice() };
}

/** PLAIN byte arrays: each value's UTF-8 bytes after their length (4 bytes, little-endian). */
function plainStrings(strings: readonly string[]): Uint8Array {
  let cap = 0;
  for (const s of strings) cap += 4 + s.length * 3;
  const out = new Uint8Array(cap);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const s of strings) {
    // ASCII (amounts, hashes, ids: nearly every such value) is copied character by character; a
    // view per value for encodeInto was most of what writing a Monte Carlo path allocated.
    const o = at + 4;
    const len = s.length;
    let j = 0;
    while (j < len) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) break;
      out[o + j++] = c;
    }
    const w = j === len ? len : ENCODER.encodeInto(s, out.subarray(o)).written;
    view.setUint32(at, w, true);
    at += 4 + w;
  }
  return out.subarray(0, at);
}

/**
 * Rows [start, end) of a text column in memory, a missing string as '' (as its Arrow file has it):
 * the column itself when that is all its rows and all strings (what is known of it, constant or
 * coded, then holds for the row group), a constant column's part as a constant, else a copy.
 */
function textRows(c: readonly (string | undefined)[], start: number, end: number): readonly string[] {
  const known = isRepeated(c as readonly string[]);
  if (start === 0 && end === c.length && (known || codedOf(c as readonly string[]) !== undefined)) return c as readonly string[];
  if (known) return repeatStr(c[0]!, end - start);
  if (start === 0 && end === c.length) {
    let all = true;
    for (let i = 0; i < end; i++) {
      if (typeof c[i] !== 'string') {
        all = false;
        break;
      }
    }
    if (all) return c as readonly string[];
  }
  const rows = c.slice(start, end);
  for (let i = 0; i < rows.length; i++) rows[i] ??= '';
  return rows as string[];
}

/**
 * Whether 128 rows drawn from the chunk are all distinct (amounts, hashes, transaction ids): then
 * a dictionary is not worth building a map of half the chunk to find out. Drawn by a fixed LCG,
 * not evenly spaced: ids that cycle would look all distinct at a fixed stride (the same rows
 * every time: same bytes). Rows as strings or as their codes (the same answer).
 */
function sampleAllDistinct(rows: ArrayLike<string | number>): boolean {
  const n = rows.length;
  const seen = new Set<string | number>();
  let r = 1;
  for (let j = 0; j < 128; j++) {
    r = (Math.imul(r, 1_103_515_245) + 12_345) >>> 0;
    seen.add(rows[r % n]!);
  }
  return seen.size === 128;
}

/**
 * The chunk's distinct strings and each row's index into them, when a dictionary pays: at most
 * half the rows distinct (ids, kinds, symbols — the usual case; amounts and hashes are not).
 */
function dictionaryOf(strings: readonly string[]): { values: string[]; indexes: Int32Array } | undefined {
  const n = strings.length;
  // A constant column (repeatStr): one value, every index 0 — what the loop below finds.
  if (n > 0 && isRepeated(strings)) return { values: [strings[0]!], indexes: new Int32Array(n) };
  // A coded column (codedOf): its values in first-come order are what the scan below finds, its
  // codes the indexes; the same two tests decide whether a dictionary pays.
  const coded = codedOf(strings);
  if (coded !== undefined) {
    if (n > 512 && sampleAllDistinct(coded.codes)) return undefined;
    if (coded.dict.length > n >> 1 && n > 1) return undefined;
    return { values: coded.dict, indexes: Int32Array.from(coded.codes) };
  }
  if (n > 512 && sampleAllDistinct(strings)) return undefined;
  const max = n >> 1;
  const index = new Map<string, number>();
  const values: string[] = [];
  const indexes = new Int32Array(n);
  let prev: string | undefined;
  let prevK = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i]!;
    // Runs of one value (a venue, a side, a status) skip the hash lookup.
    if (s === prev) {
      indexes[i] = prevK;
      continue;
    }
    let k = index.get(s);
    if (k === undefined) {
      if (values.length >= max && n > 1) return undefined;
      k = values.length;
      index.set(s, k);
      values.push(s);
    }
    indexes[i] = k;
    prev = s;
    prevK = k;
  }
  return { values, indexes };
}

/**
 * A dictionary page's indexes: their bit width (one byte), then the RLE / bit-packing hybrid —
 * one RLE run when every row has the same value (a venue, an account), else bit-packed groups of
 * eight (padded with zeros).
 */
function dictionaryIndexes(indexes: Int32Array, distinct: number): Uint8Array {
  const n = indexes.length;
  const width = Math.max(1, Math.ceil(Math.log2(distinct)));
  const out = new ByteBuffer();
  out.u8(width);
  if (distinct === 1) {
    out.varint(n * 2);
    for (let b = 0; b < Math.ceil(width / 8); b++) out.u8(0);
    return out.view();
  }
  const groups = Math.ceil(n / 8);
  out.varint(groups * 2 + 1);
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < groups * 8; i++) {
    acc |= (i < n ? indexes[i]! : 0) << bits;
    bits += width;
    while (bits >= 8) {
      out.u8(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  return out.view();
}
