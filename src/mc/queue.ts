/**
 * Monte Carlo paths on a real job queue: BullMQ on Redis. `primesim mc … --queue redis://h:p`
 * enqueues one job per path (job id = MC folder name + path index, so enqueuing twice never
 * duplicates a path) and waits; `primesim worker --queue …` on any number of machines takes jobs,
 * runs the path into the shared runs folder (the same absolute path on every machine: a shared
 * mount) and acknowledges only after the path's run folder and row are complete. A worker killed
 * mid-job (SIGKILL) holds a lock that expires: BullMQ's stalled-job check puts the job back and
 * another worker runs it from scratch (its half-written temporary folder is replaced), so no path
 * is lost or duplicated and every path's files are the bytes a local run writes.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { ConfigError } from '../errors.ts';
import { checkRedis } from './redis-check.ts';
import { checkMcTargets, mcFolder, writeSummary, type McResult } from './run-mc.ts';
import { readPathRow, runPath, type PathJob } from './path-run.ts';
import type { McRow } from './stats.ts';

export const QUEUE_NAME = 'primesim-mc';

/**
 * A Redis lost mid-run: ioredis reconnects by itself and emits the same error at every attempt.
 * Report an error when it differs from the last one reported, not a line per retry.
 */
function onceEach(report: (e: Error) => void): (e: Error) => void {
  let last = '';
  return (e) => {
    if (e.message === last) return;
    last = e.message;
    report(e);
  };
}

export function connectionOf(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`--queue ${url} is not a URL`, { field: '--queue', hint: 'redis://host:port' });
  }
  if (u.protocol !== 'redis:') throw new ConfigError(`--queue ${url}: expected redis://host:port`, { field: '--queue' });
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), maxRetriesPerRequest: null, ...(u.password ? { password: decodeURIComponent(u.password) } : {}) };
}

export interface QueueMcOptions {
  file: string;
  overrides?: Record<string, string>;
  paths?: number;
  only?: number[];
  runsDir: string;
  name?: string;
  url: string;
  /** Replace path and summary folders that are not run folders (`mc --force`). */
  force?: boolean;
  /** Poll interval while waiting, ms. */
  pollMs?: number;
  onPath?(row: McRow, done: number, total: number): void;
}

export async function enqueueMc(o: QueueMcOptions): Promise<McResult> {
  const { dir, n, jobs } = mcFolder(o);
  const want = o.only ?? Array.from({ length: n }, (_, k) => k);
  for (const k of want) if (!(Number.isInteger(k) && k >= 0 && k < n)) throw new ConfigError(`path ${k} is outside 0…${n - 1}`, { field: '--only' });
  checkMcTargets(dir, want, o.force ?? false);
  const connection = connectionOf(o.url);
  await checkRedis(connection as { host: string; port: number; password?: string });
  const queue = new Queue(QUEUE_NAME, { connection });
  queue.on('error', onceEach((e) => process.stderr.write(`primesim mc: Redis at ${o.url}: ${e.message} (retrying)\n`)));
  const name = dir.split(/[\\/]/).pop()!;
  const rows = new Map<number, McRow>();
  try {
    const todo = want.filter((k) => {
      const r = readPathRow(dir, k);
      if (r) rows.set(k, r);
      return !r;
    });
    const reused = rows.size;
    await queue.addBulk(todo.map((k) => ({
      name: 'path',
      data: jobs(k),
      // One job per path: a second enqueue of the same MC finds the id taken.
      opts: { jobId: `${name}.${k}`, attempts: 5, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: false },
    })));
    let done = reused;
    const mine = new Set(todo.map((k) => `${name}.${k}`));
    for (;;) {
      // A finished path is its row on the shared storage (written after its run folder).
      for (const k of todo) {
        if (rows.has(k)) continue;
        const r = readPathRow(dir, k);
        if (r) {
          rows.set(k, r);
          o.onPath?.(r, ++done, want.length);
        }
      }
      if (rows.size === want.length) break;
      // A path that failed every attempt is in the queue's failed set: one query per poll, not
      // one per pending path (a thousand round trips to Redis every quarter second).
      for (const job of await queue.getFailed()) {
        if (job === undefined || job.id === undefined || !mine.has(job.id) || job.attemptsMade < (job.opts.attempts ?? 1)) continue;
        const k = Number(job.id.slice(name.length + 1));
        if (!rows.has(k) && !readPathRow(dir, k)) throw new ConfigError(`path ${k} failed on the queue after ${job.attemptsMade} attempts: ${job.failedReason}`, { field: '--queue' });
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
    const list = want.map((k) => rows.get(k)!);
    return { dir, rows: list, ...(await writeSummary(dir, list, n, o.force ?? false)), ran: todo.length, reused };
  } finally {
    await queue.close();
  }
}

/**
 * A queue worker: runs paths until stopped (SIGINT/SIGTERM finish the current path first). Fails
 * at once, naming the address, when no Redis answers there.
 */
export async function startWorker(o: { url: string; concurrency?: number; lockMs?: number; onStart?(job: PathJob): void; onDone?(row: McRow): void; onRedisError?(e: Error): void }): Promise<Worker> {
  const connection = connectionOf(o.url);
  await checkRedis(connection as { host: string; port: number; password?: string });
  const worker = new Worker(QUEUE_NAME, async (job) => {
    const data = job.data as PathJob;
    o.onStart?.(data);
    const row = await runPath(data);
    o.onDone?.(row);
    return { k: row.k, resultsSha256: row.resultsSha256 };
  }, {
    connection,
    concurrency: o.concurrency ?? 1,
    // A killed worker's lock expires after lockDuration; the stalled check then re-queues its job.
    lockDuration: o.lockMs ?? 15_000,
    stalledInterval: Math.max(1000, Math.round((o.lockMs ?? 15_000) / 3)),
    maxStalledCount: 5,
  });
  worker.on('error', onceEach((e) => o.onRedisError?.(e)));
  return worker;
}
