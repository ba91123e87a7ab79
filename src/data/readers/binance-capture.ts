import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE } from '../market-rows.ts';
import { lineBatches } from './lines.ts';
import { RowOut, parseUint, type ReadSummary, type ReaderOptions, type RowSink } from './types.ts';
import { LevelScratch } from './levels.ts';

/**
 * Side information about each capture message, for tests and diagnostics (the rows carry no
 * update ids). Called after the message's rows were handed to the sink.
 */
export type CaptureEvent =
  | { type: 'snapshot'; line: number; lastUpdateId: number; levels: number }
  | { type: 'depth'; line: number; U: number; u: number; pu: number | undefined; applied: boolean }
  | { type: 'trade'; line: number; id: number }
  | { type: 'bookTicker'; line: number; u: number; bidTicks: number; bidLots: number; askTicks: number; askLots: number };

export interface CaptureOptions extends ReaderOptions {
  onEvent?: (ev: CaptureEvent) => void;
  /** Diffs received before the REST snapshot are held until it arrives; more than this is an error. */
  maxBufferedDiffs?: number;
}

export interface CaptureSummary extends ReadSummary {
  snapshots: number;
  diffsApplied: number;
  /** Diffs already contained in the snapshot (u below lastUpdateId), dropped as Binance prescribes. */
  diffsDropped: number;
  trades: number;
  bookTickers: number;
  /** Messages of streams this reader does not convert (e.g. markPrice). */
  ignored: number;
}

type Json = Record<string, unknown>;
interface Pending {
  d: Json;
  line: number;
}

/**
 * Reads an hftbacktest-style Binance capture (`<local ns> <json>` per line, plain or gzip) and
 * rebuilds a consistent diff stream: diffs are sequenced against the REST snapshot and each
 * other (`pu` chain on futures, `U = prev u + 1` on spot) and a break is a fatal DataError.
 * Diffs received before the snapshot are buffered and replayed after it, stamped with the
 * snapshot's receive time (that is when a live client could apply them).
 */
export async function readBinanceCapture(file: string, opts: CaptureOptions, sink: RowSink): Promise<CaptureSummary> {
  const out = new RowOut(file, opts, sink);
  const f = out.file;
  const bad = out.bad;
  const onEvent = opts.onEvent;
  const maxBuffered = opts.maxBufferedDiffs ?? 1_000_000;
  const lv = new LevelScratch();
  const s: CaptureSummary = { rows: 0, messages: 0, lines: 0, skipped: bad, snapshots: 0, diffsApplied: 0, diffsDropped: 0, trades: 0, bookTickers: 0, ignored: 0 };

  let lastUpdateId = -1;
  let synced = false;
  let prevU = -1;
  let buffered: Pending[] = [];
  let lastLocal = -Infinity;
  let lastDepthTs = -Infinity;
  let lastTradeTs = -Infinity;
  let lastTickerTs = -Infinity;
  let snapLocal = 0;

  /** Parse `[[price, size], …]` into the scratch; false after reporting a bad level. */
  const levels = (arr: unknown, side: 0 | 1, line: number, name: string): boolean => {
    if (!Array.isArray(arr)) {
      bad.report(f, line, name, 'missing or not an array');
      return false;
    }
    for (let i = 0; i < arr.length; i++) {
      const lvl: unknown = arr[i];
      if (!Array.isArray(lvl) || typeof lvl[0] !== 'string' || typeof lvl[1] !== 'string') {
        bad.report(f, line, `${name}[${i}]`, 'level is not a [price, size] pair of strings');
        return false;
      }
      const p = out.ticks(lvl[0], line, `${name}[${i}][0]`);
      if (p !== p) return false;
      const q = out.lots(lvl[1], line, `${name}[${i}][1]`);
      if (q !== q) return false;
      lv.push(side, p, q);
    }
    return true;
  };

  const idField = (d: Json, k: string, line: number): number => {
    const v = d[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      bad.report(f, line, k, `update id ${JSON.stringify(v)} is not a non-negative integer`, { fatal: true });
    }
    return v as number;
  };

  const msTs = (d: Json, keys: readonly string[], line: number, fallbackUs: number): number => {
    for (const k of keys) {
      const v = d[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        bad.report(f, line, k, `timestamp ${JSON.stringify(v)} is not a non-negative integer of ms`);
        return NaN;
      }
      return v * 1000;
    }
    return fallbackUs;
  };

  const applyDiff = (d: Json, line: number, localTsUs: number): void => {
    const U = idField(d, 'U', line);
    const u = idField(d, 'u', line);
    const pu = d.pu === undefined ? undefined : idField(d, 'pu', line);
    const futures = pu !== undefined;
    if (lastUpdateId < 0) {
      if (buffered.length >= maxBuffered) {
        bad.report(f, line, 'lastUpdateId', `${maxBuffered} depth diffs before any REST snapshot`, { fatal: true, hint: 'the capture must contain a {lastUpdateId,bids,asks} line' });
      }
      buffered.push({ d, line });
      return;
    }
    if (!synced) {
      // Futures: drop u < lastUpdateId; spot: drop u <= lastUpdateId (already in the snapshot).
      if (futures ? u < lastUpdateId : u <= lastUpdateId) {
        s.diffsDropped++;
        onEvent?.({ type: 'depth', line, U, u, pu, applied: false });
        return;
      }
      // The first applied diff must straddle the snapshot. Futures ids are not contiguous, so a
      // diff whose pu is exactly lastUpdateId also follows it without a hole.
      if (!(U <= lastUpdateId + 1 || pu === lastUpdateId)) {
        bad.report(f, line, 'U', `sequence gap: first diff after the snapshot starts at U=${U} but the snapshot is at lastUpdateId=${lastUpdateId}`, { fatal: true });
      }
      synced = true;
    } else if (futures) {
      if (pu !== prevU) bad.report(f, line, 'pu', `sequence gap: pu=${pu} but the previous diff ended at u=${prevU}`, { fatal: true });
    } else if (U !== prevU + 1) {
      bad.report(f, line, 'U', `sequence gap: U=${U} but the previous diff ended at u=${prevU} (expected ${prevU + 1})`, { fatal: true });
    }
    prevU = u;
    const tsUs = msTs(d, ['E'], line, localTsUs);
    if (tsUs !== tsUs) return;
    if (tsUs < lastDepthTs) {
      bad.report(f, line, 'E', `event time goes backwards (${tsUs / 1000} < ${lastDepthTs / 1000})`);
      return;
    }
    lv.reset();
    if (!levels(d.b, 0, line, 'b') || !levels(d.a, 1, line, 'a')) return;
    lastDepthTs = tsUs;
    const n = lv.n;
    for (let i = 0; i < n; i++) out.emit(tsUs, localTsUs, ROW_LEVEL, lv.side[i] as 0 | 1, i === n - 1 ? FLAG_END : 0, lv.price[i]!, lv.size[i]!);
    s.diffsApplied++;
    onEvent?.({ type: 'depth', line, U, u, pu, applied: true });
  };

  const onSnapshot = (d: Json, line: number, localTsUs: number): void => {
    const L = idField(d, 'lastUpdateId', line);
    const tsUs = msTs(d, ['E', 'T'], line, localTsUs);
    if (tsUs !== tsUs) return;
    lv.reset();
    if (!levels(d.bids, 0, line, 'bids') || !levels(d.asks, 1, line, 'asks')) return;
    const crossed = lv.crossed();
    if (crossed) bad.report(f, line, 'bids', `crossed book after snapshot: ${crossed}`, { fatal: true });
    lv.dropZeros();
    const n = lv.n;
    if (n === 0) {
      bad.report(f, line, 'bids', 'REST snapshot has no levels');
      return;
    }
    for (let i = 0; i < n; i++) {
      out.emit(tsUs, localTsUs, ROW_SNAPSHOT, lv.side[i] as 0 | 1, (i === 0 ? FLAG_SNAPSHOT_START : 0) | (i === n - 1 ? FLAG_END : 0), lv.price[i]!, lv.size[i]!);
    }
    lastUpdateId = L;
    synced = false;
    snapLocal = localTsUs;
    s.snapshots++;
    onEvent?.({ type: 'snapshot', line, lastUpdateId: L, levels: n });
    const held = buffered;
    buffered = [];
    for (const p of held) applyDiff(p.d, p.line, snapLocal);
  };

  const onTrade = (d: Json, line: number, localTsUs: number): void => {
    const tsUs = msTs(d, ['T', 'E'], line, localTsUs);
    if (tsUs !== tsUs) return;
    if (tsUs < lastTradeTs) return bad.report(f, line, 'T', `trade time goes backwards (${tsUs / 1000} < ${lastTradeTs / 1000})`);
    if (typeof d.p !== 'string' || typeof d.q !== 'string') return bad.report(f, line, 'p', 'trade price/quantity missing');
    if (typeof d.m !== 'boolean') return bad.report(f, line, 'm', 'trade maker flag missing');
    const p = out.ticks(d.p, line, 'p');
    if (p !== p) return;
    const q = out.lots(d.q, line, 'q');
    if (q !== q) return;
    lastTradeTs = tsUs;
    // m: buyer is the maker, so the seller crossed the spread: aggressor side 1.
    out.emit(tsUs, localTsUs, ROW_TRADE, d.m ? 1 : 0, FLAG_END, p, q);
    s.trades++;
    onEvent?.({ type: 'trade', line, id: typeof d.t === 'number' ? d.t : typeof d.a === 'number' ? d.a : -1 });
  };

  const onTicker = (d: Json, line: number, localTsUs: number): void => {
    // Spot bookTicker carries no time: the receive time is the best there is.
    const tsUs = msTs(d, ['T', 'E'], line, localTsUs);
    if (tsUs !== tsUs) return;
    if (tsUs < lastTickerTs) return bad.report(f, line, 'T', `bookTicker time goes backwards (${tsUs / 1000} < ${lastTickerTs / 1000})`);
    for (const k of ['b', 'B', 'a', 'A']) if (typeof d[k] !== 'string') return bad.report(f, line, k, 'bookTicker field missing');
    const b = out.ticks(d.b as string, line, 'b');
    if (b !== b) return;
    const B = out.lots(d.B as string, line, 'B');
    if (B !== B) return;
    const a = out.ticks(d.a as string, line, 'a');
    if (a !== a) return;
    const A = out.lots(d.A as string, line, 'A');
    if (A !== A) return;
    const u = typeof d.u === 'number' ? d.u : -1;
    lastTickerTs = tsUs;
    out.emit(tsUs, localTsUs, ROW_BBO, 0, 0, b, B);
    out.emit(tsUs, localTsUs, ROW_BBO, 1, FLAG_END, a, A);
    s.bookTickers++;
    onEvent?.({ type: 'bookTicker', line, u, bidTicks: b, bidLots: B, askTicks: a, askLots: A });
  };

  const onLine = (text: string, line: number): void => {
    const sp = text.indexOf(' ');
    if (sp < 4) {
      if (text.trim() === '') return;
      return bad.report(f, line, 'local_ts', 'line is not `<receive ns> <json>`');
    }
    // ns has 19 digits (beyond 2^53): dropping the last three digits is floor(ns / 1000) exactly.
    const localTsUs = parseUint(text.slice(0, sp - 3));
    const subUs = parseUint(text.slice(sp - 3, sp));
    if (localTsUs !== localTsUs || subUs !== subUs) {
      return bad.report(f, line, 'local_ts', `receive time ${JSON.stringify(text.slice(0, Math.min(sp, 24)))} is not an integer of ns`);
    }
    if (localTsUs < lastLocal) return bad.report(f, line, 'local_ts', `receive time goes backwards (${localTsUs} < ${lastLocal} µs)`);
    let msg: unknown;
    try {
      msg = JSON.parse(text.slice(sp + 1));
    } catch (e) {
      return bad.report(f, line, 'json', `not JSON: ${(e as Error).message}`);
    }
    if (typeof msg !== 'object' || msg === null) return bad.report(f, line, 'json', 'not a JSON object');
    lastLocal = localTsUs;
    const m = msg as Json;
    if (m.lastUpdateId !== undefined) return onSnapshot(m, line, localTsUs);
    const d = m.data;
    const stream = typeof m.stream === 'string' ? m.stream : '';
    if (typeof d !== 'object' || d === null) return bad.report(f, line, 'data', 'message has neither lastUpdateId nor data');
    const data = d as Json;
    const e = data.e;
    if (e === 'depthUpdate') return applyDiff(data, line, localTsUs);
    if (e === 'trade' || e === 'aggTrade') return onTrade(data, line, localTsUs);
    if (e === 'bookTicker' || stream.endsWith('@bookTicker')) return onTicker(data, line, localTsUs);
    s.ignored++;
  };

  let lines = 0;
  for await (const b of lineBatches(file, opts.stats)) {
    for (let i = 0; i < b.lines.length; i++) onLine(b.lines[i]!, b.firstLineNumber + i);
    lines = b.firstLineNumber + b.lines.length - 1;
  }
  if (lastUpdateId < 0) {
    bad.report(f, lines, 'lastUpdateId', 'no REST depth snapshot in the capture: the book cannot be rebuilt', { fatal: true });
  }
  Object.assign(s, out.summary(lines));
  return s;
}
