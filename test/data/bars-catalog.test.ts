import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateBars, barsFromTrades, prefetchBarsCatalog, readBarsCatalog, writeBarsCatalog } from '../../src/data/bars-catalog.ts';
import { importDataset } from '../../src/data/import/index.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { runBacktest } from '../../src/backtest/run.ts';

const SHARED = join(PACKAGE_ROOT, '..', 'shared', 'data');
const tmp = mkdtempSync(join(tmpdir(), 'primesim-barscat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bars catalogs', () => {
  it('a CSV and a LEAN minute zip import to catalogs that read back bit-identical; a changed byte is caught', () => {
    for (const [name, file] of [['csv', join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv')], ['lean', join(SHARED, 'lean', 'cryptofuture_binance_minute_btcusd_20221213_trade.zip')]] as const) {
      const src = readBars(file);
      const out = join(tmp, name);
      const m = writeBarsCatalog(out, src, { source: file, builtWith: 'test' });
      expect(m.rows).toBe(src.tsUs.length);
      const back = readBars(out);
      for (const k of ['tsUs', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Buffer.from(back[k].buffer, back[k].byteOffset, back[k].byteLength).equals(Buffer.from(src[k].buffer, src[k].byteOffset, src[k].byteLength))).toBe(true);
      expect(back.intervalUs).toBe(src.intervalUs);
    }
    const f = join(tmp, 'csv', 'close.f64');
    const b = readFileSync(f);
    b[100] = b[100]! ^ 1;
    writeFileSync(f, b);
    expect(() => readBarsCatalog(join(tmp, 'csv'))).toThrow(/close\.f64 does not match its sha256/);
  });

  it('a large catalog read with its hashes checked on another thread: the same bars, and a changed byte fails the check and the run before anything is written', async () => {
    // The real minute bars repeated 8× (shifted in time): 360,248 bars, 17 MB of columns (over the 16 MB from which the check runs on its own thread).
    const one = readBars(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'));
    const n = one.tsUs.length;
    const span = one.tsUs[n - 1]! - one.tsUs[0]! + one.intervalUs;
    const rep = (a: Float64Array, shift: boolean) => {
      const out = new Float64Array(n * 8);
      for (let k = 0; k < 8; k++) for (let i = 0; i < n; i++) out[k * n + i] = shift ? a[i]! + k * span : a[i]!;
      return out;
    };
    const big = { ...one, tsUs: rep(one.tsUs, true), open: rep(one.open, false), high: rep(one.high, false), low: rep(one.low, false), close: rep(one.close, false), volume: rep(one.volume, false) };
    const dir = join(tmp, 'big');
    writeBarsCatalog(dir, big, { source: 'test', builtWith: 'test' });
    const sync = readBarsCatalog(dir);
    expect(sync.check).toBeUndefined();
    const bg = readBarsCatalog(dir, {}, { background: true });
    expect(bg.check).toBeInstanceOf(Promise);
    await expect(bg.check).resolves.toBeUndefined();
    for (const k of ['tsUs', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Buffer.from(bg[k].buffer, bg[k].byteOffset, bg[k].byteLength).equals(Buffer.from(big[k].buffer))).toBe(true);
    // Columns read ahead on the thread pool (a run's builder does, while its strategy compiles) are
    // the files' bytes and make the same series; one that is not the listed length is read again.
    const pre = await prefetchBarsCatalog(dir)!;
    expect([...pre.keys()].map((p) => p.slice(dir.length + 1)).sort()).toEqual(['close.f64', 'high.f64', 'low.f64', 'open.f64', 'ts_us.f64', 'volume.f64']);
    for (const [p, buf] of pre) expect(buf.equals(readFileSync(p))).toBe(true);
    const short = new Map(pre);
    short.set(join(dir, 'close.f64'), pre.get(join(dir, 'close.f64'))!.subarray(0, 800));
    for (const columns of [pre, short]) {
      const viaPre = readBarsCatalog(dir, {}, { background: true, columns });
      await expect(viaPre.check).resolves.toBeUndefined();
      for (const k of ['tsUs', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Buffer.from(viaPre[k].buffer, viaPre[k].byteOffset, viaPre[k].byteLength).equals(Buffer.from(big[k].buffer))).toBe(true);
    }
    expect(prefetchBarsCatalog(join(tmp, 'no-such-catalog'))).toBeUndefined();
    // The small catalog is checked in the read itself, background or not.
    expect(readBarsCatalog(join(tmp, 'lean'), {}, { background: true }).check).toBeUndefined();

    const f = join(dir, 'volume.f64');
    const b = readFileSync(f);
    b[12_345_678 % b.length] = b[12_345_678 % b.length]! ^ 4;
    writeFileSync(f, b);
    expect(() => readBarsCatalog(dir)).toThrow(/volume\.f64 does not match its sha256/);
    const bad = readBarsCatalog(dir, {}, { background: true });
    await expect(bad.check).rejects.toThrow(/volume\.f64 does not match its sha256/);
    // A backtest on it replays (the check runs beside the replay) and fails with that error; no run folder is left.
    const runs = join(tmp, 'runs');
    await expect(runBacktest({ strategy: 'strategies/sma-cross.ts', data: dir, seed: 1, capital: 1e6, runsDir: runs })).rejects.toThrow(/volume\.f64 does not match its sha256/);
    expect(existsSync(runs) ? readdirSync(runs).filter((x) => !x.startsWith('.')) : []).toEqual([]);
  });

  it('longer bars from bars: 4-hour bars of the real minute file equal a recomputation; gaps stay gaps; the interval must be a multiple', () => {
    const b = readBars(join(PACKAGE_ROOT, '..', 'shared', 'data', 'bars', 'btc-perp-20211231-20220201_1m.csv'));
    const H4 = 4 * 3600e6;
    const a = aggregateBars(b, H4);
    // The recomputation: group the minutes by their 4-hour window, in a Map.
    const want = new Map<number, number[]>();
    for (let i = 0; i < b.tsUs.length; i++) {
      const k = b.tsUs[i]! - (b.tsUs[i]! % H4);
      const w = want.get(k);
      if (!w) want.set(k, [b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!]);
      else want.set(k, [w[0]!, Math.max(w[1]!, b.high[i]!), Math.min(w[2]!, b.low[i]!), b.close[i]!, w[4]! + b.volume[i]!]);
    }
    expect([...a.tsUs]).toEqual([...want.keys()]);
    for (let j = 0; j < a.tsUs.length; j++) {
      const w = want.get(a.tsUs[j]!)!;
      expect([a.open[j], a.high[j], a.low[j], a.close[j]]).toEqual(w.slice(0, 4));
      expect(a.volume[j]).toBe(w[4]);
    }
    expect(a.intervalUs).toBe(H4);
    // Two minutes an hour apart give two hourly bars, not one, and none in between.
    const two = { ...b, tsUs: Float64Array.of(0, 3600e6), open: Float64Array.of(1, 2), high: Float64Array.of(1, 2), low: Float64Array.of(1, 2), close: Float64Array.of(1, 2), volume: Float64Array.of(1, 1) };
    expect([...aggregateBars(two, 1800e6).tsUs]).toEqual([0, 3600e6]);
    expect(() => aggregateBars(b, 90e6)).toThrow(/90 s is not a multiple of the bars' 60 s/);
  });

  it('one-minute bars built from the real BTCUSDT capture\'s trades equal a recomputation from the raw exchange messages', async () => {
    const ds = join(tmp, 'usdm');
    await importDataset({ input: join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'), out: ds });
    const bars = barsFromTrades(ds, 60e6);
    // Reference: every btcusdt@trade message of the capture, bucketed by its trade time T.
    const want = new Map<number, { o: string; h: number; l: number; c: string; v: number }>();
    for (const line of gunzipSync(readFileSync(join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'))).toString('utf8').split('\n')) {
      if (!line.includes('@trade"')) continue;
      const d = (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: { T: number; p: string; q: string } }).data;
      const start = Math.floor(d.T / 60_000) * 60_000 * 1000;
      const w = want.get(start);
      const p = Number(d.p);
      // Quantities in lots (0.001 BTC) to keep the sum exact.
      const lots = Math.round(Number(d.q) * 1000);
      if (!w) want.set(start, { o: d.p, h: p, l: p, c: d.p, v: lots });
      else {
        w.h = Math.max(w.h, p);
        w.l = Math.min(w.l, p);
        w.c = d.p;
        w.v += lots;
      }
    }
    expect(bars.tsUs.length).toBe(want.size);
    expect(want.size).toBeGreaterThan(3);
    let i = 0;
    for (const [start, w] of [...want].sort((a, b) => a[0] - b[0])) {
      expect([bars.tsUs[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]).toEqual([start, Number(w.o), w.h, w.l, Number(w.c), w.v / 1000]);
      i++;
    }
  });
});
