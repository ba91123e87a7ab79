import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ConfigError, DataError } from '../errors.ts';
import { openDuck } from './duck.ts';
import { findRuns, verifyRun, writeParquetCopies, type RunInfo } from './run-store.ts';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /**
   * Run ids that more than one of the queried folders carry (a copied run folder, the same point
   * of two sweeps), with those folders: their rows share the `run_id` a query groups by.
   */
  sharedRunIds: { runId: string; dirs: string[] }[];
}

export interface QueryOptions {
  /**
   * Let the SQL read and write files and run any statement (COPY, ATTACH, CREATE, …).
   * Off by default: a query sees only the runs it was given and can change nothing.
   */
  allowFiles?: boolean;
  /** Check every result file's sha256 against the manifest (default: sizes only). */
  verify?: boolean;
}

const sqlStr = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** DuckDB statement types a read-only query may run (SELECT, EXPLAIN; see duckdb.h). */
const READ_ONLY_STATEMENTS = new Set([1, 4]);

type Manifest = RunInfo['manifest'] & {
  strategy?: { name?: string; params?: Record<string, unknown> };
  dataset?: { name?: string };
  config?: Record<string, unknown> & { seed?: number };
  models?: Record<string, unknown>;
  sweep?: { id?: string; point?: Record<string, unknown> };
  metrics?: Record<string, unknown>;
  counts?: { events?: number };
  resultsSha256?: string;
};

const snake = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();

/**
 * The `runs` table: one row per run, with headline metrics first, then every other metric of the
 * one metrics function (snake_case: `liquidations_all`, `swap_mev_loss`, `lending_liquidations`,
 * …; NULL for a run that has none) and — so runs of a sweep can be told apart and grouped in
 * SQL — every strategy parameter (`param_<name>`), every model setting (`model_<name>`), the seed
 * and the sweep id as columns. Numeric values are DOUBLE, others text.
 */
async function createRunsTable(conn: DuckDBConnection, runs: RunInfo[]): Promise<void> {
  const rows = runs.map((r) => {
    const m = r.manifest as Manifest;
    const row: Record<string, unknown> = {
      run_id: r.runId,
      dir: r.dir,
      strategy: m.strategy?.name ?? '',
      dataset: m.dataset?.name ?? '',
      seed: m.config?.seed ?? null,
      sweep: m.sweep?.id ?? null,
      total_pnl: m.metrics?.totalPnl ?? null,
      sharpe: m.metrics?.sharpe ?? null,
      sharpe_per_period: m.metrics?.sharpePerPeriod ?? null,
      return_period: m.metrics?.returnPeriod ?? null,
      max_drawdown: m.metrics?.maxDrawdown ?? null,
      fills: m.metrics?.fills ?? null,
      events: m.counts?.events ?? null,
      results_sha256: m.resultsSha256 ?? '',
    };
    for (const [k, v] of Object.entries(m.metrics ?? {})) {
      const c = snake(k);
      if (!(c in row) && (typeof v === 'number' || typeof v === 'string' || v === null)) row[c] = v;
    }
    for (const [k, v] of Object.entries(m.strategy?.params ?? {})) row[`param_${snake(k)}`] = v;
    for (const [k, v] of Object.entries(m.models ?? {})) row[`model_${snake(k)}`] = v;
    // A bar run on a window of its file (--from/--to, a walk-forward sweep's dates axis).
    if (m.config?.from !== undefined || m.config?.to !== undefined) {
      row.data_from = m.config.from ?? null;
      row.data_to = m.config.to ?? null;
    }
    return row;
  });
  const cols: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!cols.includes(k)) cols.push(k);
  const fixedText = new Set(['run_id', 'dir', 'strategy', 'dataset', 'sweep', 'results_sha256', 'return_period', 'data_from', 'data_to']);
  const numeric = cols.map((c) => !fixedText.has(c) && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  await conn.run(`CREATE TABLE runs (${cols.map((c, j) => `${ident(c)} ${numeric[j] ? 'DOUBLE' : 'VARCHAR'}`).join(', ')})`);
  for (const row of rows) {
    const vals = cols.map((c, j) => {
      const v = row[c];
      if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return 'NULL';
      if (numeric[j]) return String(v);
      return sqlStr(typeof v === 'string' ? v : JSON.stringify(v));
    });
    await conn.run(`INSERT INTO runs VALUES (${vals.join(', ')})`);
  }
}

function sqlError(e: unknown, tables: Set<string>): DataError {
  const msg = (e as Error).message.split('\n')[0] ?? '';
  const hint = /Permission Error|disabled by configuration/.test(msg) ? 'queries read only the given runs; pass --allow-files to read or write other files' : `tables: ${[...tables].sort().join(', ')}, runs`;
  return new DataError(`SQL error: ${msg}`, { field: 'sql', hint });
}

/**
 * Run SQL over one or many runs. Each result table is a view over the runs' Parquet copies;
 * `runs` has one row per run. Every run is checked against its manifest first (sizes, or full
 * hashes with `verify`). Unless `allowFiles`, the database then locks itself: only SELECT and
 * EXPLAIN run, and no SQL function can touch a file other than the runs' own copies.
 */
export async function queryRuns(paths: string[], sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
  // The same folder named twice (or reached twice) is one run.
  const seen = new Set<string>();
  const runs = findRuns(paths).filter((r) => !seen.has(r.dir) && seen.add(r.dir) !== undefined);
  if (runs.length === 0) throw new DataError('no runs found', { file: paths.join(' ') });
  const byId = new Map<string, string[]>();
  for (const r of runs) byId.set(r.runId, [...(byId.get(r.runId) ?? []), r.dir]);
  const sharedRunIds = [...byId].filter(([, dirs]) => dirs.length > 1).map(([runId, dirs]) => ({ runId, dirs }));
  for (const r of runs) {
    // Runs written before Parquet copies existed get them once (an explicit, whole-file write).
    if (r.manifest.files.some((f) => !existsSync(join(r.dir, `${f.table}.parquet`)))) await writeParquetCopies(r);
    verifyRun(r, opts.verify ?? false);
  }
  const { instance, conn } = await openDuck();
  try {
    const tables = new Set<string>();
    const allowed: string[] = [];
    for (const r of runs) for (const f of r.manifest.files) tables.add(f.table);
    for (const t of [...tables].sort()) {
      const paths = runs.filter((r) => r.manifest.files.some((f) => f.table === t)).map((r) => join(r.dir, `${t}.parquet`));
      allowed.push(...paths);
      const from = `read_parquet([${paths.map(sqlStr).join(', ')}], union_by_name = true)`;
      const cols = (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`)).getRowsJS().map((r) => String(r[0]));
      // A readable UTC timestamp next to the exact integer microseconds, where the table has them
      // (`ts_us` → `time`, `open_ts_us` → `open_time`, …).
      const time = cols
        .filter((c) => /^(.*_)?ts_us$/.test(c) && !cols.includes(c.replace(/ts_us$/, 'time')))
        .map((c) => `, CASE WHEN isnan(${ident(c)}::DOUBLE) THEN NULL ELSE make_timestamp(${ident(c)}::BIGINT) END AS ${ident(c.replace(/ts_us$/, 'time'))}`)
        .join('');
      await conn.run(`CREATE VIEW ${ident(t)} AS SELECT *${time} FROM ${from}`);
    }
    await createRunsTable(conn, runs);
    if (!opts.allowFiles) {
      // Views keep reading their own Parquet files; nothing else on disk is reachable, and the
      // settings cannot be changed back by the query.
      await conn.run(`SET allowed_paths = [${allowed.map(sqlStr).join(', ')}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
      let stmts;
      try {
        stmts = await conn.extractStatements(sql);
      } catch (e) {
        throw new DataError(`SQL error: ${(e as Error).message.split('\n')[0]}`, { field: 'sql' });
      }
      for (let i = 0; i < stmts.count; i++) {
        let type: number;
        try {
          type = (await stmts.prepare(i)).statementType as number;
        } catch (e) {
          throw sqlError(e, tables);
        }
        if (!READ_ONLY_STATEMENTS.has(type)) {
          throw new ConfigError('queries are read-only: only SELECT (and EXPLAIN) statements run', { field: 'sql', hint: 'pass --allow-files to let SQL write or read other files' });
        }
      }
    }
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      throw sqlError(e, tables);
    }
    return { columns: reader.columnNames(), rows: reader.getRowsJS() as unknown[][], sharedRunIds };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
