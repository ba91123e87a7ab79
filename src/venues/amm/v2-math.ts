/**
 * UniswapV2Library.getAmountOut / getAmountIn, integer-exact.
 * With the default 30 bps fee the arithmetic is literally the library's (997/1000); other fees
 * use (10000 - feeBps)/10000, which equals 997/1000 scaled by 10 for 30 bps, so results agree.
 */
import { ModelError } from '../../errors.ts';

function feeFactors(feeBps: bigint): [bigint, bigint] {
  if (feeBps < 0n || feeBps >= 10000n) {
    throw new ModelError(`feeBps out of range: ${feeBps}`, { field: 'feeBps', hint: 'expected 0 <= feeBps < 10000' });
  }
  if (feeBps === 30n) return [997n, 1000n];
  return [10000n - feeBps, 10000n];
}

/** Output amount for an exact input, rounding down (the pair keeps the dust). */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps: bigint = 30n): bigint {
  if (amountIn <= 0n) throw new ModelError('INSUFFICIENT_INPUT_AMOUNT', { field: 'amountIn' });
  if (reserveIn <= 0n || reserveOut <= 0n) throw new ModelError('INSUFFICIENT_LIQUIDITY', { field: 'reserves' });
  const [num, den] = feeFactors(feeBps);
  const amountInWithFee = amountIn * num;
  const numerator = amountInWithFee * reserveOut;
  const denominator = reserveIn * den + amountInWithFee;
  return numerator / denominator;
}

/** Input amount needed for an exact output, rounding up (+1 as the library does). */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint, feeBps: bigint = 30n): bigint {
  if (amountOut <= 0n) throw new ModelError('INSUFFICIENT_OUTPUT_AMOUNT', { field: 'amountOut' });
  if (reserveIn <= 0n || reserveOut <= 0n) throw new ModelError('INSUFFICIENT_LIQUIDITY', { field: 'reserves' });
  // The library would revert with a SafeMath underflow (ds-math-sub-underflow) here.
  if (amountOut >= reserveOut) throw new ModelError('INSUFFICIENT_LIQUIDITY', { field: 'amountOut', hint: 'amountOut >= reserveOut' });
  const [num, den] = feeFactors(feeBps);
  const numerator = reserveIn * amountOut * den;
  const denominator = (reserveOut - amountOut) * num;
  return numerator / denominator + 1n;
}
