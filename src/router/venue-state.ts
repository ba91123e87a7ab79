/**
 * Frozen venue states as the router's cost curves read them: an AMM pool's liquidity segments
 * from the exact pool (v2 reserves, v3 ticks), converted to floats once per decision.
 */
import { getSqrtRatioAtTick, type V3Pool } from '../venues/amm/index.ts';
import type { AmmState } from './cost-curve.ts';

const Q96F = 2 ** 96;

/** A Uniswap v2 pair: one full-range segment with L = √(x·y) at √(y/x). */
export function v2State(reserve0: bigint, reserve1: bigint, feeBps: number, decimals0: number, decimals1: number): AmmState {
  const x = Number(reserve0);
  const y = Number(reserve1);
  return { sqrtPrice: Math.sqrt(y / x), liquidity: Math.sqrt(x * y), boundaries: [], liquidityNet: [], crossed: 0, feeRate: feeBps / 10_000, decimals0, decimals1 };
}

/**
 * States by pool object: a chain pool stores a new V3Pool after every swap and never mutates one,
 * so a pool object's segments can be built once (per block in a run, not per decision).
 */
const cache = new WeakMap<object, AmmState>();

/** A Uniswap v3 pool: its initialized ticks as √price boundaries with their liquidityNet (cached per pool object). */
export function v3State(pool: Pick<V3Pool, 'sqrtPriceX96' | 'liquidity' | 'tick' | 'fee' | 'ticks' | 'tickList'>, decimals0: number, decimals1: number): AmmState {
  const hit = cache.get(pool);
  if (hit && hit.decimals0 === decimals0 && hit.decimals1 === decimals1 && hit.sqrtPrice === Number(pool.sqrtPriceX96) / Q96F && hit.liquidity === Number(pool.liquidity)) return hit;
  const s = buildV3State(pool, decimals0, decimals1);
  cache.set(pool, s);
  return s;
}

function buildV3State(pool: Pick<V3Pool, 'sqrtPriceX96' | 'liquidity' | 'tick' | 'fee' | 'ticks' | 'tickList'>, decimals0: number, decimals1: number): AmmState {
  const ticks = pool.tickList.ticks();
  const boundaries = new Float64Array(ticks.length);
  const net = new Float64Array(ticks.length);
  let crossed = 0;
  for (let i = 0; i < ticks.length; i++) {
    const t = ticks[i]!;
    boundaries[i] = Number(getSqrtRatioAtTick(t)) / Q96F;
    net[i] = Number(pool.ticks.get(t)!.liquidityNet);
    if (t <= pool.tick) crossed = i + 1;
  }
  return { sqrtPrice: Number(pool.sqrtPriceX96) / Q96F, liquidity: Number(pool.liquidity), boundaries, liquidityNet: net, crossed, feeRate: pool.fee / 1e6, decimals0, decimals1 };
}
