import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barsColumns, forEachPathPoint, isBinanceKlinesLine, namesOhlc, peekBarsIntervalUs, readBars, readBarsCsv } from '../../../src/data/readers/bars.ts';
import { leanBarsId } from '../../../src/data/bars-instrument.ts';
import { SHARED, sharedDataAvailable } from '../../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-bars-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (name: string, lines: readonly string[]): string => {
  const f = join(root, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
};

/** A zip of one stored (uncompressed) entry, as LEAN writes its hour and daily bars (CRC-32 per the zip spec). */
function storedZip(entry: string, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  crc = ~crc >>> 0;
  const name = Buffer.from(entry, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

describe('bars', () => {
  // LEAN's hour and daily bars write the time out (`20221213 01:00`); they read as "a field is not a number".
  it('LEAN hour and daily zips: one CSV of every day, each row\'s time written out', () => {
    const dir = join(root, 'Data', 'cryptofuture', 'bybit', 'hour');
    mkdirSync(dir, { recursive: true });
    const f = join(dir, 'btcusdt_trade.zip');
    writeFileSync(f, storedZip('btcusdt.csv', '20221213 00:00,17194,17240,17150,17210,812.5\n20221213 01:00,17210,17260,17200,17255,640.25\n20221214 00:00,17800,17900,17700,17850,99\n'));
    const b = readBars(f);
    expect([...b.tsUs]).toEqual([Date.parse('2022-12-13T00:00:00Z') * 1000, Date.parse('2022-12-13T01:00:00Z') * 1000, Date.parse('2022-12-14T00:00:00Z') * 1000]);
    expect([...b.close]).toEqual([17210, 17255, 17850]);
    expect([...b.volume]).toEqual([812.5, 640.25, 99]);
    expect(b.intervalUs).toBe(3600e6);
    // Its path names Bybit's contract, as the minute files do.
    expect(leanBarsId(f)?.instrument).toBe('bybit:BTCUSDT');
    const bad = join(dir, 'ethusdt_trade.zip');
    writeFileSync(bad, storedZip('ethusdt.csv', '20221213 00:00,1,2,1,2,3\n20221213 25:00,1,2,1,2,3\n'));
    expect(() => readBars(bad)).toThrow(/ethusdt_trade\.zip:ethusdt\.csv:2, field time: "20221213 25:00" is not a time/);
  });

  it('LEAN minute zips (trade and quote bars) read as the archives hold them', () => {
    if (!sharedDataAvailable()) return;
    const day = Date.parse('2022-12-13T00:00:00Z') * 1000;
    // Reference rows and counts read from the archives with Python's zipfile, independently.
    const t = readBars(join(SHARED, 'lean', 'cryptofuture_bybit_minute_btcusdt_20221213_trade.zip'));
    expect(t.tsUs.length).toBe(721);
    expect([t.tsUs[0], t.open[0], t.high[0], t.low[0], t.close[0], t.volume[0]]).toEqual([day, 17194, 17199.5, 17193.5, 17199, 78.677]);
    expect([t.tsUs[720], t.close[720]]).toEqual([day + 43_200_000_000, 17435.5]);
    const b = readBars(join(SHARED, 'lean', 'cryptofuture_binance_minute_btcusd_20221213_trade.zip'));
    expect(b.tsUs.length).toBe(1439);
    expect([b.open[0], b.close[0], b.volume[0]]).toEqual([17204, 17207.6, 4242]);
    const q = readBars(join(SHARED, 'lean', 'cryptofuture_bybit_minute_btcusdt_20221213_quote.zip'));
    expect(q.tsUs.length).toBe(460);
    // quote bars: mid of bid and ask OHLC: (17193.5 + 17194) / 2 …, size = bid + ask size
    expect([q.open[0], q.high[0], q.low[0], q.close[0], q.volume[0]]).toEqual([17193.75, 17199.25, 17193.75, 17199.25, 135.724 + 17.697]);
    // Said so (the import prints it): quote bars are mids, trade bars are trades.
    expect([q.fromQuotes, t.fromQuotes]).toEqual([true, undefined]);
  });

  it('plain OHLCV CSV: bad rows name file, line and field; the intrabar path follows the convention', () => {
    const f = join(root, 'b.csv');
    writeFileSync(f, 'timestamp,open,high,low,close,volume\n2022-01-01 00:00:00.000000,100,110,95,105,1\n2022-01-01 00:01:00.000000,105,106,90,91,2\n');
    const b = readBarsCsv(f);
    const pts: number[] = [];
    forEachPathPoint(b, (_t, p) => pts.push(p));
    expect(pts).toEqual([100, 110, 95, 105, 105, 90, 106, 91]); // up bar O→H→L→C, down bar O→L→H→C
    writeFileSync(f, 'timestamp,open,high,low,close,volume\n2022-01-01 00:00:00,100,99,95,105,1\n');
    expect(() => readBarsCsv(f)).toThrow(/b\.csv:2, field high: high 99/);
    writeFileSync(f, 'timestamp,open,high,low,close,volume\n2022-01-01 00:01:00,100,110,95,105,1\n2022-01-01 00:00:00,100,110,95,105,1\n');
    expect(() => readBarsCsv(f)).toThrow(/b\.csv:3, field timestamp: timestamp does not increase/);
    writeFileSync(f, 'when,open,high,low,close\n');
    expect(() => readBarsCsv(f)).toThrow(/b\.csv:1, field timestamp/);
  });

  // Only `timestamp,open,high,low,close,volume` was read: pandas' `Date,Open,High,Low,Close,Volume` was "unrecognised input format".
  it('headers as exports write them: any order and case, quoted, with a BOM, the time as time/date/datetime/open_time/Open time/ts; a missing column is named', () => {
    const rows = ['2024-01-01 00:00:00,1,2,0.5,1.5,10', '2024-01-01 00:01:00,1.5,2,1,1.2,3'];
    const want = readBarsCsv(write('plain.csv', ['timestamp,open,high,low,close,volume', ...rows]));
    for (const [name, header, body] of [
      ['pandas.csv', 'Date,Open,High,Low,Close,Volume', rows],
      ['quoted.csv', '\uFEFF"time","open","high","low","close","vol"', rows],
      ['datetime.csv', 'datetime,open,high,low,close,volume', rows],
      ['reordered.csv', 'open_time,close,open,high,low,volume', rows.map((r) => { const [t, o, h, l, c, v] = r.split(','); return [t, c, o, h, l, v].join(','); })],
      // Binance's web export ("Open time", then its close time after the volume) and the short `ts`.
      ['binance-web.csv', 'Open time,Open,High,Low,Close,Volume,Close time', rows.map((r) => `${r},2024-01-01 00:00:59`)],
      ['ts.csv', 'ts,open,high,low,close,volume', rows],
    ] as const) {
      const got = readBarsCsv(write(name, [header, ...body]));
      for (const k of ['tsUs', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(got[k]), `${name} ${k}`).toEqual(Array.from(want[k]));
    }
    expect(() => readBarsCsv(write('novol.csv', ['Date,Open,High,Low,Close', '2024-01-01 00:00:00,1,2,0.5,1.5']))).toThrow(/novol\.csv:1, field volume: bars header must have timestamp,open,high,low,close,volume \(in any order; the time may be called time, date, datetime, open_time, open time, ts\)/);
    expect(barsColumns('when,open,high,low,close,volume')).toEqual({ missing: 'timestamp' });
    // What `data import` takes for bars (then the reader names a missing column): open, high, low and close named.
    expect([namesOhlc('when,Open,HIGH,low,"close"'), namesOhlc('\uFEFFts,open,high,low,close,volume'), namesOhlc('timestamp,price,amount'), namesOhlc('open,high,low')]).toEqual([true, true, false, false]);
  });

  // "2022-01-01 00:00" (no seconds), 2022/01/01 and date-only daily bars were "not a time"; V8's
  // Date.parse took 2022-02-30 for 2 March.
  it('times as exports write them: without seconds, with slashes, a date alone; impossible dates and ambiguous ones refused', () => {
    const at = (t: string) => Date.parse(t) * 1000;
    const one = (name: string, times: string[]) => readBarsCsv(write(name, ['timestamp,open,high,low,close,volume', ...times.map((t) => `${t},100,101,99,100.5,1`)])).tsUs;
    expect([...one('hm.csv', ['2022-01-01 00:00', '2022-01-01 00:01'])]).toEqual([at('2022-01-01T00:00:00Z'), at('2022-01-01T00:01:00Z')]);
    expect([...one('slash.csv', ['2022/01/01 00:00:00', '2022/01/01 00:01:00'])]).toEqual([at('2022-01-01T00:00:00Z'), at('2022-01-01T00:01:00Z')]);
    const daily = readBarsCsv(write('daily.csv', ['Date,Open,High,Low,Close,Volume', '2022-01-01,100,101,99,100.5,1', '2022-01-02,100,101,99,100.5,1']));
    expect([...daily.tsUs]).toEqual([at('2022-01-01T00:00:00Z'), at('2022-01-02T00:00:00Z')]);
    expect(daily.intervalUs).toBe(86_400e6);
    expect([...one('offset.csv', ['2022-01-01T01:00:00+01:00'])]).toEqual([at('2022-01-01T00:00:00Z')]);
    // Every cell quoted (pandas' QUOTE_ALL): read as the plain file (every row was bad).
    const quoted = write('quoted.csv', ['"Date","Open","High","Low","Close","Volume"', '"2022-01-01 00:00:00","100","101","99","100.5","1"', '"2022-01-01 01:00:00","100","101","99","100.5","2"']);
    const q = readBarsCsv(quoted);
    expect([[...q.tsUs], [...q.close], [...q.volume]]).toEqual([[at('2022-01-01T00:00:00Z'), at('2022-01-01T01:00:00Z')], [100.5, 100.5], [1, 2]]);
    expect(peekBarsIntervalUs(quoted)).toBe(3600e6);
    for (const bad of ['2022-02-30 00:00:00', '2022-02-30T00:00:00Z', '2022-01-01 24:00:00', '01/01/2022 00:00', '2022-13-01']) {
      expect(() => one('bad.csv', [bad]), bad).toThrow(new RegExp(`bad\\.csv:2, field timestamp: "${bad.replace(/[/.+]/g, '\\$&')}" is not a time \\(UTC as 2022-01-01 00:00`));
    }
  });

  // Epoch numbers are told apart by size (below 1e11 seconds, below 1e14 ms, else µs): ms times before
  // 1973 would read as seconds — no market data of this workbench is that old, so times from 2000 on.
  it('property: every layout of one time reads as the same microsecond (fast path and general parser agree)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }), fc.integer({ min: 0, max: 999 }), (sec, milli) => {
        const d = new Date(sec * 1000);
        const [y, mo, dd, h, mi, ss] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds())];
        const want = sec * 1e6;
        const layouts = [`${y}-${mo}-${dd} ${h}:${mi}:${ss}`, `${y}-${mo}-${dd}T${h}:${mi}:${ss}Z`, `${y}/${mo}/${dd} ${h}:${mi}:${ss}`, `${y}-${mo}-${dd}T${h}:${mi}:${ss}+00:00`, String(sec), String(sec * 1000)];
        const rows = layouts.map((t) => `${t},1,1,1,1,1`);
        // One file per layout (a file's times must increase).
        layouts.forEach((_, k) => expect(readBarsCsv(write(`p${k}.csv`, ['timestamp,open,high,low,close,volume', rows[k]!])).tsUs[0], layouts[k]).toBe(want));
        // Fractions, in both parsers (the fast path takes the Z form, the general one an offset).
        const frac = `${y}-${mo}-${dd}T${h}:${mi}:${ss}.${pad(milli, 3)}`;
        expect(readBarsCsv(write('pf1.csv', ['timestamp,open,high,low,close,volume', `${frac}Z,1,1,1,1,1`])).tsUs[0]).toBe(want + milli * 1000);
        expect(readBarsCsv(write('pf2.csv', ['timestamp,open,high,low,close,volume', `${frac}+00:00,1,1,1,1,1`])).tsUs[0]).toBe(want + milli * 1000);
      }),
      { numRuns: 150 },
    );
  });

  // Binance's own kline files (data.binance.vision) have no header: "bars header must have …".
  it('Binance kline files without a header: open time in ms or µs, OHLCV, six more columns', () => {
    const k = (t: number, o: number, h: number, l: number, c: number, v: number) => `${t},${o},${h},${l},${c},${v},${t + 59_999},761234.5,1234,6.1,376543.2,0`;
    const ms = Date.UTC(2024, 7, 8);
    const f = write('BTCUSDT-1m-2024-08-08.csv', [k(ms, 61700.1, 61750, 61650, 61720.5, 12.345), k(ms + 60_000, 61720.5, 61800, 61700, 61790, 8.5)]);
    const b = readBarsCsv(f);
    expect([[...b.tsUs], [...b.open], [...b.close], [...b.volume], b.intervalUs]).toEqual([[ms * 1000, (ms + 60_000) * 1000], [61700.1, 61720.5], [61720.5, 61790], [12.345, 8.5], 60e6]);
    expect(peekBarsIntervalUs(f)).toBe(60e6);
    // From 2025 Binance writes spot times in µs.
    const us = readBarsCsv(write('us.csv', [k(ms * 1000, 1, 2, 1, 2, 1).replace(/^(\d+),(.*),(\d+),761234/, (_m, a, mid) => `${a},${mid},${Number(a) + 59_999_999},761234`)]));
    expect(us.tsUs[0]).toBe(ms * 1000);
    // A header line is still a header; eleven numbers are not a kline line.
    expect(isBinanceKlinesLine('open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore')).toBe(false);
    expect(isBinanceKlinesLine(k(ms, 1, 2, 1, 2, 1).split(',').slice(0, 11).join(','))).toBe(false);
  });

  it('the interval is the file\'s, also for a window that keeps one bar of it', () => {
    const f = join(root, 'h.csv');
    writeFileSync(f, 'timestamp,open,high,low,close,volume\n2022-01-01 00:00:00,100,110,95,105,1\n2022-01-01 01:00:00,105,106,90,91,2\n2022-01-01 03:00:00,91,92,90,91,2\n');
    const hour = 3600e6;
    expect(readBarsCsv(f).intervalUs).toBe(hour);
    // One bar of an hourly file is an hour long (it was taken for a minute: no step to measure).
    const one = readBarsCsv(f, { fromUs: Date.parse('2022-01-01T01:00:00Z') * 1000, toUs: Date.parse('2022-01-01T02:00:00Z') * 1000 });
    expect(one.tsUs.length).toBe(1);
    expect(one.intervalUs).toBe(hour);
    // A window whose bars are further apart than the file's step keeps the file's step.
    expect(readBarsCsv(f, { fromUs: Date.parse('2022-01-01T01:00:00Z') * 1000 }).intervalUs).toBe(hour);
  });

  it('the interval is the most common step: gaps keep it, a row that overlaps the previous bar is a bad row (LEAN zips too)', () => {
    const t0 = Date.parse('2024-01-01T00:00:00Z') * 1000;
    const row = (us: number) => `${new Date(us / 1000).toISOString()},100,101,99,100,1`;
    // Minute bars with a stray row at 00:09:30: the shortest step made the whole file 30-second bars.
    const minutes = [...Array.from({ length: 10 }, (_, i) => t0 + i * 60e6), t0 + 9.5 * 60e6, ...Array.from({ length: 10 }, (_, i) => t0 + (10 + i) * 60e6)];
    const f = join(root, 'stray.csv');
    writeFileSync(f, ['timestamp,open,high,low,close,volume', ...minutes.map(row)].join('\n') + '\n');
    expect(() => readBarsCsv(f)).toThrow(/stray\.csv:12, field timestamp: starts 30s after the previous bar: the file's bars are 1m apart \(its most common step\), so the two overlap/);
    const bad = { count: 0, examples: [] as string[] };
    const kept = readBarsCsv(f, {}, bad);
    expect(bad.count).toBe(1);
    expect(kept.intervalUs).toBe(60e6);
    expect([...kept.tsUs]).toEqual(minutes.filter((_, i) => i !== 10));
    expect(peekBarsIntervalUs(f)).toBe(60e6);
    // Missing minutes (a gap of three at the start) are still minute bars.
    const gaps = join(root, 'gaps.csv');
    const gapped = [t0, t0 + 180e6, t0 + 240e6, t0 + 300e6, t0 + 360e6];
    writeFileSync(gaps, ['timestamp,open,high,low,close,volume', ...gapped.map(row)].join('\n') + '\n');
    expect(readBarsCsv(gaps).intervalUs).toBe(60e6);
    expect(peekBarsIntervalUs(gaps)).toBe(60e6);
    // Month bars (28 to 31 days apart) are not overlaps: the most common step is 31 days.
    const month = join(root, 'months.csv');
    writeFileSync(month, ['timestamp,open,high,low,close,volume', ...Array.from({ length: 12 }, (_, m) => `2023-${String(m + 1).padStart(2, '0')}-01,100,101,99,100,1`)].join('\n') + '\n');
    const mb = readBarsCsv(month);
    expect(mb.tsUs.length).toBe(12);
    expect(mb.intervalUs).toBe(31 * 86_400e6);
    const zip = join(root, 'Data', 'cryptofuture', 'bybit', 'minute', 'btcusdt', '20221213_trade.zip');
    mkdirSync(join(zip, '..'), { recursive: true });
    writeFileSync(zip, storedZip('20221213_btcusdt_minute_trade.csv', [0, 60_000, 120_000, 150_000, 180_000, 240_000, 300_000].map((ms) => `${ms},100,101,99,100,1`).join('\n') + '\n'));
    expect(() => readBars(zip)).toThrow(/20221213_trade\.zip:20221213_btcusdt_minute_trade\.csv:4, field ms: starts 30s after the previous bar/);
  });
});

