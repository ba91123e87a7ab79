import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkOutputTarget, commitOutput, tempSibling } from '../results/safe-output.ts';
import { DataError } from '../errors.ts';
import type { Instrument } from '../market/instrument.ts';
import { allocChunk, MARKET_COLUMNS, type MarketChunk, type MarketRow } from './market-rows.ts';

/**
 * A dataset catalog is one folder: `manifest.json` plus one little-endian binary file per
 * column (`market.<column>.bin`). Raw columns rather than Arrow/Parquet because replay reads
 * fixed-size chunks with `readSync` straight into reused typed arrays: memory stays flat in
 * dataset length and decoding costs nothing. Results (runs) are Arrow; datasets are inputs.
 */
export const CATALOG_FORMAT = 'primesim-catalog/1';

export interface CatalogManifest {
  format: typeof CATALOG_FORMAT;
  name: string;
  instrument: Instrument;
  rows: number;
  counts: { level: number; snapshot: number; trade: number; bbo: number; messages: number };
  timeRange: { startUs: number; endUs: number };
  /** min(localTs − ts): the capture clock's offset from the exchange; subtract it to get feed latency. */
  clockOffsetUs: number;
  columns: { name: string; type: string; file: string; bytes: number; sha256: string }[];
  provenance: { source: string; sourceSha256?: string; generator?: Record<string, unknown>; importedWith: string };
  skippedRows: { count: number; examples: string[] };
}

const BYTES: Record<string, number> = { f64: 8, u8: 1, i32: 4 };

function columnFile(name: string): string {
  return `market.${name}.bin`;
}

/**
 * Streams rows into column files in a temporary folder and renames it into place on `finish()`,
 * so an interrupted import never leaves a folder that looks like a catalog.
 */
export class CatalogWriter {
  private readonly tmp: string;
  private readonly chunk: MarketChunk;
  private readonly fds: number[];
  private readonly hashes = MARKET_COLUMNS.map(() => createHash('sha256'));
  private rows = 0;
  private counts = { level: 0, snapshot: 0, trade: 0, bbo: 0, messages: 0 };
  private startUs = Infinity;
  private endUs = -Infinity;
  private clockOffsetUs = Infinity;
  private lastLocalTs = -Infinity;

  readonly dir: string;

  constructor(
    dir: string,
    private readonly instrument: Instrument,
    private readonly chunkRows = 1 << 16,
    force = false,
  ) {
    // Refuse before any work if `dir` holds something other than a catalog (see safe-output.ts).
    this.dir = checkOutputTarget(dir, 'catalog', { force, field: '--out' });
    this.tmp = tempSibling(this.dir);
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
    this.chunk = allocChunk(chunkRows);
    this.fds = MARKET_COLUMNS.map((c) => openSync(join(this.tmp, columnFile(c.name)), 'w'));
  }

  /** Rows must arrive in non-decreasing localTsUs (the replay order). */
  push(r: MarketRow): void {
    if (r.localTsUs < this.lastLocalTs) {
      throw new DataError(`receive timestamp ${r.localTsUs} goes backwards (previous ${this.lastLocalTs})`, { field: 'localTsUs' });
    }
    this.lastLocalTs = r.localTsUs;
    const c = this.chunk;
    const i = c.length;
    c.tsUs[i] = r.tsUs;
    c.localTsUs[i] = r.localTsUs;
    c.kind[i] = r.kind;
    c.side[i] = r.side;
    c.flags[i] = r.flags;
    c.priceTicks[i] = r.priceTicks;
    c.sizeLots[i] = r.sizeLots;
    c.length = i + 1;
    this.rows++;
    if (r.kind === 0) this.counts.level++;
    else if (r.kind === 1) this.counts.snapshot++;
    else if (r.kind === 2) this.counts.trade++;
    else this.counts.bbo++;
    if (r.flags & 1) this.counts.messages++;
    if (r.tsUs < this.startUs) this.startUs = r.tsUs;
    if (r.tsUs > this.endUs) this.endUs = r.tsUs;
    const off = r.localTsUs - r.tsUs;
    if (off < this.clockOffsetUs) this.clockOffsetUs = off;
    if (c.length === this.chunkRows) this.flush();
  }

  get rowCount(): number {
    return this.rows;
  }

  private flush(): void {
    const c = this.chunk;
    if (c.length === 0) return;
    MARKET_COLUMNS.forEach((col, k) => {
      const arr = c[col.name];
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, c.length * BYTES[col.type]!);
      this.hashes[k]!.update(bytes);
      writeSync(this.fds[k]!, bytes);
    });
    c.length = 0;
  }

  finish(meta: { name: string; provenance: CatalogManifest['provenance']; skipped?: CatalogManifest['skippedRows'] }): CatalogManifest {
    this.flush();
    for (const fd of this.fds) {
      fsyncSync(fd);
      closeSync(fd);
    }
    const manifest: CatalogManifest = {
      format: CATALOG_FORMAT,
      name: meta.name,
      instrument: this.instrument,
      rows: this.rows,
      counts: this.counts,
      timeRange: { startUs: this.rows ? this.startUs : 0, endUs: this.rows ? this.endUs : 0 },
      clockOffsetUs: this.rows ? this.clockOffsetUs : 0,
      columns: MARKET_COLUMNS.map((c, k) => ({
        name: c.name,
        type: c.type,
        file: columnFile(c.name),
        bytes: this.rows * BYTES[c.type]!,
        sha256: this.hashes[k]!.digest('hex'),
      })),
      provenance: meta.provenance,
      skippedRows: meta.skipped ?? { count: 0, examples: [] },
    };
    writeFileSync(join(this.tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    commitOutput(this.tmp, this.dir);
    return manifest;
  }

  abort(): void {
    for (const fd of this.fds) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export function readManifest(dir: string): CatalogManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new DataError('not a dataset catalog (no manifest.json)', { file: dir, hint: 'create one with `primesim data import` or `primesim data generate`' });
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`manifest is not JSON: ${(e as Error).message}`, { file });
  }
  const man = m as Partial<CatalogManifest>;
  if ((man.format as string | undefined) === 'primesim-run/1') throw new DataError('not a dataset catalog: this is a run folder (a run\'s results: primesim query or report; data comes from primesim data import or generate)', { file, field: 'format' });
  if (man.format !== CATALOG_FORMAT) throw new DataError(`unknown catalog format ${String(man.format)}`, { file, field: 'format' });
  if (typeof man.rows !== 'number' || !Array.isArray(man.columns) || !man.instrument) {
    throw new DataError('manifest is missing rows, columns or instrument', { file });
  }
  for (const c of man.columns) {
    const p = join(dir, c.file);
    if (!existsSync(p)) throw new DataError(`column file ${c.file} is missing`, { file: dir, field: c.name });
  }
  return man as CatalogManifest;
}

/**
 * Reads a catalog chunk by chunk into one reused MarketChunk. `next()` returns false at the end.
 */
export class CatalogReader {
  readonly manifest: CatalogManifest;
  readonly chunk: MarketChunk;
  private readonly fds: number[];
  private readonly bufs: Uint8Array[];
  private pos = 0;

  constructor(
    readonly dir: string,
    readonly chunkRows = 1 << 16,
  ) {
    this.manifest = readManifest(dir);
    this.chunk = allocChunk(chunkRows);
    this.fds = MARKET_COLUMNS.map((c) => openSync(join(dir, columnFile(c.name)), 'r'));
    this.bufs = MARKET_COLUMNS.map((c) => {
      const a = this.chunk[c.name];
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    });
  }

  next(): boolean {
    const n = Math.min(this.chunkRows, this.manifest.rows - this.pos);
    if (n <= 0) {
      this.chunk.length = 0;
      return false;
    }
    MARKET_COLUMNS.forEach((c, k) => {
      const bytes = n * BYTES[c.type]!;
      const got = readSync(this.fds[k]!, this.bufs[k]!, 0, bytes, this.pos * BYTES[c.type]!);
      if (got !== bytes) throw new DataError(`column file is truncated at row ${this.pos}`, { file: join(this.dir, columnFile(c.name)), field: c.name });
    });
    this.pos += n;
    this.chunk.length = n;
    return true;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}

/** sha256 of a whole file, streamed (for provenance of imported sources). */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** A catalog folder (market data or bars): its kind, rows and instrument as its manifest says, and every column file checked. */
export interface CatalogCheck {
  kind: string;
  rows: number;
  instrument: string | undefined;
  columns: number;
  /** One line per column file that is missing, of another size or of another sha256 than the manifest says. */
  problems: string[];
}

/**
 * Check every column file of a catalog against its manifest (size and sha256): what `data validate`
 * does for a folder already imported (a copied or long-kept catalog, before trusting its runs).
 */
export async function verifyCatalog(dir: string): Promise<CatalogCheck> {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) throw new DataError('not a catalog: manifest.json is missing', { file: dir });
  let m: { format?: unknown; kind?: unknown; rows?: unknown; instrument?: { venue?: unknown; symbol?: unknown }; columns?: unknown };
  try {
    m = JSON.parse(readFileSync(mf, 'utf8')) as typeof m;
  } catch (e) {
    throw new DataError(`manifest is not JSON: ${(e as Error).message}`, { file: mf });
  }
  if (m.format !== 'primesim-catalog/1' || !Array.isArray(m.columns)) throw new DataError('not a primesim catalog (format primesim-catalog/1 with columns)', { file: mf, field: 'format' });
  const problems: string[] = [];
  for (const c of m.columns as { name: string; file: string; bytes: number; sha256: string }[]) {
    const p = join(dir, c.file);
    if (!existsSync(p)) {
      problems.push(`${c.file}: missing`);
      continue;
    }
    const size = statSync(p).size;
    if (size !== c.bytes) {
      problems.push(`${c.file}: ${size} bytes, the manifest says ${c.bytes}`);
      continue;
    }
    const h = await sha256File(p);
    if (h !== c.sha256) problems.push(`${c.file}: sha256 ${h.slice(0, 12)}…, the manifest says ${c.sha256.slice(0, 12)}…`);
  }
  const inst = m.instrument;
  return {
    // A market catalog's manifest names no kind; bars and chain catalogs (oracle-rounds, aave-params …) do.
    kind: typeof m.kind === 'string' ? m.kind : 'market data',
    rows: typeof m.rows === 'number' ? m.rows : NaN,
    instrument: inst && typeof inst.venue === 'string' && typeof inst.symbol === 'string' ? `${inst.venue}:${inst.symbol}` : undefined,
    columns: m.columns.length,
    problems,
  };
}
