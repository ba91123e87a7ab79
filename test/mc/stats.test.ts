/** VaR, ES and quantiles across paths against their definitions on hand-made samples. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedShortfall, upperQuantile, valueAtRisk } from '../../src/mc/stats.ts';

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
