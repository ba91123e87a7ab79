/**
 * A Uniswap v3 pool whose state lives in chain state, so swaps inside txs and bundles are
 * journaled with everything else. The arithmetic is the bit-exact V3Pool of src/venues/amm.
 *
 * The V3Pool stored in state is never mutated: a swap clones it, swaps the clone and stores the
 * clone, so a reverted tx or dropped bundle restores the previous object untouched. Cloning
 * copies the tick map and positions (a few dozen entries), once per executed swap — searches
 * use the copy-free overlay of sandwich-math-v3.ts instead.
 */
import { ModelError } from '../../errors.ts';
import { Q96, V3Pool } from '../../venues/amm/index.ts';
import type { SwapOutcome } from './chain-amm.ts';
import type { ChainBank } from './chain-bank.ts';
import { exactInV3 } from './sandwich-math-v3.ts';

export interface V3PositionSpec {
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
}

export interface ChainV3Config {
  /** Fee in hundredths of a bip (500 = 0.05%). */
  fee: number;
  tickSpacing: number;
}

export function cloneV3Pool(p: V3Pool): V3Pool {
  const c = new V3Pool({ fee: p.fee, tickSpacing: p.tickSpacing, sqrtPriceX96: p.sqrtPriceX96, feeProtocol: p.feeProtocol });
  c.tick = p.tick;
  c.liquidity = p.liquidity;
  c.feeGrowthGlobal0X128 = p.feeGrowthGlobal0X128;
  c.feeGrowthGlobal1X128 = p.feeGrowthGlobal1X128;
  c.protocolFees0 = p.protocolFees0;
  c.protocolFees1 = p.protocolFees1;
  c.balance0 = p.balance0;
  c.balance1 = p.balance1;
  c.balancesKnown = p.balancesKnown;
  for (const t of p.tickList.ticks()) {
    c.ticks.set(t, { ...p.ticks.get(t)! });
    c.tickList.flip(t);
  }
  for (const [k, v] of p.positions) c.positions.set(k, { ...v });
  return c;
}

export class ChainV3Pool {
  readonly kind = 'v3' as const;
  readonly account: string;
  /** Fee in bps, rounded (for display and gas-vs-profit heuristics; swaps use `config.fee`). */
  readonly feeBps: bigint;

  constructor(
    readonly id: string,
    readonly token0: string,
    readonly token1: string,
    private readonly bank: ChainBank,
    readonly config: ChainV3Config,
  ) {
    this.account = `amm:${id}`;
    this.feeBps = BigInt(Math.round(config.fee / 100));
  }

  private get key(): string {
    return `amm:${this.id}:v3`;
  }

  /** Initializes at `sqrtPriceX96` and mints the positions; the LP's tokens come from outside (between blocks). */
  init(tsUs: number, sqrtPriceX96: bigint, positions: readonly V3PositionSpec[], lp = `lp:${this.id}`): void {
    const p = new V3Pool({ fee: this.config.fee, tickSpacing: this.config.tickSpacing, sqrtPriceX96 });
    for (const s of positions) p.mint(lp, s.tickLower, s.tickUpper, s.liquidity);
    if (p.balance0 > 0n) this.bank.fund(tsUs, this.account, this.token0, p.balance0);
    if (p.balance1 > 0n) this.bank.fund(tsUs, this.account, this.token1, p.balance1);
    this.bank.state.set(this.key, p);
  }

  /** The current pool (read-only: never mutate it, it is the journaled state). */
  pool(): V3Pool {
    const p = this.bank.state.get<V3Pool>(this.key);
    if (p === undefined) throw new ModelError(`pool ${this.id} has no liquidity yet`, { field: 'pool', hint: 'call init first' });
    return p;
  }

  /**
   * Virtual reserves of the active liquidity, L/√P and L·√P: their ratio is the pool's marginal
   * price, which is all the price-conversion users of reserves() need.
   */
  reserves(): [bigint, bigint] {
    const p = this.pool();
    const l = p.liquidity > 0n ? p.liquidity : 10n ** 18n;
    return [(l * Q96) / p.sqrtPriceX96, (l * p.sqrtPriceX96) / Q96];
  }

  tokenIn(zeroForOne: boolean): string {
    return zeroForOne ? this.token0 : this.token1;
  }

  tokenOut(zeroForOne: boolean): string {
    return zeroForOne ? this.token1 : this.token0;
  }

  /** Output of an exact-input swap on the current state; 0 when the pool cannot absorb the input. */
  quoteExactIn(amountIn: bigint, zeroForOne: boolean): bigint {
    return exactInV3(this.pool(), amountIn, zeroForOne)?.out ?? 0n;
  }

  /**
   * SwapRouter.exactInputSingle without a price limit. Reverts 'Too little received' below
   * amountOutMin; an input the pool cannot fully absorb reverts too (a router paying for a partial
   * fill is not modelled).
   */
  swapExactIn(txHash: string, trader: string, amountIn: bigint, zeroForOne: boolean, amountOutMin: bigint): SwapOutcome {
    if (amountIn <= 0n) return { ok: false, reason: 'AS' };
    const next = cloneV3Pool(this.pool());
    let r;
    try {
      r = next.swap({ zeroForOne, amountSpecified: amountIn });
    } catch (e) {
      if (e instanceof ModelError) return { ok: false, reason: e.message };
      throw e;
    }
    const used = zeroForOne ? r.amount0 : r.amount1;
    if (used !== amountIn) return { ok: false, reason: 'INSUFFICIENT_LIQUIDITY' };
    const amountOut = -(zeroForOne ? r.amount1 : r.amount0);
    if (amountOut < amountOutMin) return { ok: false, reason: 'Too little received' };
    if (this.bank.balance(trader, this.tokenIn(zeroForOne)) < amountIn) return { ok: false, reason: 'STF' };
    this.bank.move(txHash, trader, this.account, this.tokenIn(zeroForOne), amountIn);
    this.bank.move(txHash, this.account, trader, this.tokenOut(zeroForOne), amountOut);
    this.bank.state.set(this.key, next);
    return { ok: true, amountIn, amountOut };
  }
}
