/**
 * TickMath from v3-core, ported operation by operation so that every rounding matches:
 * getSqrtRatioAtTick multiplies Q128 constants for each set bit of |tick|; getTickAtSqrtRatio
 * takes a fixed-point log2 and then disambiguates between the two candidate ticks.
 */
import { ModelError } from '../../../errors.ts';
import { MAX_UINT256 } from './full-math.ts';

export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

// ratio multipliers: 2^128 / sqrt(1.0001)^(2^i), as hard-coded in the contract.
const MULTIPLIERS: readonly bigint[] = [
  0xfffcb933bd6fad37aa2d162d1a594001n,
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

// Swaps revisit the same initialized ticks constantly; the function is pure, so memoise it.
const sqrtRatioCache = new Map<number, bigint>();

export function getSqrtRatioAtTick(tick: number): bigint {
  const cached = sqrtRatioCache.get(tick);
  if (cached !== undefined) return cached;
  const value = computeSqrtRatioAtTick(tick);
  if (sqrtRatioCache.size >= 200_000) sqrtRatioCache.clear();
  sqrtRatioCache.set(tick, value);
  return value;
}

function computeSqrtRatioAtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) {
    throw new ModelError('T', { field: 'tick', hint: `tick ${tick} outside [${MIN_TICK}, ${MAX_TICK}]` });
  }
  const absTick = tick < 0 ? -tick : tick;
  let ratio = absTick & 1 ? MULTIPLIERS[0]! : 1n << 128n;
  for (let i = 1; i < MULTIPLIERS.length; i++) {
    if (absTick & (1 << i)) ratio = (ratio * MULTIPLIERS[i]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  // Q128.128 -> Q64.96, rounding up so getTickAtSqrtRatio(getSqrtRatioAtTick(t)) == t.
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

function mostSignificantBit(x: bigint): number {
  return x.toString(2).length - 1;
}

export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) {
    throw new ModelError('R', { field: 'sqrtPriceX96', hint: `sqrtPriceX96 ${sqrtPriceX96} outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)` });
  }
  const ratio = sqrtPriceX96 << 32n;
  const msb = mostSignificantBit(ratio);
  let r = msb >= 128 ? ratio >> BigInt(msb - 127) : ratio << BigInt(127 - msb);
  let log2 = BigInt(msb - 128) << 64n;
  for (let bit = 63n; bit >= 50n; bit--) {
    r = (r * r) >> 127n;
    const f = r >> 128n;
    log2 |= f << bit;
    r >>= f;
  }
  const logSqrt10001 = log2 * 255738958999603826347141n; // 128.128 fixed point
  const tickLow = Number((logSqrt10001 - 3402992956809132418596140100660247210n) >> 128n);
  const tickHi = Number((logSqrt10001 + 291339464771989622907027621153398088495n) >> 128n);
  if (tickLow === tickHi) return tickLow;
  return getSqrtRatioAtTick(tickHi) <= sqrtPriceX96 ? tickHi : tickLow;
}
