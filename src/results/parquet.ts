/**
 * A run table's Parquet copy, written here (hyparquet-writer) rather than by DuckDB from a CSV:
 * the typed columns go in as they are — no text in between, so doubles (NaN, ±0, ±Infinity
 * included) and 64-bit integers are the bits of the Arrow file — one row group per spill chunk
 * (at most 16,384 rows), streamed to disk, so a long run's copy holds one chunk at a time;
 * Snappy pages compressed by hysnappy (WebAssembly, ~2× the library's JavaScript Snappy).
 * Types as DuckDB reads them back: DOUBLE, BIGINT (INT64), INTEGER (INT32), UTINYINT (INT32,
 * UINT_8) and VARCHAR (UTF8, required: a result's text is never null — the Arrow files write a
 * missing string as '' — so no definition levels to write), with the run id as a first `run_id` column.
 */
import { Table, Type, type Vector } from 'apache-arrow';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { snappyCompressor } from 'hysnappy';
import type { ColumnData } from './arrow-io.ts';

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
  cols: { a: ArrayLike<number | bigint> | undefined; s: ((r: number) => string) | undefined }[];
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
      // A missing string is '' (as its Arrow file has it).
      return Array.isArray(c) ? { a: undefined, s: (r: number) => c[r] ?? '' } : { a: c as ArrayLike<number | bigint>, s: undefined };
    }),
  };
}

type Schema = ConstructorParameters<typeof ParquetWriter>[0]['schema'];
type Source = Parameters<ParquetWriter['write']>[0]['columnData'][number];

const ROW_GROUP = 16_384;
/** Fixed: the file's bytes must not depend on the library's default (runs are byte-identical). */
const CREATED_BY = 'primesim (hyparquet-writer 0.17.0, hysnappy 1.1.1)';

function element(name: string, type: ColumnType): Schema[number] {
  switch (type) {
    case 'DOUBLE':
      return { name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
    case 'BIGINT':
      return { name, type: 'INT64', repetition_type: 'REQUIRED' };
    case 'UTINYINT':
      return { name, type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' };
    case 'INTEGER':
      return { name, type: 'INT32', repetition_type: 'REQUIRED' };
    default:
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' };
  }
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
  private writer: ParquetWriter | undefined;
  private names: string[] = [];
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

  private open(c: Columns): ParquetWriter {
    this.names = c.names;
    const runId = this.runId;
    const schema: Schema = [
      { name: 'schema', num_children: c.names.length + (runId !== undefined ? 1 : 0) },
      ...(runId !== undefined ? [element('run_id', 'VARCHAR')] : []),
      ...c.names.map((n, i) => element(n, c.types[i]!)),
    ];
    return (this.writer = new ParquetWriter({ writer: fileWriter(this.file), schema, codec: 'SNAPPY', compressors: { SNAPPY: this.snappyCompress }, statistics: true, createdBy: CREATED_BY }));
  }

  /** Append a part (the first one fixes the columns, even with no rows). */
  append(part: Table | Record<string, ColumnData>): void {
    const c = columnsOf(part);
    const writer = this.writer ?? this.open(c);
    if (c.n === 0) return;
    const names = this.names;
    const runId = this.runId;
    const data: Source[] = [];
    if (runId !== undefined) data.push({ name: 'run_id', data: new Array<string>(c.n).fill(runId), statistics: false });
    c.cols.forEach((col, i) => {
      const name = names[i]!;
      // Numbers PLAIN (a dictionary rarely pays for prices and times; trying one cost more than
      // writing them), text with a dictionary when it pays (ids, kinds: the usual case).
      // Min/max statistics only for time (row groups skipped by a time filter); elsewhere they cost
      // more to compute than the rest of the column's writing.
      if (col.a !== undefined) data.push({ name, data: col.a as Source['data'], encoding: 'PLAIN', statistics: name === 'ts_us' });
      else {
        const s = col.s!;
        const strings = new Array<string>(c.n);
        for (let r = 0; r < c.n; r++) strings[r] = s(r);
        data.push({ name, data: strings, statistics: false });
      }
    });
    // One page per column chunk (pageSize 0) instead of the library's 1 MiB pages, which made it
    // size every value to find page ends: a row group is at most 16,384 rows, so every numeric
    // chunk (≤ 128 KiB) and every text chunk of values under 64 bytes was one page anyway.
    void writer.write({ columnData: data, rowGroupSize: ROW_GROUP, pageSize: 0 });
  }

  /** Write the footer (a file with no part has no columns). */
  finish(): void {
    (this.writer ?? this.open({ n: 0, names: [], types: [], cols: [] })).finish();
  }
}
