import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.ts';
import {
  buildVolSurface,
  checkButterfly,
  checkCalendar,
  fitSviTotalVariance,
  fitVolSurface,
  sviG,
  sviTotalVariance,
  validateSvi,
  type SviParams,
} from '../../src/pricing/index.ts';

// A generated arbitrage-free surface: three expiries, each slice's g(k) >= 0 and Lee slope < 2,
// and total variance increasing in T at every k (checked below, independently of the fitter).
const TRUTH: { t: number; params: SviParams }[] = [
  { t: 0.1, params: { a: 0.004, b: 0.05, rho: -0.35, m: 0.02, sigma: 0.15 } },
  { t: 0.5, params: { a: 0.015, b: 0.08, rho: -0.3, m: 0.04, sigma: 0.2 } },
  { t: 1.5, params: { a: 0.04, b: 0.1, rho: -0.25, m: 0.06, sigma: 0.3 } },
];
const KS = Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);

describe('SVI fit (Zeliade quasi-explicit, deterministic)', () => {
  it('the generated surface really is arbitrage-free', () => {
    for (const s of TRUTH) expect(checkButterfly(s.params)).toEqual([]);
    expect(checkCalendar(TRUTH)).toEqual([]);
  });

  it('recovers known parameters: params to 1e-6, total variance to 1e-9 (stated tolerance: 1e-3 / 1e-4)', () => {
    let worstParam = 0;
    let worstW = 0;
    for (const { t, params } of TRUTH) {
      const w = KS.map((k) => sviTotalVariance(params, k));
      const fit = fitSviTotalVariance(KS, w);
      for (const key of ['a', 'b', 'rho', 'm', 'sigma'] as const) {
        const err = Math.abs(fit.params[key] - params[key]);
        worstParam = Math.max(worstParam, err);
        expect(err, `T=${t} ${key}: ${fit.params[key]} vs ${params[key]}`).toBeLessThan(1e-3);
      }
      for (const k of KS) worstW = Math.max(worstW, Math.abs(sviTotalVariance(fit.params, k) - sviTotalVariance(params, k)));
      expect(fit.rmse).toBeLessThan(1e-4);
    }
    console.log(`SVI recovery: worst param error ${worstParam.toExponential(2)}, worst total-variance error ${worstW.toExponential(2)}`);
    expect(worstParam).toBeLessThan(1e-6);
    expect(worstW).toBeLessThan(1e-9);
  });

  it('fits from vols through fitVolSurface and reports no arbitrage on clean input', () => {
    const quotes = TRUTH.map(({ t, params }) => ({ t, k: KS, vols: KS.map((k) => Math.sqrt(sviTotalVariance(params, k) / t)) }));
    const { surface, arbitrage, fits } = fitVolSurface(quotes, { kMin: -1, kMax: 1, n: 201 });
    expect(arbitrage).toEqual([]);
    expect(fits).toHaveLength(3);
    expect(Math.abs(surface.vol(0.3, 0.5) - Math.sqrt(sviTotalVariance(TRUTH[1]!.params, 0.3) / 0.5))).toBeLessThan(1e-8);
  });

  it('rejects bad inputs with ModelError naming the value', () => {
    expect(() => fitSviTotalVariance([0, 0.1, 0.2, 0.3, 0.4], [0.01, 0.01, Number.NaN, 0.01, 0.01])).toThrowError(/w\[2\] must be a finite number/);
    expect(() => fitSviTotalVariance([0, 0.1, 0.2, 0.3, 0.4], [0.01, 0.01, -0.01, 0.01, 0.01])).toThrowError(ModelError);
    expect(() => validateSvi({ a: 0, b: 0.1, rho: 1.2, m: 0, sigma: 0.1 })).toThrowError(/svi\.rho/);
    expect(() => validateSvi({ a: -0.1, b: 0.1, rho: 0, m: 0, sigma: 0.1 })).toThrowError(/minimum total variance/);
  });
});

describe('butterfly arbitrage is reported with the offending k', () => {
  it('Lee wing bound b(1+|rho|) > 2 is reported on the right wing', () => {
    const p = { a: 0.01, b: 1.6, rho: 0.5, m: 0, sigma: 0.1 };
    const v = checkButterfly(p).filter((x) => x.kind === 'wing-slope');
    expect(v).toHaveLength(1);
    expect(v[0]!.k).toBe(Number.POSITIVE_INFINITY);
    expect(v[0]!.value).toBeCloseTo(2.4, 12);
  });

  it('g(k) < 0: reports exactly the grid points where the density is negative', () => {
    // Steep, tight smile with small a: a known example of a negative density near the money.
    const p = { a: 0.001, b: 0.9, rho: -0.9, m: 0.05, sigma: 0.02 };
    const report = checkButterfly(p, { kMin: -1, kMax: 1, n: 401 }).filter((x) => x.kind === 'butterfly');
    expect(report.length).toBeGreaterThan(0);
    for (const v of report) {
      // Independent recomputation of g by central differences of w.
      const h = 1e-5;
      const w = (k: number): number => sviTotalVariance(p, k);
      const w0 = w(v.k);
      const w1 = (w(v.k + h) - w(v.k - h)) / (2 * h);
      const w2 = (w(v.k + h) - 2 * w0 + w(v.k - h)) / (h * h);
      const g = (1 - (v.k * w1) / (2 * w0)) ** 2 - (w1 * w1 / 4) * (1 / w0 + 0.25) + w2 / 2;
      expect(g).toBeLessThan(0);
      expect(Math.abs(g - v.value)).toBeLessThan(1e-4 * Math.max(1, Math.abs(g)));
      expect(v.message).toContain(`k=${v.k}`);
    }
    console.log(`butterfly: ${report.length} grid points with g<0, k in [${report[0]!.k}, ${report[report.length - 1]!.k}]`);
    expect(sviG(p, report[0]!.k)).toBeLessThan(0);
  });
});

describe('calendar arbitrage', () => {
  it('a later slice with lower total variance at some k is reported with k and both expiries', () => {
    const s1 = { t: 0.25, params: { a: 0.02, b: 0.1, rho: -0.3, m: 0, sigma: 0.2 } };
    // Same ATM level but flatter wings: crosses below s1 away from the money.
    const s2 = { t: 0.5, params: { a: 0.035, b: 0.03, rho: 0, m: 0, sigma: 0.2 } };
    const v = checkCalendar([s2, s1], { kMin: -1, kMax: 1, n: 201 });
    expect(v.length).toBeGreaterThan(0);
    for (const x of v) {
      expect(x.t).toEqual([0.25, 0.5]);
      expect(sviTotalVariance(s2.params, x.k)).toBeLessThan(sviTotalVariance(s1.params, x.k));
    }
    // Near the money s2 lies above s1, so k = 0 must not be reported.
    expect(sviTotalVariance(s2.params, 0)).toBeGreaterThan(sviTotalVariance(s1.params, 0));
    expect(v.some((x) => Math.abs(x.k) < 1e-12)).toBe(false);
    console.log(`calendar: ${v.length} violating k, e.g. ${v[0]!.message}`);
  });
});

describe('VolSurface interpolation in total variance', () => {
  const surface = buildVolSurface(TRUTH);
  it('reproduces slices at their expiries and is linear in T between them at fixed k', () => {
    for (const { t, params } of TRUTH) expect(surface.totalVariance(0.2, t)).toBeCloseTo(sviTotalVariance(params, 0.2), 15);
    const w0 = sviTotalVariance(TRUTH[0]!.params, -0.4);
    const w1 = sviTotalVariance(TRUTH[1]!.params, -0.4);
    const t = 0.1 + 0.25 * (0.5 - 0.1);
    expect(surface.totalVariance(-0.4, t)).toBeCloseTo(0.75 * w0 + 0.25 * w1, 15);
    expect(surface.vol(-0.4, t)).toBeCloseTo(Math.sqrt((0.75 * w0 + 0.25 * w1) / t), 14);
  });
  it('holds vol constant outside the fitted expiries and refuses T <= 0', () => {
    expect(surface.vol(0.1, 0.05)).toBeCloseTo(Math.sqrt(sviTotalVariance(TRUTH[0]!.params, 0.1) / 0.1), 14);
    expect(surface.vol(0.1, 3)).toBeCloseTo(Math.sqrt(sviTotalVariance(TRUTH[2]!.params, 0.1) / 1.5), 14);
    expect(() => surface.vol(0, 0)).toThrowError(ModelError);
    expect(() => surface.vol(Number.NaN, 1)).toThrowError(/k must be a finite number/);
  });
});
