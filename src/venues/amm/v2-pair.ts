/**
 * UniswapV2Pair reserves and swap. Tokens are "sent" by passing the amounts transferred in;
 * the pair derives amountIn from balances exactly as the contract does and enforces the
 * fee-adjusted K invariant, so a swap priced with anything but getAmountOut-or-worse reverts.
 */
import { ModelError } from '../../errors.ts';
import { getAmountIn, getAmountOut } from './v2-math.ts';

const MAX_UINT112 = (1n << 112n) - 1n;

export interface V2SwapRequest {
  amount0Out: bigint;
  amount1Out: bigint;
  /** tokens transferred to the pair before calling swap (flash swaps pay in the callback; same effect) */
  amount0In: bigint;
  amount1In: bigint;
}

export class V2Pair {
  reserve0: bigint;
  reserve1: bigint;
  readonly feeBps: bigint;

  constructor(reserve0: bigint, reserve1: bigint, feeBps = 30n) {
    if (reserve0 < 0n || reserve1 < 0n || reserve0 > MAX_UINT112 || reserve1 > MAX_UINT112) {
      throw new ModelError('OVERFLOW', { field: 'reserves', hint: 'reserves must be in [0, 2^112)' });
    }
    if (feeBps < 0n || feeBps >= 10000n) throw new ModelError('feeBps out of range', { field: 'feeBps' });
    this.reserve0 = reserve0;
    this.reserve1 = reserve1;
    this.feeBps = feeBps;
  }

  /** UniswapV2Pair.swap */
  swap(req: V2SwapRequest): void {
    const { amount0Out, amount1Out, amount0In: sent0, amount1In: sent1 } = req;
    if (amount0Out < 0n || amount1Out < 0n || sent0 < 0n || sent1 < 0n) throw new ModelError('negative amount', { field: 'amount' });
    if (amount0Out === 0n && amount1Out === 0n) throw new ModelError('INSUFFICIENT_OUTPUT_AMOUNT', { field: 'amountOut' });
    if (amount0Out >= this.reserve0 || amount1Out >= this.reserve1) throw new ModelError('INSUFFICIENT_LIQUIDITY', { field: 'amountOut' });
    const balance0 = this.reserve0 + sent0 - amount0Out;
    const balance1 = this.reserve1 + sent1 - amount1Out;
    const amount0In = balance0 > this.reserve0 - amount0Out ? balance0 - (this.reserve0 - amount0Out) : 0n;
    const amount1In = balance1 > this.reserve1 - amount1Out ? balance1 - (this.reserve1 - amount1Out) : 0n;
    if (amount0In === 0n && amount1In === 0n) throw new ModelError('INSUFFICIENT_INPUT_AMOUNT', { field: 'amountIn' });
    // 30 bps: balance*1000 - amountIn*3, literally the contract; other fees scale to 10000
    const [scale, fee] = this.feeBps === 30n ? [1000n, 3n] : [10000n, this.feeBps];
    const adjusted0 = balance0 * scale - amount0In * fee;
    const adjusted1 = balance1 * scale - amount1In * fee;
    if (adjusted0 * adjusted1 < this.reserve0 * this.reserve1 * scale * scale) {
      throw new ModelError('K', { field: 'amountOut', hint: 'output too large for the input after fees' });
    }
    this.update(balance0, balance1);
  }

  /** Exact-input swap at the best price the K check allows; returns the output amount. */
  swapExactIn(amountIn: bigint, zeroForOne: boolean): bigint {
    const out = zeroForOne ? getAmountOut(amountIn, this.reserve0, this.reserve1, this.feeBps) : getAmountOut(amountIn, this.reserve1, this.reserve0, this.feeBps);
    this.swap(zeroForOne
      ? { amount0In: amountIn, amount1In: 0n, amount0Out: 0n, amount1Out: out }
      : { amount0In: 0n, amount1In: amountIn, amount0Out: out, amount1Out: 0n });
    return out;
  }

  /** Exact-output swap; returns the input amount charged. */
  swapExactOut(amountOut: bigint, zeroForOne: boolean): bigint {
    const amountIn = zeroForOne ? getAmountIn(amountOut, this.reserve0, this.reserve1, this.feeBps) : getAmountIn(amountOut, this.reserve1, this.reserve0, this.feeBps);
    this.swap(zeroForOne
      ? { amount0In: amountIn, amount1In: 0n, amount0Out: 0n, amount1Out: amountOut }
      : { amount0In: 0n, amount1In: amountIn, amount0Out: amountOut, amount1Out: 0n });
    return amountIn;
  }

  /** UniswapV2Pair.sync: force reserves to the pair's token balances (e.g. after a direct transfer or a Sync event). */
  sync(balance0: bigint, balance1: bigint): void {
    if (balance0 < 0n || balance1 < 0n) throw new ModelError('negative balance', { field: 'balance' });
    this.update(balance0, balance1);
  }

  private update(balance0: bigint, balance1: bigint): void {
    if (balance0 > MAX_UINT112 || balance1 > MAX_UINT112) throw new ModelError('OVERFLOW', { field: 'balance', hint: 'balance exceeds uint112' });
    this.reserve0 = balance0;
    this.reserve1 = balance1;
  }
}
