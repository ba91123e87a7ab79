/**
 * SqrtPriceMath from v3-core. The overflow checks are reproduced because they pick which
 * formula (and therefore which rounding) the contract uses, and where it reverts.
 */
import { ModelError } from '../../../errors.ts';
import {
  divRoundingUp, MAX_UINT160, MAX_UINT256, mulDiv, mulDivRoundingUp, Q96, toInt256, toUint160,
} from './full-math.ts';

/** sqrtP' = L*sqrtP / (L ± amount*sqrtP), rounded up (moves the price less for token0 in/out). */
export function getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  if (add) {
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator);
    }
    const d = numerator1 / sqrtPX96 + amount; // SafeMath .add
    if (d > MAX_UINT256) throw new ModelError('SafeMath: addition overflow', { field: 'amount' });
    return divRoundingUp(numerator1, d);
  }
  if (!(product <= MAX_UINT256 && numerator1 > product)) {
    throw new ModelError('SqrtPriceMath: amount0 out exceeds liquidity', { field: 'amount', hint: 'insufficient liquidity' });
  }
  return toUint160(mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product));
}

/** sqrtP' = sqrtP ± amount/L, rounded down. */
export function getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (add) {
    const quotient = amount <= MAX_UINT160 ? (amount << 96n) / liquidity : mulDiv(amount, Q96, liquidity);
    const next = sqrtPX96 + quotient;
    if (next > MAX_UINT256) throw new ModelError('SafeMath: addition overflow', { field: 'amount' });
    return toUint160(next);
  }
  const quotient = amount <= MAX_UINT160 ? divRoundingUp(amount << 96n, liquidity) : mulDivRoundingUp(amount, Q96, liquidity);
  if (!(sqrtPX96 > quotient)) {
    throw new ModelError('SqrtPriceMath: amount1 out exceeds liquidity', { field: 'amount', hint: 'insufficient liquidity' });
  }
  return sqrtPX96 - quotient;
}

export function getNextSqrtPriceFromInput(sqrtPX96: bigint, liquidity: bigint, amountIn: bigint, zeroForOne: boolean): bigint {
  if (sqrtPX96 <= 0n) throw new ModelError('SqrtPriceMath: zero price', { field: 'sqrtPX96' });
  if (liquidity <= 0n) throw new ModelError('SqrtPriceMath: zero liquidity', { field: 'liquidity' });
  return zeroForOne
    ? getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

export function getNextSqrtPriceFromOutput(sqrtPX96: bigint, liquidity: bigint, amountOut: bigint, zeroForOne: boolean): bigint {
  if (sqrtPX96 <= 0n) throw new ModelError('SqrtPriceMath: zero price', { field: 'sqrtPX96' });
  if (liquidity <= 0n) throw new ModelError('SqrtPriceMath: zero liquidity', { field: 'liquidity' });
  return zeroForOne
    ? getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

/** Token0 between two prices: L*(sb-sa)/(sa*sb). */
export function getAmount0Delta(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint, roundUp: boolean): bigint {
  let a = sqrtRatioAX96;
  let b = sqrtRatioBX96;
  if (a > b) [a, b] = [b, a];
  if (a <= 0n) throw new ModelError('SqrtPriceMath: zero price', { field: 'sqrtRatioAX96' });
  const numerator1 = liquidity << 96n;
  const numerator2 = b - a;
  return roundUp
    ? divRoundingUp(mulDivRoundingUp(numerator1, numerator2, b), a)
    : mulDiv(numerator1, numerator2, b) / a;
}

const Q96_MASK = Q96 - 1n;

/** Token1 between two prices: L*(sb-sa). */
export function getAmount1Delta(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint, roundUp: boolean): bigint {
  let a = sqrtRatioAX96;
  let b = sqrtRatioBX96;
  if (a > b) [a, b] = [b, a];
  // FullMath.mulDiv(L, b − a, Q96) as a shift: a division by 2^96 is its floor (2.5× faster than
  // dividing); rounding up adds 2^96 − 1 first. L < 2^128 and b − a < 2^160, so no overflow check
  // can fire (the product is below 2^288, the quotient below 2^192).
  const p = liquidity * (b - a);
  return roundUp ? (p + Q96_MASK) >> 96n : p >> 96n;
}

/** Signed variant used by mint/burn: positive liquidity rounds up (owed to pool), negative rounds down. */
export function getAmount0DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint): bigint {
  return liquidity < 0n
    ? -toInt256(getAmount0Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidity, false))
    : toInt256(getAmount0Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, true));
}

export function getAmount1DeltaSigned(sqrtRatioAX96: bigint, sqrtRatioBX96: bigint, liquidity: bigint): bigint {
  return liquidity < 0n
    ? -toInt256(getAmount1Delta(sqrtRatioAX96, sqrtRatioBX96, -liquidity, false))
    : toInt256(getAmount1Delta(sqrtRatioAX96, sqrtRatioBX96, liquidity, true));
}
