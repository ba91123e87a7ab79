import { describe, expect, it } from 'vitest';
import { ROW_BBO, ROW_TRADE } from '../../../src/data/market-rows.ts';
import { generateMarket, HawkesClock, hawkesFano, fitHawkesFano } from '../../../src/data/synthetic/index.ts';
import { Rng } from '../../../src/kernel/rng.ts';

function tradeInterArrivalCv(opts: Parameters<typeof generateMarket>[0]): { cv: number; n: number } {
  let last = NaN;
  let s = 0;
  let s2 = 0;
  let n = 0;
  generateMarket(opts, (r) => {
    if (r.kind !== ROW_TRADE) return;
    if (!Number.isNaN(last)) {
      const d = r.tsUs - last;
      s += d;
      s2 += d * d;
      n++;
    }
    last = r.tsUs;
  });
  const m = s / n;
  return { cv: Math.sqrt(s2 / n - m * m) / m, n };
}

describe('Hawkes trade arrivals', () => {
  it('calibrated arrivals are clustered (inter-arrival CV > 1)', () => {
    const { cv, n } = tradeInterArrivalCv({ seed: 11, events: 300_000 });
    expect(n).toBeGreaterThan(20_000);
    expect(cv).toBeGreaterThan(2);
  });

  it('branching 0 gives Poisson arrivals (CV ≈ 1)', () => {
    const { cv, n } = tradeInterArrivalCv({ seed: 11, events: 300_000, hawkesBranching: 0 });
    expect(n).toBeGreaterThan(20_000);
    expect(cv).toBeGreaterThan(0.95);
    expect(cv).toBeLessThan(1.05);
  });

  it('the exact sampler reproduces rate μ/(1−n) and the Fano-factor fit recovers n', () => {
    const clock = new HawkesClock(Rng.root(5).split('h'), 10 * (1 - 0.6), 0.6, 20);
    const times = new Float64Array(200_000);
    let t = 0;
    for (let i = 0; i < times.length; i++) times[i] = t += clock.next() * 1e6;
    const rate = times.length / (t / 1e6);
    expect(rate).toBeGreaterThan(9);
    expect(rate).toBeLessThan(11);
    // Model curve check: F(Δ) rises from 1 to 1/(1−n)².
    expect(hawkesFano(0.6, 20, 1e-6)).toBeCloseTo(1, 3);
    expect(hawkesFano(0.6, 20, 1e4)).toBeCloseTo(6.25, 1);
    const pts = [0.01, 0.05, 0.2, 1, 5].map((w) => ({ windowSec: w, fano: hawkesFano(0.6, 20, w) }));
    const fit = fitHawkesFano(pts);
    expect(fit.branching).toBeCloseTo(0.6, 2);
    expect(fit.decayPerSec / 20).toBeGreaterThan(0.9);
    expect(fit.decayPerSec / 20).toBeLessThan(1.1);
  });
});

describe('crash profile', () => {
  const startUs = 1_723_161_600_000_000;
  const crashStartUs = startUs + 10_000_000;
  const crashDurationUs = 60_000_000;

  function midsAt(opts: Parameters<typeof generateMarket>[0], t0: number, t1: number): { m0: number; m1: number } {
    let bid = 0;
    let m0 = NaN;
    let m1 = NaN;
    generateMarket(opts, (r) => {
      if (r.kind !== ROW_BBO) return;
      if (r.side === 0) bid = r.priceTicks;
      else {
        const mid = (bid + r.priceTicks) / 2;
        if (r.tsUs < t0 || Number.isNaN(m0)) m0 = mid;
        if (r.tsUs <= t1) m1 = mid;
      }
    });
    return { m0, m1 };
  }

  it('the mid falls by the configured fraction (±20%) over the window', () => {
    for (const crashFraction of [0.05, 0.2]) {
      const { m0, m1 } = midsAt({ seed: 21, startUs, durationUs: 80_000_000, profile: 'crash', crashFraction, crashStartUs, crashDurationUs }, crashStartUs, crashStartUs + crashDurationUs);
      const drop = 1 - m1 / m0;
      expect(drop).toBeGreaterThan(crashFraction * 0.8);
      expect(drop).toBeLessThan(crashFraction * 1.2);
    }
  });

  it('calm with the same seed does not crash', () => {
    const { m0, m1 } = midsAt({ seed: 21, startUs, durationUs: 80_000_000, profile: 'calm' }, crashStartUs, crashStartUs + crashDurationUs);
    expect(Math.abs(1 - m1 / m0)).toBeLessThan(0.02);
  });

  it('jumps move the book by about the configured size', () => {
    let bid = 0;
    let lastMid = NaN;
    let maxStep = 0;
    generateMarket({ seed: 4, durationUs: 120_000_000, jumpIntensityPerHour: 600, jumpSizeBps: 200, volatilityScale: 0 }, (r) => {
      if (r.kind !== ROW_BBO) return;
      if (r.side === 0) bid = r.priceTicks;
      else {
        const mid = (bid + r.priceTicks) / 2;
        if (!Number.isNaN(lastMid)) maxStep = Math.max(maxStep, Math.abs(mid - lastMid) / lastMid);
        lastMid = mid;
      }
    });
    // ~20 jumps with mean 2%: the largest is well above anything the gap refills make.
    expect(maxStep).toBeGreaterThan(0.02);
  });
});
