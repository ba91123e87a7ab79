/**
 * Bars as a catalog: the columns of an OHLCV series (bar start µs, open, high, low, close,
 * volume) as raw little-endian float64 files, hashed in a manifest (`primesim-catalog/1`,
 * `kind: bars`), written under a temporary name and renamed when whole. Reading is a few large
 * reads (a million bars in tens of milliseconds, against seconds for the CSV). Made by
 * `primesim data import <bars.csv | LEAN minute zip>` or built from a trade catalog by
 * `primesim data bars`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ConfigError, DataError } from '../errors.ts';
import { checkOutputTarget, commitOutput, tempSibling } from '../results/safe-output.ts';
import type { BarSeries } from './readers/bars.ts';
import { CatalogReader } from './catalog.ts';
import { sha256InBackground } from './background-sha256.ts';
import { lotsToQty, ticksToPrice, type Instrument } from '../market/instrument.ts';

export const BAR_COLUMNS = ['ts_us', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface BarsCatalogManifest {
  format: 'primesim-catalog/1';
  kind: 'bars';
  name: string;
  rows: number;
  intervalUs: number;
  timeRange: { startUs: number; endUs: number };
  columns: { name: string; file: string; bytes: number; sha256: string }[];
  provenance: { source: string; sha256?: string; builtWith: string };
  /**
   * The contract the bars price, when their source says: the trades catalog they were built from
   * (its instrument as imported: tick, lot, kind), or a LEAN file's market and symbol (a known
   * instrument). Runs on the catalog take it unless told otherwise (see bars-instrument.ts).
   */
  instrument?: Instrument;
  /** Rows of the source left out as bad (`data import --on-bad-row skip`): how many, the first problems. */
  skippedRows?: { count: number; examples: string[] };
}

/**
 * The error for a window (--from/--to) that keeps no bar, with the span the data has: the user
 * sees at once whether the window or the file is wrong.
 */
export function noBarsInRange(file: string, firstUs: number, lastUs: number): DataError {
  const iso = (us: number) => new Date(us / 1000).toISOString().replace('.000Z', 'Z');
  return new DataError('no bars in the requested range', { file, hint: Number.isFinite(firstUs) && Number.isFinite(lastUs) ? `the data has bars from ${iso(firstUs)} to ${iso(lastUs)}` : 'the data has no bars' });
}

/** `--data` names bars: an OHLCV CSV, a LEAN zip, or a bars catalog folder. */
export function isBarsData(path: string): boolean {
  if (!existsSync(path)) return false;
  return statSync(path).isDirectory() ? isBarsCatalog(path) : /\.(csv|zip)$/i.test(path);
}

/** True when `dir` is a bars catalog (a folder whose manifest says `kind: bars`). */
export function isBarsCatalog(dir: string): boolean {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) return false;
  try {
    const m = JSON.parse(readFileSync(mf, 'utf8')) as { format?: unknown; kind?: unknown };
    return m.format === 'primesim-catalog/1' && m.kind === 'bars';
  } catch {
    return false;
  }
}

/** Write a bars catalog at `out` (checked like every output: only a catalog or an empty folder is replaced). */
export function writeBarsCatalog(out: string, bars: BarSeries, provenance: BarsCatalogManifest['provenance'], force = false, instrument?: Instrument, skippedRows?: BarsCatalogManifest['skippedRows']): BarsCatalogManifest {
  const final = checkOutputTarget(out, 'catalog', { force, field: '--out' });
  const tmp = tempSibling(final);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const cols = [bars.tsUs, bars.open, bars.high, bars.low, bars.close, bars.volume];
    const columns = BAR_COLUMNS.map((name, k) => {
      const a = cols[k]!;
      const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      const file = `${name}.f64`;
      writeFileSync(join(tmp, file), buf);
      return { name, file, bytes: buf.byteLength, sha256: createHash('sha256').update(buf).digest('hex') };
    });
    const n = bars.tsUs.length;
    const m: BarsCatalogManifest = {
      format: 'primesim-catalog/1',
      kind: 'bars',
      name: basename(final),
      rows: n,
      intervalUs: bars.intervalUs,
      timeRange: { startUs: bars.tsUs[0]!, endUs: bars.tsUs[n - 1]! + bars.intervalUs },
      columns,
      provenance,
      ...(instrument !== undefined ? { instrument } : {}),
      ...(skippedRows !== undefined ? { skippedRows } : {}),
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    commitOutput(tmp, final);
    return m;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Column bytes from which `readBarsCatalog(…, { background: true })` checks the hashes on another
 * thread (~330,000 bars); below, hashing here costs a few milliseconds and starting a thread more.
 */
const BACKGROUND_SHA_BYTES = 16 << 20;

/**
 * Begin reading a bars catalog's column files on the thread pool (undefined when `dir` is not a
 * bars catalog): the thread that builds a run compiles its strategy meanwhile instead of waiting
 * on 48 MB of reads (a million bars). Gives each column file's bytes by path, for
 * `readBarsCatalog`'s `columns`; a file that cannot be read is left out (the read then reports it).
 */
export function prefetchBarsCatalog(dir: string): Promise<Map<string, Buffer>> | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !isBarsCatalog(dir)) return undefined;
  let m: BarsCatalogManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BarsCatalogManifest;
  } catch {
    return undefined;
  }
  const files = (Array.isArray(m.columns) ? m.columns : []).filter((c) => (BAR_COLUMNS as readonly string[]).includes(c.name)).map((c) => join(dir, c.file));
  return Promise.all(files.map((f) => readFile(f).then((b) => [f, b] as const, () => undefined))).then((r) => new Map(r.filter((x) => x !== undefined)));
}

/**
 * Read a bars catalog, checking every column's size and sha256 against the manifest. With
 * `background`, a large catalog's hashes are checked on another thread while the caller goes on:
 * the series carries that check as `check`, which the caller must await before it trusts (or
 * writes) anything made from the bars; it rejects with the same error the check here throws.
 */
export function readBarsCatalog(dir: string, range: { fromUs?: number; toUs?: number } = {}, opts: { background?: boolean; columns?: ReadonlyMap<string, Buffer> } = {}): BarSeries {
  const mf = join(dir, 'manifest.json');
  let m: BarsCatalogManifest;
  try {
    m = JSON.parse(readFileSync(mf, 'utf8')) as BarsCatalogManifest;
  } catch (e) {
    throw new DataError(`manifest is not JSON: ${(e as Error).message}`, { file: mf });
  }
  if (m.kind !== 'bars') throw new DataError('not a bars catalog', { file: mf, field: 'kind' });
  const listed = BAR_COLUMNS.map((name) => {
    const c = m.columns.find((x) => x.name === name);
    if (!c) throw new DataError(`no column ${name}`, { file: mf, field: 'columns' });
    const p = join(dir, c.file);
    if (!existsSync(p) || statSync(p).size !== c.bytes) throw new DataError(`column file ${c.file} is missing or not ${c.bytes} bytes`, { file: dir, field: name });
    return { name, c, p };
  });
  const mismatch = (x: (typeof listed)[number]) => new DataError(`column file ${x.c.file} does not match its sha256 in the manifest`, { file: dir, field: x.name });
  const background = opts.background === true && listed.reduce((n, x) => n + x.c.bytes, 0) >= BACKGROUND_SHA_BYTES;
  const cols: Float64Array[] = listed.map((x) => {
    // Bytes read ahead (prefetchBarsCatalog) when they are the whole file the manifest lists.
    const pre = opts.columns?.get(x.p);
    const buf = pre !== undefined && pre.byteLength === x.c.bytes ? pre : readFileSync(x.p);
    if (!background && createHash('sha256').update(buf).digest('hex') !== x.c.sha256) throw mismatch(x);
    // The file's own buffer when it is 8-byte aligned (a whole-file read is: no 8 MB copy per column).
    return buf.byteOffset % 8 === 0 ? new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8) : new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
  let check: Promise<void> | undefined;
  if (background) {
    check = sha256InBackground(listed.map((x) => x.p)).then((hs) => {
      listed.forEach((x, i) => {
        if (hs[i] !== x.c.sha256) throw mismatch(x);
      });
    });
    check.catch(() => {});
  }
  let a = 0;
  let b = cols[0]!.length;
  if (range.fromUs !== undefined) while (a < b && cols[0]![a]! < range.fromUs) a++;
  if (range.toUs !== undefined) while (b > a && cols[0]![b - 1]! >= range.toUs) b--;
  if (b <= a) throw noBarsInRange(dir, cols[0]![0] ?? NaN, cols[0]![cols[0]!.length - 1] ?? NaN);
  const [ts, open, high, low, close, volume] = cols.map((c) => c.subarray(a, b)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { source: resolve(dir), tsUs: ts, open, high, low, close, volume, intervalUs: m.intervalUs, ...(check !== undefined ? { check } : {}) };
}

/**
 * OHLCV bars from a market catalog's trades: each trade (exchange time `tsUs`) falls in the bar
 * [⌊t / interval⌋·interval, +interval); open/close are its first/last trade in file order, high/low
 * the extremes, volume the quantity traded (in the instrument's quantity units: base coin for
 * linear and spot, contracts for inverse). Intervals with no trade have no bar (no
 * forward-filled prices). Prices and sizes are converted from ticks and lots with the catalog's
 * instrument.
 */
export function barsFromTrades(catalogDir: string, intervalUs: number): BarSeries {
  const r = new CatalogReader(catalogDir);
  const inst = r.manifest.instrument;
  const ts: number[] = [];
  const o: number[] = [];
  const h: number[] = [];
  const l: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  let cur = NaN;
  try {
    while (r.next()) {
      const ch = r.chunk;
      for (let i = 0; i < ch.length; i++) {
        if (ch.kind[i] !== 2) continue; // ROW_TRADE
        const start = Math.floor(ch.tsUs[i]! / intervalUs) * intervalUs;
        const px = ch.priceTicks[i]!;
        const q = ch.sizeLots[i]!;
        if (start !== cur) {
          if (start < cur) throw new DataError(`trade at ${ch.tsUs[i]} µs goes back to an earlier bar`, { file: catalogDir, field: 'tsUs' });
          cur = start;
          ts.push(start);
          o.push(px);
          h.push(px);
          l.push(px);
          c.push(px);
          v.push(q);
          continue;
        }
        const k = ts.length - 1;
        if (px > h[k]!) h[k] = px;
        if (px < l[k]!) l[k] = px;
        c[k] = px;
        v[k]! += q;
      }
    }
  } finally {
    r.close();
  }
  if (ts.length === 0) throw new DataError('the catalog has no trades', { file: catalogDir });
  // Ticks and lots to decimals as everywhere else (the nearest double to the exact decimal).
  const px = (t: number) => ticksToPrice(inst, t);
  return {
    source: catalogDir,
    tsUs: Float64Array.from(ts),
    open: Float64Array.from(o, px),
    high: Float64Array.from(h, px),
    low: Float64Array.from(l, px),
    close: Float64Array.from(c, px),
    volume: Float64Array.from(v, (lots) => lotsToQty(inst, lots)),
    intervalUs,
  };
}

/**
 * Bars of `intervalUs` (a multiple of the series' own) from shorter bars: per
 * [⌊t / interval⌋·interval, +interval) the first open, the highest high, the lowest low, the last
 * close and the summed volume of the bars that start in it. Intervals with no bar have none, as
 * in barsFromTrades; the same rule as a strategy's `subscribe: { bars }`.
 */
export function aggregateBars(b: BarSeries, intervalUs: number): BarSeries {
  if (!(intervalUs > 0) || intervalUs % b.intervalUs !== 0) {
    throw new ConfigError(`bar interval ${intervalUs / 1e6} s is not a multiple of the bars' ${b.intervalUs / 1e6} s`, { field: '--interval' });
  }
  const n = b.tsUs.length;
  const ts: number[] = [];
  const o: number[] = [];
  const h: number[] = [];
  const l: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(b.tsUs[i]! / intervalUs) * intervalUs;
    const k = ts.length - 1;
    if (k < 0 || ts[k] !== start) {
      ts.push(start);
      o.push(b.open[i]!);
      h.push(b.high[i]!);
      l.push(b.low[i]!);
      c.push(b.close[i]!);
      v.push(b.volume[i]!);
      continue;
    }
    if (b.high[i]! > h[k]!) h[k] = b.high[i]!;
    if (b.low[i]! < l[k]!) l[k] = b.low[i]!;
    c[k] = b.close[i]!;
    v[k]! += b.volume[i]!;
  }
  return { source: b.source, tsUs: Float64Array.from(ts), open: Float64Array.from(o), high: Float64Array.from(h), low: Float64Array.from(l), close: Float64Array.from(c), volume: Float64Array.from(v), intervalUs };
}
