/**
 * Fixed-width integer helpers and FullMath (mulDiv / mulDivRoundingUp) from v3-core.
 * bigint has unbounded precision, so the 512-bit intermediate of FullMath is free; what we
 * must reproduce is *where the contract reverts* (result >= 2^256, zero denominator) and where
 * it relies on modular wrap-around (fee growth subtraction, unchecked adds in Solidity 0.7).
 */
import { ModelError } from '../../../errors.ts';

export const Q96 = 1n << 96n;
export const Q128 = 1n << 128n;
export const Q256 = 1n << 256n;
export const MAX_UINT128 = Q128 - 1n;
export const MAX_UINT160 = (1n << 160n) - 1n;
export const MAX_UINT256 = Q256 - 1n;
export const MAX_INT128 = (1n << 127n) - 1n;
export const MIN_INT128 = -(1n << 127n);
export const MAX_INT256 = (1n << 255n) - 1n;
export const MIN_INT256 = -(1n << 255n);

/** Reduce mod 2^256, as uint256 arithmetic does in unchecked code. */
export function wrapU256(x: bigint): bigint {
  return BigInt.asUintN(256, x);
}

/** Reduce to int256 two's complement, as int256 arithmetic does in unchecked code. */
export function wrapI256(x: bigint): bigint {
  return BigInt.asIntN(256, x);
}

/** SafeCast.toInt256: reverts when the uint256 does not fit. */
export function toInt256(x: bigint): bigint {
  if (x > MAX_INT256) throw new ModelError('SafeCast: toInt256 overflow', { field: 'int256' });
  return x;
}

/** SafeCast.toInt128 */
export function toInt128(x: bigint): bigint {
  if (x < MIN_INT128 || x > MAX_INT128) throw new ModelError('SafeCast: toInt128 overflow', { field: 'int128' });
  return x;
}

/** SafeCast.toUint160 */
export function toUint160(x: bigint): bigint {
  if (x > MAX_UINT160) throw new ModelError('SafeCast: toUint160 overflow', { field: 'uint160' });
  return x;
}

/** floor(a*b/denominator); reverts (like FullMath) when denominator is 0 or the result overflows uint256. */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new ModelError('FullMath: mulDiv by zero', { field: 'denominator' });
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) throw new ModelError('FullMath: mulDiv overflow', { field: 'result' });
  return result;
}

/** ceil(a*b/denominator); FullMath requires the floor result < 2^256-1 before incrementing. */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new ModelError('FullMath: mulDiv by zero', { field: 'denominator' });
  const product = a * b;
  const result = product / denominator;
  if (result * denominator === product) {
    if (result > MAX_UINT256) throw new ModelError('FullMath: mulDiv overflow', { field: 'result' });
    return result;
  }
  if (result >= MAX_UINT256) throw new ModelError('FullMath: mulDivRoundingUp overflow', { field: 'result' });
  return result + 1n;
}

/** UnsafeMath.divRoundingUp: ceil(x/y); y == 0 yields 0 in the EVM, but no caller relies on that. */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  if (y === 0n) return 0n;
  const q = x / y;
  // A product is cheaper than a second division (x, y ≥ 0 here: amounts and prices).
  return q * y !== x ? q + 1n : q;
}
