import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { BINANCE_BTCUSDT_TIERS, buildBrackets, tieredIm, tieredMm } from '../../src/risk/tiers.ts';
import { deposit, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

/** Independent tiered sum: each bracket's rate applies to the slice of notional inside it. */
function sliceSum(n: number, rate: 'imr' | 'mmr'): number {
  let floor = 0;
  let s = 0;
  for (const t of BINANCE_BTCUSDT_TIERS) {
    s += Math.max(0, Math.min(n, t.notionalCap) - floor) * t[rate];
    floor = t.notionalCap;
  }
  return s;
}

describe('tiered brackets (Binance style)', () => {
  const b = buildBrackets(BINANCE_BTCUSDT_TIERS);

  it('maintenance amounts equal the values Binance publishes for BTCUSDT', () => {
    // Binance BTCUSDT leverage brackets: cum = 0, 50, 2 550, 122 550, 1 372 550, 5 372 550, …
    expect(b.map((x) => Math.round(x.cumMm))).toEqual([0, 50, 2_550, 122_550, 1_372_550, 5_372_550, 7_872_550, 12_872_550, 42_872_550, 167_872_550]);
  });

  it('a 1,000,000 USDT position crossing three brackets: hand-computed tiered sum', () => {
    // MM: 50k×0.4% + 450k×0.5% + 500k×1% = 200 + 2 250 + 5 000 = 7 450 = 1e6 × 1% − 2 550
    expect(tieredMm(b, 1_000_000)).toBeCloseTo(7_450, 6);
    expect(1_000_000 * 0.01 - 2_550).toBe(7_450);
    // IM: 50k/125 + 450k/100 + 500k/50 = 400 + 4 500 + 10 000 = 14 900
    expect(tieredIm(b, 1_000_000)).toBeCloseTo(14_900, 6);
  });

  it('notional × mmr − maintenance amount equals the slice-by-slice sum for any notional', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2e9, noNaN: true }), (n) => {
        expect(tieredMm(b, n)).toBeCloseTo(sliceSum(n, 'mmr'), 4);
        expect(tieredIm(b, n)).toBeCloseTo(sliceSum(n, 'imr'), 4);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('the cross engine charges a 20 BTC perp at 50,000 exactly the tiered requirement', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 50_000, T0);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 100_000);
    engine.applyFill('a', PERP, T0, 20_000, 500_000, 0); // 20 BTC = 1,000,000 USDT
    expect(engine.state('a').mm).toBeCloseTo(7_450, 6);
    expect(engine.state('a').im).toBeCloseTo(14_900, 6);
    // A short of the same size costs the same.
    engine.applyFill('a', PERP, T0, -40_000, 500_000, 0);
    expect(engine.state('a').mm).toBeCloseTo(7_450, 6);
  });

  it('rejects schedules whose rates fall or whose last cap is finite', () => {
    expect(() => buildBrackets([{ notionalCap: 10, imr: 0.1, mmr: 0.05 }])).toThrow(/Infinity/);
    expect(() => buildBrackets([{ notionalCap: 10, imr: 0.1, mmr: 0.05 }, { notionalCap: Infinity, imr: 0.05, mmr: 0.01 }])).toThrow(/fall/);
  });
});
