import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArrow } from './arrow-io.ts';
import { writeParquetFile } from './parquet.ts';
import { ChunkedTable, tableChunks, writeArrowChunks, type TableData } from './spool.ts';
import type { ResultFile } from './recorder.ts';
import { writeParquetCopies } from './run-store.ts';
import type { ThreadTable } from './spill-thread.ts';
import { commitOutput, runTarget } from './safe-output.ts';
import { versions } from './versions.ts';

/** Tables by name: columns in memory, or a spool (chunks on disk, see TableSpool). */
export interface RunTables {
  [table: string]: TableData;
}

export interface RunFolderSpec {
  runsDir: string;
  runId: string;
  /** Shown by `primesim query` in the `runs` table. */
  strategy: { name: string; file?: string; params: unknown };
  dataset: { name: string; [k: string]: unknown };
  config: { seed: number; [k: string]: unknown };
  counts: Record<string, number>;
  metrics: Record<string, number | string>;
  tables: RunTables;
  /** Extra deterministic manifest fields (models, instruments, …). */
  extra?: Record<string, unknown>;
  /** Wall-clock figures (excluded from result hashes). */
  timing?: Record<string, number | string>;
  /** Replace an existing folder at runsDir/runId even if it is not a run (never the cwd or home). */
  force?: boolean;
}

/**
 * Writes a run folder that `primesim query` and `primesim report` understand: Arrow tables,
 * Parquet copies and manifest.json, in a hidden temporary folder renamed into place when whole.
 */
export async function writeRunFolder(spec: RunFolderSpec): Promise<{ dir: string; files: ResultFile[]; resultsSha256: string; manifest: Record<string, unknown> }> {
  const { final, tmp } = runTarget(spec.runsDir, spec.runId, spec.force);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    // A spill thread closes the files it wrote for whole tables (after the chunks it has queued)
    // while this thread writes the tables in memory; spilled tables' chunk files are complete
    // before they are read (the second pass).
    const byThread = new Map<string, Promise<ThreadTable | undefined>>();
    for (const [table, t] of Object.entries(spec.tables)) {
      if (!(t instanceof ChunkedTable)) continue;
      const p = t.written(spec.runId);
      p.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection
      byThread.set(table, p);
    }
    const byTable = new Map<string, ResultFile>();
    const copies = new Map<string, string>();
    // Tables in memory first (the thread may still be closing its files), then spilled ones.
    for (const pass of [false, true]) {
      if (pass) for (const t of Object.values(spec.tables)) if (t instanceof ChunkedTable) await t.settled();
      for (const [table, cols] of Object.entries(spec.tables)) {
        if (cols instanceof ChunkedTable !== pass) continue;
        const file = `${table}.arrow`;
        const done = await byThread.get(table);
        if (done !== undefined) {
          renameSync(done.arrow.file, join(tmp, file));
          byTable.set(table, { table, file, bytes: done.arrow.bytes, sha256: done.arrow.sha256, rows: done.arrow.rows });
          copies.set(table, done.parquet);
        } else {
          byTable.set(table, { table, file, ...writeArrowChunks(join(tmp, file), tableChunks(cols)) });
          // Its Parquet copy now, while the spill thread may still be closing its files (written
          // later, it waited for them): the same bytes writeParquetCopies would write.
          if (!(cols instanceof ChunkedTable)) {
            const early = join(tmp, `${table}.parquet.early`);
            writeParquetFile(early, [Object.keys(cols).length > 0 ? cols : readArrow(join(tmp, file))], spec.runId);
            copies.set(table, early);
          }
        }
      }
    }
    const files = Object.keys(spec.tables).map((t) => byTable.get(t)!);
    const resultsSha256 = createHash('sha256').update(files.map((f) => `${f.file}:${f.sha256}`).join('\n')).digest('hex');
    const manifest = {
      format: 'primesim-run/1' as const,
      runId: spec.runId,
      config: spec.config,
      strategy: spec.strategy,
      dataset: spec.dataset,
      versions: versions(),
      counts: spec.counts,
      ...(spec.extra ?? {}),
      files,
      resultsSha256,
      metrics: spec.metrics,
      timing: spec.timing ?? {},
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // The copies are made from the columns in memory (the same values the Arrow files hold).
    await writeParquetCopies({ dir: tmp, runId: spec.runId, manifest }, spec.tables, copies);
    commitOutput(tmp, final);
    return { dir: final, files, resultsSha256, manifest };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    for (const t of Object.values(spec.tables)) if (t instanceof ChunkedTable) t.dispose();
  }
}
