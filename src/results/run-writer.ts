import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedTable, tableChunks, writeArrowChunks, type TableData } from './spool.ts';
import type { ResultFile } from './recorder.ts';
import { writeParquetCopies } from './run-store.ts';
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
    // Spilled tables: their chunk files are complete before they are read; a spill thread then
    // closes the Parquet copies it made while this thread writes the Arrow files.
    for (const t of Object.values(spec.tables)) if (t instanceof ChunkedTable) await t.settled();
    const made = new Map<string, Promise<string | undefined>>();
    for (const [table, t] of Object.entries(spec.tables)) {
      if (!(t instanceof ChunkedTable)) continue;
      const p = t.parquetCopy(spec.runId);
      p.catch(() => {}); // awaited below; an early failure must not be an unhandled rejection
      made.set(table, p);
    }
    const files: ResultFile[] = [];
    for (const [table, cols] of Object.entries(spec.tables)) {
      const file = `${table}.arrow`;
      files.push({ table, file, ...writeArrowChunks(join(tmp, file), tableChunks(cols)) });
    }
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
    await writeParquetCopies({ dir: tmp, runId: spec.runId, manifest }, spec.tables, made);
    commitOutput(tmp, final);
    return { dir: final, files, resultsSha256, manifest };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    for (const t of Object.values(spec.tables)) if (t instanceof ChunkedTable) t.dispose();
  }
}
