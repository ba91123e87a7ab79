import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { Type, type Table } from 'apache-arrow';

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
