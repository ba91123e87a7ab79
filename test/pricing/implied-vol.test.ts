import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.ts';
import { black76Price, bsPrice, impliedVolBlack76, impliedVolBs, type OptionKind } from '../../src/pricing/index.ts';

const FORWARD = 100;
const MONEYNESS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5, 1.75, 2];
const EXPIRIES = [1 / 365, 7 / 365, 30 / 365, 0.25, 0.5, 1, 2];
const VOLS = [0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5];
const RATE = 0.03;

describe('implied vol round trip, strikes 0.5-2.0x forward, 1 day-2 years, vols 0.1-1.5', () => {
  it('OTM options: price -> IV -> price to 1e-10 relative, IV to 1e-10 relative', () => {
    let solved = 0;
    let underflow = 0;
    let worstPrice = 0;
    let worstVol = 0;
    for (const m of MONEYNESS)
      for (const t of EXPIRIES)
        for (const vol of VOLS) {
          const strike = FORWARD * m;
          const kind: OptionKind = strike >= FORWARD ? 'call' : 'put';
          const price = black76Price({ kind, forward: FORWARD, strike, t, vol, rate: RATE });
          if (price / Math.exp(-RATE * t) < 1e-300 * Math.sqrt(FORWARD * strike)) {
            // The value is zero or subnormal (e.g. 2x strike, 1 day, 10% vol): too few digits
            // remain to invert, and the solver must say so rather than invent a vol.
            expect(() => impliedVolBlack76({ kind, price, forward: FORWARD, strike, t, rate: RATE })).toThrowError(ModelError);
            underflow++;
            continue;
          }
          const iv = impliedVolBlack76({ kind, price, forward: FORWARD, strike, t, rate: RATE });
          const back = black76Price({ kind, forward: FORWARD, strike, t, vol: iv, rate: RATE });
          const ep = Math.abs(back - price) / price;
          const ev = Math.abs(iv - vol) / vol;
          worstPrice = Math.max(worstPrice, ep);
          worstVol = Math.max(worstVol, ev);
          expect(ep, `${kind} K=${strike} T=${t} vol=${vol}: price ${price} -> iv ${iv} -> ${back}`).toBeLessThan(1e-10);
          expect(ev, `${kind} K=${strike} T=${t} vol=${vol}: iv ${iv}`).toBeLessThan(1e-10);
          solved++;
        }
    console.log(`IV round trip (OTM): ${solved} solved, ${underflow} prices zero/subnormal (refused); worst rel price err ${worstPrice.toExponential(2)}, worst rel vol err ${worstVol.toExponential(2)}`);
    expect(solved).toBeGreaterThan(700);
  });

  it('ITM options: price -> IV -> price to 1e-10 relative wherever the time value survives rounding', () => {
    let solved = 0;
    let atIntrinsic = 0;
    for (const m of MONEYNESS)
      for (const t of EXPIRIES)
        for (const vol of VOLS) {
          const strike = FORWARD * m;
          const kind: OptionKind = strike >= FORWARD ? 'put' : 'call';
          if (strike === FORWARD) continue;
          const price = black76Price({ kind, forward: FORWARD, strike, t, vol, rate: RATE });
          const intrinsic = Math.exp(-RATE * t) * Math.abs(FORWARD - strike);
          let iv: number;
          try {
            iv = impliedVolBlack76({ kind, price, forward: FORWARD, strike, t, rate: RATE });
          } catch (e) {
            // Time value lost below one ulp of the intrinsic: the price *is* intrinsic in float64.
            expect(e).toBeInstanceOf(ModelError);
            expect(price - intrinsic).toBeLessThan(1e-13 * intrinsic);
            atIntrinsic++;
            continue;
          }
          const back = black76Price({ kind, forward: FORWARD, strike, t, vol: iv, rate: RATE });
          expect(Math.abs(back - price) / price).toBeLessThan(1e-10);
          solved++;
        }
    console.log(`IV round trip (ITM): ${solved} solved, ${atIntrinsic} at intrinsic in float64`);
  });

  it('BS with carry: spot-space IV round trip', () => {
    for (const strike of [60, 100, 140])
      for (const t of [7 / 365, 1])
        for (const vol of [0.15, 0.9]) {
          const base = { spot: 100, strike, t, rate: 0.05, yield: 0.01 };
          const kind: OptionKind = 'call';
          const price = bsPrice({ ...base, kind, vol });
          if (price - Math.max(0, 100 * Math.exp(-0.01 * t) - strike * Math.exp(-0.05 * t)) < 1e-9) continue;
          const iv = impliedVolBs({ ...base, kind, price });
          expect(Math.abs(bsPrice({ ...base, kind, vol: iv }) - price) / price).toBeLessThan(1e-10);
        }
  });
});

describe('no-arbitrage bounds', () => {
  const base = { forward: 100, t: 0.5, rate: 0.05 };
  const df = Math.exp(-0.05 * 0.5);
  it('below intrinsic throws ModelError naming the bounds', () => {
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 80, price: 19 * df })).toThrowError(ModelError);
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 80, price: 19 * df })).toThrowError(/at or below intrinsic.*\(19\.50/);
    expect(() => impliedVolBlack76({ ...base, kind: 'put', strike: 120, price: 20 * df })).toThrowError(/at or below intrinsic/);
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 120, price: 0 })).toThrowError(ModelError);
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 120, price: -1 })).toThrowError(ModelError);
    // Subnormal time values have too few digits to invert: refused rather than looping.
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 160, price: 5e-321 })).toThrowError(/too small to imply a vol/);
  });
  it('at or above the upper bound (DF*F for calls, DF*K for puts) throws ModelError', () => {
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 80, price: 100 * df })).toThrowError(/upper bound/);
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 80, price: 101 })).toThrowError(ModelError);
    expect(() => impliedVolBlack76({ ...base, kind: 'put', strike: 90, price: 90 * df + 1e-9 })).toThrowError(/upper bound/);
  });
  it('just inside the bounds still solves (very high and very low vols)', () => {
    const hi = impliedVolBlack76({ ...base, kind: 'call', strike: 100, price: 99 * df });
    expect(black76Price({ ...base, kind: 'call', strike: 100, vol: hi })).toBeCloseTo(99 * df, 9);
    const lo = impliedVolBlack76({ ...base, kind: 'call', strike: 100, price: 1e-6 });
    expect(Math.abs(black76Price({ ...base, kind: 'call', strike: 100, vol: lo }) - 1e-6) / 1e-6).toBeLessThan(1e-10);
  });
  it('NaN price / expired option throw ModelError naming the field', () => {
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 100, price: Number.NaN })).toThrowError(/price must be a finite number, got NaN/);
    expect(() => impliedVolBlack76({ ...base, kind: 'call', strike: 100, price: 5, t: 0 })).toThrowError(/t must be > 0/);
  });
});
