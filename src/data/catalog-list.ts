import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';

/** One catalog as `primesim data list` shows it. */
export interface CatalogEntry {
  /** The catalog's folder (as given, joined with its name). */
  dir: string;
  /** `market` (an order-book/trades catalog), `bars` or the chain catalog's kind. */
  kind: string;
  /** venue:symbol, when the catalog prices one instrument. */
  instrument?: string;
  /** A bars catalog's interval in µs. */
  intervalUs?: number;
  rows: number;
  /** Time covered (market and bars catalogs; a chain catalog's manifest does not keep it). */
  fromUs?: number;
  toUs?: number;
  /** Bytes of its column files. */
  bytes: number;
  /** The file it was imported from (or how it was made). */
  source?: string;
}

interface AnyManifest {
  format?: unknown;
  kind?: unknown;
  rows?: unknown;
  intervalUs?: unknown;
  instrument?: { venue?: string; symbol?: string };
  timeRange?: { startUs?: number; endUs?: number };
  columns?: { bytes?: number }[];
  provenance?: { source?: string };
  generator?: unknown;
}

/** The catalog at `dir`, or undefined when the folder holds none (no manifest, or another format: a run). */
export function catalogEntry(dir: string): CatalogEntry | undefined {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) return undefined;
  let m: AnyManifest;
  try {
    m = JSON.parse(readFileSync(mf, 'utf8')) as AnyManifest;
  } catch {
    return undefined;
  }
  if (m.format !== 'primesim-catalog/1') return undefined;
  const kind = typeof m.kind === 'string' ? m.kind : 'market';
  const inst = m.instrument?.venue && m.instrument.symbol ? `${m.instrument.venue}:${m.instrument.symbol}` : undefined;
  return {
    dir,
    kind,
    ...(inst !== undefined ? { instrument: inst } : {}),
    ...(typeof m.intervalUs === 'number' ? { intervalUs: m.intervalUs } : {}),
    rows: typeof m.rows === 'number' ? m.rows : NaN,
    ...(typeof m.timeRange?.startUs === 'number' && typeof m.timeRange.endUs === 'number' ? { fromUs: m.timeRange.startUs, toUs: m.timeRange.endUs } : {}),
    bytes: (m.columns ?? []).reduce((s, c) => s + (typeof c.bytes === 'number' ? c.bytes : 0), 0),
    ...(typeof m.provenance?.source === 'string' ? { source: m.provenance.source } : {}),
  };
}

/**
 * The catalogs in `folder` (its sub-folders, in name order), or the folder itself when it is one.
 * Folders that are not catalogs (runs, anything of the user's) are counted, not listed.
 */
export function listCatalogs(folder: string): { catalogs: CatalogEntry[]; others: number } {
  if (!existsSync(folder)) throw new ConfigError(`no folder ${folder}`, { field: 'folder', hint: 'import data first (primesim data import <file> --out datasets/<name>), or name the folder that holds your catalogs' });
  if (!statSync(folder).isDirectory()) throw new ConfigError(`${folder} is a file, not a folder of catalogs`, { field: 'folder' });
  const self = catalogEntry(folder);
  if (self) return { catalogs: [self], others: 0 };
  const catalogs: CatalogEntry[] = [];
  let others = 0;
  for (const name of readdirSync(folder).sort()) {
    const dir = join(folder, name);
    if (!statSync(dir).isDirectory()) continue;
    const e = catalogEntry(dir);
    if (e) catalogs.push(e);
    else others++;
  }
  return { catalogs, others };
}
