/**
 * Per-tick state (Tick.sol without the oracle accumulators, which never affect amounts).
 * Fee growth values are uint256 and *meant* to wrap: only differences are meaningful.
 */
import { ModelError } from '../../../errors.ts';
import { MAX_UINT128, toInt128, wrapU256 } from './full-math.ts';
import { addDelta } from './liquidity-math.ts';
import { MAX_TICK, MIN_TICK } from './tick-math.ts';

export interface TickInfo {
  liquidityGross: bigint;
  liquidityNet: bigint;
  feeGrowthOutside0X128: bigint;
  feeGrowthOutside1X128: bigint;
}

export function tickSpacingToMaxLiquidityPerTick(tickSpacing: number): bigint {
  const minTick = Math.trunc(MIN_TICK / tickSpacing) * tickSpacing;
  const maxTick = Math.trunc(MAX_TICK / tickSpacing) * tickSpacing;
  const numTicks = BigInt((maxTick - minTick) / tickSpacing + 1);
  return MAX_UINT128 / numTicks;
}

/**
 * Tick.update. Returns whether the tick flipped between initialized and uninitialized.
 * By convention all growth before a tick is initialized happened below it.
 */
export function updateTick(
  ticks: Map<number, TickInfo>,
  tick: number,
  tickCurrent: number,
  liquidityDelta: bigint,
  feeGrowthGlobal0X128: bigint,
  feeGrowthGlobal1X128: bigint,
  upper: boolean,
  maxLiquidity: bigint,
): boolean {
  let info = ticks.get(tick);
  if (info === undefined) {
    info = { liquidityGross: 0n, liquidityNet: 0n, feeGrowthOutside0X128: 0n, feeGrowthOutside1X128: 0n };
    ticks.set(tick, info);
  }
  const grossBefore = info.liquidityGross;
  const grossAfter = addDelta(grossBefore, liquidityDelta);
  if (grossAfter > maxLiquidity) {
    throw new ModelError('LO', { field: 'liquidity', hint: `tick ${tick} liquidityGross would exceed maxLiquidityPerTick ${maxLiquidity}` });
  }
  const flipped = (grossAfter === 0n) !== (grossBefore === 0n);
  if (grossBefore === 0n && tick <= tickCurrent) {
    info.feeGrowthOutside0X128 = feeGrowthGlobal0X128;
    info.feeGrowthOutside1X128 = feeGrowthGlobal1X128;
  }
  info.liquidityGross = grossAfter;
  info.liquidityNet = toInt128(upper ? info.liquidityNet - liquidityDelta : info.liquidityNet + liquidityDelta);
  return flipped;
}

/** Tick.cross: flip the "outside" side of the fee growth and return liquidityNet. */
export function crossTick(info: TickInfo, feeGrowthGlobal0X128: bigint, feeGrowthGlobal1X128: bigint): bigint {
  info.feeGrowthOutside0X128 = wrapU256(feeGrowthGlobal0X128 - info.feeGrowthOutside0X128);
  info.feeGrowthOutside1X128 = wrapU256(feeGrowthGlobal1X128 - info.feeGrowthOutside1X128);
  return info.liquidityNet;
}

const EMPTY: TickInfo = { liquidityGross: 0n, liquidityNet: 0n, feeGrowthOutside0X128: 0n, feeGrowthOutside1X128: 0n };

/** Tick.getFeeGrowthInside, with uint256 wrap-around exactly as the contract computes it. */
export function getFeeGrowthInside(
  ticks: Map<number, TickInfo>,
  tickLower: number,
  tickUpper: number,
  tickCurrent: number,
  feeGrowthGlobal0X128: bigint,
  feeGrowthGlobal1X128: bigint,
): [bigint, bigint] {
  const lower = ticks.get(tickLower) ?? EMPTY;
  const upper = ticks.get(tickUpper) ?? EMPTY;
  const below0 = tickCurrent >= tickLower ? lower.feeGrowthOutside0X128 : wrapU256(feeGrowthGlobal0X128 - lower.feeGrowthOutside0X128);
  const below1 = tickCurrent >= tickLower ? lower.feeGrowthOutside1X128 : wrapU256(feeGrowthGlobal1X128 - lower.feeGrowthOutside1X128);
  const above0 = tickCurrent < tickUpper ? upper.feeGrowthOutside0X128 : wrapU256(feeGrowthGlobal0X128 - upper.feeGrowthOutside0X128);
  const above1 = tickCurrent < tickUpper ? upper.feeGrowthOutside1X128 : wrapU256(feeGrowthGlobal1X128 - upper.feeGrowthOutside1X128);
  return [wrapU256(feeGrowthGlobal0X128 - below0 - above0), wrapU256(feeGrowthGlobal1X128 - below1 - above1)];
}
