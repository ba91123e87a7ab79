/**
 * A Uniswap v2 pair whose reserves live in chain state, so swaps inside txs and bundles are
 * journaled with everything else. The arithmetic is the bit-exact V2Pair of src/venues/amm.
 */
import type { ChainTx, TxOutcome } from '../../chain/types.ts';
import { ModelError } from '../../errors.ts';
import { getAmountOut, V2Pair } from '../../venues/amm/index.ts';
import type { ChainBank } from './chain-bank.ts';

export const SWAP_GAS_USED = 110_000;
export const SWAP_GAS_LIMIT = 180_000;

export type SwapOutcome = { ok: true; amountIn: bigint; amountOut: bigint } | { ok: false; reason: string };

export class ChainV2Pool {
  readonly kind = 'v2' as const;
  readonly account: string;

  constructor(
    readonly id: string,
    readonly token0: string,
    readonly token1: string,
    private readonly bank: ChainBank,
    readonly feeBps = 30n,
  ) {
    this.account = `amm:${id}`;
  }

  /** Seeds the pair with liquidity minted from outside (between blocks). */
  init(tsUs: number, reserve0: bigint, reserve1: bigint): void {
    new V2Pair(reserve0, reserve1, this.feeBps); // validates the range
    this.bank.fund(tsUs, this.account, this.token0, reserve0);
    this.bank.fund(tsUs, this.account, this.token1, reserve1);
    this.bank.state.set(`amm:${this.id}:r`, [reserve0, reserve1]);
  }

  reserves(): [bigint, bigint] {
    const r = this.bank.state.get<[bigint, bigint]>(`amm:${this.id}:r`);
    if (r === undefined) throw new ModelError(`pool ${this.id} has no liquidity yet`, { field: 'reserves', hint: 'call init first' });
    return r;
  }

  /** [reserveIn, reserveOut] for a direction. */
  reservesFor(zeroForOne: boolean): [bigint, bigint] {
    const [r0, r1] = this.reserves();
    return zeroForOne ? [r0, r1] : [r1, r0];
  }

  tokenIn(zeroForOne: boolean): string {
    return zeroForOne ? this.token0 : this.token1;
  }

  tokenOut(zeroForOne: boolean): string {
    return zeroForOne ? this.token1 : this.token0;
  }

  quoteExactIn(amountIn: bigint, zeroForOne: boolean): bigint {
    const [ri, ro] = this.reservesFor(zeroForOne);
    return getAmountOut(amountIn, ri, ro, this.feeBps);
  }

  swapExactIn(txHash: string, trader: string, amountIn: bigint, zeroForOne: boolean, amountOutMin: bigint): SwapOutcome {
    return this.swap(txHash, trader, zeroForOne, (pair) => {
      const out = pair.swapExactIn(amountIn, zeroForOne);
      return [amountIn, out];
    }, amountOutMin);
  }

  /** Exact output; asking for more than the pool holds is a recorded revert (INSUFFICIENT_LIQUIDITY). */
  swapExactOut(txHash: string, trader: string, amountOut: bigint, zeroForOne: boolean, amountInMax: bigint): SwapOutcome {
    const r = this.swap(txHash, trader, zeroForOne, (pair) => [pair.swapExactOut(amountOut, zeroForOne), amountOut], 0n);
    if (r.ok && r.amountIn > amountInMax) return { ok: false, reason: 'EXCESSIVE_INPUT_AMOUNT' };
    return r;
  }

  private swap(txHash: string, trader: string, zeroForOne: boolean, run: (p: V2Pair) => [bigint, bigint], amountOutMin: bigint): SwapOutcome {
    const [r0, r1] = this.reserves();
    const pair = new V2Pair(r0, r1, this.feeBps);
    let amountIn: bigint;
    let amountOut: bigint;
    try {
      [amountIn, amountOut] = run(pair);
    } catch (e) {
      if (e instanceof ModelError) return { ok: false, reason: e.message };
      throw e;
    }
    if (amountOut < amountOutMin) return { ok: false, reason: 'INSUFFICIENT_OUTPUT_AMOUNT' };
    // Checked before moving anything; a false move would otherwise leave half a swap journaled.
    if (this.bank.balance(trader, this.tokenIn(zeroForOne)) < amountIn) return { ok: false, reason: 'TRANSFER_FROM_FAILED' };
    this.bank.move(txHash, trader, this.account, this.tokenIn(zeroForOne), amountIn);
    this.bank.move(txHash, this.account, trader, this.tokenOut(zeroForOne), amountOut);
    this.bank.state.set(`amm:${this.id}:r`, [pair.reserve0, pair.reserve1]);
    return { ok: true, amountIn, amountOut };
  }
}

/** Router calldata as an adversary decodes it from a pending tx. */
export interface SwapIntent {
  pool: string;
  amountIn: bigint;
  zeroForOne: boolean;
  amountOutMin: bigint;
}

export interface SwapTx extends ChainTx {
  swap: SwapIntent;
}

export function isSwapTx(tx: ChainTx): tx is SwapTx {
  return (tx as Partial<SwapTx>).swap !== undefined;
}

export interface GasBid {
  maxFeePerGasWei: bigint;
  maxPriorityFeePerGasWei: bigint;
}

/** swapExactTokensForTokens through a router: reverts below amountOutMin; output kept in `out:<hash>`. */
export function makeSwapTx(pool: Pick<ChainV2Pool, 'id' | 'swapExactIn'>, p: { hash: string; from: string; amountIn: bigint; zeroForOne: boolean; amountOutMin: bigint; gas: GasBid; gasLimit?: number }): SwapTx {
  return {
    hash: p.hash, from: p.from, gasLimit: p.gasLimit ?? SWAP_GAS_LIMIT, ...p.gas,
    swap: { pool: pool.id, amountIn: p.amountIn, zeroForOne: p.zeroForOne, amountOutMin: p.amountOutMin },
    execute: (state): TxOutcome => {
      const r = pool.swapExactIn(p.hash, p.from, p.amountIn, p.zeroForOne, p.amountOutMin);
      if (!r.ok) return { status: 'reverted', gasUsed: 60_000, reason: r.reason };
      state.set(`out:${p.hash}`, r.amountOut);
      return { status: 'success', gasUsed: SWAP_GAS_USED };
    },
  };
}
