/**
 * CEX–DEX arbitrage sizing on a Uniswap v3 pool. The profit-maximizing trade moves the pool's
 * marginal price, net of the fee, onto the CEX price: sell token0 until P·γ = P_cex, or buy it
 * until P/γ = P_cex (γ = 1 − fee). On v3 that is a swap with the target as sqrtPriceLimit — the
 * swap loop walks the ticks itself — capped by the arbitrageur's capital. The input it used is
 * then re-quoted as a plain exact-input swap, which is what the tx executes, so the plan's
 * output is the executed output to the unit.
 */
import { ModelError } from '../../errors.ts';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../venues/amm/index.ts';
import { computeSwap, type SwapResult, type SwapState } from '../../venues/amm/v3/swap.ts';
import type { ArbPlan } from './cex-dex-arb.ts';
import { exactInV3 } from './sandwich-math-v3.ts';

const Q96F = 2 ** 96;

/** Best single swap against `price` (token1 per token0, minor units), integer-executed. */
export function planArbitrageV3(s: SwapState, price: number, cap0: bigint, cap1: bigint): ArbPlan | undefined {
  if (!(price > 0)) return undefined;
  const g = 1 - s.fee / 1e6;
  const sp = Number(s.sqrtPriceX96) / Q96F;
  const poolPrice = sp * sp;
  let zeroForOne: boolean;
  let limit: bigint;
  if (poolPrice * g > price) {
    zeroForOne = true;
    limit = BigInt(Math.ceil(Math.sqrt(price / g) * Q96F));
    if (limit <= MIN_SQRT_RATIO) limit = MIN_SQRT_RATIO + 1n;
    if (limit >= s.sqrtPriceX96) return undefined;
  } else if (poolPrice < price * g) {
    zeroForOne = false;
    limit = BigInt(Math.floor(Math.sqrt(price * g) * Q96F));
    if (limit >= MAX_SQRT_RATIO) limit = MAX_SQRT_RATIO - 1n;
    if (limit <= s.sqrtPriceX96) return undefined;
  } else {
    return undefined;
  }
  const cap = zeroForOne ? cap0 : cap1;
  if (cap <= 0n) return undefined;
  let r: SwapResult;
  try {
    r = computeSwap(s, { zeroForOne, amountSpecified: cap, sqrtPriceLimitX96: limit });
  } catch (e) {
    if (e instanceof ModelError) return undefined;
    throw e;
  }
  const amountIn = zeroForOne ? r.amount0 : r.amount1;
  if (amountIn <= 0n) return undefined;
  const amountOut = exactInV3(s, amountIn, zeroForOne)?.out;
  if (amountOut === undefined) return undefined;
  const profit0 = zeroForOne ? BigInt(Math.floor(Number(amountOut) / price)) - amountIn : amountOut - BigInt(Math.ceil(Number(amountIn) / price));
  return { zeroForOne, amountIn, amountOut, profit0 };
}
