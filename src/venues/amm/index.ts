/** Public API of the AMM models: Uniswap v2 (math + pair) and v3 (math + pool + event replay). */
export { getAmountIn, getAmountOut } from './v2-math.ts';
export { V2Pair, type V2SwapRequest } from './v2-pair.ts';

export {
  divRoundingUp, MAX_INT256, MAX_UINT128, MAX_UINT160, MAX_UINT256, mulDiv, mulDivRoundingUp, Q96, Q128,
} from './v3/full-math.ts';
export { addDelta } from './v3/liquidity-math.ts';
export {
  getAmount0Delta, getAmount0DeltaSigned, getAmount1Delta, getAmount1DeltaSigned,
  getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput,
} from './v3/sqrt-price-math.ts';
export { computeSwapStep, type SwapStep } from './v3/swap-math.ts';
export {
  getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK,
} from './v3/tick-math.ts';
export { getFeeGrowthInside, tickSpacingToMaxLiquidityPerTick, type TickInfo } from './v3/tick.ts';
export { TickList } from './v3/tick-list.ts';
export { defaultSqrtPriceLimit, type SwapParams, type SwapResult, type TickCrossing } from './v3/swap.ts';
export { positionKey, V3Pool, type PositionInfo, type TokenAmounts, type V3PoolConfig } from './v3/pool.ts';
export { applyBurn, applyMint, applySwapEvent, type BurnEvent, type EventWhere, type MintEvent, type SwapEvent } from './v3/events.ts';
export { poolFromSnapshot, poolToSnapshot, type V3PoolSnapshot, type V3TickSnapshot } from './v3/snapshot.ts';
