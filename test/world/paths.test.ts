import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/kernel/rng.ts';
import { blockBootstrap, jumpDiffusion, transformPath, type PricePath } from '../../src/world/paths.ts';
import { captureDepthProfile } from '../../src/world/path-source.ts';
import { BTCUSDT_CALIBRATION } from '../../src/data/synthetic/calibration.ts';

const path = (prices: number[], stepUs = 60e6): PricePath => ({ tsUs: Float64Array.from(prices, (_, i) => i * stepUs), price: Float64Array.from(prices), depthAt: () => 1, source: 'test' });
const logRets = (p: Float64Array) => Array.from({ length: p.length - 1 }, (_, i) => Math.log(p[i + 1]! / p[i]!));

describe('price paths and stress transforms', () => {
  const base = path([100, 101, 99, 102, 104, 103, 100, 98, 99, 105]);

  it('scaleReturns k multiplies every log-return by k (closed form: log(p′ᵢ/p′₀) = k·log(pᵢ/p₀))', () => {
    const out = transformPath(base, [{ scaleReturns: 3 }]).price;
    for (let i = 0; i < out.length; i++) expect(Math.log(out[i]! / out[0]!)).toBeCloseTo(3 * Math.log(base.price[i]! / base.price[0]!), 12);
  });

  it('volatility k scales deviations from the mean return and keeps the drift', () => {
    const r = logRets(base.price);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const out = logRets(transformPath(base, [{ volatility: { k: 2 } }]).price);
    for (let i = 0; i < r.length; i++) expect(out[i]!).toBeCloseTo(mean + 2 * (r[i]! - mean), 12);
    expect(out.reduce((s, x) => s + x, 0) / out.length).toBeCloseTo(mean, 12); // same drift
  });

  it('a gap moves every later price by the same factor; depth withdrawal dips linearly and recovers', () => {
    const g = transformPath(base, [{ gap: { atUs: 5 * 60e6, pct: -10 } }]);
    for (let i = 0; i < 10; i++) expect(g.price[i]).toBeCloseTo(base.price[i]! * (i >= 5 ? 0.9 : 1), 12);
    const w = transformPath(base, [{ withdrawDepth: { fraction: 0.8, fromUs: 0, toUs: 100 } }]);
    expect(w.depthAt(0)).toBe(1);
    expect(w.depthAt(25)).toBeCloseTo(0.6, 12);
    expect(w.depthAt(50)).toBeCloseTo(0.2, 12);
    expect(w.depthAt(75)).toBeCloseTo(0.6, 12);
    expect(w.depthAt(100)).toBe(1);
  });

  it('block bootstrap chains whole blocks of real returns', () => {
    const closes = Float64Array.from({ length: 200 }, (_, i) => 100 * Math.exp(Math.sin(i / 7) / 10 + i / 1000));
    const src = logRets(closes);
    const out = blockBootstrap(closes, 60e6, 0, 10, 101, Rng.root(5));
    const r = logRets(out.price);
    expect(out.price[0]).toBeCloseTo(closes[0]!, 10);
    for (let b = 0; b < 10; b++) {
      const block = r.slice(b * 10, b * 10 + 10);
      const at = src.findIndex((x, i) => Math.abs(x - block[0]!) < 1e-15 && block.every((y, k) => Math.abs(src[i + k]! - y) < 1e-15));
      expect(at, `block ${b}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('jump-diffusion log-returns have the Merton mean and variance (within 4 standard errors)', () => {
    const p = { startUs: 0, startPrice: 50_000, vol: 0.8, drift: 0.1, jumpsPerDay: 24, jumpMean: -0.002, jumpStd: 0.004, stepUs: 60e6, lengthUs: 200 * 86_400e6 };
    const r = logRets(jumpDiffusion(p, Rng.root(9)).price);
    const dt = p.stepUs / (365 * 86_400e6);
    const lam = (p.jumpsPerDay * p.stepUs) / 86_400e6;
    const mean = (p.drift - p.vol ** 2 / 2) * dt + lam * p.jumpMean;
    const variance = p.vol ** 2 * dt + lam * (p.jumpStd ** 2 + p.jumpMean ** 2);
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const v = r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(variance / r.length));
    expect(Math.abs(v - variance) / variance).toBeLessThan(0.03);
  });

  it('the depth profile is the capture calibration: top levels as measured, tail at the last levels density', () => {
    const d = captureDepthProfile(2, 50);
    for (let k = 0; k < 20; k++) expect(d.sizes[k]).toBeCloseTo(BTCUSDT_CALIBRATION.depthLots[k]! * 0.001 * 2, 12);
    expect(d.offsets[d.offsets.length - 1]).toBeCloseTo(50e-4, 12);
    for (let k = 1; k < d.offsets.length; k++) expect(d.offsets[k]!).toBeGreaterThan(d.offsets[k - 1]!);
  });
});

describe('jump-diffusion calibrated to a series', () => {
  it('recovers the parameters of a known jump-diffusion (60 days of minutes)', async () => {
    const { calibrateJumpDiffusion, jumpDiffusion } = await import('../../src/world/paths.ts');
    const { Rng } = await import('../../src/kernel/rng.ts');
    const truth = { vol: 0.8, drift: 0, jumpsPerDay: 3, jumpMean: -0.02, jumpStd: 0.01 };
    const p = jumpDiffusion({ startUs: 0, startPrice: 2000, ...truth, stepUs: 60e6, lengthUs: 60 * 86_400e6 }, Rng.root(7).split('jd'));
    const c = calibrateJumpDiffusion(p.price, 60e6);
    expect(c.vol / truth.vol).toBeGreaterThan(0.95);
    expect(c.vol / truth.vol).toBeLessThan(1.05);
    expect(c.jumpsPerDay).toBeGreaterThan(truth.jumpsPerDay * 0.7);
    expect(c.jumpsPerDay).toBeLessThan(truth.jumpsPerDay * 1.2);
    expect(Math.abs(c.jumpMean - truth.jumpMean)).toBeLessThan(0.004);
    expect(Math.abs(c.jumpStd - truth.jumpStd)).toBeLessThan(0.004);
    // No jumps in a pure diffusion: the estimator finds (almost) none and the same vol.
    const d = jumpDiffusion({ startUs: 0, startPrice: 2000, vol: 0.5, drift: 0, jumpsPerDay: 0, jumpMean: 0, jumpStd: 0, stepUs: 60e6, lengthUs: 20 * 86_400e6 }, Rng.root(8).split('jd'));
    const e = calibrateJumpDiffusion(d.price, 60e6);
    expect(e.jumpsPerDay).toBeLessThan(0.1);
    expect(Math.abs(e.vol / 0.5 - 1)).toBeLessThan(0.03);
  });
});
