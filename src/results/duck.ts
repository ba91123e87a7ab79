import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { arrowColumnType, type ColumnType } from './parquet.ts';

/**
 * Arrow → DuckDB without DuckDB's arrow extension (not built in, and offline machines cannot
 * download it): columns go through the appender in 2048-row data chunks. Runs carry Parquet
 * copies (parquet.ts) that queries read instead; this is for one-off loads (bench/query.ts
 * measures both) and the tests' reference.
 */
export async function openDuck(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  return { instance, conn };
}

const DUCK_TYPES: Record<ColumnType, DuckDBType> = { DOUBLE, BIGINT, INTEGER, UTINYINT, VARCHAR };

function duckType(t: Table['schema']['fields'][number]['type']): { sql: ColumnType; type: DuckDBType } {
  const sql = arrowColumnType(t);
  return { sql, type: DUCK_TYPES[sql] };
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

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
