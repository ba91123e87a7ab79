import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.ts';
import {
  black76Greeks,
  black76Price,
  bsGreeks,
  bsPrice,
  yearFracUs,
  type Greeks,
  type OptionKind,
} from '../../src/pricing/index.ts';
import { d1, d2, dxy } from './fd.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const KINDS: OptionKind[] = ['call', 'put'];

/**
 * |fd - analytic| <= 1e-6 * |analytic| + floor. The floor covers greeks that are ~0 (deep ITM/OTM);
 * for gamma it is the rounding noise of a second difference, ~1e-14 * price scale / h^2.
 */
function expectClose(name: string, analytic: number, fd: number, floor: number): void {
  const err = Math.abs(fd - analytic);
  expect(err, `${name}: analytic ${analytic} vs fd ${fd}`).toBeLessThanOrEqual(1e-6 * Math.abs(analytic) + floor);
}

describe('closed-form reference values (mpmath, 50 digits)', () => {
  it('BS with carry: Haug generalised BSM put S=75 K=70 T=0.5 r=0.1 b=0.05 vol=0.35', () => {
    const p = bsPrice({ kind: 'put', spot: 75, strike: 70, t: 0.5, rate: 0.1, yield: 0.05, vol: 0.35 });
    expect(rel(p, 4.086953828635353342)).toBeLessThan(1e-13);
  });
  it('Hull: S=42 K=40 T=0.5 r=0.1 vol=0.2 call 4.7594, put 0.8086', () => {
    expect(rel(bsPrice({ kind: 'call', spot: 42, strike: 40, t: 0.5, rate: 0.1, vol: 0.2 }), 4.7594223928715333951)).toBeLessThan(1e-13);
    expect(rel(bsPrice({ kind: 'put', spot: 42, strike: 40, t: 0.5, rate: 0.1, vol: 0.2 }), 0.80859937290009365311)).toBeLessThan(1e-13);
  });
  it('Black-76: Haug F=19 K=19 T=0.75 r=0.1 vol=0.28 -> 1.7011', () => {
    expect(rel(black76Price({ kind: 'call', forward: 19, strike: 19, t: 0.75, rate: 0.1, vol: 0.28 }), 1.7010507252362672931)).toBeLessThan(1e-13);
    expect(rel(black76Price({ kind: 'put', forward: 19, strike: 19, t: 0.75, rate: 0.1, vol: 0.28 }), 1.7010507252362672931)).toBeLessThan(1e-13);
  });
  it('deep OTM values keep relative accuracy (1e-155 and 1e-35 prices)', () => {
    expect(rel(black76Price({ kind: 'call', forward: 100, strike: 200, t: 1 / 365, vol: 0.5 }), 1.0021941513239562923e-155)).toBeLessThan(1e-12);
    expect(rel(black76Price({ kind: 'put', forward: 100, strike: 60, t: 7 / 365, vol: 0.3, rate: 0.03 }), 1.2350137597945550409e-35)).toBeLessThan(1e-12);
  });
});

const STRIKES = [60, 90, 100, 110, 150];
const TIMES = [7 / 365, 0.25, 1, 2];
const VOLS = [0.2, 0.6, 1.2];

describe('greeks = Richardson central differences of the price (1e-6 relative)', () => {
  it('Black-76, calls and puts, rates 0 and 5%', () => {
    let compared = 0;
    for (const kind of KINDS)
      for (const strike of STRIKES)
        for (const t of TIMES)
          for (const vol of VOLS)
            for (const rate of [0, 0.05]) {
              const forward = 100;
              const g = black76Greeks({ kind, forward, strike, t, vol, rate });
              const p = (o: Partial<{ forward: number; t: number; vol: number; rate: number }>): number =>
                black76Price({ kind, strike, forward, t, vol, rate, ...o });
              const tag = `${kind} K=${strike} T=${t} vol=${vol} r=${rate}`;
              const floor = 1e-9 * forward;
              // Bump the underlying on the scale of one std-dev so short-dated smiles are resolved.
              const hS = 0.02 * forward * vol * Math.sqrt(t);
              expect(rel(g.price, p({}))).toBeLessThan(1e-15);
              expectClose(`${tag} delta`, g.delta, d1((x) => p({ forward: x }), forward, hS), 1e-9);
              expectClose(`${tag} gamma`, g.gamma, d2((x) => p({ forward: x }), forward, hS), 1e-12 * forward / (hS * hS));
              expectClose(`${tag} vega`, g.vega, d1((x) => p({ vol: x }), vol, 1e-2 * vol), floor);
              expectClose(`${tag} volga`, g.volga, d2((x) => p({ vol: x }), vol, 5e-3 * vol), floor);
              expectClose(`${tag} vanna`, g.vanna, dxy((x, y) => p({ forward: x, vol: y }), forward, vol, hS, 1e-2 * vol), 1e-9);
              expectClose(`${tag} theta`, g.theta, -d1((x) => p({ t: x }), t, 1e-2 * t), floor);
              expectClose(`${tag} rho`, g.rho, d1((x) => p({ rate: x }), rate, 1e-2), floor);
              compared += 7;
            }
    console.log(`Black-76: ${compared} greek/finite-difference comparisons`);
  });

  it('Black-Scholes with carry (yield 2%), calls and puts', () => {
    let compared = 0;
    for (const kind of KINDS)
      for (const strike of STRIKES)
        for (const t of TIMES)
          for (const vol of VOLS)
            for (const rate of [0, 0.05]) {
              const spot = 100;
              const q = 0.02;
              const g = bsGreeks({ kind, spot, strike, t, vol, rate, yield: q });
              const p = (o: Partial<{ spot: number; t: number; vol: number; rate: number }>): number =>
                bsPrice({ kind, strike, spot, t, vol, rate, yield: q, ...o });
              const tag = `${kind} K=${strike} T=${t} vol=${vol} r=${rate}`;
              const floor = 1e-9 * spot;
              const hS = 0.02 * spot * vol * Math.sqrt(t);
              expectClose(`${tag} delta`, g.delta, d1((x) => p({ spot: x }), spot, hS), 1e-9);
              expectClose(`${tag} gamma`, g.gamma, d2((x) => p({ spot: x }), spot, hS), 1e-12 * spot / (hS * hS));
              expectClose(`${tag} vega`, g.vega, d1((x) => p({ vol: x }), vol, 1e-2 * vol), floor);
              expectClose(`${tag} volga`, g.volga, d2((x) => p({ vol: x }), vol, 5e-3 * vol), floor);
              expectClose(`${tag} vanna`, g.vanna, dxy((x, y) => p({ spot: x, vol: y }), spot, vol, hS, 1e-2 * vol), 1e-9);
              expectClose(`${tag} theta`, g.theta, -d1((x) => p({ t: x }), t, 1e-2 * t), floor);
              expectClose(`${tag} rho`, g.rho, d1((x) => p({ rate: x }), rate, 1e-2), floor);
              compared += 7;
            }
    console.log(`BS with carry: ${compared} greek/finite-difference comparisons`);
  });
});

describe('put-call parity (1e-10)', () => {
  it('Black-76: C - P = DF (F - K); BS: C - P = S e^{-qT} - K e^{-rT}', () => {
    for (const strike of [50, 80, 100, 125, 200])
      for (const t of [1 / 365, 0.1, 1, 2])
        for (const vol of [0.1, 0.5, 1.5])
          for (const rate of [0, 0.05]) {
            const b = { forward: 100, strike, t, vol, rate };
            const lhs = black76Price({ ...b, kind: 'call' }) - black76Price({ ...b, kind: 'put' });
            expect(Math.abs(lhs - Math.exp(-rate * t) * (100 - strike))).toBeLessThan(1e-10);
            const s = { spot: 100, strike, t, vol, rate, yield: 0.03 };
            const lhsS = bsPrice({ ...s, kind: 'call' }) - bsPrice({ ...s, kind: 'put' });
            expect(Math.abs(lhsS - (100 * Math.exp(-0.03 * t) - strike * Math.exp(-rate * t)))).toBeLessThan(1e-10);
            const gc = black76Greeks({ ...b, kind: 'call' });
            const gp = black76Greeks({ ...b, kind: 'put' });
            // Parity also fixes the greeks: deltas differ by DF, second-order greeks coincide.
            expect(Math.abs(gc.delta - gp.delta - Math.exp(-rate * t))).toBeLessThan(1e-12);
            expect(Math.abs(gc.gamma - gp.gamma)).toBeLessThan(1e-15);
            expect(Math.abs(gc.vega - gp.vega)).toBeLessThan(1e-12);
          }
  });
});

describe('bad input throws ModelError naming the value', () => {
  const base = { kind: 'call' as const, forward: 100, strike: 100, t: 0.5, vol: 0.5 };
  const cases: [string, Partial<typeof base> & { rate?: number }, RegExp][] = [
    ['zero vol', { vol: 0 }, /vol must be > 0, got 0/],
    ['negative vol', { vol: -0.2 }, /vol must be > 0, got -0.2/],
    ['NaN vol', { vol: Number.NaN }, /vol must be a finite number, got NaN/],
    ['expired', { t: 0 }, /t must be > 0, got 0.*expired/],
    ['past expiry', { t: -0.01 }, /t must be > 0, got -0.01/],
    ['NaN forward', { forward: Number.NaN }, /forward must be a finite number, got NaN/],
    ['zero strike', { strike: 0 }, /strike must be > 0/],
    ['NaN rate', { rate: Number.NaN }, /rate must be a finite number/],
  ];
  for (const [name, patch, msg] of cases) {
    it(name, () => {
      expect(() => black76Greeks({ ...base, ...patch })).toThrowError(ModelError);
      expect(() => black76Price({ ...base, ...patch })).toThrowError(msg);
    });
  }
  it('BS: NaN spot / yield, kind typo', () => {
    const s = { kind: 'put' as const, spot: 100, strike: 100, t: 1, vol: 0.3, rate: 0 };
    expect(() => bsPrice({ ...s, spot: Number.NaN })).toThrowError(/spot must be a finite number, got NaN/);
    expect(() => bsGreeks({ ...s, yield: Number.NaN })).toThrowError(/yield must be a finite number/);
    expect(() => bsPrice({ ...s, kind: 'cal' as OptionKind })).toThrowError(ModelError);
  });
});

describe('yearFracUs', () => {
  it('ACT/365 from microseconds', () => {
    expect(yearFracUs(0, 365 * 86_400 * 1e6)).toBe(1);
    expect(yearFracUs(1_591_574_399_413_000, 1_591_689_600_000_000)).toBeCloseTo(115_200.587 / (365 * 86_400), 15);
  });
});

export type { Greeks };
