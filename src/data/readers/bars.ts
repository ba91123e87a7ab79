import { readFileSync, statSync } from 'node:fs';
import { DataError } from '../../errors.ts';

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
}

/** `2021-12-31 23:01:00.000000`, ISO-8601, or epoch seconds/ms/µs by magnitude → µs. */
function parseTs(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n < 1e11 ? n * 1e6 : n < 1e14 ? n * 1e3 : n;
  }
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(v.trim());
  if (!m) return NaN;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[4] ?? 'Z'}`);
  const frac = m[3] ? Math.round(Number(m[3]) * 1e6) : 0;
  return ms * 1000 + frac;
}

/**
 * Plain OHLCV CSV (`timestamp,open,high,low,close,volume`, a header line, times UTC), such as
 * `../shared/data/bars/btc-perp-20211231-20220201_1m.csv`. Every row is checked: a malformed
 * number, high below open/close or low above them, or a time that does not increase is an error
 * naming the file, line and field. `fromUs`/`toUs` keep the bars opening in [from, to).
 */
export function readBarsCsv(file: string, range: { fromUs?: number; toUs?: number } = {}): BarSeries {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new DataError('is a folder, not a bars file', { file });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot read bars file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().split(',');
  const need = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];
  const idx = need.map((c) => header.indexOf(c));
  if (idx.some((i) => i < 0)) throw new DataError(`bars header must have ${need.join(',')}`, { file, line: 1, field: need[idx.findIndex((i) => i < 0)]! });
  const cols = need.map(() => [] as number[]);
  let last = -Infinity;
  for (let ln = 1; ln < lines.length; ln++) {
    const raw = lines[ln]!;
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    const ts = parseTs(cells[idx[0]!] ?? '');
    if (!Number.isFinite(ts)) throw new DataError(`"${cells[idx[0]!]}" is not a time`, { file, line: ln + 1, field: 'timestamp' });
    if (ts <= last) throw new DataError('timestamp does not increase', { file, line: ln + 1, field: 'timestamp' });
    last = ts;
    const v = [ts];
    for (let k = 1; k < need.length; k++) {
      const x = Number(cells[idx[k]!]);
      if (!Number.isFinite(x) || x < 0 || (k < 5 && x === 0)) throw new DataError(`"${cells[idx[k]!]}" is not a valid ${need[k]}`, { file, line: ln + 1, field: need[k]! });
      v.push(x);
    }
    const [, o, h, l, c] = v as [number, number, number, number, number];
    if (h < Math.max(o, c, l) || l > Math.min(o, c)) throw new DataError(`high ${h} / low ${l} do not bound open ${o} and close ${c}`, { file, line: ln + 1, field: h < Math.max(o, c, l) ? 'high' : 'low' });
    if ((range.fromUs !== undefined && ts < range.fromUs) || (range.toUs !== undefined && ts >= range.toUs)) continue;
    for (let k = 0; k < need.length; k++) cols[k]!.push(v[k]!);
  }
  const tsUs = Float64Array.from(cols[0]!);
  if (tsUs.length === 0) throw new DataError('no bars in the requested range', { file });
  let step = Infinity;
  for (let i = 1; i < tsUs.length; i++) step = Math.min(step, tsUs[i]! - tsUs[i - 1]!);
  return {
    source: file,
    tsUs,
    open: Float64Array.from(cols[1]!),
    high: Float64Array.from(cols[2]!),
    low: Float64Array.from(cols[3]!),
    close: Float64Array.from(cols[4]!),
    volume: Float64Array.from(cols[5]!),
    intervalUs: Number.isFinite(step) ? step : 60e6,
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
