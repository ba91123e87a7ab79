/**
 * Rebuilding a pool from on-chain Mint/Burn/Swap events. Each event is re-executed by the
 * model and the event's own numbers are checked against the model's: any disagreement means
 * the replay has diverged from the chain, which is a ModelError rather than something to paper over.
 */
import { ModelError } from '../../../errors.ts';
import { MAX_INT256 } from './full-math.ts';
import type { TokenAmounts, V3Pool } from './pool.ts';
import type { SwapParams, SwapResult } from './swap.ts';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.ts';

export interface MintEvent {
  owner: string;
  tickLower: number;
  tickUpper: number;
  /** liquidity added */
  amount: bigint;
  /** token amounts paid in, as logged; checked when present */
  amount0?: bigint;
  amount1?: bigint;
}

export type BurnEvent = MintEvent;

export interface SwapEvent {
  /** pool balance deltas as logged: > 0 received by the pool */
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  liquidity: bigint;
  tick: number;
}

export interface EventWhere {
  file?: string;
  line?: number;
}

function checkAmounts(kind: string, got: TokenAmounts, ev: MintEvent, where: EventWhere): void {
  if ((ev.amount0 !== undefined && ev.amount0 !== got.amount0) || (ev.amount1 !== undefined && ev.amount1 !== got.amount1)) {
    throw new ModelError(`${kind} event amounts disagree with the model`, {
      ...where,
      field: 'amount0/amount1',
      hint: `event ${ev.amount0}/${ev.amount1}, model ${got.amount0}/${got.amount1}`,
    });
  }
}

export function applyMint(pool: V3Pool, ev: MintEvent, where: EventWhere = {}): TokenAmounts {
  // Amounts depend only on the pre-mint price, so check before mutating.
  checkAmounts('Mint', pool.amountsForLiquidity(ev.tickLower, ev.tickUpper, ev.amount), ev, where);
  return pool.mint(ev.owner, ev.tickLower, ev.tickUpper, ev.amount);
}

export function applyBurn(pool: V3Pool, ev: BurnEvent, where: EventWhere = {}): TokenAmounts {
  const expected = pool.amountsForLiquidity(ev.tickLower, ev.tickUpper, -ev.amount);
  checkAmounts('Burn', { amount0: -expected.amount0, amount1: -expected.amount1 }, ev, where);
  return pool.burn(ev.owner, ev.tickLower, ev.tickUpper, ev.amount);
}

function matches(r: SwapResult, ev: SwapEvent): boolean {
  return r.amount0 === ev.amount0 && r.amount1 === ev.amount1 && r.sqrtPriceX96 === ev.sqrtPriceX96
    && r.tick === ev.tick && r.liquidity === ev.liquidity;
}

/**
 * The event does not say whether the swap was exact-in or exact-out, nor its price limit.
 * Candidates, in order: exact input / exact output of the logged amount without a limit, then
 * both with the logged final price as the limit (a swap that stopped at its limit). Replaying the
 * consumed amount reproduces every step of the original, so the true interpretation always matches.
 */
function candidates(pool: V3Pool, ev: SwapEvent): SwapParams[] {
  const zeroForOne = ev.amount0 > 0n || ev.amount1 < 0n || (ev.amount0 === 0n && ev.amount1 === 0n && ev.sqrtPriceX96 < pool.sqrtPriceX96);
  const amountIn = zeroForOne ? ev.amount0 : ev.amount1;
  const amountOut = zeroForOne ? -ev.amount1 : -ev.amount0;
  const limitUsable = zeroForOne
    ? ev.sqrtPriceX96 < pool.sqrtPriceX96 && ev.sqrtPriceX96 > MIN_SQRT_RATIO
    : ev.sqrtPriceX96 > pool.sqrtPriceX96 && ev.sqrtPriceX96 < MAX_SQRT_RATIO;
  const out: SwapParams[] = [];
  if (amountIn > 0n) out.push({ zeroForOne, amountSpecified: amountIn });
  if (amountOut > 0n) out.push({ zeroForOne, amountSpecified: -amountOut });
  if (limitUsable) {
    if (amountIn > 0n) out.push({ zeroForOne, amountSpecified: amountIn, sqrtPriceLimitX96: ev.sqrtPriceX96 });
    if (amountOut > 0n) out.push({ zeroForOne, amountSpecified: -amountOut, sqrtPriceLimitX96: ev.sqrtPriceX96 });
    // nothing paid either way: a move through a range without liquidity
    if (amountIn === 0n && amountOut === 0n) out.push({ zeroForOne, amountSpecified: MAX_INT256, sqrtPriceLimitX96: ev.sqrtPriceX96 });
  }
  return out;
}

export function applySwapEvent(pool: V3Pool, ev: SwapEvent, where: EventWhere = {}): SwapResult {
  let first: SwapResult | Error | undefined;
  for (const params of candidates(pool, ev)) {
    let r: SwapResult;
    try {
      r = pool.quoteSwap(params);
    } catch (err) {
      first ??= err as Error;
      continue;
    }
    if (matches(r, ev)) {
      pool.commitSwap(r);
      return r;
    }
    first ??= r;
  }
  const got = first === undefined ? 'no candidate swap'
    : first instanceof Error ? `model reverted: ${first.message}`
    : `model amount0=${first.amount0} amount1=${first.amount1} sqrtPriceX96=${first.sqrtPriceX96} tick=${first.tick} liquidity=${first.liquidity}`;
  throw new ModelError('Swap event disagrees with the model', {
    ...where,
    field: 'swap',
    hint: `event amount0=${ev.amount0} amount1=${ev.amount1} sqrtPriceX96=${ev.sqrtPriceX96} tick=${ev.tick} liquidity=${ev.liquidity}; ${got}`,
  });
}
