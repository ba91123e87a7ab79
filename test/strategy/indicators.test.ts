/**
 * The streaming indicators against an independent library, value by value, on the 45,031 real
 * one-minute bars of ../shared/data/bars: `technicalindicators` 3.1.0 (TA-Lib's conventions; its
 * own JavaScript, full precision with `format: (v) => v`). Its RSI rounds to two decimals, so the
 * RSI is checked against the formula on its own average gain and loss (and its rounded value to
 * within rounding). Plus the windows' definitions on hand-made series and fast-check properties.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { ATR, AverageGain, AverageLoss, BollingerBands, EMA, Highest, Lowest, MACD, RSI, SD, SMA, WEMA } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { readBars } from '../../src/data/readers/bars.ts';
import { Atr, Bollinger, Ema, Macd, Rma, RollingMax, RollingMin, RollingStd, Rsi, Sma } from '../../src/strategy/indicators.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const full = (v: number) => v;

/** Ours over a series: the values once ready (the library returns only those). */
function ours(ind: { update(x: number): number; ready: boolean }, xs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const v = ind.update(xs[i]!);
    if (ind.ready) out.push(v);
  }
  return out;
}

/** Equal within `rel` of the series' scale (identical arithmetic gives 0). */
function close(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('streaming indicators', () => {
  const bars = sharedDataAvailable() ? readBars(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv')) : undefined;
  const closes = bars ? Array.from(bars.close) : [];

  it('SMA and EMA equal technicalindicators on the real bars to the bit (the same arithmetic); Wilder’s RMA to 1e-9', () => {
    if (!bars) return;
    for (const p of [1, 2, 10, 20, 200]) {
      expect(ours(new Sma(p), closes)).toEqual(SMA.calculate({ period: p, values: closes, format: full } as never));
      expect(ours(new Ema(p), closes)).toEqual(EMA.calculate({ period: p, values: closes, format: full } as never));
      // The library's WEMA writes Wilder's step as prev + (x − prev)/n, ours as TA-Lib does (prev·(n − 1) + x)/n.
      close(ours(new Rma(p), closes), WEMA.calculate({ period: p, values: closes, format: full } as never), 1e-9);
    }
  });

  it('RSI: Wilder’s averages equal the library’s; the RSI is 100 − 100/(1 + gain/loss) of them, and its rounded RSI to 0.005', () => {
    if (!bars) return;
    for (const p of [2, 14, 50]) {
      const r = new Rsi(p);
      const mine: number[] = [];
      const g: number[] = [];
      const l: number[] = [];
      for (const c of closes) {
        r.update(c);
        if (!r.ready) continue;
        mine.push(r.value);
        g.push(r.averageGain);
        l.push(r.averageLoss);
      }
      const G = AverageGain.calculate({ period: p, values: closes, format: full } as never);
      const L = AverageLoss.calculate({ period: p, values: closes, format: full } as never);
      expect(g).toEqual(G);
      expect(l).toEqual(L);
      // The library's gain and loss, through the formula (no loss: 100).
      expect(mine).toEqual(G.map((x, i) => (L[i] === 0 ? 100 : 100 - 100 / (1 + x / L[i]!))));
      close(mine, RSI.calculate({ period: p, values: closes }), 0.005 + 1e-9);
      expect(mine.length).toBe(closes.length - p);
    }
  });

  it('ATR equals technicalindicators on the real bars to 1e-9 (true range from the second bar, Wilder-smoothed)', () => {
    if (!bars) return;
    const high = Array.from(bars.high);
    const low = Array.from(bars.low);
    for (const p of [1, 14, 60]) {
      const a = new Atr(p);
      const mine: number[] = [];
      for (let i = 0; i < closes.length; i++) {
        a.update(high[i]!, low[i]!, closes[i]!);
        if (a.ready) mine.push(a.value);
      }
      // The library smooths with its WEMA (see RMA above).
      close(mine, ATR.calculate({ period: p, high, low, close: closes, format: full } as never), 1e-9);
      expect(mine.length).toBe(closes.length - p);
    }
  });

  it('rolling standard deviation and Bollinger bands equal the library’s (population SD) to 1e-9', () => {
    if (!bars) return;
    for (const p of [2, 20, 390]) {
      // Both take each window's mean, then the squared deviations (the library sums them in another order).
      close(ours(new RollingStd(p), closes), SD.calculate({ period: p, values: closes, format: full } as never), 1e-9);
      const b = new Bollinger(p, 2);
      const mine: { middle: number; upper: number; lower: number }[] = [];
      for (const c of closes) {
        b.update(c);
        if (b.ready) mine.push({ middle: b.middle, upper: b.upper, lower: b.lower });
      }
      const ref = BollingerBands.calculate({ period: p, stdDev: 2, values: closes, format: full } as never) as { middle: number; upper: number; lower: number }[];
      expect(mine.map((x) => x.middle)).toEqual(ref.map((x) => x.middle));
      close(mine.map((x) => x.upper), ref.map((x) => x.upper), 1e-8);
      close(mine.map((x) => x.lower), ref.map((x) => x.lower), 1e-8);
    }
  });

  it('MACD, its signal and histogram equal the library’s EMA-based MACD to the bit', () => {
    if (!bars) return;
    for (const [f, sl, sg] of [[12, 26, 9], [5, 35, 5]] as const) {
      const m = new Macd(f, sl, sg);
      const mine: { MACD: number; signal: number | undefined; histogram: number | undefined }[] = [];
      for (const c of closes) {
        m.update(c);
        // The library reports the MACD from the slow EMA's first value, the signal once it has its window.
        if (!Number.isNaN(m.value)) mine.push({ MACD: m.value, signal: m.ready ? m.signal : undefined, histogram: m.ready ? m.histogram : undefined });
      }
      expect(mine).toEqual(MACD.calculate({ values: closes, fastPeriod: f, slowPeriod: sl, signalPeriod: sg, SimpleMAOscillator: false, SimpleMASignal: false, format: full } as never));
    }
    expect(() => new Macd(26, 12)).toThrow(/must be shorter/);
  });

  it('rolling max and min equal the library’s Highest and Lowest', () => {
    if (!bars) return;
    for (const p of [1, 3, 60, 1440]) {
      expect(ours(new RollingMax(p), closes)).toEqual(Highest.calculate({ period: p, values: closes }));
      expect(ours(new RollingMin(p), closes)).toEqual(Lowest.calculate({ period: p, values: closes }));
    }
  });

  it('definitions on a hand-made series', () => {
    const xs = [1, 2, 3, 4, 5, 4, 3];
    expect(ours(new Sma(3), xs)).toEqual([2, 3, 4, 13 / 3, 4]);
    // EMA(3): α = 0.5, seeded with SMA(1, 2, 3) = 2.
    expect(ours(new Ema(3), xs)).toEqual([2, 3, 4, 4, 3.5]);
    // RSI(2) of 1,2,3,2: changes +1,+1,−1; seeds gain 1, loss 0 → 100; then gain 0.5, loss 0.5 → 50.
    expect(ours(new Rsi(2), [1, 2, 3, 2])).toEqual([100, 50]);
    expect(ours(new RollingMax(3), [5, 1, 2, 3, 1, 0])).toEqual([5, 3, 3, 3]);
    expect(ours(new RollingMin(3), [5, 1, 2, 3, 1, 0])).toEqual([1, 1, 1, 0]);
    // Population SD of (2, 4, 4, 4, 5, 5, 7, 9) is 2.
    expect(ours(new RollingStd(8), [2, 4, 4, 4, 5, 5, 7, 9])).toEqual([2]);
    // A flat window: exactly 0, though 0.1 + 0.1 + 0.1 = 0.30000000000000004.
    expect(ours(new RollingStd(3), [0.1, 0.1, 0.1])).toEqual([0]);
    const s = new Sma(2);
    s.update(1);
    s.update(3);
    s.reset();
    expect([s.value, s.ready, s.update(7), s.update(9)]).toEqual([NaN, false, NaN, 8]);
    // A NaN is refused where it enters (it would poison a running sum for the rest of the run).
    for (const ind of [new Sma(3), new Ema(3), new Rma(3), new Rsi(3), new RollingStd(3), new Bollinger(3), new Macd(2, 3, 2), new RollingMax(3), new RollingMin(3)]) expect(() => ind.update(NaN)).toThrow(/a value of NaN/);
    expect(() => new Atr(3).update(1, NaN, 1)).toThrow(/ATR low: a value of NaN/);
    expect(() => new Sma(2).update(Infinity)).toThrow(/SMA: a value of Infinity/);
    expect(() => new Sma(0)).toThrow(/whole number ≥ 1/);
    expect(() => new Ema(2.5)).toThrow(/whole number ≥ 1/);
  });

  it('properties: every window statistic equals its recomputation from the last `period` values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 12 }), (xs, p) => {
        const mx = new RollingMax(p);
        const mn = new RollingMin(p);
        const sd = new RollingStd(p);
        const sm = new Sma(p);
        for (let i = 0; i < xs.length; i++) {
          mx.update(xs[i]!);
          mn.update(xs[i]!);
          sd.update(xs[i]!);
          sm.update(xs[i]!);
          if (i + 1 < p) {
            if (mx.ready || !Number.isNaN(mx.value) || !Number.isNaN(sm.value)) return false;
            continue;
          }
          const w = xs.slice(i + 1 - p, i + 1);
          const mean = w.reduce((a, b) => a + b, 0) / p;
          const var_ = w.reduce((a, b) => a + (b - mean) ** 2, 0) / p;
          if (mx.value !== Math.max(...w) || mn.value !== Math.min(...w)) return false;
          if (Math.abs(sm.value - mean) > 1e-9 * (1 + Math.max(...w.map(Math.abs)))) return false;
          // Two passes over the window, as here: a flat window is exactly 0.
          if (Math.abs(sd.value - Math.sqrt(var_)) > 1e-9 * (1 + Math.max(...w.map(Math.abs)))) return false;
          if (w.every((v) => v === w[0]) && sd.value !== 0) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
