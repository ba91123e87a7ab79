/**
 * A run table's Parquet copy, written here (hyparquet-writer) rather than by DuckDB from a CSV:
 * the typed columns go in as they are — no text in between, so doubles (NaN, ±0, ±Infinity
 * included) and 64-bit integers are the bits of the Arrow file — one row group per spill chunk
 * (at most 16,384 rows), streamed to disk, so a long run's copy holds one chunk at a time;
 * Snappy pages compressed by hysnappy (WebAssembly, ~2× the library's JavaScript Snappy).
 * Types as DuckDB reads them back: DOUBLE, BIGINT (INT64), INTEGER (INT32), UTINYINT (INT32,
 * UINT_8) and VARCHAR (UTF8, nullable), with the run id as a first `run_id` column.
 */
import type { Table } from 'apache-arrow';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { snappyCompress } from 'hysnappy';
import type { ColumnData } from './arrow-io.ts';
import { resultColumns, type CsvColumns } from './duck.ts';

type Schema = ConstructorParameters<typeof ParquetWriter>[0]['schema'];
type Source = Parameters<ParquetWriter['write']>[0]['columnData'][number];

const ROW_GROUP = 16_384;
/** Fixed: the file's bytes must not depend on the library's default (runs are byte-identical). */
const CREATED_BY = 'primesim (hyparquet-writer 0.17.0, hysnappy 1.1.1)';

function element(name: string, sql: string): Schema[number] {
  switch (sql) {
    case 'DOUBLE':
      return { name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
    case 'BIGINT':
      return { name, type: 'INT64', repetition_type: 'REQUIRED' };
    case 'UTINYINT':
      return { name, type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' };
    case 'INTEGER':
      return { name, type: 'INT32', repetition_type: 'REQUIRED' };
    default:
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  }
}

/** Write `file` from a table's parts in order (an Arrow table, in-memory columns, or spill chunks). */
export function writeParquetFile(file: string, parts: Iterable<Table | Record<string, ColumnData>>, runId?: string): void {
  let writer: ParquetWriter | undefined;
  let names: string[] = [];
  const open = (c: CsvColumns) => {
    names = c.names;
    const schema: Schema = [
      { name: 'schema', num_children: c.names.length + (runId !== undefined ? 1 : 0) },
      ...(runId !== undefined ? [element('run_id', 'VARCHAR')] : []),
      ...c.names.map((n, i) => element(n, c.sql[i]!)),
    ];
    writer = new ParquetWriter({ writer: fileWriter(file), schema, codec: 'SNAPPY', compressors: { SNAPPY: snappyCompress }, statistics: true, createdBy: CREATED_BY });
  };
  for (const part of parts) {
    const c = resultColumns(part);
    if (!writer) open(c);
    if (c.n === 0) continue;
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
        const strings = new Array<string | null>(c.n);
        for (let r = 0; r < c.n; r++) strings[r] = s(r);
        data.push({ name, data: strings, statistics: false });
      }
    });
    void writer!.write({ columnData: data, rowGroupSize: ROW_GROUP });
  }
  if (!writer) open({ n: 0, names: [], sql: [], cols: [] });
  writer!.finish();
}
