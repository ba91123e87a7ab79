/**
 * Pools from a JSON state snapshot (e.g. read from a node or a subgraph at a block):
 * slot0 price/tick, active liquidity, fee, tickSpacing and the initialized ticks.
 */
import { DataError } from '../../../errors.ts';
import { MAX_UINT128, MAX_UINT256, MIN_INT128, MAX_INT128 } from './full-math.ts';
import { V3Pool } from './pool.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from './tick-math.ts';

export interface V3TickSnapshot {
  /** tick index ("tickIdx" in the subgraph is accepted too) */
  index: number;
  liquidityNet: string;
  liquidityGross: string;
  feeGrowthOutside0X128?: string;
  feeGrowthOutside1X128?: string;
}

export interface V3PoolSnapshot {
  sqrtPriceX96: string;
  tick: number;
  liquidity: string;
  fee: number;
  tickSpacing: number;
  ticks: V3TickSnapshot[];
  feeGrowthGlobal0X128?: string;
  feeGrowthGlobal1X128?: string;
  feeProtocol?: number;
  /** the pool's token balances, if known; needed only for solvency checks and collect */
  balance0?: string;
  balance1?: string;
}

function int(value: unknown, field: string, min: bigint, max: bigint, file?: string): bigint {
  let v: bigint;
  try {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') throw new Error();
    v = BigInt(value);
  } catch {
    throw new DataError(`not an integer: ${String(value)}`, { file, field });
  }
  if (v < min || v > max) throw new DataError(`out of range: ${v}`, { file, field, hint: `expected [${min}, ${max}]` });
  return v;
}

export function poolFromSnapshot(json: unknown, file?: string): V3Pool {
  if (typeof json !== 'object' || json === null) throw new DataError('pool snapshot must be an object', { file });
  const s = json as Record<string, unknown>;
  const fee = Number(int(s.fee, 'fee', 0n, 999_999n, file));
  const tickSpacing = Number(int(s.tickSpacing, 'tickSpacing', 1n, 16383n, file));
  const sqrtPriceX96 = int(s.sqrtPriceX96, 'sqrtPriceX96', 1n, MAX_UINT256, file);
  const tick = Number(int(s.tick, 'tick', -887272n, 887272n, file));
  const pool = new V3Pool({ fee, tickSpacing, sqrtPriceX96 });
  // After a zeroForOne swap ends exactly on a tick the contract stores tick = that tick - 1.
  const derived = getTickAtSqrtRatio(sqrtPriceX96);
  if (tick !== derived && !(tick === derived - 1 && getSqrtRatioAtTick(derived) === sqrtPriceX96)) {
    throw new DataError(`tick ${tick} inconsistent with sqrtPriceX96 (tick ${derived})`, { file, field: 'tick' });
  }
  pool.tick = tick;
  pool.liquidity = int(s.liquidity, 'liquidity', 0n, MAX_UINT128, file);
  pool.feeGrowthGlobal0X128 = int(s.feeGrowthGlobal0X128 ?? '0', 'feeGrowthGlobal0X128', 0n, MAX_UINT256, file);
  pool.feeGrowthGlobal1X128 = int(s.feeGrowthGlobal1X128 ?? '0', 'feeGrowthGlobal1X128', 0n, MAX_UINT256, file);
  const fp = Number(int(s.feeProtocol ?? 0, 'feeProtocol', 0n, 255n, file));
  pool.setFeeProtocol(fp % 16, fp >> 4);
  pool.balancesKnown = s.balance0 !== undefined && s.balance1 !== undefined;
  pool.balance0 = int(s.balance0 ?? '0', 'balance0', 0n, MAX_UINT256, file);
  pool.balance1 = int(s.balance1 ?? '0', 'balance1', 0n, MAX_UINT256, file);

  if (!Array.isArray(s.ticks)) throw new DataError('ticks must be an array', { file, field: 'ticks' });
  s.ticks.forEach((raw: unknown, i: number) => {
    const t = (raw ?? {}) as Record<string, unknown>;
    const field = `ticks[${i}]`;
    const index = Number(int(t.index ?? t.tickIdx, `${field}.index`, -887272n, 887272n, file));
    if (index % tickSpacing !== 0) throw new DataError(`tick ${index} not a multiple of tickSpacing ${tickSpacing}`, { file, field });
    if (pool.ticks.has(index)) throw new DataError(`duplicate tick ${index}`, { file, field });
    const liquidityNet = int(t.liquidityNet, `${field}.liquidityNet`, MIN_INT128, MAX_INT128, file);
    const liquidityGross = int(t.liquidityGross, `${field}.liquidityGross`, 0n, MAX_UINT128, file);
    if (liquidityGross === 0n) return; // uninitialized ticks can appear in subgraph dumps
    if (liquidityGross < (liquidityNet < 0n ? -liquidityNet : liquidityNet)) {
      throw new DataError(`|liquidityNet| exceeds liquidityGross at tick ${index}`, { file, field });
    }
    pool.ticks.set(index, {
      liquidityGross,
      liquidityNet,
      feeGrowthOutside0X128: int(t.feeGrowthOutside0X128 ?? '0', `${field}.feeGrowthOutside0X128`, 0n, MAX_UINT256, file),
      feeGrowthOutside1X128: int(t.feeGrowthOutside1X128 ?? '0', `${field}.feeGrowthOutside1X128`, 0n, MAX_UINT256, file),
    });
    pool.tickList.flip(index);
  });
  return pool;
}

export function poolToSnapshot(pool: V3Pool): V3PoolSnapshot {
  return {
    sqrtPriceX96: pool.sqrtPriceX96.toString(),
    tick: pool.tick,
    liquidity: pool.liquidity.toString(),
    fee: pool.fee,
    tickSpacing: pool.tickSpacing,
    ticks: pool.tickList.ticks().map((index) => {
      const t = pool.ticks.get(index)!;
      return {
        index,
        liquidityNet: t.liquidityNet.toString(),
        liquidityGross: t.liquidityGross.toString(),
        feeGrowthOutside0X128: t.feeGrowthOutside0X128.toString(),
        feeGrowthOutside1X128: t.feeGrowthOutside1X128.toString(),
      };
    }),
    feeGrowthGlobal0X128: pool.feeGrowthGlobal0X128.toString(),
    feeGrowthGlobal1X128: pool.feeGrowthGlobal1X128.toString(),
    feeProtocol: pool.feeProtocol,
    ...(pool.balancesKnown ? { balance0: pool.balance0.toString(), balance1: pool.balance1.toString() } : {}),
  };
}
