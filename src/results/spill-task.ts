/**
 * The spill thread's work (see SpillThread): each chunk a run's recorder spills goes into its
 * table's Arrow file and Parquet copy (a table that is one spool), or becomes a chunk file read
 * back when its table is written (a table of several spools, one per venue or account), so
 * nothing is encoded on the thread that replays. Messages are served in order.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { tableToIPC } from 'apache-arrow';
import type { ColumnData } from './arrow-io.ts';
import { ParquetTableWriter } from './parquet.ts';
import { ArrowTableWriter, concatColumns, tableOf } from './spool.ts';
import { expand } from './spill-columns.ts';
import type { SpillMessage, SpillReply } from './spill-thread.ts';

const { dir, ctrl } = workerData as { dir: string; ctrl: Int32Array };
/** A table's two result files, written here chunk by chunk. */
const tables = new Map<string, { arrow: ArrowTableWriter; parquet: ParquetTableWriter }>();

function chunk(name: string, k: number, cols: Record<string, ColumnData>, runId: string | undefined): void {
  // Part of a table: a chunk file, read back when the table is written.
  if (runId === undefined) {
    writeFileSync(join(dir, `${name}.${k}.arrow`), tableToIPC(tableOf(cols), 'file'));
    return;
  }
  // A table by itself: straight into its Arrow file and its Parquet copy.
  let t = tables.get(name);
  if (t === undefined) tables.set(name, (t = { arrow: new ArrowTableWriter(join(dir, `${name}.arrow`)), parquet: new ParquetTableWriter(join(dir, `${name}.parquet`), runId) }));
  t.arrow.append(cols);
  t.parquet.append(cols);
}

Atomics.store(ctrl, 2, 1);
parentPort!.on('message', (m: SpillMessage) => {
  let reply: SpillReply | undefined;
  try {
    // The parts appended since the last spill, joined here (not on the replaying thread).
    if (m.op === 'chunk') chunk(m.name, m.k, concatColumns(m.parts.map(expand)), m.runId);
    else if (m.op === 'finish' || m.op === 'table') {
      // A whole table in memory is begun and finished here (one batch: the parts joined).
      if (m.op === 'table') {
        if (tables.has(m.name)) throw new Error(`spill thread: ${m.name} was begun already`);
        tables.set(m.name, { arrow: new ArrowTableWriter(join(dir, `${m.name}.arrow`)), parquet: new ParquetTableWriter(join(dir, `${m.name}.parquet`), m.runId) });
      }
      const t = tables.get(m.name);
      if (t === undefined) throw new Error(`spill thread: no files were begun for ${m.name}`);
      tables.delete(m.name);
      if (m.parts.length > 0) {
        const cols = concatColumns(m.parts.map(expand));
        t.arrow.append(cols);
        t.parquet.append(cols);
      }
      const arrow = { file: t.arrow.file, ...t.arrow.finish() };
      t.parquet.finish();
      reply = { id: m.id, arrow, parquet: t.parquet.file };
    } else if (m.op === 'close') {
      // The run failed or ended: nothing half-written stays open.
      for (const t of tables.values()) {
        t.arrow.close();
        rmSync(t.arrow.file, { force: true });
        rmSync(t.parquet.file, { force: true });
      }
      tables.clear();
      reply = { id: m.id };
    } else reply = { id: m.id };
  } catch (e) {
    // The replaying thread sees the failure at its next chunk or when it waits for this one.
    Atomics.store(ctrl, 1, 1);
    Atomics.notify(ctrl, 0);
    parentPort!.postMessage({ id: 'id' in m ? m.id : -1, error: (e as Error).stack ?? String(e) } satisfies SpillReply);
    return;
  } finally {
    if (m.op === 'chunk') {
      Atomics.sub(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
    }
  }
  if (reply) parentPort!.postMessage(reply);
});
