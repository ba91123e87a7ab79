import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import type { Instrument } from '../../market/instrument.ts';
import { CatalogWriter, sha256File, type CatalogManifest } from '../catalog.ts';
import { checkOutputTarget } from '../../results/safe-output.ts';
import { BadRows, type OnBadRow } from '../readers/bad-rows.ts';
import { detectFormat, type DatasetFormat, type InstrumentHints } from '../readers/detect.ts';
import type { ReadStats } from '../readers/lines.ts';
import { readMarketRows, resolveInstrument } from '../readers/read-any.ts';

export const IMPORTER_VERSION = 'primesim-import/1';

/** Rows between progress callbacks: often enough for a bar, rare enough to cost nothing. */
export const PROGRESS_EVERY_ROWS = 1 << 16;

export type ProgressFn = (bytesRead: number, totalBytes: number, rows: number) => void;

export interface ImportOptions {
  input: string;
  /** Catalog folder to create (replaced atomically if it exists and the import succeeds). */
  out: string;
  /** Default: known for Binance captures/CSV, inferred from the data for Tardis (see detect.ts). */
  instrument?: Instrument;
  /** Override parts of a known or inferred instrument (e.g. the real tick of a Tardis file). */
  instrumentHints?: InstrumentHints;
  onBadRow?: OnBadRow;
  onProgress?: ProgressFn;
  /** Catalog name; default the output folder's base name. */
  name?: string;
  /** Replace a non-catalog folder at `out` (never the current or home folder). */
  force?: boolean;
}

export function checkInput(input: string): void {
  if (!existsSync(input)) throw new DataError('input file does not exist', { file: input });
  const st = statSync(input);
  if (st.isDirectory()) throw new DataError('is a folder, not a data file', { file: input, hint: 'give one capture or CSV file; a catalog folder is already imported' });
  if (!st.isFile()) throw new DataError('is not a regular file', { file: input });
}

/**
 * Converts one input file into a catalog folder. Rows stream from the reader straight into the
 * CatalogWriter (memory stays flat); on any error the writer's temporary folder is removed, so
 * a failed import leaves nothing behind and an existing catalog at `out` is untouched.
 */
export async function importDataset(opts: ImportOptions): Promise<CatalogManifest> {
  checkInput(opts.input);
  checkOutputTarget(opts.out, 'catalog', { force: opts.force ?? false });
  const format: DatasetFormat = await detectFormat(opts.input);
  const instrument = await resolveInstrument(opts.input, format, opts.instrument, opts.instrumentHints);
  const sourceSha256 = await sha256File(opts.input);
  const bad = new BadRows(opts.onBadRow ?? 'error');
  const stats: ReadStats = { bytesRead: 0, totalBytes: 0 };
  const progress = opts.onProgress;
  const writer = new CatalogWriter(opts.out, instrument, undefined, opts.force ?? false);
  let rows = 0;
  try {
    await readMarketRows(opts.input, format, { instrument, badRows: bad, stats }, (r) => {
      writer.push(r);
      if (++rows % PROGRESS_EVERY_ROWS === 0 && progress) progress(stats.bytesRead, stats.totalBytes, rows);
    });
    progress?.(stats.totalBytes, stats.totalBytes, rows);
    return writer.finish({
      name: opts.name ?? basename(opts.out),
      provenance: {
        source: basename(opts.input),
        sourceSha256,
        importedWith: IMPORTER_VERSION,
        generator: { format: format.type === 'tardis' ? `tardis:${format.kind}` : format.type },
      },
      skipped: bad.snapshot(),
    });
  } catch (e) {
    writer.abort();
    throw e;
  }
}
