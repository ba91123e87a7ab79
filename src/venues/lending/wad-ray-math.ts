/**
 * Aave v3 WadRayMath and PercentageMath, bigint-exact. Every operation rounds half up, as the
 * contracts do (`(a * b + HALF) / UNIT`), so balances and health factors match the chain.
 */
import { ModelError } from '../../errors.ts';

export const WAD = 10n ** 18n;
export const HALF_WAD = WAD / 2n;
export const RAY = 10n ** 27n;
export const HALF_RAY = RAY / 2n;
export const PERCENTAGE_FACTOR = 10_000n;
export const HALF_PERCENTAGE_FACTOR = 5_000n;
/** type(uint256).max: the health factor of an account without debt. */
export const MAX_UINT256 = (1n << 256n) - 1n;

export function wadMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_WAD) / WAD;
}

export function wadDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ModelError('wadDiv by zero', { field: 'divisor' });
  return (a * WAD + b / 2n) / b;
}

export function rayMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_RAY) / RAY;
}

export function rayDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ModelError('rayDiv by zero', { field: 'divisor' });
  return (a * RAY + b / 2n) / b;
}

/** value × percentage / 10000, half up; percentage in bps (10000 = 100%). */
export function percentMul(value: bigint, percentageBps: bigint): bigint {
  return (value * percentageBps + HALF_PERCENTAGE_FACTOR) / PERCENTAGE_FACTOR;
}

/** value × 10000 / percentage, half up. */
export function percentDiv(value: bigint, percentageBps: bigint): bigint {
  if (percentageBps === 0n) throw new ModelError('percentDiv by zero', { field: 'percentage' });
  return (value * PERCENTAGE_FACTOR + percentageBps / 2n) / percentageBps;
}
