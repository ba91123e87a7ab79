import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLiquidationVolume } from '../../src/data/chain-catalog.ts';
import { aggregate, cohortLiquidations, correlation, fitGridEdges, fitLiquidations, shareAbove, toBars } from '../../src/risk/liquidation-fit.ts';
import { dayVolumes } from '../../src/report/liquidation-fit-report.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const path = (prices: number[]) => {
  const a = Float64Array.from(prices);
  return { open: a, low: a, high: a };
};

describe('cohort liquidation model', () => {
  const p = { leverageMin: 2, leverageMax: 50, holdBars: 20, mmr: 0.005 };
  const decay = Math.exp(-1 / p.holdBars);
  const share = (d: number) => shareAbove(1 / (d + p.mmr), p.leverageMin, p.leverageMax);

  it('log-uniform leverage: all above the minimum, none above the maximum, half above the geometric mean', () => {
    expect(shareAbove(2, 2, 50)).toBe(1);
    expect(shareAbove(50, 2, 50)).toBe(0);
    expect(shareAbove(10, 2, 50)).toBeCloseTo(0.5, 12);
  });

  it('a 10% drop liquidates, from every cohort still open, the share with L ≥ 1/(10% + mmr); a repeat of the same low only the cohorts that entered since', () => {
    // 10 bars at 100, one at 90, 5 at 100, one at 90 again.
    const prices = [...Array(10).fill(100), 90, ...Array(5).fill(100), 90];
    const v = cohortLiquidations(path(prices).open, path(prices).low, path(prices).high, p, 1000);
    // First drop (bar 10): cohorts of bars 0..9 (entered at 100) fall 10%; bar 10's own cohort entered at 90.
    let first = 0;
    for (let k = 1; k <= 10; k++) first += decay ** k * share(0.1);
    expect(v.long[10]).toBeCloseTo(first, 12);
    // Second drop (bar 16): only cohorts of bars 11..15 make a new low; older ones were liquidated at their share already.
    let second = 0;
    for (let k = 1; k <= 5; k++) second += decay ** k * share(0.1);
    expect(v.long[16]).toBeCloseTo(second, 12);
    // Nothing else happens: no other bar makes a new low or high for anyone but the recovery to 100.
    for (const t of [1, 5, 9, 12, 15]) expect(v.long[t]).toBe(0);
    // The recovery from 90 to 100 is an 11.1% run-up for the cohort that entered at 90: shorts.
    expect(v.short[11]).toBeCloseTo(decay * share(100 / 90 - 1), 12);
  });

  it('a deeper drop liquidates more; longer holding keeps more cohorts open', () => {
    const run = (low: number, hold: number) => {
      const prices = [...Array(30).fill(100), low];
      const x = path(prices);
      return cohortLiquidations(x.open, x.low, x.high, { ...p, holdBars: hold }, 1000).long[30]!;
    };
    expect(run(85, 20)).toBeGreaterThan(run(90, 20));
    expect(run(90, 60)).toBeGreaterThan(run(90, 20));
  });
});

describe.skipIf(!sharedDataAvailable())('calibration on Binance ETHUSDT liquidations, January 2021', () => {
  it('fitted on 1–15 January, the model follows the held-out second half (hourly correlation) and the two sharp dips', () => {
    const v = readLiquidationVolume(join(SHARED, 'cex', 'ethusdt_quotes_liquidations_202101.csv'));
    const s = toBars(v.tsUs, v.mid, v.long, v.short, 5);
    // Every minute's volume lands in one bar.
    expect(s.long.reduce((a, x) => a + x, 0)).toBeCloseTo(v.long.reduce((a, x) => a + x, 0), 6);
    const split = s.tsUs.findIndex((t) => t >= Date.parse('2021-01-16T00:00:00Z') * 1000);
    const f = fitLiquidations(s, split, 5, { leverageMin: [1, 2, 5], leverageMax: [10, 20, 50, 100, 125], holdBars: [12, 48, 144, 576, 1152], mmr: 0.005 });
    const [d11, d21] = dayVolumes(s, f, ['2021-01-11', '2021-01-21']);
    console.log('liquidation fit', f.params, 'corr train/held-out', f.corrTrain.toFixed(3), f.corrHeldOut.toFixed(3), '01-11', d11, '01-21', d21);
    expect(d11!.heldOut).toBe(false);
    expect(d21!.heldOut).toBe(true);
    expect(f.corrHeldOut).toBeGreaterThan(0.8);
    // The dips' long liquidations within a factor 1.5 of the real ones (01-21 is out of sample).
    for (const d of [d11!, d21!]) {
      expect(d.modelLong / d.realLong).toBeGreaterThan(1 / 1.5);
      expect(d.modelLong / d.realLong).toBeLessThan(1.5);
    }
    // It predicts better than the size of the price move alone (each bar's range over its open).
    const range = s.open.map((o, i) => (s.high[i]! - s.low[i]!) / o);
    const real = s.long.map((x, i) => x + s.short[i]!);
    const hour = (x: Float64Array) => aggregate(x, 12);
    const h = Math.floor(split / 12);
    const baseline = correlation(hour(range), hour(real), h, hour(real).length);
    console.log('held-out hourly correlation: model', f.corrHeldOut.toFixed(3), 'bar range alone', baseline.toFixed(3));
    expect(f.corrHeldOut).toBeGreaterThan(baseline);
  });
});

describe('fitGridEdges', () => {
  const grid = { leverageMin: [1, 2, 5], leverageMax: [10, 20, 50, 100, 125], holdBars: [12, 48, 144] };
  it('names a fit on a search edge, not on the real bounds (1×, 125×) or inside the grid', () => {
    expect(fitGridEdges({ leverageMin: 1, leverageMax: 125, holdBars: 48 }, grid, 5)).toEqual([]);
    expect(fitGridEdges({ leverageMin: 2, leverageMax: 50, holdBars: 48 }, grid, 5)).toEqual([]);
    expect(fitGridEdges({ leverageMin: 5, leverageMax: 10, holdBars: 144 }, grid, 5)).toEqual(['lowest leverage 5× (grid 1, 2, 5)', 'highest leverage 10× (grid 10, 20, 50, 100, 125)', 'holding time 12 h (grid 1 h – 12 h)']);
    expect(fitGridEdges({ leverageMin: 1, leverageMax: 20, holdBars: 12 }, grid, 5)).toEqual(['holding time 1 h (grid 1 h – 12 h)']);
  });
});

