/**
 * Seeded liquidity for the v3 variant of the DEX scenarios: `count` positions around the
 * starting price, each with a random half-width (0.3%–20%), a small random offset and a
 * liquidity of 0.5–1.5× the constant-product pool with the same reserves (L = √(x·y)). Nested
 * ranges put tick boundaries near the price, so slices and sandwiches cross initialized ticks.
 */
import { ConfigError } from '../errors.ts';
import type { Rng } from '../kernel/rng.ts';
import type { V3PositionSpec } from '../mev/adversaries/index.ts';
import { getTickAtSqrtRatio, MAX_TICK, MIN_TICK } from '../venues/amm/index.ts';

export interface V3LiquidityParams {
  /** token1 per token0 in minor units (e.g. USDC µ-units per wei). */
  price: number;
  /** Reserves (minor units) of the constant-product pool whose depth one position matches. */
  reserve0: bigint;
  reserve1: bigint;
  tickSpacing: number;
  count: number;
}

export function sqrtPriceX96Of(price: number): bigint {
  if (!(price > 0)) throw new ConfigError(`price ${price} must be positive`, { field: 'price' });
  return BigInt(Math.round(Math.sqrt(price) * 2 ** 96));
}

export function seedV3Positions(rng: Rng, p: V3LiquidityParams): V3PositionSpec[] {
  if (!Number.isInteger(p.count) || p.count < 1) throw new ConfigError(`v3 positions ${p.count} must be a positive integer`, { field: 'v3Positions' });
  const s = p.tickSpacing;
  const center = Math.round(getTickAtSqrtRatio(sqrtPriceX96Of(p.price)) / s) * s;
  const l0 = isqrt(p.reserve0 * p.reserve1);
  const out: V3PositionSpec[] = [];
  for (let i = 0; i < p.count; i++) {
    const half = s * rng.int(Math.max(1, Math.ceil(30 / s)), Math.max(2, Math.floor(2000 / s)));
    const off = s * rng.int(-2, 2);
    const tickLower = Math.max(center + off - half, Math.ceil(MIN_TICK / s) * s);
    const tickUpper = Math.min(center + off + half, Math.floor(MAX_TICK / s) * s);
    const liquidity = (l0 * BigInt(500 + rng.int(0, 1000))) / 1000n;
    out.push({ tickLower, tickUpper, liquidity });
  }
  return out;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}
