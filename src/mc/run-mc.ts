/**
 * `primesim mc`: N Monte Carlo paths of one spec on a local worker pool (piscina, worker
 * threads), one run folder per path plus a summary run folder whose `paths` table DuckDB reads
 * with every path's own tables. Paths already complete in the folder (their row exists) are not
 * run again, so an interrupted MC resumes; the folder name carries the spec's hash, so a changed
 * spec never mixes with old paths.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { ConfigError } from '../errors.ts';
import { codeFingerprint } from '../results/versions.ts';
import { writeRunFolder } from '../results/run-writer.ts';
import { checkOutputTarget, watchOutputFolder } from '../results/safe-output.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { specWithOverrides } from '../sweep/spec-job.ts';
import { mcPaths } from '../world/mc-paths.ts';
import { pathRunId, readPathRow, runPath, type PathJob } from './path-run.ts';
import { summarise, type McRow, type McSummary } from './stats.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { distFile, FROM_DIST } from '../runtime.ts';

export interface McOptions {
  file: string;
  overrides?: Record<string, string>;
  paths?: number;
  /** Run only these path indices (rerun one path alone). */
  only?: number[];
  runsDir: string;
  /** The MC folder name (default <name>-s<seed>-<hash of spec and overrides>). */
  name?: string;
  /** Worker threads (default: one per core); 0 runs the paths in this thread, one by one. */
  workers?: number;
  /** Replace path and summary folders that are not run folders (`--force`); otherwise refused before any path runs. */
  force?: boolean;
  onPath?(row: McRow, done: number, total: number): void;
}

export interface McResult {
  dir: string;
  rows: McRow[];
  summary: McSummary;
  summaryDir: string;
  ran: number;
  reused: number;
}

/** The MC folder of a spec + overrides + path count. */
export function mcFolder(o: Pick<McOptions, 'file' | 'overrides' | 'paths' | 'runsDir' | 'name' | 'force'>): { dir: string; n: number; jobs: (k: number) => PathJob } {
  const file = resolve(o.file);
  const overrides = o.overrides ?? {};
  const { spec } = specWithOverrides(file, overrides);
  const mc = mcPaths(spec);
  const n = o.paths ?? mc.paths;
  if (!(Number.isInteger(n) && n > 0)) throw new ConfigError(`--paths ${n} must be a positive integer`, { field: '--paths' });
  const hash = createHash('sha256').update(JSON.stringify({ spec, overrides })).digest('hex').slice(0, 8);
  const name = o.name ?? `${spec.name ?? 'mc'}-s${spec.seed}-${hash}`;
  if (!/^[\w.-]+$/.test(name)) throw new ConfigError(`MC name ${name} must be letters, digits, . _ -`, { field: '--name' });
  const dir = resolve(o.runsDir, 'mc', name);
  const code = codeFingerprint();
  const force = o.force ?? false;
  return { dir, n, jobs: (k) => ({ file, overrides, k, dir, code, ...(force ? { force } : {}) }) };
}

export async function runMc(o: McOptions): Promise<McResult> {
  const { dir, n, jobs } = mcFolder(o);
  const want = o.only ?? Array.from({ length: n }, (_, k) => k);
  for (const k of want) if (!(Number.isInteger(k) && k >= 0 && k < n)) throw new ConfigError(`path ${k} is outside 0…${n - 1}`, { field: '--only' });
  checkMcTargets(dir, want, o.force ?? false);
  // After the checks: a refused command leaves no empty MC folder behind.
  mkdirSync(dir, { recursive: true });
  // Paths are written by pool threads under this process's id: an interrupt removes their temporaries.
  watchOutputFolder(dir);
  watchOutputFolder(join(dir, 'rows'));
  const rows = new Map<number, McRow>();
  const todo: number[] = [];
  for (const k of want) {
    const r = readPathRow(dir, k);
    if (r) rows.set(k, r);
    else todo.push(k);
  }
  const reused = rows.size;
  let done = reused;
  const workers = Math.min(o.workers ?? availableParallelism(), todo.length);
  if (workers <= 0) {
    for (const k of todo) {
      const r = await runPath(jobs(k));
      rows.set(k, r);
      o.onPath?.(r, ++done, want.length);
    }
  } else {
    // Compiled, the task needs no TypeScript hooks in each thread; from the sources, pool-worker.mjs registers them.
    const task = FROM_DIST ? distFile('mc-worker.js') : join(PACKAGE_ROOT, 'src', 'mc', 'pool-worker.mjs');
    const pool = new Piscina({ filename: pathToFileURL(task).href, minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
    try {
      await Promise.all(todo.map(async (k) => {
        const r = (await pool.run(jobs(k))) as McRow;
        rows.set(k, r);
        o.onPath?.(r, ++done, want.length);
      }));
    } finally {
      await pool.destroy();
    }
  }
  const list = want.map((k) => rows.get(k)!);
  return { dir, rows: list, ...(await writeSummary(dir, list, n, o.force ?? false)), ran: todo.length, reused };
}

/**
 * Before any path runs: the folders the MC will write (path-<k> for every wanted path, summary)
 * must be absent, empty or run folders — a folder of someone's files there is refused (unless
 * --force), not found after an hour of paths and not replaced without a word.
 */
export function checkMcTargets(dir: string, want: readonly number[], force: boolean): void {
  for (const k of want) checkOutputTarget(join(dir, pathRunId(k)), 'run', { force, field: '--name' });
  checkOutputTarget(join(dir, 'summary'), 'run', { force, field: '--name' });
}

/** The summary run folder (`<mc>/summary`): the `paths` table and the risk figures as its metrics. */
export async function writeSummary(dir: string, rows: McRow[], n: number, force = false): Promise<{ summary: McSummary; summaryDir: string }> {
  const summary = summarise(rows);
  const sorted = [...rows].sort((a, b) => a.k - b.k);
  const f64 = (f: (r: McRow) => number) => Float64Array.from(sorted, f);
  const tables: Record<string, Record<string, ColumnData>> = {
    paths: {
      k: Int32Array.from(sorted, (r) => r.k), seed: f64((r) => r.seed), label: sorted.map((r) => r.label), shock: f64((r) => r.shock),
      desk_pnl: f64((r) => r.deskPnl), liquidations: f64((r) => r.liquidations), accounts_liquidated: f64((r) => r.accountsLiquidated),
      liquidated_notional: f64((r) => r.liquidatedNotional), lending_liquidated_usd: f64((r) => r.lendingLiquidatedUsd), lending_liquidations: f64((r) => r.lendingLiquidations),
      adl_events: f64((r) => r.adlEvents), bad_debt: f64((r) => r.badDebt), lending_bad_debt_usd: f64((r) => r.lendingBadDebtUsd),
      insurance_fund_end: f64((r) => r.insuranceFundEnd), insurance_fund_min: f64((r) => r.insuranceFundMin), fund_exhausted: Int32Array.from(sorted, (r) => (r.fundExhausted ? 1 : 0)),
      path_low: f64((r) => r.pathLow), mark_low: f64((r) => r.markLow), base_fee_max_gwei: f64((r) => r.baseFeeMaxGwei ?? NaN), events: f64((r) => r.events), results_sha256: sorted.map((r) => r.resultsSha256), dir: sorted.map((r) => r.dir),
    },
  };
  const res = await writeRunFolder({
    runsDir: dir, runId: 'summary', force, tables,
    config: { seed: 0, mc: { paths: n, included: sorted.map((r) => r.k) } },
    strategy: { name: 'mc', params: {} },
    dataset: { name: 'mc', rows: rows.length },
    counts: { paths: rows.length },
    metrics: { ...summary },
  });
  return { summary, summaryDir: res.dir };
}
