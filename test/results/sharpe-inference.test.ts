/**
 * The probabilistic and deflated Sharpe ratios against Bailey & López de Prado's formulas,
 * evaluated with SciPy 1.17.1 (norm.cdf, norm.ppf, stats.skew, stats.kurtosis(fisher=False)),
 * and the expected maximum against the exact expectation of the best of N standard normals
 * (scipy.integrate.quad of x·N·φ(x)·Φ(x)^(N−1)), which the formula approximates.
 */
import { describe, expect, it } from 'vitest';
import { deflatedSharpes, expectedMaxSharpe, probabilisticSharpe, returnShape } from '../../src/results/sharpe-inference.ts';

describe('Sharpe inference', () => {
  it('PSR as the formula gives it with SciPy', () => {
    expect(probabilisticSharpe(0.05, 1440, -0.3, 6.0)).toBeCloseTo(0.969928849432285, 13);
    expect(probabilisticSharpe(0.05, 1440, -0.3, 6.0, 0.03)).toBeCloseTo(0.7739442744082445, 13);
    expect(probabilisticSharpe(-0.02, 500, 0.5, 3.0)).toBeCloseTo(0.32833878106451053, 13);
    expect(probabilisticSharpe(0.1, 30, 0, 3)).toBeCloseTo(0.7044267058408875, 13);
    // Undefined: one return, or a variance the moments make negative.
    expect(probabilisticSharpe(0.1, 1, 0, 3)).toBeNaN();
    expect(probabilisticSharpe(1, 100, 5, 3)).toBeNaN();
  });
  it('the expected best of N skill-less Sharpe ratios: the formula as SciPy evaluates it, near the exact expectation', () => {
    const formula: [number, number][] = [[2, 0.5197553442805939], [10, 1.57459830134575], [100, 2.5306028932016846], [1000, 3.255121513652723]];
    for (const [n, v] of formula) expect(expectedMaxSharpe(n, 1)).toBeCloseTo(v, 13);
    // E[max of N iid N(0, 1)] exactly; the approximation is within 2.5% at 10, 1% at 100, 0.5% at 1,000.
    const exact: [number, number, number][] = [[10, 1.538752730835173, 0.025], [100, 2.507593636441685, 0.01], [1000, 3.241435769133427, 0.005]];
    for (const [n, v, tol] of exact) expect(Math.abs(expectedMaxSharpe(n, 1) / v - 1)).toBeLessThan(tol);
    // Scales with the Sharpe ratios' standard deviation.
    expect(expectedMaxSharpe(100, 0.04)).toBeCloseTo(0.2 * 2.5306028932016846, 13);
    expect(expectedMaxSharpe(1, 1)).toBeNaN();
  });
  it('skewness and kurtosis as scipy.stats.skew and kurtosis(fisher=False)', () => {
    const s = returnShape([0.3, -1.2, 0.5, 2.1, -0.4, 0.05, -0.7, 1.3, 0.2, -2.5, 0.9, 0.0]);
    expect(s.skew).toBeCloseTo(-0.4247398347397396, 13);
    expect(s.kurtosis).toBeCloseTo(3.232852003322068, 13);
    expect(returnShape([1, 1, 1])).toEqual({ skew: NaN, kurtosis: NaN });
  });
  it('deflated Sharpe ratios: SR*₀ from the runs’ count and the sample variance of their Sharpe ratios, then each run’s PSR of it', () => {
    const trials = [0.02, 0.05, -0.01, 0.03].map((sr, i) => ({ sr, n: 1000 + i, skew: -0.1 * i, kurtosis: 3 + i }));
    const d = deflatedSharpes(trials)!;
    const mean = (0.02 + 0.05 - 0.01 + 0.03) / 4;
    const v = [0.02, 0.05, -0.01, 0.03].reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    expect(d.threshold).toBe(expectedMaxSharpe(4, v));
    expect(d.dsr).toEqual(trials.map((t) => probabilisticSharpe(t.sr, t.n, t.skew, t.kurtosis, d.threshold)));
    // The best run's DSR is below its PSR: selection is paid for.
    expect(d.dsr[1]!).toBeLessThan(probabilisticSharpe(0.05, 1001, -0.1, 4));
    expect(deflatedSharpes(trials.slice(0, 1))).toBeUndefined();
  });
});
