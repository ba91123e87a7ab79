import { createHash } from 'node:crypto';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeVector, RecordBatch, RecordBatchFileWriter, Schema, Table, tableToIPC, type Vector } from 'apache-arrow';
import { readArrow, utf8Vector, type ColumnData } from './arrow-io.ts';
import { isRepeated, repeatStr } from './columns.ts';
import { collectIfGrown } from './memory.ts';
import type { SpillThread, ThreadTable } from './spill-thread.ts';

/** Heap growth after which a spill also collects garbage (see collectIfGrown). */
const HEAP_GROWTH = 16 * 1024 * 1024;

/**
 * A result table that does not have to fit in memory: rows arrive in column chunks during the
 * run; once `chunkRows` rows are pending they are written to the spill folder as one Arrow file
 * and dropped, so a run's memory stays flat however long its data (the result tables of a
 * 60M-event market-making run held ~80 MB of row objects before). Chunks are read back one at a
 * time when the run folder is written, and become the record batches of the table's Arrow file.
 */
/** Rows of a table: columns in memory, or an Arrow table read back from a spilled chunk file. */
export type Chunk = Record<string, ColumnData> | Table;

/** A table read as a sequence of column chunks (see TableSpool, SpoolSeq). */
export abstract class ChunkedTable {
  abstract chunks(): Iterable<Chunk>;
  /** The columns with no rows (names and types), or undefined when nothing was ever appended. */
  abstract get empty(): Record<string, ColumnData> | undefined;
  abstract dispose(): void;
  /** Resolves when every chunk is on disk (chunks() reads them). */
  async settled(): Promise<void> {}
  /**
   * The table's Arrow file and Parquet copy (with the given run id) when a spill thread wrote them
   * as the chunks spilled: files to move into the run folder; undefined when they are to be
   * written from chunks().
   */
  async written(_runId: string): Promise<ThreadTable | undefined> {
    return undefined;
  }
}

export interface SpoolOptions {
  /** Writes the chunks off this thread (see SpillThread); none: written here, in line. */
  thread?: SpillThread;
  /**
   * With a thread, for a spool that is its table alone: the run id of its files, which the
   * thread writes as chunks spill (there are then no chunk files: see `written`).
   */
  runId?: string;
  /** Collect garbage after a spill when the heap has grown (see collectIfGrown; default true). */
  collect?: boolean;
  /**
   * Keep each chunk in memory, joined, instead of in a file (a short run: a Monte Carlo path's
   * tables are a few MB, and a file per chunk, written and read back, cost more than they save).
   * The chunks, hence the files written from them, are the same.
   */
  inMemory?: boolean;
}

export class TableSpool extends ChunkedTable {
  private pending: Record<string, ColumnData>[] = [];
  private pendingRows = 0;
  private spilled = 0;
  /** The spilled chunks, with `inMemory`. */
  private readonly kept: Record<string, ColumnData>[] = [];
  private template: Record<string, ColumnData> | undefined;
  /** Rows appended so far (spilled and pending). */
  rows = 0;

  constructor(
    readonly name: string,
    /** Where chunks go; undefined keeps everything in memory (a spool that never spills). */
    private readonly dir: string | undefined,
    private readonly chunkRows: number,
    private readonly opts: SpoolOptions = {},
  ) {
    super();
  }

  /** Append rows given as columns of equal length (same names and types on every call). */
  append(cols: Record<string, ColumnData>): void {
    this.appendParts([cols]);
  }

  /**
   * Append consecutive parts as if they were one (the spill, if due, comes after the last): the
   * chunks, hence the files, are those of appending their rows at once.
   */
  appendParts(parts: readonly Record<string, ColumnData>[]): void {
    if (this.finishing !== undefined) throw new Error(`${this.name}: rows appended after its files were finished`);
    for (const cols of parts) {
      const n = columnLength(cols);
      this.template ??= emptyLike(cols);
      if (n === 0) continue;
      this.pending.push(cols);
      this.pendingRows += n;
      this.rows += n;
    }
    if (this.dir !== undefined && this.pendingRows >= this.chunkRows) this.spill();
  }

  private spill(): void {
    // A thread joins the parts itself; in line they are joined here.
    if (this.opts.inMemory) this.kept.push(concatColumns(this.pending));
    else if (this.opts.thread) this.opts.thread.chunk(this.name, this.spilled, this.pending, this.opts.runId);
    else writeFileSync(join(this.dir!, `${this.name}.${this.spilled}.arrow`), tableToIPC(tableOf(concatColumns(this.pending)), 'file'));
    this.spilled++;
    this.pending = [];
    this.pendingRows = 0;
    if (this.opts.collect !== false) collectIfGrown(HEAP_GROWTH);
  }

  /** Chunks in order: spilled ones (read back one at a time), then what is still in memory. */
  *chunks(): Generator<Chunk> {
    if (this.opts.thread && this.opts.runId !== undefined && this.spilled > 0) throw new Error(`${this.name}: its spilled rows are in the files the spill thread wrote (see written())`);
    for (let k = 0; k < this.spilled; k++) {
      if (this.opts.inMemory) {
        yield this.kept[k]!;
        continue;
      }
      // Read back as Arrow: its batches go to the result file as they are (no string decoding).
      yield readArrow(join(this.dir!, `${this.name}.${k}.arrow`));
      if (this.opts.collect !== false) collectIfGrown(HEAP_GROWTH);
    }
    if (this.pendingRows > 0) yield concatColumns(this.pending);
  }

  /** The columns with no rows (names and types), or undefined when nothing was ever appended. */
  get empty(): Record<string, ColumnData> | undefined {
    return this.template;
  }

  override async settled(): Promise<void> {
    if (this.opts.thread && this.spilled > 0) await this.opts.thread.settled();
  }

  /** The thread's finishing of this table's files, once asked (see finish). */
  private finishing: Promise<ThreadTable> | undefined;

  override async written(runId: string): Promise<ThreadTable | undefined> {
    if (!this.opts.thread || this.opts.runId === undefined || this.spilled === 0) return undefined;
    if (this.opts.runId !== runId) throw new Error(`${this.name}: spilled for run ${this.opts.runId}, written as ${runId}`);
    return (this.finishing ??= this.opts.thread.finishTable(this.name, this.pendingRows > 0 ? this.pending : []));
  }

  /**
   * No more rows come: a thread writing this table's files is asked to finish them now, while
   * the run goes on (`written` then waits for that). Nothing to do for a spool written here.
   */
  finish(): void {
    if (this.opts.runId === undefined) return;
    this.written(this.opts.runId).catch(() => {}); // a failure is seen where written() is awaited
  }

  /** Remove the spilled chunk files (or the files a spill thread wrote, if not moved away). */
  dispose(): void {
    if (this.opts.inMemory) {
      this.kept.length = 0;
      return;
    }
    if (this.opts.thread && this.opts.runId !== undefined) {
      for (const ext of ['arrow', 'parquet']) rmSync(join(this.dir!, `${this.name}.${ext}`), { force: true });
      return;
    }
    for (let k = 0; k < this.spilled; k++) rmSync(join(this.dir!, `${this.name}.${k}.arrow`), { force: true });
  }
}

/** Several spools read one after the other as one table (e.g. each venue's orders, in venue order). */
export class SpoolSeq extends ChunkedTable {
  constructor(private readonly parts: readonly TableSpool[]) {
    super();
  }

  *chunks(): Generator<Chunk> {
    for (const p of this.parts) yield* p.chunks();
  }

  get empty(): Record<string, ColumnData> | undefined {
    for (const p of this.parts) if (p.empty) return p.empty;
    return undefined;
  }

  dispose(): void {
    for (const p of this.parts) p.dispose();
  }

  override async settled(): Promise<void> {
    for (const p of this.parts) await p.settled();
  }

  /** A sequence of one spool is that spool (a one-venue run's orders, fills, positions). */
  override async written(runId: string): Promise<ThreadTable | undefined> {
    return this.parts.length === 1 ? this.parts[0]!.written(runId) : undefined;
  }
}

/**
 * A whole table in memory that a spill thread writes (SpillThread.writeTable) from the moment it is
 * made, while the run goes on with its metrics and other tables: the run folder moves its files in
 * as it does a spilled table's. Its chunk is its columns, as a table in memory.
 */
export class PostedTable extends ChunkedTable {
  private readonly files: Promise<ThreadTable>;

  constructor(
    private readonly cols: Record<string, ColumnData>,
    thread: SpillThread,
    private readonly dir: string,
    private readonly name: string,
    private readonly runId: string,
  ) {
    super();
    this.files = thread.writeTable(name, cols, runId);
    this.files.catch(() => {}); // awaited by written(); a failure must not be an unhandled rejection
  }

  *chunks(): Generator<Chunk> {
    yield this.cols;
  }

  get empty(): Record<string, ColumnData> | undefined {
    return emptyLike(this.cols);
  }

  override async written(runId: string): Promise<ThreadTable | undefined> {
    if (runId !== this.runId) throw new Error(`${this.name}: posted for run ${this.runId}, written as ${runId}`);
    return this.files;
  }

  /** Remove the files the thread wrote, if not moved away. */
  dispose(): void {
    for (const ext of ['arrow', 'parquet']) rmSync(join(this.dir, `${this.name}.${ext}`), { force: true });
  }
}

/** A table given whole in memory or in chunks. */
export type TableData = Record<string, ColumnData> | ChunkedTable;

/** The table's chunks (one for an in-memory table; an empty spool gives its empty columns). */
export function* tableChunks(t: TableData): Generator<Chunk> {
  if (!(t instanceof ChunkedTable)) {
    yield t;
    return;
  }
  let any = false;
  for (const c of t.chunks()) {
    any = true;
    yield c;
  }
  if (!any) yield t.empty ?? {};
}

/**
 * Write one Arrow IPC file from chunks, each a record batch, streaming (one chunk in memory at a
 * time); returns its size, sha256 and rows. One chunk gives the same bytes as `writeArrow`.
 */
export function writeArrowChunks(file: string, chunks: Iterable<Chunk>): { bytes: number; sha256: string; rows: number } {
  const w = new ArrowTableWriter(file);
  try {
    for (const cols of chunks) w.append(cols);
    return w.finish();
  } finally {
    w.close();
  }
}

/** An Arrow IPC file written chunk by chunk (each chunk's batches), hashed as it is written. */
export class ArrowTableWriter {
  private readonly writer = new RecordBatchFileWriter();
  // The writer queues its output in memory until read; it is drained to the file after every
  // batch (the queue's buffer list, apache-arrow 21's AsyncByteQueue), so no table is held whole.
  private readonly sink = (this.writer as unknown as { _sink: { _values: Uint8Array[] } })._sink;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private rows = 0;
  private schema: Schema | undefined;
  private closed = false;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  private drain(): void {
    const q = this.sink._values;
    if (!Array.isArray(q)) throw new Error('apache-arrow writer internals changed: cannot stream a spooled table');
    for (const b of q.splice(0)) {
      writeSync(this.fd, b);
      this.hash.update(b);
      this.bytes += b.byteLength;
    }
  }

  append(cols: Chunk): void {
    const table = cols instanceof Table ? cols : tableOf(cols);
    this.rows += table.numRows;
    const schema = (this.schema ??= table.schema);
    // A chunk read back from disk carries equal types as other objects (Float vs Float64), which
    // the writer would take for a new schema: its batches are re-labelled with the first one's.
    for (const b of table.batches) this.writer.write(b.schema === schema ? b : new RecordBatch(schema, b.data));
    if (table.batches.length === 0) this.writer.write(table);
    this.drain();
  }

  finish(): { bytes: number; sha256: string; rows: number } {
    this.writer.finish();
    this.drain();
    this.close();
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), rows: this.rows };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

export function tableOf(cols: Record<string, ColumnData>): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, data] of Object.entries(cols)) vectors[name] = Array.isArray(data) ? utf8Vector(data) : makeVector(data);
  return new Table(vectors);
}

function columnLength(cols: Record<string, ColumnData>): number {
  for (const k in cols) return cols[k]!.length;
  return 0;
}

function emptyLike(cols: Record<string, ColumnData>): Record<string, ColumnData> {
  const out: Record<string, ColumnData> = {};
  for (const [k, c] of Object.entries(cols)) out[k] = Array.isArray(c) ? [] : new (c.constructor as new (n: number) => Exclude<ColumnData, string[]>)(0);
  return out;
}

/** Concatenate chunks of the same columns. */
export function concatColumns(parts: readonly Record<string, ColumnData>[]): Record<string, ColumnData> {
  if (parts.length === 1) return parts[0]!;
  const out: Record<string, ColumnData> = {};
  const first = parts[0]!;
  for (const k of Object.keys(first)) {
    const c0 = first[k]!;
    if (Array.isArray(c0)) {
      // Constant parts of one value (venue, account…) join into a constant column, marked as such.
      if (parts.every((p) => isRepeated(p[k] as string[]) && (p[k] as string[])[0] === c0[0])) {
        out[k] = repeatStr(c0[0]!, parts.reduce((n, p) => n + p[k]!.length, 0));
        continue;
      }
      const all: string[] = [];
      for (const p of parts) {
        const c = p[k] as string[];
        for (let i = 0; i < c.length; i++) all.push(c[i]!);
      }
      out[k] = all;
    } else {
      let n = 0;
      for (const p of parts) n += p[k]!.length;
      const arr = new (c0.constructor as new (n: number) => Exclude<ColumnData, string[]>)(n);
      let o = 0;
      for (const p of parts) {
        const c = p[k] as Exclude<ColumnData, string[]>;
        (arr as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(c as ArrayLike<unknown>, o);
        o += c.length;
      }
      out[k] = arr;
    }
  }
  return out;
}
