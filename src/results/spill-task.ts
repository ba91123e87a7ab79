/**
 * The spill thread's work (see SpillThread): each chunk a run's recorder spills becomes its
 * Arrow chunk file and, for a table that is one spool, the next row groups of the table's Parquet
 * copy, so neither is encoded on the thread that replays. Messages are served in order.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { tableToIPC } from 'apache-arrow';
import type { ColumnData } from './arrow-io.ts';
import { ParquetTableWriter } from './parquet.ts';
import { tableOf } from './spool.ts';
import type { SpillMessage, SpillReply } from './spill-thread.ts';

const { dir, ctrl } = workerData as { dir: string; ctrl: Int32Array };
const parquet = new Map<string, ParquetTableWriter>();

function chunk(name: string, k: number, cols: Record<string, ColumnData>, runId: string | undefined): void {
  writeFileSync(join(dir, `${name}.${k}.arrow`), tableToIPC(tableOf(cols), 'file'));
  if (runId === undefined) return;
  let w = parquet.get(name);
  if (w === undefined) parquet.set(name, (w = new ParquetTableWriter(join(dir, `${name}.parquet`), runId)));
  w.append(cols);
}

Atomics.store(ctrl, 2, 1);
parentPort!.on('message', (m: SpillMessage) => {
  let reply: SpillReply | undefined;
  try {
    if (m.op === 'chunk') chunk(m.name, m.k, m.cols, m.runId);
    else if (m.op === 'finish') {
      const w = parquet.get(m.name);
      if (w === undefined) throw new Error(`spill thread: no Parquet copy was begun for ${m.name}`);
      if (m.cols !== undefined) w.append(m.cols);
      w.finish();
      parquet.delete(m.name);
      reply = { id: m.id, file: w.file };
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
