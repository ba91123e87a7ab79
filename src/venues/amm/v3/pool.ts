/**
 * UniswapV3Pool state machine: initialize, mint, burn, collect, swap, protocol fee.
 * The oracle (observations, secondsPerLiquidity) is omitted: it never changes token amounts.
 * balance0/balance1 track the tokens the pool holds according to its own deltas, which lets
 * callers check solvency without an external ledger.
 */
import { ModelError } from '../../../errors.ts';
import { MAX_UINT128, mulDiv, Q128, wrapU256 } from './full-math.ts';
import { addDelta } from './liquidity-math.ts';
import { getAmount0DeltaSigned, getAmount1DeltaSigned } from './sqrt-price-math.ts';
import { computeSwap, type SwapParams, type SwapResult } from './swap.ts';
import { crossTick, getFeeGrowthInside, tickSpacingToMaxLiquidityPerTick, updateTick, type TickInfo } from './tick.ts';
import { TickList } from './tick-list.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_TICK, MIN_TICK } from './tick-math.ts';

export interface PositionInfo {
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  tokensOwed0: bigint;
  tokensOwed1: bigint;
}

export interface TokenAmounts {
  amount0: bigint;
  amount1: bigint;
}

export interface V3PoolConfig {
  /** fee in hundredths of a bip: 500, 3000, 10000 … */
  fee: number;
  tickSpacing: number;
  sqrtPriceX96: bigint;
  /** slot0.feeProtocol packed byte; 0 = protocol fee off (the factory default) */
  feeProtocol?: number;
}

export function positionKey(owner: string, tickLower: number, tickUpper: number): string {
  return `${owner}:${tickLower}:${tickUpper}`;
}

export class V3Pool {
  readonly fee: number;
  readonly tickSpacing: number;
  readonly maxLiquidityPerTick: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity = 0n;
  feeGrowthGlobal0X128 = 0n;
  feeGrowthGlobal1X128 = 0n;
  feeProtocol: number;
  protocolFees0 = 0n;
  protocolFees1 = 0n;
  /** tokens held: exact for pools built from initialize+mint; relative to the snapshot otherwise */
  balance0 = 0n;
  balance1 = 0n;
  /** false for snapshot pools whose real balances are unknown: payouts are then not checked */
  balancesKnown = true;
  readonly ticks = new Map<number, TickInfo>();
  readonly tickList: TickList;
  readonly positions = new Map<string, PositionInfo>();

  constructor(config: V3PoolConfig) {
    if (!Number.isInteger(config.fee) || config.fee < 0 || config.fee >= 1_000_000) {
      throw new ModelError('fee out of range', { field: 'fee', hint: `${config.fee}; expected 0 <= fee < 1e6 pips` });
    }
    if (!Number.isInteger(config.tickSpacing) || config.tickSpacing <= 0 || config.tickSpacing >= 16384) {
      throw new ModelError('tickSpacing out of range', { field: 'tickSpacing', hint: `${config.tickSpacing}` });
    }
    this.fee = config.fee;
    this.tickSpacing = config.tickSpacing;
    this.maxLiquidityPerTick = tickSpacingToMaxLiquidityPerTick(config.tickSpacing);
    this.sqrtPriceX96 = config.sqrtPriceX96;
    this.tick = getTickAtSqrtRatio(config.sqrtPriceX96); // reverts 'R' like initialize()
    this.tickList = new TickList(config.tickSpacing);
    this.feeProtocol = 0;
    if (config.feeProtocol !== undefined) this.setFeeProtocol(config.feeProtocol % 16, config.feeProtocol >> 4);
  }

  /** UniswapV3Pool.setFeeProtocol: each side is 0 (off) or a denominator in 4..10. */
  setFeeProtocol(feeProtocol0: number, feeProtocol1: number): void {
    const ok = (f: number): boolean => f === 0 || (Number.isInteger(f) && f >= 4 && f <= 10);
    if (!ok(feeProtocol0) || !ok(feeProtocol1)) {
      throw new ModelError('feeProtocol must be 0 or 4..10', { field: 'feeProtocol', hint: `${feeProtocol0}, ${feeProtocol1}` });
    }
    this.feeProtocol = feeProtocol0 + (feeProtocol1 << 4);
  }

  position(owner: string, tickLower: number, tickUpper: number): PositionInfo | undefined {
    return this.positions.get(positionKey(owner, tickLower, tickUpper));
  }

  /** Tokens the pool receives for adding `amount` liquidity (rounded up). */
  mint(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    if (amount <= 0n) throw new ModelError('mint amount must be > 0', { field: 'amount' });
    const { amount0, amount1 } = this.modifyPosition(owner, tickLower, tickUpper, amount);
    this.balance0 += amount0;
    this.balance1 += amount1;
    return { amount0, amount1 };
  }

  /** Tokens released (rounded down) by removing liquidity; credited to tokensOwed, paid on collect. */
  burn(owner: string, tickLower: number, tickUpper: number, amount: bigint): TokenAmounts {
    if (amount < 0n || amount > MAX_UINT128) throw new ModelError('burn amount out of uint128 range', { field: 'amount' });
    const r = this.modifyPosition(owner, tickLower, tickUpper, -amount);
    const amount0 = -r.amount0;
    const amount1 = -r.amount1;
    if (amount0 > 0n || amount1 > 0n) {
      const pos = this.positions.get(positionKey(owner, tickLower, tickUpper))!;
      pos.tokensOwed0 = BigInt.asUintN(128, pos.tokensOwed0 + amount0);
      pos.tokensOwed1 = BigInt.asUintN(128, pos.tokensOwed1 + amount1);
    }
    return { amount0, amount1 };
  }

  collect(owner: string, tickLower: number, tickUpper: number, amount0Requested = MAX_UINT128, amount1Requested = MAX_UINT128): TokenAmounts {
    const pos = this.positions.get(positionKey(owner, tickLower, tickUpper));
    if (pos === undefined) return { amount0: 0n, amount1: 0n };
    const amount0 = amount0Requested > pos.tokensOwed0 ? pos.tokensOwed0 : amount0Requested;
    const amount1 = amount1Requested > pos.tokensOwed1 ? pos.tokensOwed1 : amount1Requested;
    pos.tokensOwed0 -= amount0;
    pos.tokensOwed1 -= amount1;
    this.payOut(amount0, amount1);
    return { amount0, amount1 };
  }

  collectProtocol(amount0Requested = MAX_UINT128, amount1Requested = MAX_UINT128): TokenAmounts {
    let amount0 = amount0Requested > this.protocolFees0 ? this.protocolFees0 : amount0Requested;
    let amount1 = amount1Requested > this.protocolFees1 ? this.protocolFees1 : amount1Requested;
    // the contract leaves 1 wei in the slot to keep the storage warm
    if (amount0 > 0n && amount0 === this.protocolFees0) amount0--;
    if (amount1 > 0n && amount1 === this.protocolFees1) amount1--;
    this.protocolFees0 -= amount0;
    this.protocolFees1 -= amount1;
    this.payOut(amount0, amount1);
    return { amount0, amount1 };
  }

  /** Result of a swap without changing any state. */
  quoteSwap(params: SwapParams): SwapResult {
    return computeSwap(this, params);
  }

  swap(params: SwapParams): SwapResult {
    const result = computeSwap(this, params);
    this.commitSwap(result);
    return result;
  }

  /** Apply a result computed by quoteSwap on the *current* state. */
  commitSwap(result: SwapResult): void {
    for (const c of result.crossings) crossTick(this.ticks.get(c.tick)!, c.feeGrowthGlobal0X128, c.feeGrowthGlobal1X128);
    this.sqrtPriceX96 = result.sqrtPriceX96;
    this.tick = result.tick;
    this.liquidity = result.liquidity;
    this.feeGrowthGlobal0X128 = result.feeGrowthGlobal0X128;
    this.feeGrowthGlobal1X128 = result.feeGrowthGlobal1X128;
    this.protocolFees0 = BigInt.asUintN(128, this.protocolFees0 + result.protocolFee0);
    this.protocolFees1 = BigInt.asUintN(128, this.protocolFees1 + result.protocolFee1);
    this.balance0 += result.amount0;
    this.balance1 += result.amount1;
  }

  private payOut(amount0: bigint, amount1: bigint): void {
    if (this.balancesKnown && (amount0 > this.balance0 || amount1 > this.balance1)) {
      throw new ModelError('TF', { field: 'balance', hint: 'pool balance too small for the transfer (snapshot pools start with balance 0)' });
    }
    this.balance0 -= amount0;
    this.balance1 -= amount1;
  }

  private modifyPosition(owner: string, tickLower: number, tickUpper: number, liquidityDelta: bigint): TokenAmounts {
    if (tickLower >= tickUpper) throw new ModelError('TLU', { field: 'tickLower', hint: `${tickLower} >= ${tickUpper}` });
    if (tickLower < MIN_TICK) throw new ModelError('TLM', { field: 'tickLower', hint: `${tickLower}` });
    if (tickUpper > MAX_TICK) throw new ModelError('TUM', { field: 'tickUpper', hint: `${tickUpper}` });
    if (tickLower % this.tickSpacing !== 0 || tickUpper % this.tickSpacing !== 0) {
      throw new ModelError('ticks must be multiples of tickSpacing', { field: 'tick', hint: `${tickLower}, ${tickUpper}, spacing ${this.tickSpacing}` });
    }
    const amounts = this.amountsForLiquidity(tickLower, tickUpper, liquidityDelta);
    this.updatePosition(owner, tickLower, tickUpper, liquidityDelta);
    if (liquidityDelta !== 0n && this.tick >= tickLower && this.tick < tickUpper) {
      this.liquidity = addDelta(this.liquidity, liquidityDelta);
    }
    return amounts;
  }

  /**
   * Token amounts for a liquidity change at the current price (positive delta rounds up,
   * negative rounds down), without changing state.
   */
  amountsForLiquidity(tickLower: number, tickUpper: number, liquidityDelta: bigint): TokenAmounts {
    let amount0 = 0n;
    let amount1 = 0n;
    if (liquidityDelta !== 0n) {
      const sqrtLower = getSqrtRatioAtTick(tickLower);
      const sqrtUpper = getSqrtRatioAtTick(tickUpper);
      if (this.tick < tickLower) {
        amount0 = getAmount0DeltaSigned(sqrtLower, sqrtUpper, liquidityDelta);
      } else if (this.tick < tickUpper) {
        amount0 = getAmount0DeltaSigned(this.sqrtPriceX96, sqrtUpper, liquidityDelta);
        amount1 = getAmount1DeltaSigned(sqrtLower, this.sqrtPriceX96, liquidityDelta);
        addDelta(this.liquidity, liquidityDelta); // reverts before any state changes
      } else {
        amount1 = getAmount1DeltaSigned(sqrtLower, sqrtUpper, liquidityDelta);
      }
    }
    return { amount0, amount1 };
  }

  private updatePosition(owner: string, tickLower: number, tickUpper: number, liquidityDelta: bigint): void {
    const key = positionKey(owner, tickLower, tickUpper);
    let pos = this.positions.get(key);
    const fg0 = this.feeGrowthGlobal0X128;
    const fg1 = this.feeGrowthGlobal1X128;
    // Validate the position update before touching ticks so a revert leaves no partial state.
    const posLiquidity = pos?.liquidity ?? 0n;
    if (liquidityDelta === 0n && posLiquidity === 0n) throw new ModelError('NP', { field: 'liquidity', hint: 'poke of an empty position' });
    const liquidityNext = addDelta(posLiquidity, liquidityDelta);

    let flippedLower = false;
    let flippedUpper = false;
    if (liquidityDelta !== 0n) {
      const grossLower = (this.ticks.get(tickLower)?.liquidityGross ?? 0n) + liquidityDelta;
      const grossUpper = (this.ticks.get(tickUpper)?.liquidityGross ?? 0n) + liquidityDelta;
      if (grossLower > this.maxLiquidityPerTick || grossUpper > this.maxLiquidityPerTick) {
        throw new ModelError('LO', { field: 'liquidity', hint: `liquidityGross would exceed maxLiquidityPerTick ${this.maxLiquidityPerTick}` });
      }
      flippedLower = updateTick(this.ticks, tickLower, this.tick, liquidityDelta, fg0, fg1, false, this.maxLiquidityPerTick);
      flippedUpper = updateTick(this.ticks, tickUpper, this.tick, liquidityDelta, fg0, fg1, true, this.maxLiquidityPerTick);
      if (flippedLower) this.tickList.flip(tickLower);
      if (flippedUpper) this.tickList.flip(tickUpper);
    }
    const [inside0, inside1] = getFeeGrowthInside(this.ticks, tickLower, tickUpper, this.tick, fg0, fg1);

    if (pos === undefined) {
      pos = { liquidity: 0n, feeGrowthInside0LastX128: 0n, feeGrowthInside1LastX128: 0n, tokensOwed0: 0n, tokensOwed1: 0n };
      this.positions.set(key, pos);
    }
    // Position.update: fees accrued since the last touch, truncated to uint128 as in the contract.
    const owed0 = BigInt.asUintN(128, mulDiv(wrapU256(inside0 - pos.feeGrowthInside0LastX128), pos.liquidity, Q128));
    const owed1 = BigInt.asUintN(128, mulDiv(wrapU256(inside1 - pos.feeGrowthInside1LastX128), pos.liquidity, Q128));
    pos.liquidity = liquidityNext;
    pos.feeGrowthInside0LastX128 = inside0;
    pos.feeGrowthInside1LastX128 = inside1;
    pos.tokensOwed0 = BigInt.asUintN(128, pos.tokensOwed0 + owed0);
    pos.tokensOwed1 = BigInt.asUintN(128, pos.tokensOwed1 + owed1);

    if (liquidityDelta < 0n) {
      if (flippedLower) this.ticks.delete(tickLower);
      if (flippedUpper) this.ticks.delete(tickUpper);
    }
  }
}
