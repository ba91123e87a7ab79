/**
 * Measures the statistics the synthetic generator reproduces from a real Binance USDⓈ-M capture
 * (`<local receive ns> <json>` lines, gzipped). Usage:
 *
 *   npx tsx src/data/synthetic/calibrate.ts <file.gz> [--emit [--date YYYY-MM-DD]]
 *
 * Prints the measures as JSON; `--emit` prints them as the body of `calibration.ts` instead
 * (the date is an argument rather than the clock so that the output is reproducible).
 * A small self-contained parser on purpose: the production readers live elsewhere and this
 * script must keep reproducing the committed constants bit for bit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../errors.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../../market/instrument.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE, type MarketRow, type RowKind } from '../market-rows.ts';
import { MarketStats, type MarketMeasures } from './stats.ts';

export interface CalibrationResult {
  measures: MarketMeasures;
  sourceFile: string;
  sourceSha256: string;
  lines: number;
  sequenceGaps: number;
}

type Level = [string, string];
interface DepthMsg {
  E: number;
  U: number;
  u: number;
  pu: number;
  b: Level[];
  a: Level[];
}

export function calibrateFile(file: string, instrument: Instrument = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!): CalibrationResult {
  const raw = readFileSync(file);
  const text = gunzipSync(raw).toString('utf8');
  const tick = Number(instrument.tickSize);
  const lot = Number(instrument.lotSize);
  const stats = new MarketStats();
  const row: MarketRow = { tsUs: 0, localTsUs: 0, kind: ROW_LEVEL, side: 0, flags: 0, priceTicks: 0, sizeLots: 0 };
  const emit = (ts: number, local: number, kind: RowKind, side: 0 | 1, flags: number, price: string | number, qty: string | number): void => {
    row.tsUs = ts;
    row.localTsUs = local;
    row.kind = kind;
    row.side = side;
    row.flags = flags;
    row.priceTicks = Math.round(Number(price) / tick);
    row.sizeLots = Math.round(Number(qty) / lot);
    stats.push(row);
  };
  const emitDepth = (m: DepthMsg, ts: number, local: number): void => {
    const n = m.b.length + m.a.length;
    let k = 0;
    for (const [p, q] of m.b) emit(ts, local, ROW_LEVEL, 0, ++k === n ? FLAG_END : 0, p, q);
    for (const [p, q] of m.a) emit(ts, local, ROW_LEVEL, 1, ++k === n ? FLAG_END : 0, p, q);
  };

  let lines = 0;
  let synced = false;
  let lastU = -1;
  let gaps = 0;
  let pending: { m: DepthMsg; local: number }[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    lines++;
    const sp = line.indexOf(' ');
    if (sp < 0) throw new DataError('line has no receive timestamp', { file, line: lines });
    const localUs = Math.floor(Number(line.slice(0, sp)) / 1000);
    const msg = JSON.parse(line.slice(sp + 1)) as Record<string, unknown>;
    if ('lastUpdateId' in msg) {
      const snap = msg as { lastUpdateId: number; E: number; bids: Level[]; asks: Level[] };
      const ts = snap.E * 1000;
      const n = snap.bids.length + snap.asks.length;
      let k = 0;
      for (const [p, q] of snap.bids) emit(ts, localUs, ROW_SNAPSHOT, 0, (k === 0 ? FLAG_SNAPSHOT_START : 0) | (++k === n ? FLAG_END : 0), p, q);
      for (const [p, q] of snap.asks) emit(ts, localUs, ROW_SNAPSHOT, 1, ++k === n ? FLAG_END : 0, p, q);
      // Diffs buffered before the snapshot: keep those the snapshot does not already contain.
      synced = true;
      lastU = -1;
      for (const d of pending) {
        if (d.m.u < snap.lastUpdateId) continue;
        if (lastU >= 0 && d.m.pu !== lastU) gaps++;
        lastU = d.m.u;
        emitDepth(d.m, Math.max(ts, d.m.E * 1000), Math.max(localUs, d.local));
      }
      pending = [];
      continue;
    }
    const data = (msg as { data?: Record<string, unknown> }).data;
    if (!data) throw new DataError('message has neither lastUpdateId nor data', { file, line: lines });
    const e = data['e'];
    if (e === 'depthUpdate') {
      const m = data as unknown as DepthMsg;
      if (!synced) {
        pending.push({ m, local: localUs });
        continue;
      }
      if (lastU >= 0 && m.pu !== lastU) gaps++;
      lastU = m.u;
      emitDepth(m, m.E * 1000, localUs);
    } else if (!synced) {
      continue;
    } else if (e === 'trade') {
      const t = data as { E: number; p: string; q: string; m: boolean };
      emit(t.E * 1000, localUs, ROW_TRADE, t.m ? 1 : 0, FLAG_END, t.p, t.q);
    } else if (e === 'bookTicker') {
      const t = data as { E: number; b: string; B: string; a: string; A: string };
      emit(t.E * 1000, localUs, ROW_BBO, 0, 0, t.b, t.B);
      emit(t.E * 1000, localUs, ROW_BBO, 1, FLAG_END, t.a, t.A);
    }
  }
  return {
    measures: stats.result(),
    sourceFile: basename(file),
    sourceSha256: createHash('sha256').update(raw).digest('hex'),
    lines,
    sequenceGaps: gaps,
  };
}

/** The body of calibration.ts for a result (numbers printed with full precision). */
export function emitCalibrationModule(res: CalibrationResult, command: string, date = 'unspecified'): string {
  return `/**
 * Constants measured on a real capture by \`calibrate.ts\`; the generator's defaults.
 * Source: ../shared/data/binance/${res.sourceFile} (sha256 ${res.sourceSha256}, ${res.lines} lines)
 * Command: ${command}
 * Date: ${date}
 * Do not edit by hand: a test re-runs the calibration and compares every number.
 */
import type { MarketMeasures } from './stats.ts';

export const CALIBRATION_SOURCE = { file: '${res.sourceFile}', sha256: '${res.sourceSha256}' } as const;

export const BTCUSDT_CALIBRATION: MarketMeasures = ${JSON.stringify(res.measures, null, 2)};
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx src/data/synthetic/calibrate.ts <capture.gz> [--emit]\n');
    process.exit(2);
  }
  const res = calibrateFile(file);
  if (res.sequenceGaps) process.stderr.write(`warning: ${res.sequenceGaps} depth sequence gaps\n`);
  const di = process.argv.indexOf('--date');
  const date = di > 0 ? process.argv[di + 1] : undefined;
  if (process.argv.includes('--emit')) process.stdout.write(emitCalibrationModule(res, `npx tsx src/data/synthetic/calibrate.ts ${file} --emit`, date));
  else process.stdout.write(JSON.stringify({ ...res }, null, 2) + '\n');
}
