/**
 * Ledger-independent properties over random swap sequences: balances are initial + sum of deltas
 * and the pool stays solvent when every LP and the protocol withdraw; price moves with the swap;
 * liquidity never goes negative and always equals the sum over positions containing the tick
 * (computed from the positions, not from the model's tick data).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.ts';
import { V2Pair, V3Pool } from '../../../src/venues/amm/index.ts';
import { getSqrtRatioAtTick } from '../../../src/venues/amm/v3/tick-math.ts';

interface Pos { lower: number; upper: number; liquidity: bigint }
const SPACING = 60;
const posArb = fc.tuple(fc.integer({ min: -80, max: 80 }), fc.integer({ min: -80, max: 80 }), fc.bigInt({ min: 10n ** 12n, max: 10n ** 22n }))
  .filter(([a, b]) => a !== b)
  .map(([a, b, liquidity]): Pos => ({ lower: Math.min(a, b) * SPACING, upper: Math.max(a, b) * SPACING, liquidity }));
const swapArb = fc.record({
  zeroForOne: fc.boolean(),
  exactIn: fc.boolean(),
  amount: fc.bigInt({ min: 1n, max: 10n ** 22n }),
  limitTicks: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
});

describe('v3 pool invariants', () => {
  it('balances, solvency, price direction and liquidity hold over random swap sequences', () => {
    fc.assert(fc.property(
      fc.array(posArb, { minLength: 1, maxLength: 6 }), fc.array(swapArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: -3000, max: 3000 }), fc.constantFrom(0, 4, 10),
      (positions, swaps, startTick, feeProtocol) => {
        const pool = new V3Pool({ fee: 3000, tickSpacing: SPACING, sqrtPriceX96: getSqrtRatioAtTick(startTick) + 1n });
        pool.setFeeProtocol(feeProtocol, feeProtocol);
        let sum0 = 0n;
        let sum1 = 0n;
        positions.forEach((p, i) => {
          const a = pool.mint(`lp${i}`, p.lower, p.upper, p.liquidity);
          sum0 += a.amount0;
          sum1 += a.amount1;
        });
        let steps = 0;
        for (const s of swaps) {
          const before = pool.sqrtPriceX96;
          const limit = s.limitTicks === undefined ? undefined
            : getSqrtRatioAtTick(Math.max(-887000, Math.min(887000, pool.tick + (s.zeroForOne ? -s.limitTicks : s.limitTicks))));
          let r;
          try {
            r = pool.swap({ zeroForOne: s.zeroForOne, amountSpecified: s.exactIn ? s.amount : -s.amount, sqrtPriceLimitX96: limit });
          } catch (err) {
            expect(err).toBeInstanceOf(ModelError); // only SPL when the limit is on the wrong side
            expect(String(err)).toMatch(/SPL/);
            continue;
          }
          steps += r.steps;
          sum0 += r.amount0;
          sum1 += r.amount1;
          const [paid, received] = s.zeroForOne ? [r.amount0, r.amount1] : [r.amount1, r.amount0];
          expect(paid).toBeGreaterThanOrEqual(0n);
          expect(received).toBeLessThanOrEqual(0n);
          if (s.zeroForOne) expect(pool.sqrtPriceX96).toBeLessThanOrEqual(before);
          else expect(pool.sqrtPriceX96).toBeGreaterThanOrEqual(before);
          expect(pool.liquidity).toBeGreaterThanOrEqual(0n);
          const expectedL = positions.filter((p) => p.lower <= pool.tick && pool.tick < p.upper).reduce((a, p) => a + p.liquidity, 0n);
          expect(pool.liquidity).toBe(expectedL);
          expect([pool.balance0, pool.balance1]).toEqual([sum0, sum1]);
        }
        // Everyone withdraws: the pool must be able to pay, and only rounding dust may remain.
        positions.forEach((p, i) => {
          pool.burn(`lp${i}`, p.lower, p.upper, p.liquidity);
          const c = pool.collect(`lp${i}`, p.lower, p.upper);
          sum0 -= c.amount0;
          sum1 -= c.amount1;
        });
        const pc = pool.collectProtocol();
        sum0 -= pc.amount0;
        sum1 -= pc.amount1;
        expect([pool.balance0, pool.balance1]).toEqual([sum0, sum1]);
        const dustBound = BigInt(4 * (steps + positions.length) + 4);
        for (const dust of [pool.balance0, pool.balance1]) {
          expect(dust).toBeGreaterThanOrEqual(0n);
          expect(dust).toBeLessThanOrEqual(dustBound);
        }
        expect(pool.liquidity).toBe(0n);
        expect(pool.tickList.size).toBe(0);
      },
    ), { seed: 42, numRuns: 200 });
  });
});

describe('v2 pair', () => {
  it('swap enforces K; sync resets reserves', () => {
    const pair = new V2Pair(5n * 10n ** 18n, 10n * 10n ** 18n);
    // UniswapV2Pair.spec.ts swapTestCases: [1, 5, 10, '1662497915624478906'] — one more wei out violates K
    expect(() => pair.swap({ amount0In: 10n ** 18n, amount1In: 0n, amount0Out: 0n, amount1Out: 1662497915624478907n })).toThrow(/\bK\b/);
    pair.swap({ amount0In: 10n ** 18n, amount1In: 0n, amount0Out: 0n, amount1Out: 1662497915624478906n });
    expect([pair.reserve0, pair.reserve1]).toEqual([6n * 10n ** 18n, 10n * 10n ** 18n - 1662497915624478906n]);
    expect(() => pair.swap({ amount0In: 0n, amount1In: 0n, amount0Out: 1n, amount1Out: 0n })).toThrow(/INSUFFICIENT_INPUT_AMOUNT/);
    expect(() => pair.swap({ amount0In: 1n, amount1In: 0n, amount0Out: 0n, amount1Out: pair.reserve1 })).toThrow(/INSUFFICIENT_LIQUIDITY/);
    pair.sync(7n, 9n);
    expect([pair.reserve0, pair.reserve1]).toEqual([7n, 9n]);
  });
  it('K never decreases over random exact-in/out swaps', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.bigInt({ min: 1n, max: 10n ** 21n })), { maxLength: 30 }), (ops) => {
      const pair = new V2Pair(10n ** 21n, 3n * 10n ** 21n);
      for (const [zeroForOne, exactIn, amount] of ops) {
        const k = pair.reserve0 * pair.reserve1;
        try {
          if (exactIn) pair.swapExactIn(amount, zeroForOne);
          else pair.swapExactOut(amount, zeroForOne);
        } catch (err) {
          expect(err).toBeInstanceOf(ModelError);
          continue;
        }
        expect(pair.reserve0 * pair.reserve1).toBeGreaterThanOrEqual(k);
      }
    }), { seed: 42, numRuns: 200 });
  });
});
