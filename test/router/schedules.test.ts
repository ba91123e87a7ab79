/**
 * Schedules against their definitions: TWAP and VWAP exactly, POV's participation identity, and
 * the Almgren–Chriss trajectory against the closed form x(t) = X·sinh(κ(T−t))/sinh(κT)
 * (transcribed here from the paper, with κ from cosh(κτ) = 1 + κ̃²τ²/2) — and, independently of
 * that formula, as the minimiser of the model's E + λV (no perturbation lowers it) and as the
 * solution of the paper's difference equation (x_{k−1} − 2x_k + x_{k+1})/τ² = κ̃²·x_k.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { almgrenChrissCost, almgrenChrissKappa, almgrenChrissSchedule, povTarget, twapSchedule, volumeProfile, vwapSchedule, type AlmgrenChrissParams } from '../../src/router/schedules.ts';

const T0 = 1_700_000_000_000_000;

describe('TWAP and VWAP', () => {
  it('TWAP: N equal slices at equal intervals, ending at zero', () => {
    const s = twapSchedule(10, T0, T0 + 3_600e6, 12);
    expect(Array.from(s.tsUs)).toEqual(Array.from({ length: 12 }, (_, k) => T0 + (k + 1) * 300e6));
    for (const q of s.slices) expect(q).toBeCloseTo(10 / 12, 12);
    expect(s.remaining[11]).toBe(0);
    expect(s.slices.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 12);
  });
  it('VWAP: each slice is its bucket\'s share of the profile\'s volume', () => {
    const vol = [5, 0, 15, 30];
    const s = vwapSchedule(8, T0, T0 + 4e6, vol);
    [1, 0, 3, 6].forEach((x, k) => expect(s.slices[k]).toBeCloseTo((x * 8) / 10, 12));
    expect(() => vwapSchedule(1, T0, T0 + 1, [0, 0])).toThrow(/empty/);
  });
  it('volume profile buckets the trades before the start', () => {
    const p = volumeProfile([0, 1, 2.5, 3.9, 4, -1], [1, 2, 3, 4, 100, 100], 0, 4, 4);
    expect(Array.from(p)).toEqual([1, 2, 3, 4]);
  });
  it('POV: q / (V + q) equals the participation rate', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 0.5, noNaN: true }), fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (rate, v) => {
      const q = povTarget(v, rate);
      return Math.abs(q / (v + q) - rate) < 1e-12 * Math.max(1, 1 / rate);
    }));
  });
});

describe('Almgren–Chriss', () => {
  const base: AlmgrenChrissParams = { qty: 1e6, horizonS: 5 * 86_400, slices: 5, sigma: 0.95 / Math.sqrt(86_400), eta: 2.5e-6 * 86_400, gamma: 2.5e-7, lambda: 1e-6 };

  it('the trajectory equals the closed form to 1e-9 relative (the paper\'s example and a grid)', () => {
    for (const p of [base, { ...base, slices: 50, lambda: 2e-6 }, { ...base, qty: 300, horizonS: 3600, slices: 60, sigma: 0.5, eta: 0.01, gamma: 1e-4, lambda: 1e-4 }]) {
      const tau = p.horizonS / p.slices;
      const kt2 = (p.lambda * p.sigma ** 2) / (p.eta * (1 - (p.gamma * tau) / (2 * p.eta)));
      const kappa = Math.acosh((kt2 * tau * tau) / 2 + 1) / tau;
      expect(almgrenChrissKappa(p)).toBeCloseTo(kappa, 15);
      const s = almgrenChrissSchedule(p, T0);
      for (let k = 0; k < p.slices; k++) {
        const t = ((k + 1) * p.horizonS) / p.slices;
        const want = (p.qty * Math.sinh(kappa * (p.horizonS - t))) / Math.sinh(kappa * p.horizonS);
        const got = s.remaining[k]!;
        if (k === p.slices - 1) expect(got).toBe(0);
        else expect(Math.abs(got - want) / p.qty).toBeLessThan(1e-9);
      }
    }
  });

  it('solves the paper\'s difference equation (x_{k−1} − 2x_k + x_{k+1})/τ² = κ̃² x_k', () => {
    const p = { ...base, slices: 40 };
    const tau = p.horizonS / p.slices;
    const kt2 = (p.lambda * p.sigma ** 2) / (p.eta - (p.gamma * tau) / 2);
    const x = [p.qty, ...almgrenChrissSchedule(p, T0).remaining];
    for (let k = 1; k < x.length - 1; k++) {
      const lhs = (x[k - 1]! - 2 * x[k]! + x[k + 1]!) / (tau * tau);
      expect(Math.abs(lhs - kt2 * x[k]!) / (kt2 * x[k]!)).toBeLessThan(1e-7);
    }
  });

  it('minimises E + λV: no perturbation of the holdings lowers it', () => {
    const p = { ...base, slices: 12 };
    const s = almgrenChrissSchedule(p, T0);
    const u = (r: ArrayLike<number>) => { const c = almgrenChrissCost(p, r); return c.expected + p.lambda * c.variance; };
    const best = u(s.remaining);
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), fc.double({ min: -0.02, max: 0.02, noNaN: true }).filter((d) => Math.abs(d) > 1e-6), (k, d) => {
      const r = Float64Array.from(s.remaining);
      r[k] = r[k]! + d * p.qty;
      return u(r) > best;
    }));
    // A TWAP (straight line) costs more under risk aversion; with λ = 0 the optimum is the TWAP.
    expect(u(twapSchedule(p.qty, T0, T0 + p.horizonS * 1e6, p.slices).remaining)).toBeGreaterThan(best);
    const neutral = almgrenChrissSchedule({ ...p, lambda: 0 }, T0);
    const twap = twapSchedule(p.qty, T0, T0 + p.horizonS * 1e6, p.slices);
    for (let k = 0; k < p.slices; k++) expect(neutral.remaining[k]).toBeCloseTo(twap.remaining[k]!, 6);
  });
});
