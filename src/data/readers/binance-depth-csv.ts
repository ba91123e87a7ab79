import { DataError } from '../../errors.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_LEVEL, ROW_SNAPSHOT } from '../market-rows.ts';
import { headerIndex, splitCsv } from './csv.ts';
import { LevelScratch } from './levels.ts';
import { lineBatches } from './lines.ts';
import { RowOut, parseUint, type ReadSummary, type ReaderOptions, type RowSink } from './types.ts';

export const BINANCE_DEPTH_CSV_COLUMNS = ['symbol', 'timestamp', 'first_update_id', 'last_update_id', 'side', 'update_type', 'price', 'qty', 'pu'] as const;

export interface DepthCsvSummary extends ReadSummary {
  groupsDropped: number;
}

/**
 * Binance historical depth CSV (`…-depth-snap.csv` / `…-depth-update.csv`, timestamps in ms).
 * Consecutive rows with the same last_update_id and update_type are one message; `snap`
 * groups are snapshots, `set` groups diffs sequenced like the live feed (`pu` = previous
 * last_update_id; `pu` = -1 means spot-style contiguous ids).
 */
export async function readBinanceDepthCsv(file: string, opts: ReaderOptions, sink: RowSink): Promise<DepthCsvSummary> {
  const out = new RowOut(file, opts, sink);
  const f = out.file;
  const bad = out.bad;
  const lv = new LevelScratch();
  let ix: Record<(typeof BINANCE_DEPTH_CSV_COLUMNS)[number], number> | null = null;
  let ncols = 0;
  let lastTs = -Infinity;
  let lines = 0;
  let groupsDropped = 0;
  // current group
  let gOpen = false, gSnap = false, gU = 0, gu = 0, gpu = 0, gTs = 0, gLine = 0;
  // sequencing
  let lastUpdateId = -1, synced = false, prevU = -1;

  const finish = (): void => {
    if (!gOpen) return;
    gOpen = false;
    if (gSnap) {
      const crossed = lv.crossed();
      if (crossed) bad.report(f, gLine, 'price', `crossed book after snapshot: ${crossed}`, { fatal: true });
      lv.dropZeros();
      const n = lv.n;
      for (let i = 0; i < n; i++) out.emit(gTs, gTs, ROW_SNAPSHOT, lv.side[i] as 0 | 1, (i === 0 ? FLAG_SNAPSHOT_START : 0) | (i === n - 1 ? FLAG_END : 0), lv.price[i]!, lv.size[i]!);
      lastUpdateId = gu;
      synced = false;
      return;
    }
    if (!synced) {
      if (lastUpdateId >= 0) {
        if (gu < lastUpdateId) {
          groupsDropped++;
          return;
        }
        if (!(gU <= lastUpdateId + 1 || gpu === lastUpdateId)) {
          bad.report(f, gLine, 'first_update_id', `sequence gap: first update after the snapshot starts at ${gU} but the snapshot is at ${lastUpdateId}`, { fatal: true });
        }
      }
      // Without a snapshot the first group cannot be checked; the chain is checked from here on.
      synced = true;
    } else if (gpu >= 0 ? gpu !== prevU : gU !== prevU + 1) {
      bad.report(f, gLine, gpu >= 0 ? 'pu' : 'first_update_id', `sequence gap: ${gpu >= 0 ? `pu=${gpu}` : `first_update_id=${gU}`} but the previous update ended at ${prevU}`, { fatal: true });
    }
    prevU = gu;
    const n = lv.n;
    for (let i = 0; i < n; i++) out.emit(gTs, gTs, ROW_LEVEL, lv.side[i] as 0 | 1, i === n - 1 ? FLAG_END : 0, lv.price[i]!, lv.size[i]!);
  };

  const id = (s: string, line: number, field: string, allowMinusOne: boolean): number => {
    if (allowMinusOne && s === '-1') return -1;
    const v = parseUint(s);
    if (v !== v) bad.report(f, line, field, `${field} ${JSON.stringify(s)} is not a non-negative integer`);
    return v;
  };

  for await (const b of lineBatches(file, opts.stats)) {
    for (let k = 0; k < b.lines.length; k++) {
      const text = b.lines[k]!;
      const line = b.firstLineNumber + k;
      if (line === 1) {
        ix = headerIndex(f, text, BINANCE_DEPTH_CSV_COLUMNS);
        ncols = text.split(',').length;
        continue;
      }
      if (text === '' || !ix) continue;
      const c = splitCsv(text);
      if (c.length !== ncols) {
        bad.report(f, line, 'columns', `row has ${c.length} columns, the header has ${ncols}`);
        continue;
      }
      const ms = parseUint(c[ix.timestamp]!);
      if (ms !== ms) {
        bad.report(f, line, 'timestamp', `timestamp ${JSON.stringify(c[ix.timestamp])} is not an integer of ms`);
        continue;
      }
      const tsUs = ms * 1000;
      if (tsUs < lastTs) {
        bad.report(f, line, 'timestamp', `timestamp goes backwards (${ms} < ${lastTs / 1000} ms)`);
        continue;
      }
      const type = c[ix.update_type];
      if (type !== 'snap' && type !== 'set') {
        bad.report(f, line, 'update_type', `update_type ${JSON.stringify(type)} is not snap/set`);
        continue;
      }
      const sideCell = c[ix.side];
      const side = sideCell === 'b' || sideCell === 'bid' ? 0 : sideCell === 'a' || sideCell === 'ask' ? 1 : -1;
      if (side < 0) {
        bad.report(f, line, 'side', `side ${JSON.stringify(sideCell)} is not b/a`);
        continue;
      }
      const U = id(c[ix.first_update_id]!, line, 'first_update_id', false);
      if (U !== U) continue;
      const u = id(c[ix.last_update_id]!, line, 'last_update_id', false);
      if (u !== u) continue;
      const pu = id(c[ix.pu]!, line, 'pu', true);
      if (pu !== pu) continue;
      const p = out.ticks(c[ix.price]!, line, 'price');
      if (p !== p) continue;
      const q = out.lots(c[ix.qty]!, line, 'qty');
      if (q !== q) continue;
      const snap = type === 'snap';
      if (!gOpen || gu !== u || gSnap !== snap) {
        finish();
        lv.reset();
        gOpen = true;
        gSnap = snap;
        gU = U;
        gu = u;
        gpu = pu;
        gTs = tsUs;
        gLine = line;
      }
      lastTs = tsUs;
      lv.push(side as 0 | 1, p, q);
    }
    lines = b.firstLineNumber + b.lines.length - 1;
  }
  if (!ix) throw new DataError('empty file (no header)', { file: f, line: 1 });
  finish();
  return { ...out.summary(lines), groupsDropped };
}
