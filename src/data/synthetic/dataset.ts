import { CatalogWriter, type CatalogManifest } from '../catalog.ts';
import type { MarketRow } from '../market-rows.ts';
import { generateMarket } from './generator.ts';
import { resolveParams, type GenerateOptions, type ResolvedParams } from './params.ts';

export interface GenerateDatasetOptions extends GenerateOptions {
  /** Catalog folder to create (replaced if it exists). */
  dir: string;
  /** Catalog name in the manifest (default `synthetic-<profile>-<seed>`). */
  name?: string;
  /** Called every `progressEveryRows` rows and once at the end with the rows written so far. */
  onProgress?: (rows: number) => void;
  progressEveryRows?: number;
  /** Replace a non-catalog folder at `dir` (never the current or home folder). */
  force?: boolean;
}

export const GENERATOR_VERSION = 'primesim-synthetic/1';

/** Provenance record: every resolved parameter, so the catalog can be regenerated exactly. */
export function generatorProvenance(p: ResolvedParams): Record<string, unknown> {
  return { version: GENERATOR_VERSION, ...p, instrument: `${p.instrument.venue}:${p.instrument.symbol}` };
}

/** Generate a market into a catalog folder; the folder appears only when complete. */
export function generateDataset(opts: GenerateDatasetOptions): CatalogManifest {
  const { dir, name, onProgress, progressEveryRows, force, ...gen } = opts;
  const params = resolveParams(gen);
  const writer = new CatalogWriter(dir, params.instrument, undefined, force);
  const every = Math.max(1, Math.floor(progressEveryRows ?? 1 << 20));
  let rows = 0;
  try {
    const push = onProgress
      ? (r: MarketRow): void => {
          writer.push(r);
          if (++rows % every === 0) onProgress(rows);
        }
      : (r: MarketRow): void => writer.push(r);
    generateMarket(gen, push);
    const manifest = writer.finish({
      name: name ?? `synthetic-${params.profile}-${String(params.seed)}`,
      provenance: { source: 'synthetic', generator: generatorProvenance(params), importedWith: GENERATOR_VERSION },
    });
    onProgress?.(manifest.rows);
    return manifest;
  } catch (e) {
    writer.abort();
    throw e;
  }
}
