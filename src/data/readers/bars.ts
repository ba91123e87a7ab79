import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DataError } from '../../errors.ts';
import { mostCommonStep } from '../../kernel/steps.ts';
import { formatDurationUs } from '../../market/latency.ts';
import { isBarsCatalog, noBarsInRange, readBarsCatalog } from '../bars-catalog.ts';

/** OHLCV bars as columns; `tsUs` is each bar's open time (µs, UTC). */
export interface BarSeries {
  source: string;
  tsUs: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Bar length, µs (the smallest gap between two bars). */
  intervalUs: number;
  /** LEAN quote bars: prices are the mid of bid and ask, volume the bid and ask sizes. */
  fromQuotes?: boolean;
  /**
   * A check of the source's integrity still running (a large catalog's column hashes, see
   * readBarsCatalog's `background`): await it before trusting anything made from these bars.
   */
  check?: Promise<void>;
}

const digit = (v: string, i: number) => v.charCodeAt(i) - 48;
const two = (v: string, i: number) => {
  const a = digit(v, i);
  const b = digit(v, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
};
let lastDay = '';
let lastDayMs = NaN;

/**
 * The common layouts `2021-12-31 23:01:00[.ffffff][Z]` and `…T…`: the day is parsed once per
 * day (bars come in order), the time of day from its digits. Anything else (offsets, epoch
 * numbers) goes through the general parser. Returns undefined when not this layout.
 */
function parseTsFast(v: string): number | undefined {
  if (v.length < 19 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined;
  const sep = v.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return undefined;
  let end = v.length;
  if (v.charCodeAt(end - 1) === 90) end--; // Z
  let frac = 0;
  if (end > 19) {
    if (v.charCodeAt(19) !== 46) return undefined; // an offset or junk: the general parser decides
    let scale = 1e5;
    for (let i = 20; i < end; i++) {
      const d = digit(v, i);
      if (d < 0 || d > 9) return undefined;
      if (scale >= 1) frac += d * scale;
      scale /= 10;
    }
    frac = Math.round(frac);
  }
  const day = v.slice(0, 10);
  if (day !== lastDay) {
    lastDayMs = Date.parse(`${day}T00:00:00Z`);
    // V8 reads 2022-02-30 as 2 March: a day is one only if it reads back the same (checked once a day).
    if (Number.isFinite(lastDayMs) && new Date(lastDayMs).toISOString().slice(0, 10) !== day) lastDayMs = NaN;
    lastDay = day;
  }
  const h = two(v, 11);
  const m = two(v, 14);
  const sec = two(v, 17);
  if (!(h < 24 && m < 60 && sec < 61)) return NaN;
  return (lastDayMs + ((h * 60 + m) * 60 + sec) * 1000) * 1000 + frac;
}

/**
 * A line of a Binance kline file as data.binance.vision serves them, headerless: open time (ms, or
 * µs from 2025), open, high, low, close, volume, close time, quote volume, trades, taker buy base
 * and quote volume, ignore — twelve numbers.
 */
export function isBinanceKlinesLine(line: string): boolean {
  const c = line.trim().split(',');
  return c.length === 12 && /^\d{12,16}$/.test(c[0]!) && c.every((x) => x !== '' && Number.isFinite(Number(x)));
}

/** A CSV cell without its surrounding spaces and double quotes (exports that quote every cell). */
const unquote = (cell: string): string => cell.trim().replace(/^"(.*)"$/, '$1');

const BAR_FIELDS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
/** What exports call the bar's time: primesim's own name first, then pandas', TradingView's, Binance klines' (API and web export), the short `ts`. */
const TIME_NAMES = ['timestamp', 'time', 'date', 'datetime', 'open_time', 'open time', 'ts'];

/**
 * The columns of timestamp, open, high, low, close and volume in a bars CSV's header line, by name
 * (any order, any case, quoted or not, the time under a common alias: `Date,Open,High,Low,Close,Volume`
 * as pandas writes it), or the first field it lacks.
 */
export function barsColumns(headerLine: string): number[] | { missing: string } {
  const header = headerNames(headerLine);
  const out: number[] = [];
  for (const f of BAR_FIELDS) {
    const names = f === 'timestamp' ? TIME_NAMES : f === 'volume' ? ['volume', 'vol'] : [f];
    const i = header.findIndex((h) => names.includes(h));
    if (i < 0) return { missing: f };
    out.push(i);
  }
  return out;
}

/** Whether a header line names open, high, low and close (any order and case): a bars file, whatever its time and volume columns are called. */
export function namesOhlc(headerLine: string): boolean {
  const header = headerNames(headerLine);
  return ['open', 'high', 'low', 'close'].every((f) => header.includes(f));
}

/** A header line's column names: without a byte-order mark, quotes and surrounding spaces, lower case. */
function headerNames(headerLine: string): string[] {
  return headerLine.replace(/^\uFEFF/, '').trim().split(',').map((h) => unquote(h).toLowerCase());
}

/** `2021-12-31 23:01:00.000000`, ISO-8601, or epoch seconds/ms/µs by magnitude → µs. */
function parseTs(v: string): number {
  const fast = parseTsFast(v);
  if (fast !== undefined) return fast;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n < 1e11 ? n * 1e6 : n < 1e14 ? n * 1e3 : n;
  }
  // yyyy-mm-dd or yyyy/mm/dd, then hh:mm, hh:mm:ss or nothing (daily bars), fractions, an offset.
  const m = /^(\d{4})([-/])(\d\d)\2(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/.exec(v.trim());
  if (!m) return NaN;
  const off = m[9] === undefined || m[9] === 'Z' ? 0 : (m[9][0] === '-' ? -1 : 1) * (Number(m[9].slice(1, 3)) * 60 + Number(m[9].slice(-2)));
  const ms = utcMs(m[1]!, m[3]!, m[4]!, m[5] ?? '0', m[6] ?? '0', m[7] ?? '0') - off * 60_000;
  const frac = m[8] ? Math.round(Number(m[8]) * 1e6) : 0;
  return ms * 1000 + frac;
}

/**
 * Milliseconds since the epoch of a UTC date and time given as fields, or NaN when a field is out
 * of range: Date.UTC rolls 2022-02-30 into March and 25:00 into the next day. A second of 60 (a
 * leap second) counts as the fast path counts it.
 */
function utcMs(y: string, mo: string, d: string, h: string, mi: string, sec: string): number {
  const [Y, M, D, H, I, S] = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(Y, M - 1, D));
  if (day.getUTCMonth() !== M - 1 || day.getUTCDate() !== D || H > 23 || I > 59 || S > 60) return NaN;
  return Date.UTC(Y, M - 1, D, H, I, S);
}

/**
 * The bar interval of bars data without reading it all (for defaults chosen before a run): a
 * catalog's manifest, a LEAN zip (small: read), or the most common step among a CSV's first rows
 * (its first 64 KB). Undefined when it cannot tell (the run's reading of the file will say why).
 */
export function peekBarsIntervalUs(file: string): number | undefined {
  try {
    if (statSync(file).isDirectory()) {
      if (!isBarsCatalog(file)) return undefined;
      const m = JSON.parse(readFileSync(join(file, 'manifest.json'), 'utf8')) as { intervalUs?: unknown };
      return typeof m.intervalUs === 'number' && m.intervalUs > 0 ? m.intervalUs : undefined;
    }
    if (/\.zip$/i.test(file)) return readLeanZip(file).intervalUs;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(65_536);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
    const lines = buf.toString('utf8', 0, n).split(/\r?\n/);
    if (n === buf.length) lines.pop(); // cut mid-line
    const headerless = isBinanceKlinesLine(lines[0] ?? '');
    const idx = headerless ? [0] : barsColumns(lines[0] ?? '');
    if (!Array.isArray(idx)) return undefined;
    const ts: number[] = [];
    for (let ln = headerless ? 0 : 1; ln < lines.length; ln++) {
      if (lines[ln]!.trim() === '') continue;
      const t = parseTs(unquote(lines[ln]!.split(',')[idx[0]!] ?? ''));
      if (!Number.isFinite(t)) return undefined;
      if (ts.length === 0 || t > ts[ts.length - 1]!) ts.push(t);
    }
    // The reading's own rule (bad rows are its to report: skipped here).
    return ts.length >= 2 ? barsInterval(ts, ts.length, () => ({ file, line: 0 }), 'timestamp', { count: 0, examples: [], max: 0 }).intervalUs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rows left out of bars read with bad rows skipped (`--on-bad-row skip`): how many, and the first
 * `max` (default 10) problems, each naming file, line and field — as a market catalog's skippedRows.
 */
export interface BadBarRows {
  count: number;
  examples: string[];
  max?: number;
}

/**
 * The bars' interval — their most common step (minute bars with missing minutes are still minute
 * bars; the shortest step made one stray row at :30 turn a whole minute file into 30-second bars) —
 * and the rows that start at most half an interval after the previous one: bars that overlap it
 * (a stray or duplicated row). Those are bad rows: thrown, or left out when skipping (then the
 * next row's step is from the row before). Returns the interval and the indices of the rows kept.
 */
function barsInterval(ts: ArrayLike<number>, n: number, lineOf: (i: number) => { file: string; line: number }, field: string, bad: BadBarRows | undefined): { intervalUs: number; keep: number[] | undefined } {
  // (One bar: no step to measure, a minute.)
  const step = mostCommonStep(ts, n);
  const intervalUs = Number.isFinite(step) ? step : 60e6;
  if (n < 2) return { intervalUs, keep: undefined };
  let keep: number[] | undefined;
  let prev = ts[0]!;
  for (let i = 1; i < n; i++) {
    const d = ts[i]! - prev;
    if (d * 2 <= intervalUs) {
      skipRow(bad, new DataError(`starts ${formatDurationUs(d)} after the previous bar: the file's bars are ${formatDurationUs(intervalUs)} apart (its most common step), so the two overlap`, { ...lineOf(i), field }));
      keep ??= Array.from({ length: i }, (_, k) => k);
      continue;
    }
    keep?.push(i);
    prev = ts[i]!;
  }
  return { intervalUs, keep };
}

/**
 * The rows to keep: those `barsInterval` kept (all when undefined) inside the window; undefined
 * when that is every row (no index list for a whole million-bar file).
 */
function keptInRange(keep: number[] | undefined, n: number, ts: ArrayLike<number>, range: { fromUs?: number; toUs?: number }): number[] | undefined {
  if (keep === undefined && range.fromUs === undefined && range.toUs === undefined) return undefined;
  const out: number[] = [];
  const within = (i: number) => !((range.fromUs !== undefined && ts[i]! < range.fromUs) || (range.toUs !== undefined && ts[i]! >= range.toUs));
  if (keep === undefined) {
    for (let i = 0; i < n; i++) if (within(i)) out.push(i);
  } else for (const i of keep) if (within(i)) out.push(i);
  return keep === undefined && out.length === n ? undefined : out;
}

/** A bad row: thrown when bad rows are not being skipped, else counted (and its problem kept among the first). */
function skipRow(bad: BadBarRows | undefined, err: DataError): void {
  if (bad === undefined) throw err;
  bad.count++;
  if (bad.examples.length < (bad.max ?? 10)) bad.examples.push(err.message);
}

/**
 * Plain OHLCV CSV (`timestamp,open,high,low,close,volume`, a header line, times UTC), such as
 * `../shared/data/bars/btc-perp-20211231-20220201_1m.csv`. Every row is checked: a malformed
 * number, high below open/close or low above them, or a time that does not increase is an error
 * naming the file, line and field — or, given `bad`, a row left out and counted there (a later
 * row with the time of an earlier one is the one left out). `fromUs`/`toUs` keep the bars opening
 * in [from, to).
 */
export function readBarsCsv(file: string, range: { fromUs?: number; toUs?: number } = {}, bad?: BadBarRows): BarSeries {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new DataError('is a folder, not a bars file', { file });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot read bars file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/);
  const need = BAR_FIELDS;
  // Binance's kline files (data.binance.vision) have no header: open time, OHLC, volume, then six more.
  const headerless = isBinanceKlinesLine(lines[0] ?? '');
  const idx = headerless ? [0, 1, 2, 3, 4, 5] : barsColumns(lines[0] ?? '');
  if (!Array.isArray(idx)) throw new DataError(`bars header must have ${need.join(',')} (in any order; the time may be called ${TIME_NAMES.slice(1).join(', ')}), or no header as Binance's kline files`, { file, line: 1, field: idx.missing });
  // Columns preallocated for every line; filled up to `n` (no per-row arrays: 1M-bar files).
  const cap = lines.length;
  const out = [new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap)] as const;
  const lineNo = new Int32Array(cap);
  let n = 0;
  let first = NaN;
  let last = -Infinity;
  const [iT, iO, iH, iL, iC, iV] = idx as [number, number, number, number, number, number];
  for (let ln = headerless ? 0 : 1; ln < lines.length; ln++) {
    const raw = lines[ln]!;
    if (raw.length === 0 || raw.trim() === '') continue;
    // Quoted cells (pandas' QUOTE_ALL, spreadsheet exports): unquoted; the common case pays one indexOf.
    const cells = raw.indexOf('"') < 0 ? raw.split(',') : raw.split(',').map(unquote);
    const ts = parseTs(cells[iT] ?? '');
    const o = Number(cells[iO]);
    const h = Number(cells[iH]);
    const l = Number(cells[iL]);
    const c = Number(cells[iC]);
    const vol = Number(cells[iV]);
    // The row's first problem, if any: thrown, or (skipping bad rows) counted and the row left out.
    let err: DataError | undefined;
    if (!Number.isFinite(ts)) err = new DataError(`"${cells[iT]}" is not a time`, { file, line: ln + 1, field: 'timestamp', hint: 'UTC as 2022-01-01 00:00[:00[.000]] (or with T, an offset, / between the date\'s parts, no time for daily bars) or epoch seconds, ms or µs; a day-first or month-first date is ambiguous' });
    else if (ts <= last) err = new DataError('timestamp does not increase', { file, line: ln + 1, field: 'timestamp' });
    else {
      const vals = [o, h, l, c, vol];
      for (let k = 0; k < 5 && err === undefined; k++) {
        const x = vals[k]!;
        if (!Number.isFinite(x) || x < 0 || (k < 4 && x === 0)) err = new DataError(`"${cells[idx[k + 1]!]}" is not a valid ${need[k + 1]}`, { file, line: ln + 1, field: need[k + 1]! });
      }
      if (err === undefined && (h < Math.max(o, c, l) || l > Math.min(o, c))) err = new DataError(`high ${h} / low ${l} do not bound open ${o} and close ${c}`, { file, line: ln + 1, field: h < Math.max(o, c, l) ? 'high' : 'low' });
    }
    if (err !== undefined) {
      skipRow(bad, err);
      continue;
    }
    if (last === -Infinity) first = ts;
    last = ts;
    out[0][n] = ts;
    out[1][n] = o;
    out[2][n] = h;
    out[3][n] = l;
    out[4][n] = c;
    out[5][n] = vol;
    lineNo[n] = ln + 1;
    n++;
  }
  // The interval is the file's, also when a window keeps one bar of it; then the window.
  const { intervalUs, keep } = barsInterval(out[0], n, (i) => ({ file, line: lineNo[i]! }), 'timestamp', bad);
  const rows = keptInRange(keep, n, out[0], range);
  const cols = out.map((a) => (rows === undefined ? a.slice(0, n) : Float64Array.from(rows, (i) => a[i]!)));
  const tsUs = cols[0]!;
  if (tsUs.length === 0) throw noBarsInRange(file, first, last);
  return {
    source: file,
    tsUs,
    open: cols[1]!,
    high: cols[2]!,
    low: cols[3]!,
    close: cols[4]!,
    volume: cols[5]!,
    intervalUs,
  };
}

/**
 * The intrabar path the usual bar-backtest convention assumes: open → high → low → close for an
 * up bar, open → low → high → close for a down bar, at four equally spaced times within the bar.
 * Calls `fn(tsUs, price)` for each point, bar by bar.
 */
export function forEachPathPoint(b: BarSeries, fn: (tsUs: number, price: number) => void): void {
  const q = b.intervalUs / 4;
  for (let i = 0; i < b.tsUs.length; i++) {
    const t = b.tsUs[i]!;
    const o = b.open[i]!;
    const c = b.close[i]!;
    const up = c >= o;
    fn(t, o);
    fn(t + q, up ? b.high[i]! : b.low[i]!);
    fn(t + 2 * q, up ? b.low[i]! : b.high[i]!);
    fn(t + 3 * q, c);
  }
}

/** The first file of a zip archive (stored or deflated), located through the central directory. */
function firstZipEntry(file: string, buf: Buffer): { name: string; text: string } {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DataError('not a zip archive (no end of central directory)', { file });
  const cd = buf.readUInt32LE(eocd + 16);
  if (buf.readUInt32LE(cd) !== 0x02014b50) throw new DataError('zip central directory is damaged', { file });
  const method = buf.readUInt16LE(cd + 10);
  let csize = buf.readUInt32LE(cd + 20);
  const usize = buf.readUInt32LE(cd + 24);
  const nameLen = buf.readUInt16LE(cd + 28);
  const extraLen = buf.readUInt16LE(cd + 30);
  let local = buf.readUInt32LE(cd + 42);
  const name = buf.toString('utf8', cd + 46, cd + 46 + nameLen);
  // Zip64 (LEAN's archives use it): sizes and offset set to 0xFFFFFFFF live in extra field 0x0001,
  // in the order uncompressed size, compressed size, local header offset — each only if flagged.
  const FF = 0xffffffff;
  for (let x = cd + 46 + nameLen; x < cd + 46 + nameLen + extraLen; ) {
    const id = buf.readUInt16LE(x);
    const len = buf.readUInt16LE(x + 2);
    if (id === 0x0001) {
      let q = x + 4;
      if (usize === FF) q += 8;
      if (csize === FF) {
        csize = Number(buf.readBigUInt64LE(q));
        q += 8;
      }
      if (local === FF) local = Number(buf.readBigUInt64LE(q));
    }
    x += 4 + len;
  }
  if (buf.readUInt32LE(local) !== 0x04034b50) throw new DataError('zip local header is damaged', { file });
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  const data = buf.subarray(start, start + csize);
  let out: Buffer;
  try {
    out = method === 0 ? data : method === 8 ? inflateRawSync(data) : (() => { throw new DataError(`zip compression method ${method} is not supported`, { file }); })();
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`zip entry ${name} is corrupt: ${(e as Error).message}`, { file });
  }
  return { name, text: out.toString('utf8') };
}

/**
 * A LEAN bar zip (QuantConnect `Data/cryptofuture/...`): minute (and second) bars are one
 * headerless CSV per day, `milliseconds since midnight,open,high,low,close,volume` for trade bars,
 * or bid OHLC + size and ask OHLC + size for quote bars (read as the mid of bid and ask), the day
 * from the entry's name (`20221213_…`) or the zip's; hour and daily bars are one CSV of every day,
 * the time written out (`20221213 00:00`). Rows are checked like the plain CSV's.
 */
export function readLeanZip(file: string, range: { fromUs?: number; toUs?: number } = {}, bad?: BadBarRows): BarSeries {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read LEAN zip: ${(e as Error).message}`, { file });
  }
  const { name, text } = firstZipEntry(file, buf);
  // Hour and daily bars write each row's time out; minute and second bars count from the file's midnight.
  const ABSOLUTE = /^(\d{4})(\d\d)(\d\d) (\d\d):(\d\d)(?::(\d\d))?$/;
  const absolute = ABSOLUTE.test(text.slice(0, text.indexOf(',')).trim());
  const day = /(\d{8})/.exec(name)?.[1] ?? /(\d{8})/.exec(basename(file))?.[1];
  if (!day && !absolute) throw new DataError('cannot tell the day of the bars (no yyyymmdd in the names)', { file });
  const midnightUs = day ? Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`) * 1000 : 0;
  const rowUs = (cell: string): number => {
    if (!absolute) return midnightUs + Number(cell) * 1000;
    const m = ABSOLUTE.exec(cell.trim());
    return m ? utcMs(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? '0') * 1000 : NaN;
  };
  const cols = [[], [], [], [], [], []] as number[][];
  const lineNo: number[] = [];
  let first = NaN;
  let last = -Infinity;
  let quotes = false;
  text.split(/\r?\n/).forEach((raw, k) => {
    if (raw.trim() === '') return;
    const cells = raw.split(',');
    const c = cells.map(Number);
    const at = { file: `${file}:${name}`, line: k + 1 };
    c[0] = rowUs(cells[0]!);
    // The row's first problem, if any: thrown, or (skipping bad rows) counted and the row left out.
    const problem = (): DataError | undefined => {
      if (c.some((x) => !Number.isFinite(x))) return new DataError(Number.isNaN(c[0]) ? `"${cells[0]}" is not a time` : 'a field is not a number', { ...at, field: [absolute ? 'time' : 'ms', 'open', 'high', 'low', 'close', 'volume'][c.findIndex((x) => !Number.isFinite(x))] ?? 'value' });
      if (c.length !== 6 && c.length !== 11) return new DataError(`expected 6 (trade) or 11 (quote) fields, got ${c.length}`, { ...at, field: 'row' });
      if (c[0]! <= last) return new DataError('time does not increase', { ...at, field: absolute ? 'time' : 'ms' });
      return undefined;
    };
    let err = problem();
    if (err === undefined && c.length === 11) quotes = true;
    const ohlcv = err !== undefined ? [] : c.length === 6 ? c.slice(1) : [0, 1, 2, 3].map((j) => (c[1 + j]! + c[6 + j]!) / 2).concat([c[5]! + c[10]!]);
    const [o, h, l, cl] = ohlcv as [number, number, number, number];
    if (err === undefined && (h < Math.max(o, cl, l) || l > Math.min(o, cl))) err = new DataError(`high ${h} / low ${l} do not bound open ${o} and close ${cl}`, { ...at, field: h < Math.max(o, cl, l) ? 'high' : 'low' });
    if (err !== undefined) {
      skipRow(bad, err);
      return;
    }
    const ts = c[0]!;
    if (last === -Infinity) first = ts;
    last = ts;
    cols[0]!.push(ts);
    for (let j = 0; j < 5; j++) cols[j + 1]!.push(ohlcv[j]!);
    lineNo.push(k + 1);
  });
  // The interval is the file's, also when a window keeps one bar of it; then the window.
  const n = cols[0]!.length;
  const { intervalUs, keep } = barsInterval(cols[0]!, n, (i) => ({ file: `${file}:${name}`, line: lineNo[i]! }), absolute ? 'time' : 'ms', bad);
  const rows = keptInRange(keep, n, cols[0]!, range);
  if ((rows?.length ?? n) === 0) throw noBarsInRange(file, first, last);
  const pick = (a: number[]) => (rows === undefined ? Float64Array.from(a) : Float64Array.from(rows, (i) => a[i]!));
  return { source: file, tsUs: pick(cols[0]!), open: pick(cols[1]!), high: pick(cols[2]!), low: pick(cols[3]!), close: pick(cols[4]!), volume: pick(cols[5]!), intervalUs, ...(quotes ? { fromQuotes: true } : {}) };
}

/**
 * Bars from a bars catalog, a plain OHLCV CSV or a LEAN minute zip (by extension). `background`:
 * a large catalog's hashes are checked on another thread (the series' `check`; such a read is
 * not kept for reuse).
 */
export function readBars(file: string, range: { fromUs?: number; toUs?: number } = {}, bad?: BadBarRows, opts: { background?: boolean; columns?: ReadonlyMap<string, Buffer> } = {}): BarSeries {
  if (bad !== undefined) {
    // Skipping bad rows (an import): read afresh, counting them.
    const st = existsSync(file) ? statSync(file) : undefined;
    return st?.isDirectory() && isBarsCatalog(file) ? readBarsCatalog(file, range) : /\.zip$/i.test(file) ? readLeanZip(file, range, bad) : readBarsCsv(file, range, bad);
  }
  const st = existsSync(file) ? statSync(file) : undefined;
  if (opts.background === true && st?.isDirectory() && isBarsCatalog(file)) return readBarsCatalog(file, range, opts);
  // Monte Carlo builds a world per path from the same bar files (bootstrap, calibration): read
  // each (file, version, range) once per process. Only small series are kept, and callers treat
  // a series as read-only.
  const key = st ? `${resolve(file)}\0${st.mtimeMs}\0${st.size}\0${range.fromUs ?? ''}\0${range.toUs ?? ''}` : undefined;
  const hit = key !== undefined ? BARS_MEMO.get(key) : undefined;
  if (hit) return hit;
  const bars = st?.isDirectory() && isBarsCatalog(file) ? readBarsCatalog(file, range) : /\.zip$/i.test(file) ? readLeanZip(file, range) : readBarsCsv(file, range);
  if (key !== undefined && bars.tsUs.length <= MEMO_MAX_BARS) {
    if (BARS_MEMO.size >= MEMO_FILES) BARS_MEMO.delete(BARS_MEMO.keys().next().value!);
    BARS_MEMO.set(key, bars);
  }
  return bars;
}

const BARS_MEMO = new Map<string, BarSeries>();
const MEMO_FILES = 8;
const MEMO_MAX_BARS = 250_000;
