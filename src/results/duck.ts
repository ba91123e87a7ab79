import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { Table, Type, type Vector } from 'apache-arrow';
import type { ColumnData } from './arrow-io.ts';

/**
 * Arrow → DuckDB without DuckDB's arrow extension (not built in, and offline machines cannot
 * download it): columns go through the appender in 2048-row data chunks.
 */
export async function openDuck(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  return { instance, conn };
}

function duckType(t: Table['schema']['fields'][number]['type']): { sql: string; type: DuckDBType } {
  switch (t.typeId) {
    case Type.Float:
      return { sql: 'DOUBLE', type: DOUBLE };
    case Type.Int: {
      const it = t as unknown as { bitWidth: number; isSigned: boolean };
      if (it.bitWidth === 64) return { sql: 'BIGINT', type: BIGINT };
      if (it.bitWidth === 8 && !it.isSigned) return { sql: 'UTINYINT', type: UTINYINT };
      return { sql: 'INTEGER', type: INTEGER };
    }
    default:
      return { sql: 'VARCHAR', type: VARCHAR };
  }
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Create `name` from an Arrow table through a temporary CSV file that DuckDB's native reader
 * parses (the appender converts value by value in JS, ~5× slower on a run's tables). Exact:
 * doubles are written in JavaScript's shortest round-trip form and read back correctly rounded,
 * 64-bit integers in full, strings always quoted (an empty string stays empty, never NULL),
 * NaN/±Infinity as DuckDB spells them. `csvFile` is written and removed here.
 */
export async function loadArrowTableViaCsv(conn: DuckDBConnection, name: string, table: Table, csvFile: string, runId?: string): Promise<void> {
  await writeTableCsv(table, csvFile)(conn, name, runId);
}

/** A table's columns to write out (CSV, Parquet): names, DuckDB types, and per column either numbers or strings by row. */
export interface CsvColumns {
  n: number;
  names: string[];
  sql: string[];
  cols: { a: ArrayLike<number | bigint> | undefined; s: ((i: number) => string | null) | undefined }[];
}

/**
 * Row → string of a Utf8 column. Result columns are ASCII text (ids, kinds, hashes): then each
 * batch's bytes are decoded once and rows are slices of that string (decoding row by row was most
 * of the time spent writing a spilled table's CSV); otherwise Arrow's own decoding.
 */
function utf8Reader(v: Vector): (r: number) => string | null {
  const parts = v.data.map((d) => {
    const bytes = d.values as Uint8Array | undefined;
    const offsets = d.valueOffsets as Int32Array | undefined;
    if (bytes === undefined || offsets === undefined || d.nullCount > 0 || d.offset !== 0) return undefined;
    const end = offsets[d.length]!;
    for (let k = offsets[0]!; k < end; k++) if (bytes[k]! > 127) return undefined;
    return { text: DECODER.decode(bytes.subarray(0, end)), offsets, length: d.length };
  });
  if (parts.some((p) => p === undefined)) return (r) => v.get(r) as string | null;
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

const DECODER = new TextDecoder();

/** The columns of an Arrow table or of in-memory result columns, by DuckDB type. */
export function resultColumns(t: Table | Record<string, ColumnData>): CsvColumns {
  return t instanceof Table ? arrowColumns(t) : memoryColumns(t);
}

function arrowColumns(table: Table): CsvColumns {
  const fields = table.schema.fields;
  const types = fields.map((f) => duckType(f.type));
  return {
    n: table.numRows,
    names: fields.map((f) => f.name),
    sql: types.map((t) => t.sql),
    cols: fields.map((f, i) => {
      const v = table.getChild(f.name)!;
      if (types[i]!.sql !== 'VARCHAR') return { a: v.toArray() as ArrayLike<number | bigint>, s: undefined };
      return { a: undefined, s: utf8Reader(v) };
    }),
  };
}

/** In-memory result columns (what the run writer turns into Arrow) with the types Arrow gives them. */
function* mapIter<T, U>(xs: Iterable<T>, f: (x: T) => U): Generator<U> {
  for (const x of xs) yield f(x);
}

/** Append a chunk of rows to an open CSV file (see loadArrowTableViaCsv for the format). */
function appendCsv(fd: number, src: CsvColumns): void {
  const n = src.n;
  const cols = src.cols;
  const isDouble = src.sql.map((t) => t === 'DOUBLE');
  const ROWS = 8192;
  for (let start = 0; start < n; start += ROWS) {
    const end = Math.min(n, start + ROWS);
    const lines: string[] = new Array<string>(end - start);
    const cells: string[] = new Array<string>(cols.length);
    for (let r = start; r < end; r++) {
      for (let c = 0; c < cols.length; c++) {
        const col = cols[c]!;
        if (col.a !== undefined) {
          const x = col.a[r]!;
          cells[c] = typeof x === 'number' ? (isDouble[c] && (!Number.isFinite(x) || Object.is(x, -0)) ? (Number.isNaN(x) ? 'nan' : x === 0 ? '-0.0' : x > 0 ? 'inf' : '-inf') : numberText(x)) : String(x);
        } else {
          const x = col.s!(r);
          cells[c] = x === null ? '' : `"${x.includes('"') ? x.replace(/"/g, '""') : x}"`;
        }
      }
      lines[r - start] = cells.join(',');
    }
    writeSync(fd, lines.join('\n') + '\n');
  }
}

function memoryColumns(columns: Record<string, ColumnData>): CsvColumns {
  const names = Object.keys(columns);
  const sqlOf = (c: ColumnData) => (Array.isArray(c) ? 'VARCHAR' : c instanceof Float64Array ? 'DOUBLE' : c instanceof BigInt64Array ? 'BIGINT' : c instanceof Uint8Array ? 'UTINYINT' : 'INTEGER');
  const first = names.length > 0 ? columns[names[0]!]! : [];
  return {
    n: first.length,
    names,
    sql: names.map((k) => sqlOf(columns[k]!)),
    cols: names.map((k) => {
      const c = columns[k]!;
      return Array.isArray(c) ? { a: undefined, s: (r: number) => c[r] ?? null } : { a: c as ArrayLike<number | bigint>, s: undefined };
    }),
  };
}

/**
 * The two halves of `loadArrowTableViaCsv`: write the CSV now (JavaScript, synchronous) and return
 * the DuckDB ingest to run later (native, asynchronous) — so a caller can write the next table's
 * CSV while DuckDB reads this one. Takes an Arrow table or the in-memory columns it was made from.
 */
export function writeTableCsv(table: Table | Record<string, ColumnData> | Iterable<Table | Record<string, ColumnData>>, csvFile: string): (conn: DuckDBConnection, name: string, runId?: string, parquetFile?: string) => Promise<void> {
  // An Arrow table, one table's columns in memory, or its chunks in order (a spooled table).
  const columnsOf = (t: Table | Record<string, ColumnData>): CsvColumns => (t instanceof Table ? arrowColumns(t) : memoryColumns(t));
  const parts: Iterable<CsvColumns> =
    table instanceof Table
      ? [arrowColumns(table)]
      : Symbol.iterator in table && typeof (table as Iterable<unknown>)[Symbol.iterator] === 'function'
        ? mapIter(table as Iterable<Table | Record<string, ColumnData>>, columnsOf)
        : [memoryColumns(table as Record<string, ColumnData>)];
  let colDefs: string[] | undefined;
  const fd = openSync(csvFile, 'w');
  try {
    for (const src of parts) {
      colDefs ??= src.names.map((name, i) => `${sqlString(name)}: ${sqlString(src.sql[i]!)}`);
      appendCsv(fd, src);
    }
  } finally {
    closeSync(fd);
  }
  return async (conn, name, runId, parquetFile) => {
    try {
      const run = runId !== undefined ? `${sqlString(runId)} AS "run_id", ` : '';
      const select = `SELECT ${run}* FROM read_csv(${sqlString(csvFile)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, max_line_size = 1048576, buffer_size = 1048576, columns = {${(colDefs ?? []).join(', ')}})`;
      // With a Parquet target the CSV streams straight into the file (no table is materialised:
      // that held the whole table in DuckDB's memory and set a run's peak RSS). Small CSV buffers
      // (1 MB, the default is 16× the 2 MB line limit per thread) and row groups of 16k rows keep
      // DuckDB's share of a long run's peak RSS at tens of MB (measured: 60M events, 428 → 373 MB).
      if (parquetFile !== undefined) await conn.run(`COPY (${select}) TO ${sqlString(parquetFile)} (FORMAT parquet, ROW_GROUP_SIZE 16384)`);
      else await conn.run(`CREATE OR REPLACE TABLE ${quote(name)} AS ${select}`);
    } finally {
      rmSync(csvFile, { force: true });
    }
  };
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000'];

/**
 * `String(x)` for a finite number, faster for integers: small ones take V8's small-integer path,
 * and integers up to 2^53 (microsecond timestamps) are printed as two small halves — general
 * double-to-shortest-string conversion was most of the time spent writing a run's CSV.
 */
export function numberText(x: number): string {
  if (x < 2147483648 && x > -2147483648 && (x | 0) === x && !Object.is(x, -0)) return '' + (x | 0);
  if (x > 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x) {
    const hi = Math.floor(x / 1e8);
    const lo = x - hi * 1e8;
    const ls = '' + (lo | 0);
    return '' + (hi | 0) + ZEROS[8 - ls.length]! + ls;
  }
  return String(x);
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Create `name` from an Arrow table, optionally with a constant `run_id` column first. */
export async function loadArrowTable(conn: DuckDBConnection, name: string, table: Table, runId?: string): Promise<void> {
  const fields = table.schema.fields;
  const types = fields.map((f) => duckType(f.type));
  const cols = [...(runId !== undefined ? ['"run_id" VARCHAR'] : []), ...fields.map((f, i) => `${quote(f.name)} ${types[i]!.sql}`)];
  await conn.run(`CREATE OR REPLACE TABLE ${quote(name)} (${cols.join(', ')})`);
  if (table.numRows === 0) return;
  const appender = await conn.createAppender(name);
  const chunkTypes = [...(runId !== undefined ? [VARCHAR] : []), ...types.map((t) => t.type)];
  // Numeric columns are read as their typed arrays (one copy per chunk); strings value by value.
  const columns = fields.map((f, i) => {
    const v = table.getChild(f.name)!;
    return types[i]!.sql === 'VARCHAR' ? { strings: v, numbers: undefined } : { strings: undefined, numbers: v.toArray() as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number | bigint> } };
  });
  const CH = 2048;
  for (let start = 0; start < table.numRows; start += CH) {
    const end = Math.min(table.numRows, start + CH);
    const chunk = DuckDBDataChunk.create(chunkTypes, end - start);
    const values: DuckDBValue[][] = [];
    if (runId !== undefined) values.push(new Array<DuckDBValue>(end - start).fill(runId));
    for (const col of columns) {
      if (col.numbers) {
        values.push(Array.from(col.numbers.subarray(start, end)) as DuckDBValue[]);
      } else {
        const v: DuckDBValue[] = new Array(end - start);
        for (let i = start; i < end; i++) v[i - start] = col.strings!.get(i) as DuckDBValue;
        values.push(v);
      }
    }
    chunk.setColumns(values);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}
