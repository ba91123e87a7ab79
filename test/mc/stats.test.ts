/** VaR, ES and quantiles across paths against their definitions on hand-made samples. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedShortfall, pathsToBound, proportionCi, quantileCi, quantileCiRanks, summarise, tailBySource, upperQuantile, valueAtRisk } from '../../src/mc/stats.ts';

describe('risk statistics across paths', () => {
  // PnL of 100 paths: −50, −49, …, 49 (shuffled; the statistics sort).
  const pnl = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) - 50);
  it('VaR 95% is minus the 5th worst PnL; 99% minus the worst', () => {
    expect(valueAtRisk(pnl, 0.95)).toBe(46); // −50 −49 −48 −47 −46 → 5th smallest −46
    expect(valueAtRisk(pnl, 0.99)).toBe(50);
  });
  it('ES is minus the mean of the worst 5% (1%)', () => {
    expect(expectedShortfall(pnl, 0.95)).toBe(48); // mean of −50…−46
    expect(expectedShortfall(pnl, 0.99)).toBe(50);
  });
  it('an upper quantile is the ⌈α·n⌉-th smallest', () => {
    const lar = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(upperQuantile(lar, 0.95)).toBe(190);
    expect(upperQuantile(lar, 0.99)).toBe(200);
    expect(upperQuantile([7], 0.99)).toBe(7);
  });
  it('ES ≥ VaR and both are monotone in confidence (any sample)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
      const v95 = valueAtRisk(xs, 0.95);
      const v99 = valueAtRisk(xs, 0.99);
      return expectedShortfall(xs, 0.95) >= v95 - 1e-9 && v99 >= v95 && expectedShortfall(xs, 0.99) >= expectedShortfall(xs, 0.95) - 1e-9;
    }));
  });
  it('refuses NaN paths and a confidence outside (0, 1)', () => {
    expect(() => valueAtRisk([1, NaN], 0.95)).toThrow(/NaN/);
    expect(() => valueAtRisk([1], 1)).toThrow(/confidence/);
  });
});

/**
 * Confidence intervals against SciPy 1.17.1, computed with:
 *   scipy.stats.quantile_test(np.arange(1, n + 1.0), q=0, p=p).confidence_interval(0.95)
 *     → the ranks (the sample 1..n makes each value its own rank; nan = a side n cannot bound);
 *   scipy.stats.binomtest(k, n).proportion_ci(0.95, method='exact') → Clopper–Pearson.
 */
describe('confidence intervals of the path statistics', () => {
  const SCIPY_RANKS: [number, [number, number, number][]][] = [
    [5, [[0.01, NaN, 2], [0.05, NaN, 2], [0.5, NaN, NaN], [0.95, 4, NaN], [0.99, 4, NaN]]],
    [12, [[0.01, NaN, 2], [0.05, NaN, 3], [0.5, 3, 10], [0.95, 10, NaN], [0.99, 11, NaN]]],
    [20, [[0.01, NaN, 2], [0.05, NaN, 4], [0.5, 6, 15], [0.95, 17, NaN], [0.99, 19, NaN]]],
    [50, [[0.01, NaN, 3], [0.05, NaN, 7], [0.5, 18, 33], [0.95, 44, NaN], [0.99, 48, NaN]]],
    [100, [[0.01, NaN, 4], [0.05, 1, 11], [0.5, 40, 61], [0.95, 90, 100], [0.99, 97, NaN]]],
    [200, [[0.01, NaN, 6], [0.05, 4, 17], [0.5, 86, 115], [0.95, 184, 197], [0.99, 195, NaN]]],
    [1000, [[0.01, 4, 18], [0.05, 37, 65], [0.5, 469, 532], [0.95, 936, 964], [0.99, 983, 997]]],
    [5000, [[0.01, 37, 65], [0.05, 220, 282], [0.5, 2431, 2570], [0.95, 4719, 4781], [0.99, 4936, 4964]]],
  ];
  it('quantile intervals take the order statistics SciPy takes', () => {
    for (const [n, cases] of SCIPY_RANKS) {
      const xs = Array.from({ length: n }, (_, i) => n - i); // 1..n, reversed: the statistic sorts
      for (const [p, lo, hi] of cases) {
        const ci = quantileCi(xs, p);
        expect([n, p, ci.lo, ci.hi]).toEqual([n, p, lo, hi]);
      }
    }
  });
  it('pathsToBound is the fewest paths that bound the open side', () => {
    for (const p of [0.01, 0.05, 0.95, 0.99]) {
      const m = pathsToBound(p);
      const open = (n: number) => {
        const r = quantileCiRanks(n, p);
        return p < 0.5 ? r.l === 0 : r.u === 0;
      };
      expect([p, open(m - 1), open(m)]).toEqual([p, true, false]);
    }
    expect([pathsToBound(0.95), pathsToBound(0.99)]).toEqual([72, 368]);
  });
  it('proportions: Clopper–Pearson as SciPy', () => {
    const SCIPY: [number, number, number, number][] = [
      [7, 20, 0.1539092047845412, 0.5921885345328283],
      [0, 20, 0.0, 0.16843347098308548],
      [20, 20, 0.8315665290169145, 1.0],
      [1, 12, 0.0021075932318616332, 0.38479616515094384],
      [167, 1000, 0.14439030619473664, 0.19158907017630925],
      [0, 1000, 0.0, 0.003682083896639526],
      [1000, 1000, 0.9963179161033608, 1.0],
      [3, 5, 0.14663279963467254, 0.9472550494736843],
      [500, 1000, 0.46854917297179194, 0.531450827028208],
      [2, 1000, 0.00024230111688164864, 0.007205838911937376],
    ];
    for (const [k, n, lo, hi] of SCIPY) {
      const ci = proportionCi(k, n);
      expect(Math.abs(ci.lo - lo)).toBeLessThan(1e-10);
      expect(Math.abs(ci.hi - hi)).toBeLessThan(1e-10);
    }
    expect(() => proportionCi(3, 2)).toThrow(/not a count/);
  });
  it('the summary: VaR intervals are the PnL order statistics negated, LaR and probabilities as above', () => {
    // 100 paths: PnL −50 … 49 (shuffled); liquidated notional 1..100 × 1,000; the fund exhausted on 7 paths, ADL on 100.
    const rows = Array.from({ length: 100 }, (_, i) => {
      const j = (i * 37) % 100;
      return { k: i, seed: i, label: '', shock: 1, deskPnl: j - 50, liquidations: 0, accountsLiquidated: 0, liquidatedNotional: (j + 1) * 1000, lendingLiquidatedUsd: 0, lendingLiquidations: 0, adlEvents: 1, badDebt: 0, lendingBadDebtUsd: 0, insuranceFundEnd: 0, insuranceFundMin: j < 7 ? 0 : 1, fundExhausted: j < 7, pathLow: 0, markLow: 0, events: 0, resultsSha256: '', dir: '' };
    });
    const s = summarise(rows);
    // p = 0.05 on 100 paths: ranks 1 and 11 (SciPy above) → PnL −50 and −40 → loss 40 … 50.
    expect([s.var95Lo, s.var95, s.var95Hi]).toEqual([40, 46, 50]);
    // p = 0.01: the lower rank is open → the loss has no upper bound; upper rank 4 → PnL −47.
    expect([s.var99Lo, s.var99Hi]).toEqual([47, NaN]);
    // LaR: ranks 90 and 100 at 95%, 97 and open at 99%.
    expect([s.lar95Lo, s.lar95Hi, s.lar99Lo, s.lar99Hi]).toEqual([90_000, 100_000, 97_000, NaN]);
    const f = proportionCi(7, 100);
    expect([s.pFundExhausted, s.pFundExhaustedLo, s.pFundExhaustedHi]).toEqual([0.07, f.lo, f.hi]);
    expect([s.adlIncidence, s.adlIncidenceLo, s.adlIncidenceHi]).toEqual([1, proportionCi(100, 100).lo, 1]);
  });
});

describe('where the tail comes from', () => {
  it('groups paths by source and counts each source among the ⌈(1 − α)·n⌉ worst desk PnLs', () => {
    // 40 paths: source A's PnL −40 … −21 (k 0–19), B's 0 … 19 (k 20–39); 95% tail = 2 worst = both A.
    const row = (k: number, label: string, pnl: number, fund: number, liq: number) => ({ k, label, deskPnl: pnl, insuranceFundMin: fund, liquidatedNotional: liq, lendingLiquidatedUsd: 1 });
    const rows = [...Array.from({ length: 20 }, (_, i) => row(i, 'A', -40 + i, i < 5 ? 0 : 10, 100)), ...Array.from({ length: 20 }, (_, i) => row(20 + i, 'B', i, 10, 300))];
    expect(tailBySource(rows)).toEqual([
      { label: 'A', paths: 20, inTail: 2, meanPnl: -30.5, worstPnl: -40, pFundExhausted: 0.25, meanLiquidated: 101 },
      { label: 'B', paths: 20, inTail: 0, meanPnl: 9.5, worstPnl: 0, pFundExhausted: 0, meanLiquidated: 301 },
    ]);
    // At 99% on 40 paths the tail is the worst path alone; a tie goes to the lower path index.
    const tie = [row(0, 'A', -5, 1, 0), row(1, 'B', -5, 1, 0), row(2, 'B', 3, 1, 0)];
    expect(tailBySource(tie, 0.99).map((g) => [g.label, g.inTail])).toEqual([['A', 1], ['B', 0]]);
  });
});
