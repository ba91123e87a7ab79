/**
 * UniswapV3Pool.swap's loop as a pure computation over the pool state. It returns the result
 * plus the list of tick crossings so the caller can commit (or discard, e.g. when matching
 * an on-chain Swap event against several candidate interpretations).
 */
import { ModelError } from '../../../errors.ts';
import { mulDiv, Q128, toInt256, wrapI256, wrapU256 } from './full-math.ts';
import { addDelta } from './liquidity-math.ts';
import { computeSwapStep } from './swap-math.ts';
import type { TickInfo } from './tick.ts';
import type { TickList } from './tick-list.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from './tick-math.ts';

export interface SwapParams {
  zeroForOne: boolean;
  /** > 0 exact input, < 0 exact output (contract convention) */
  amountSpecified: bigint;
  /** defaults to MIN_SQRT_RATIO + 1 / MAX_SQRT_RATIO - 1, i.e. no limit */
  sqrtPriceLimitX96?: bigint;
}

/** The slice of pool state a swap reads. */
export interface SwapState {
  readonly fee: number;
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  readonly feeGrowthGlobal0X128: bigint;
  readonly feeGrowthGlobal1X128: bigint;
  /** slot0.feeProtocol: token0 denominator in the low 4 bits, token1 in the high 4 */
  readonly feeProtocol: number;
  readonly ticks: ReadonlyMap<number, TickInfo>;
  readonly tickList: TickList;
}

export interface TickCrossing {
  tick: number;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
}

export interface SwapResult {
  /** pool's token0 balance change: > 0 paid in by the swapper, < 0 paid out */
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  /** protocol fee accrued by this swap, in the input token */
  protocolFee0: bigint;
  protocolFee1: bigint;
  crossings: TickCrossing[];
  steps: number;
}

export function defaultSqrtPriceLimit(zeroForOne: boolean): bigint {
  return zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
}

export function computeSwap(pool: SwapState, params: SwapParams): SwapResult {
  const { zeroForOne, amountSpecified } = params;
  const sqrtPriceLimitX96 = params.sqrtPriceLimitX96 ?? defaultSqrtPriceLimit(zeroForOne);
  if (amountSpecified === 0n) throw new ModelError('AS', { field: 'amountSpecified', hint: 'amount must be non-zero' });
  const limitOk = zeroForOne
    ? sqrtPriceLimitX96 < pool.sqrtPriceX96 && sqrtPriceLimitX96 > MIN_SQRT_RATIO
    : sqrtPriceLimitX96 > pool.sqrtPriceX96 && sqrtPriceLimitX96 < MAX_SQRT_RATIO;
  if (!limitOk) {
    throw new ModelError('SPL', {
      field: 'sqrtPriceLimitX96',
      hint: `limit ${sqrtPriceLimitX96} must be ${zeroForOne ? 'below' : 'above'} the price ${pool.sqrtPriceX96} and inside (MIN_SQRT_RATIO, MAX_SQRT_RATIO)`,
    });
  }
  const feeProtocol = zeroForOne ? pool.feeProtocol % 16 : pool.feeProtocol >> 4;
  const exactInput = amountSpecified > 0n;
  const fee = BigInt(pool.fee);

  let remaining = amountSpecified;
  let calculated = 0n;
  let sqrtPriceX96 = pool.sqrtPriceX96;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let feeGrowthGlobalX128 = zeroForOne ? pool.feeGrowthGlobal0X128 : pool.feeGrowthGlobal1X128;
  let protocolFee = 0n;
  const crossings: TickCrossing[] = [];
  let steps = 0;

  while (remaining !== 0n && sqrtPriceX96 !== sqrtPriceLimitX96) {
    steps++;
    const sqrtPriceStartX96 = sqrtPriceX96;
    const next = pool.tickList.nextInitializedTickWithinOneWord(tick, zeroForOne);
    const tickNext = Math.min(Math.max(next.tickNext, MIN_TICK), MAX_TICK);
    const sqrtPriceNextX96 = getSqrtRatioAtTick(tickNext);
    const target = (zeroForOne ? sqrtPriceNextX96 < sqrtPriceLimitX96 : sqrtPriceNextX96 > sqrtPriceLimitX96)
      ? sqrtPriceLimitX96
      : sqrtPriceNextX96;
    const step = computeSwapStep(sqrtPriceX96, target, liquidity, remaining, pool.fee);
    sqrtPriceX96 = step.sqrtRatioNextX96;

    if (exactInput) {
      remaining = wrapI256(remaining - toInt256(step.amountIn + step.feeAmount));
      calculated -= toInt256(step.amountOut);
    } else {
      remaining = wrapI256(remaining + toInt256(step.amountOut));
      calculated += toInt256(step.amountIn + step.feeAmount);
    }
    checkInt256(calculated);

    let stepFee = step.feeAmount;
    if (feeProtocol > 0) {
      const delta = stepFee / BigInt(feeProtocol);
      stepFee -= delta;
      protocolFee = BigInt.asUintN(128, protocolFee + delta);
    }
    if (liquidity > 0n) feeGrowthGlobalX128 = wrapU256(feeGrowthGlobalX128 + mulDiv(stepFee, Q128, liquidity));

    if (sqrtPriceX96 === sqrtPriceNextX96) {
      if (next.initialized) {
        const info = pool.ticks.get(tickNext);
        if (info === undefined) throw new ModelError('initialized tick without data', { field: 'ticks', hint: `tick ${tickNext}` });
        crossings.push({
          tick: tickNext,
          feeGrowthGlobal0X128: zeroForOne ? feeGrowthGlobalX128 : pool.feeGrowthGlobal0X128,
          feeGrowthGlobal1X128: zeroForOne ? pool.feeGrowthGlobal1X128 : feeGrowthGlobalX128,
        });
        liquidity = addDelta(liquidity, zeroForOne ? -info.liquidityNet : info.liquidityNet);
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPriceX96 !== sqrtPriceStartX96) {
      // recompute unless we're on a lower tick boundary (already transitioned) and haven't moved
      tick = getTickAtSqrtRatio(sqrtPriceX96);
    }
  }

  const specifiedUsed = amountSpecified - remaining;
  const [amount0, amount1] = zeroForOne === exactInput ? [specifiedUsed, calculated] : [calculated, specifiedUsed];
  return {
    amount0,
    amount1,
    sqrtPriceX96,
    tick,
    liquidity,
    feeGrowthGlobal0X128: zeroForOne ? feeGrowthGlobalX128 : pool.feeGrowthGlobal0X128,
    feeGrowthGlobal1X128: zeroForOne ? pool.feeGrowthGlobal1X128 : feeGrowthGlobalX128,
    protocolFee0: zeroForOne ? protocolFee : 0n,
    protocolFee1: zeroForOne ? 0n : protocolFee,
    crossings,
    steps,
  };
}

function checkInt256(x: bigint): void {
  if (wrapI256(x) !== x) throw new ModelError('int256 overflow', { field: 'amountCalculated' });
}
