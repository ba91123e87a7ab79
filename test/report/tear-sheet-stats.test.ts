import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchmarkStats, dailyReturns, duration, exposure, monthlyReturns, onGrid, rolling, samplingInterval, stepMeans, underwater, varEs, worstDrawdowns } from '../../src/report/tear-sheet-stats.ts';

const D = 86_400e6;

describe('tear-sheet statistics on hand-made series', () => {
  it('the sampling interval is the timer\'s (the most common spacing), and returns are taken on its grid, not between fill samples', () => {
    // A 1-s timer with samples at fills in between (0.3 s and 0.7 s after a tick, twice).
    const ts = [0, 1e6, 1.3e6, 2e6, 3e6, 3.7e6, 4e6, 5e6, 5.5e6];
    const eq = [100, 101, 50, 102, 103, 60, 104, 105, 106];
    expect(samplingInterval(ts)).toBe(1e6);
    // Each grid point takes the last sample at or before it; the run's last, partial interval is not a point.
    expect(onGrid(ts, eq, 1e6)).toEqual({ ts: [0, 1e6, 2e6, 3e6, 4e6, 5e6], eq: [100, 101, 102, 103, 104, 105] });
    // A grid point between samples holds the value then in force.
    expect(onGrid([0, 2.5e6, 4e6], [10, 20, 30], 1e6)).toEqual({ ts: [0, 1e6, 2e6, 3e6, 4e6], eq: [10, 10, 10, 20, 30] });
    // Ties between spacings: the shorter.
    expect(samplingInterval([0, 1, 3, 4, 6])).toBe(1);
  });

  it('underwater and the worst drawdowns: 100→120→90→130→110→140 has −25% (recovered at 130) and −15.38% (recovered at 140)', () => {
    const ts = [0, 1, 2, 3, 4, 5].map((k) => k * D);
    const eq = [100, 120, 90, 130, 110, 140];
    expect([...underwater(eq)]).toEqual([0, 0, 90 / 120 - 1, 0, 110 / 130 - 1, 0]);
    expect(worstDrawdowns(ts, eq)).toEqual([
      { peakUs: 1 * D, troughUs: 2 * D, recoveryUs: 3 * D, depth: 90 / 120 - 1 },
      { peakUs: 3 * D, troughUs: 4 * D, recoveryUs: 5 * D, depth: 110 / 130 - 1 },
    ]);
    // Still under water at the end: no recovery.
    expect(worstDrawdowns(ts.slice(0, 3), eq.slice(0, 3))[0]!.recoveryUs).toBeUndefined();
  });

  it('monthly returns compound from month-end equity; daily returns from day closes', () => {
    const jan1 = Date.UTC(2024, 0, 1) * 1000;
    const feb1 = Date.UTC(2024, 1, 1) * 1000;
    const mar1 = Date.UTC(2024, 2, 1) * 1000;
    const ts = [jan1, jan1 + 10 * D, feb1 + D, feb1 + 20 * D, mar1 + D];
    const eq = [100, 110, 121, 99, 108.9];
    const m = monthlyReturns(ts, eq);
    expect([...m.keys()]).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(m.get('2024-01')).toBeCloseTo(0.1, 12); // 100 → 110
    expect(m.get('2024-02')).toBeCloseTo(99 / 110 - 1, 12); // January's close → February's close
    expect(m.get('2024-03')).toBeCloseTo(108.9 / 99 - 1, 12);
    const d = dailyReturns([0, 0.5 * D, D, 1.5 * D, 2 * D], [100, 101, 102, 99, 100]);
    expect(d.dayUs).toEqual([0, D, 2 * D]);
    expect(d.ret.map((x) => Number(x.toFixed(12)))).toEqual([Number((101 / 100 - 1).toFixed(12)), Number((99 / 101 - 1).toFixed(12)), Number((100 / 99 - 1).toFixed(12))]);
  });

  it('historical VaR and ES at 95%: the 5th worst of 100 returns and the mean of the 5 worst', () => {
    const r = Array.from({ length: 100 }, (_, i) => (i - 50) / 1000);
    const v = varEs(r, 0.95)!;
    expect(v.var).toBeCloseTo(0.046, 12);
    expect(v.es).toBeCloseTo((0.05 + 0.049 + 0.048 + 0.047 + 0.046) / 5, 12);
    expect(varEs(r.slice(0, 10))).toBeUndefined();
  });

  it('rolling volatility and Sharpe equal a straightforward recomputation (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: 5, maxLength: 80 }), fc.integer({ min: 2, max: 5 }), (r, w) => {
        const got = rolling(r, w);
        for (let i = 0; i < r.length; i++) {
          if (i < w - 1) {
            expect(got.vol[i]).toBeNaN();
            continue;
          }
          const win = r.slice(i - w + 1, i + 1);
          const m = win.reduce((a, b) => a + b, 0) / w;
          const sd = Math.sqrt(win.reduce((a, b) => a + (b - m) ** 2, 0) / (w - 1));
          expect(got.vol[i]!).toBeCloseTo(sd, 9);
        }
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('against a benchmark: beta, alpha, correlation and information ratio as Python statistics gives them', () => {
    // Reference: Python 3 `statistics` (covariance / variance, correlation, mean / stdev of r − b).
    const b = [0.01, -0.02, 0.03, 0.0, 0.015];
    const r = [0.02, -0.01, 0.01, 0.01, -0.005];
    const s = benchmarkStats(r, b)!;
    expect(s.n).toBe(5);
    expect(s.beta).toBeCloseTo(0.32608695652173914, 14);
    expect(s.alpha).toBeCloseTo(0.0027173913043478264, 15);
    expect(s.correlation).toBeCloseTo(0.49453535504684026, 14);
    expect(s.informationRatio).toBeCloseTo(-0.12171612389003686, 14);
    // Closed forms: r = 2b + c is beta 2, alpha c, correlation 1; a missing return drops its pair.
    const t = benchmarkStats(b.map((x) => 2 * x + 0.001).concat(NaN), [...b, 0.5])!;
    expect([t.n, t.beta, t.alpha, t.correlation]).toEqual([5, expect.closeTo(2, 12), expect.closeTo(0.001, 15), expect.closeTo(1, 12)]);
    expect(benchmarkStats([0.1, 0.2, 0.3], [0.01, 0.01, 0.01])).toBeUndefined(); // a flat benchmark
    expect(benchmarkStats([0.1, 0.2], [0.01, 0.02])).toBeUndefined();
  });

  it('exposure: the share of time a position was open', () => {
    expect(exposure([0, 10, 20, 40], [0, 3, 0, 0])).toBeCloseTo(10 / 40, 12);
  });

  it('stepMeans: time-weighted means of a step series per bucket, by hand and against the whole integral', () => {
    // 2 on [0,5), 4 on [5,15), 6 on [15,20]: buckets [0,10) and [10,20] hold 2·5+4·5 and 4·5+6·5.
    const a = stepMeans([0, 5, 15, 20], [2, 4, 6, 8], 2);
    expect([...a.tUs]).toEqual([0, 10]);
    expect([...a.mean]).toEqual([3, 5]);
    // A position toggling 0 ↔ 1000 each 10 µs, in buckets of 20 µs: half the time long.
    expect([...stepMeans([0, 10, 20, 30, 40], [0, 1000, 0, 1000, 0], 2).mean]).toEqual([500, 500]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -50, max: 50 })), { minLength: 2, maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (steps, buckets) => {
        const ts: number[] = [];
        const v: number[] = [];
        let t = 0;
        for (const [dt, x] of steps) {
          ts.push(t);
          v.push(x);
          t += dt;
        }
        const m = stepMeans(ts, v, buckets);
        // Buckets are equal: their mean is the series' time-weighted mean over the whole span.
        let area = 0;
        for (let i = 0; i + 1 < ts.length; i++) area += v[i]! * (ts[i + 1]! - ts[i]!);
        const whole = area / (ts[ts.length - 1]! - ts[0]!);
        expect(m.mean.reduce((s, x) => s + x, 0) / buckets).toBeCloseTo(whole, 9);
        for (const x of m.mean) expect(x).toBeGreaterThanOrEqual(Math.min(...v) - 1e-9);
      }),
    );
  });
});

describe('duration labels', () => {
  it('one decimal where it says something, none where it is zero ("per 15 min", not "per 15.0 min")', () => {
    expect(duration(15 * 60e6)).toBe('15 min');
    expect(duration(12.5 * 60e6)).toBe('12.5 min');
    expect(duration(700e3)).toBe('0.7 s');
    expect(duration(2 * 86_400e6)).toBe('2 d');
    expect(duration(3.24 * 3600e6)).toBe('3.2 h');
    expect(duration(59.97e6)).toBe('60 s');
  });
});
