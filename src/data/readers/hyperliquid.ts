import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import type { Instrument } from '../../market/instrument.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_SNAPSHOT, ROW_TRADE } from '../market-rows.ts';
import { inferUnits, type InstrumentHints } from './detect.ts';
import { LevelScratch } from './levels.ts';
import { headLines, lineBatches } from './lines.ts';
import { RowOut, type ReadSummary, type ReaderOptions, type RowSink } from './types.ts';

/**
 * Hyperliquid websocket capture (hftbacktest layout: `<local receive ns> <json>` per line):
 * `l2Book` messages are full snapshots of 20 levels a side (`levels: [bids, asks]`, each
 * `{px, sz, n}`), `trades` messages carry one or more prints with `side` "B" (buyer was the
 * taker) or "A" (seller was the taker). Each l2Book becomes one snapshot message.
 */
export interface HyperliquidSummary extends ReadSummary {
  snapshots: number;
  trades: number;
}

type Json = Record<string, unknown>;

export function isHyperliquidLine(line: string): boolean {
  return /^\d{10,} \{"channel":"(l2Book|trades|subscriptionResponse)"/.test(line);
}

/** Tick and lot sizes inferred from the finest decimals in the first lines (Hyperliquid quotes 5 significant figures). */
export async function hyperliquidInstrument(file: string, hints: InstrumentHints = {}, sampleLines = 200): Promise<Instrument> {
  const prices: string[] = [];
  const sizes: string[] = [];
  let coin = '';
  for (const l of await headLines(file, sampleLines)) {
    let m: Json;
    try {
      m = JSON.parse(l.slice(l.indexOf(' ') + 1)) as Json;
    } catch {
      continue;
    }
    const d = m.data as Json | undefined;
    if (m.channel === 'l2Book' && d && Array.isArray(d.levels)) {
      coin = String(d.coin ?? coin);
      for (const side of d.levels as { px: string; sz: string }[][]) for (const lvl of side) prices.push(lvl.px), sizes.push(lvl.sz);
    }
  }
  if (!coin) throw new DataError(`no l2Book message in the first ${sampleLines} lines: cannot tell the instrument`, { file: basename(file) });
  const units = inferUnits(prices, sizes);
  return {
    symbol: coin,
    venue: 'hyperliquid',
    kind: 'linear',
    tickSize: hints.tickSize ?? units.tickSize,
    lotSize: hints.lotSize ?? units.lotSize,
    multiplier: 1,
    base: coin,
    quote: 'USDC',
    settle: 'USDC',
  };
}

export async function readHyperliquid(file: string, opts: ReaderOptions, sink: RowSink): Promise<HyperliquidSummary> {
  const out = new RowOut(file, opts, sink);
  const f = out.file;
  const bad = out.bad;
  const scratch = new LevelScratch();
  const s: HyperliquidSummary = { rows: 0, messages: 0, lines: 0, skipped: bad.snapshot(), snapshots: 0, trades: 0 };
  let lastLocal = -Infinity;

  const onBook = (d: Json, line: number, localTsUs: number): void => {
    const levels = d.levels;
    const time = typeof d.time === 'number' ? d.time * 1000 : localTsUs;
    if (!Array.isArray(levels) || levels.length !== 2) return bad.report(f, line, 'levels', 'l2Book levels must be [bids, asks]');
    scratch.reset();
    for (let side = 0; side < 2; side++) {
      const arr = levels[side] as unknown;
      if (!Array.isArray(arr)) return bad.report(f, line, `levels[${side}]`, 'not an array');
      for (const lvl of arr as Json[]) {
        const px = out.ticks(String(lvl.px), line, 'px');
        const sz = out.lots(String(lvl.sz), line, 'sz');
        if (px !== px || sz !== sz) return;
        scratch.push(side as 0 | 1, px, sz);
      }
    }
    scratch.dropZeros();
    const crossed = scratch.crossed();
    if (crossed) return bad.report(f, line, 'levels', `crossed book after applying the snapshot: ${crossed}`, { fatal: true });
    for (let i = 0; i < scratch.n; i++) {
      const flags = (i === 0 ? FLAG_SNAPSHOT_START : 0) | (i === scratch.n - 1 ? FLAG_END : 0);
      out.emit(time, localTsUs, ROW_SNAPSHOT, scratch.side[i] as 0 | 1, flags, scratch.price[i]!, scratch.size[i]!);
    }
    s.snapshots++;
  };

  const onTrades = (d: unknown, line: number, localTsUs: number): void => {
    if (!Array.isArray(d)) return bad.report(f, line, 'data', 'trades data must be an array');
    const n = d.length;
    for (let k = 0; k < n; k++) {
      const t = d[k] as Json;
      const side = t.side === 'B' ? 0 : t.side === 'A' ? 1 : -1;
      if (side < 0) return bad.report(f, line, 'side', `trade side ${JSON.stringify(t.side)} is not B or A`);
      const px = out.ticks(String(t.px), line, 'px');
      const sz = out.lots(String(t.sz), line, 'sz');
      if (px !== px || sz !== sz) return;
      if (sz === 0) return bad.report(f, line, 'sz', 'trade size is zero');
      const time = typeof t.time === 'number' ? t.time * 1000 : localTsUs;
      out.emit(time, localTsUs, ROW_TRADE, side as 0 | 1, k === n - 1 ? FLAG_END : 0, px, sz);
      s.trades++;
    }
  };

  let lines = 0;
  for await (const b of lineBatches(file, opts.stats)) {
    for (let i = 0; i < b.lines.length; i++) {
      const raw = b.lines[i]!;
      const line = b.firstLineNumber + i;
      lines = line;
      if (raw === '') continue;
      const sp = raw.indexOf(' ');
      if (sp <= 0 || !/^\d+$/.test(raw.slice(0, sp))) {
        bad.report(f, line, 'local_ns', 'line does not start with a receive timestamp in ns');
        continue;
      }
      const localTsUs = Math.floor(Number(raw.slice(0, sp)) / 1000);
      if (localTsUs < lastLocal) {
        bad.report(f, line, 'local_ns', `receive time goes backwards (${localTsUs} µs < ${lastLocal} µs)`);
        continue;
      }
      lastLocal = localTsUs;
      let m: Json;
      try {
        m = JSON.parse(raw.slice(sp + 1)) as Json;
      } catch (e) {
        bad.report(f, line, 'json', `malformed JSON: ${(e as Error).message}`);
        continue;
      }
      if (m.channel === 'l2Book') onBook(m.data as Json, line, localTsUs);
      else if (m.channel === 'trades') onTrades(m.data, line, localTsUs);
    }
  }
  if (s.snapshots === 0) bad.report(f, lines, 'channel', 'no l2Book snapshot in the capture: the book cannot be rebuilt', { fatal: true });
  Object.assign(s, out.summary(lines), { snapshots: s.snapshots, trades: s.trades });
  return s;
}
