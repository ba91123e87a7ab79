/**
 * Differential properties against the official SDKs (@uniswap/v2-sdk, @uniswap/v3-sdk, JSBI):
 * the model must agree to the unit on random inputs, including on when it throws.
 */
import { CurrencyAmount, Token } from '@uniswap/sdk-core';
import { Pair } from '@uniswap/v2-sdk';
import { SqrtPriceMath as SdkSqrtPriceMath, SwapMath as SdkSwapMath, TickMath as SdkTickMath } from '@uniswap/v3-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { B, J, JSBI } from './jsbi.ts';
import { ModelError } from '../../../src/errors.ts';
import { getAmountIn, getAmountOut } from '../../../src/venues/amm/v2-math.ts';
import { computeSwapStep } from '../../../src/venues/amm/v3/swap-math.ts';
import {
  getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput,
} from '../../../src/venues/amm/v3/sqrt-price-math.ts';
import {
  getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK,
} from '../../../src/venues/amm/v3/tick-math.ts';

const T0 = new Token(1, '0x0000000000000000000000000000000000000001', 18, 'T0');
const T1 = new Token(1, '0x0000000000000000000000000000000000000002', 18, 'T1');

/** Outcome of a call: the value, or 'throw' (the contract would revert). */
function outcome<T>(f: () => T): T | 'throw' {
  try {
    return f();
  } catch {
    return 'throw';
  }
}

/**
 * The SDK omits the contract's SafeCast.toUint160 on the new price; where its result does not fit
 * uint160 the contract (and the model) revert.
 */
function uint160(x: bigint | 'throw'): bigint | 'throw' {
  return x !== 'throw' && x >= 1n << 160n ? 'throw' : x;
}

// wide magnitude spread: small, realistic and near-overflow values all get drawn
const amount = (maxBits: number): fc.Arbitrary<bigint> =>
  fc.integer({ min: 0, max: maxBits }).chain((bits) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }));
const sqrtPrice = fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO - 1n });
const liquidity = amount(128).map((x) => (x === 0n ? 1n : x));

describe('v2 vs @uniswap/v2-sdk Pair', () => {
  const reserve = amount(112).filter((x) => x > 0n);
  it('getAmountOut == Pair.getOutputAmount', () => {
    fc.assert(fc.property(reserve, reserve, amount(112).filter((x) => x > 0n), fc.boolean(), (r0, r1, amountIn, zeroForOne) => {
      const pair = new Pair(CurrencyAmount.fromRawAmount(T0, J(r0)), CurrencyAmount.fromRawAmount(T1, J(r1)));
      const [rIn, rOut] = zeroForOne ? [r0, r1] : [r1, r0];
      const mine = getAmountOut(amountIn, rIn, rOut);
      const sdk = outcome(() => B(pair.getOutputAmount(CurrencyAmount.fromRawAmount(zeroForOne ? T0 : T1, J(amountIn)))[0].quotient));
      // the SDK throws InsufficientInputAmountError where the library returns 0 (the pair then reverts)
      expect(sdk === 'throw' ? 0n : sdk).toBe(mine);
    }), { seed: 42, numRuns: 400 });
  });
  it('getAmountIn == Pair.getInputAmount (both refuse amountOut >= reserveOut)', () => {
    fc.assert(fc.property(reserve, reserve, amount(112).filter((x) => x > 0n), fc.boolean(), (r0, r1, amountOut, zeroForOne) => {
      const pair = new Pair(CurrencyAmount.fromRawAmount(T0, J(r0)), CurrencyAmount.fromRawAmount(T1, J(r1)));
      const [rIn, rOut] = zeroForOne ? [r0, r1] : [r1, r0];
      const out = amountOut % rOut === 0n ? 1n : amountOut % rOut; // mostly feasible amounts
      const mine = outcome(() => getAmountIn(out, rIn, rOut));
      const sdk = outcome(() => B(pair.getInputAmount(CurrencyAmount.fromRawAmount(zeroForOne ? T1 : T0, J(out)))[0].quotient));
      expect(mine).toBe(sdk);
      expect(outcome(() => getAmountIn(rOut, rIn, rOut))).toBe('throw');
    }), { seed: 42, numRuns: 400 });
  });
  it('throws ModelError INSUFFICIENT_INPUT_AMOUNT / INSUFFICIENT_LIQUIDITY like the library', () => {
    expect(() => getAmountOut(0n, 1n, 1n)).toThrow(ModelError);
    expect(() => getAmountOut(0n, 1n, 1n)).toThrow(/INSUFFICIENT_INPUT_AMOUNT/);
    expect(() => getAmountOut(1n, 0n, 1n)).toThrow(/INSUFFICIENT_LIQUIDITY/);
    expect(() => getAmountIn(1n, 1n, 0n)).toThrow(/INSUFFICIENT_LIQUIDITY/);
    // a non-default fee: 25 bps (e.g. PancakeSwap) = 9975/10000, closed form
    expect(getAmountOut(10n ** 18n, 10n ** 20n, 10n ** 20n, 25n)).toBe((10n ** 18n * 9975n * 10n ** 20n) / (10n ** 20n * 10000n + 10n ** 18n * 9975n));
  });
});

describe('v3 math vs @uniswap/v3-sdk', () => {
  it('TickMath.getSqrtRatioAtTick / getTickAtSqrtRatio', () => {
    fc.assert(fc.property(fc.integer({ min: MIN_TICK, max: MAX_TICK }), sqrtPrice, (tick, price) => {
      expect(getSqrtRatioAtTick(tick)).toBe(B(SdkTickMath.getSqrtRatioAtTick(tick)));
      expect(getTickAtSqrtRatio(price)).toBe(SdkTickMath.getTickAtSqrtRatio(J(price)));
      expect(getTickAtSqrtRatio(getSqrtRatioAtTick(tick) - (tick > MIN_TICK ? 1n : 0n))).toBe(tick > MIN_TICK ? tick - 1 : tick);
    }), { seed: 42, numRuns: 500 });
    expect(() => getTickAtSqrtRatio(MAX_SQRT_RATIO)).toThrow(ModelError);
    expect(() => getSqrtRatioAtTick(MAX_TICK + 1)).toThrow(ModelError);
  });

  it('SqrtPriceMath next price from input/output and amount deltas', () => {
    fc.assert(fc.property(sqrtPrice, sqrtPrice, liquidity, amount(256), fc.boolean(), fc.boolean(), (p, q, L, amt, zeroForOne, roundUp) => {
      expect(outcome(() => getNextSqrtPriceFromInput(p, L, amt, zeroForOne)))
        .toBe(uint160(outcome(() => B(SdkSqrtPriceMath.getNextSqrtPriceFromInput(J(p), J(L), J(amt), zeroForOne)))));
      expect(outcome(() => getNextSqrtPriceFromOutput(p, L, amt, zeroForOne)))
        .toBe(uint160(outcome(() => B(SdkSqrtPriceMath.getNextSqrtPriceFromOutput(J(p), J(L), J(amt), zeroForOne)))));
      expect(getAmount0Delta(p, q, L, roundUp)).toBe(B(SdkSqrtPriceMath.getAmount0Delta(J(p), J(q), J(L), roundUp)));
      expect(getAmount1Delta(p, q, L, roundUp)).toBe(B(SdkSqrtPriceMath.getAmount1Delta(J(p), J(q), J(L), roundUp)));
    }), { seed: 42, numRuns: 500 });
  });

  it('SwapMath.computeSwapStep', () => {
    const fee = fc.constantFrom(0, 100, 500, 3000, 10000, 999999).chain((f) => fc.oneof(fc.constant(f), fc.integer({ min: 0, max: 999_999 })));
    const remaining = fc.tuple(amount(255), fc.boolean()).map(([a, neg]) => (neg ? -a : a));
    fc.assert(fc.property(sqrtPrice, sqrtPrice, liquidity, remaining, fee, (cur, target, L, rem, feePips) => {
      const mine = outcome(() => {
        const s = computeSwapStep(cur, target, L, rem, feePips);
        return [s.sqrtRatioNextX96, s.amountIn, s.amountOut, s.feeAmount].join(',');
      });
      const sdk = outcome(() => SdkSwapMath.computeSwapStep(J(cur), J(target), J(L), J(rem), JSBI.BigInt(feePips)).map(B).join(','));
      expect(mine).toBe(sdk);
    }), { seed: 42, numRuns: 500 });
  });

  it('SwapMath.computeSwapStep near the target: steps that just reach it or just stop short, as in a real pool', () => {
    // Prices a few ticks apart and an amount within ±1e-6 (or a few units) of what reaching the
    // target takes: where a shortcut deciding "short of the target" in doubles would go wrong.
    const fee = fc.constantFrom(100, 500, 3000, 10000);
    fc.assert(fc.property(fc.integer({ min: -800_000, max: 800_000 }), fc.integer({ min: 1, max: 2000 }), fc.boolean(), fc.boolean(), liquidity, fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -5, max: 5 }), fee, (tick, dist, zeroForOne, exactIn, L, ppm, units, feePips) => {
      const cur = getSqrtRatioAtTick(tick);
      const t2 = Math.max(MIN_TICK, Math.min(MAX_TICK, zeroForOne ? tick - dist : tick + dist));
      const target = getSqrtRatioAtTick(t2);
      if (target === cur) return;
      // What the whole step moves, in the token specified, then nudged.
      const whole = outcome(() => SdkSwapMath.computeSwapStep(J(cur), J(target), J(L), J(exactIn ? (1n << 250n) : -(1n << 250n)), JSBI.BigInt(feePips)).map(B));
      if (whole === 'throw') return;
      const base = exactIn ? whole[1]! + whole[3]! : whole[2]!;
      const nudged = base + (base * BigInt(ppm)) / 1_000_000_000_000n + BigInt(units);
      if (nudged <= 0n) return;
      const rem = exactIn ? nudged : -nudged;
      const mine = outcome(() => {
        const st = computeSwapStep(cur, target, L, rem, feePips);
        return [st.sqrtRatioNextX96, st.amountIn, st.amountOut, st.feeAmount].join(',');
      });
      const sdk = outcome(() => SdkSwapMath.computeSwapStep(J(cur), J(target), J(L), J(rem), JSBI.BigInt(feePips)).map(B).join(','));
      expect(mine).toBe(sdk);
    }), { seed: 43, numRuns: 3000 });
  });
});
