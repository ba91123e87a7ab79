import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { distFresh } from '../dist-fresh.mjs';
import { PACKAGE_ROOT } from '../package-root.ts';
import { compact, type PostedColumn } from './spill-columns.ts';
import type { ColumnData } from './arrow-io.ts';

export type SpillMessage =
  | { op: 'chunk'; name: string; k: number; parts: Record<string, PostedColumn>[]; runId: string | undefined }
  | { op: 'finish'; id: number; name: string; parts: Record<string, PostedColumn>[] }
  | { op: 'table'; id: number; name: string; parts: Record<string, PostedColumn>[]; runId: string }
  | { op: 'sync'; id: number }
  | { op: 'close'; id: number };
/** A table written whole by the thread: its Arrow file (with size, hash, rows) and Parquet copy, in the spill folder. */
export interface ThreadTable {
  arrow: { file: string; bytes: number; sha256: string; rows: number };
  parquet: string;
}
export type SpillReply = { id: number; error?: string } & Partial<ThreadTable>;

/** Chunks posted and not yet written past which the replaying thread waits (memory stays bounded). */
const MAX_IN_FLIGHT = 8;

/**
 * A second thread that writes a run's spilled result chunks while the run goes on: a table made of
 * one spool goes chunk by chunk into its Arrow file and its Parquet copy, the chunks of a table
 * made of several (one per venue) into chunk files read back when it is written
 * (results/spill-task.ts). Encoding results was a third of a long backtest's time on the thread
 * that replays; this machine has a second core. The bytes are the same as writing them in line:
 * the same chunks in the same order, each file from its own chunks alone.
 * The thread starts with the first chunk (a run that never spills never starts it), or before the
 * replay when the run is long enough to spill (see prestart). Used from the
 * main thread only: a pool's workers (sweeps, Monte Carlo) already keep every core busy.
 */
export class SpillThread {
  private worker: Worker | undefined;
  /** [chunks in flight, failed flag, thread ready flag]. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(12));
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(r: SpillReply): void; reject(e: Error): void }>();
  private failure: Error | undefined;

  constructor(private readonly dir: string) {}

  /**
   * Whether spilling in a thread is the default here: in the main thread, unless
   * PRIMESIM_SPILL_THREAD=0, and not in the test suite (two test processes already keep both
   * cores busy; the tests that cover the thread ask for it).
   */
  static get wanted(): boolean {
    return isMainThread && process.env.PRIMESIM_SPILL_THREAD !== '0' && process.env.VITEST === undefined;
  }

  /**
   * Start the thread now rather than with the first chunk: a long run's first chunk comes a tenth
   * of the way in, and the thread then spent 0.15–0.4 s loading its modules while chunks queued —
   * a backlog the run waited for at its end. Started as the replay begins, it is ready first.
   */
  prestart(): void {
    this.worker ?? this.start();
  }

  private start(): Worker {
    // No inherited flags: a parent started with `--import tsx` would load the TypeScript loader in
    // this thread too (~0.2 s); the built task needs none, the fallback registers tsx itself.
    const w = new Worker(taskUrl(), { workerData: { dir: this.dir, ctrl: this.ctrl }, execArgv: [] });
    w.on('message', (r: SpillReply) => {
      if (r.error !== undefined) this.fail(new Error(`writing spilled results failed: ${r.error}`));
      const p = this.waiting.get(r.id);
      if (p === undefined) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) w.unref();
      if (r.error !== undefined) p.reject(this.failure!);
      else p.resolve(r);
    });
    w.on('error', (e) => this.fail(e));
    w.on('exit', (code) => {
      if (this.waiting.size > 0 || Atomics.load(this.ctrl, 0) > 0) this.fail(new Error(`the spill thread exited (code ${code}) with work pending`));
    });
    // Never what keeps the process alive (a run that throws still ends).
    w.unref();
    return (this.worker = w);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    Atomics.store(this.ctrl, 1, 1);
    for (const p of this.waiting.values()) p.reject(this.failure);
    this.waiting.clear();
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (Atomics.load(this.ctrl, 1) !== 0) throw new Error('writing spilled results failed in the spill thread');
  }

  /**
   * Write chunk `k` of spool `name`, given as the parts appended to it (joined into one chunk by
   * the thread): with a run id into the table's files, else as a chunk file.
   */
  chunk(name: string, k: number, parts: readonly Record<string, ColumnData>[], runId: string | undefined): void {
    this.check();
    const w = this.worker ?? this.start();
    Atomics.add(this.ctrl, 0, 1);
    const transfer = new Set<ArrayBuffer>();
    const posted = parts.map((p) => compact(p, transfer));
    w.postMessage({ op: 'chunk', name, k, parts: posted, runId } satisfies SpillMessage, [...transfer]);
    this.posted++;
    // Back-pressure: wait while the thread is MAX_IN_FLIGHT chunks behind — once it has started
    // (0.15–0.4 s to load its modules): the chunks of that start-up wait in its queue instead.
    if (Atomics.load(this.ctrl, 2) === 0) return;
    // A thread that died without a word (its exit event cannot reach a thread blocked here) must
    // not hang the run: a minute without one chunk written is taken as that.
    let still = 0;
    for (let n = Atomics.load(this.ctrl, 0); n > MAX_IN_FLIGHT; ) {
      if (Atomics.load(this.ctrl, 1) !== 0) this.check();
      if (Atomics.wait(this.ctrl, 0, n, 1000) === 'timed-out' && ++still >= 60) this.fail(new Error('the spill thread wrote nothing for a minute'));
      this.check();
      const m = Atomics.load(this.ctrl, 0);
      if (m !== n) still = 0;
      n = m;
    }
  }

  private request(m: { op: 'sync' } | { op: 'close' } | { op: 'finish'; name: string; parts: Record<string, PostedColumn>[] } | { op: 'table'; name: string; parts: Record<string, PostedColumn>[]; runId: string }): Promise<SpillReply> {
    this.check();
    const id = this.nextId++;
    const w = this.worker ?? this.start();
    // Referenced while a reply is awaited: otherwise the process could end waiting for it.
    w.ref();
    return new Promise<SpillReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ ...m, id } as SpillMessage);
    });
  }

  /** Chunks posted, and how many of them a settled() already waited for. */
  private posted = 0;
  private synced = 0;

  /** Resolves when every chunk posted so far is on disk (one round trip, however many tables ask). */
  async settled(): Promise<void> {
    if (this.worker === undefined || this.synced === this.posted) return;
    const upTo = this.posted;
    await this.request({ op: 'sync' });
    this.synced = Math.max(this.synced, upTo);
  }

  /** Append the last rows of spool `name` (the parts not yet spilled, maybe none) to its files and close them. */
  async finishTable(name: string, parts: readonly Record<string, ColumnData>[]): Promise<ThreadTable> {
    const r = await this.request({ op: 'finish', name, parts: parts.map((p) => compact(p)) });
    return { arrow: r.arrow!, parquet: r.parquet! };
  }

  /**
   * Write a whole table that is in memory (one record batch, as the run folder writes it) into its
   * Arrow file and Parquet copy: what the run folder would write on this thread, while this thread
   * goes on with other work. Its columns are copied, not moved (the caller may still read them).
   */
  async writeTable(name: string, cols: Record<string, ColumnData>, runId: string): Promise<ThreadTable> {
    const r = await this.request({ op: 'table', name, parts: [compact(cols)], runId });
    return { arrow: r.arrow!, parquet: r.parquet! };
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (w === undefined) return;
    // Files left open by a failed run are closed first (then the spill folder can go).
    if (!this.failure) await this.request({ op: 'close' }).catch(() => {});
    this.worker = undefined;
    // Its files are closed (above) and it holds nothing the run needs: it stops in the background
    // (waiting for that took ~9 ms at the end of every run; it never keeps the process alive).
    void w.terminate().catch(() => {});
  }
}

let task: URL | undefined;

/**
 * The thread's code: dist/spill-task.js (built by `npm install`) when it is newer than every
 * source file, else the TypeScript sources through tsx (slower to start, never stale).
 */
function taskUrl(): URL {
  if (task) return task;
  const built = join(PACKAGE_ROOT, 'dist', 'spill-task.js');
  return (task = distFresh(built) ? pathToFileURL(built) : new URL('./spill-worker.mjs', import.meta.url));
}
