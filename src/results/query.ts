import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { openDuck } from './duck.ts';
import { findRuns, writeParquetCopies, type RunInfo } from './run-store.ts';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Run SQL over one or many runs. Each result table is a view over the runs' Parquet copies
 * (made on first query if a run has none); `runs` has one row per run with its headline metrics.
 */
export async function queryRuns(paths: string[], sql: string): Promise<QueryResult> {
  const runs = findRuns(paths);
  if (runs.length === 0) throw new DataError('no runs found', { file: paths.join(' ') });
  for (const r of runs) {
    if (r.manifest.files.some((f) => !existsSync(join(r.dir, `${f.table}.parquet`)))) await writeParquetCopies(r);
  }
  const { instance, conn } = await openDuck();
  try {
    const tables = new Set<string>();
    for (const r of runs) for (const f of r.manifest.files) tables.add(f.table);
    for (const t of [...tables].sort()) {
      const files = runs.filter((r) => r.manifest.files.some((f) => f.table === t)).map((r) => sqlStr(join(r.dir, `${t}.parquet`)));
      const from = `read_parquet([${files.join(', ')}], union_by_name = true)`;
      const cols = (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`)).getRowsJS().map((r) => String(r[0]));
      // A readable UTC timestamp next to the exact integer microseconds, where the table has them.
      const time = cols.includes('ts_us') && !cols.includes('time') ? ', CASE WHEN isnan(ts_us::DOUBLE) THEN NULL ELSE make_timestamp(ts_us::BIGINT) END AS time' : '';
      await conn.run(`CREATE VIEW "${t}" AS SELECT *${time} FROM ${from}`);
    }
    await conn.run(`CREATE TABLE runs (run_id VARCHAR, dir VARCHAR, strategy VARCHAR, dataset VARCHAR, seed BIGINT, total_pnl DOUBLE, sharpe DOUBLE, max_drawdown DOUBLE, fills BIGINT, events BIGINT, results_sha256 VARCHAR)`);
    for (const r of runs) {
      const m = r.manifest as RunInfo['manifest'] & {
        strategy?: { name?: string };
        dataset?: { name?: string };
        config?: { seed?: number };
        metrics?: { totalPnl?: number; sharpe?: number; maxDrawdown?: number; fills?: number };
        counts?: { events?: number };
        resultsSha256?: string;
      };
      await conn.run(
        `INSERT INTO runs VALUES (${sqlStr(r.runId)}, ${sqlStr(r.dir)}, ${sqlStr(m.strategy?.name ?? '')}, ${sqlStr(m.dataset?.name ?? '')}, ${m.config?.seed ?? 0}, ${m.metrics?.totalPnl ?? 'NULL'}, ${m.metrics?.sharpe ?? 'NULL'}, ${m.metrics?.maxDrawdown ?? 'NULL'}, ${m.metrics?.fills ?? 0}, ${m.counts?.events ?? 0}, ${sqlStr(m.resultsSha256 ?? '')})`,
      );
    }
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      throw new DataError(`SQL error: ${(e as Error).message.split('\n')[0]}`, { field: 'sql', hint: `tables: ${[...tables].sort().join(', ')}, runs` });
    }
    return { columns: reader.columnNames(), rows: reader.getRowsJS() as unknown[][] };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
