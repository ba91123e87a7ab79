/**
 * An AMM pool as a strategy sees it (`ctx.pool(id)`): exact quotes on the pool's state after
 * the last sealed block, and swaps signed by the strategy's account and sent through the public
 * mempool (where the adversaries see them) or a private relay (where they do not). What each swap
 * became — included or reverted, output, MEV loss, gas, finality — is settled into the `swaps`
 * table at the end of the run.
 */
import { ConfigError } from '../errors.ts';
import type { Simulation } from '../kernel/simulation.ts';
import { makeSwapTx, type ChainBank, type ChainPool, type MevHarness } from '../mev/adversaries/index.ts';
import type { PoolContext, SwapRequest } from './api.ts';

/** One swap a strategy sent; the outcome fields are filled when the run ends. */
export interface SwapLog {
  account: string;
  pool: string;
  label: string;
  hash: string;
  route: 'public' | 'private';
  tokenIn: string;
  tokenOut: string;
  decimalsIn: number;
  decimalsOut: number;
  amountIn: bigint;
  amountOutMin: bigint;
  quote: bigint;
  submittedTsUs: number;
  status?: string;
  amountOut?: bigint | undefined;
  gasPaidWei?: bigint | undefined;
  mevLoss?: bigint;
  includedTsUs?: number | undefined;
  finalTsUs?: number | undefined;
}

export class PoolPort implements PoolContext {
  readonly id: string;
  readonly kind: 'amm-v2' | 'amm-v3';
  readonly token0: string;
  readonly token1: string;
  readonly decimals0: number;
  readonly decimals1: number;
  private seq = 0;

  constructor(private readonly o: {
    id: string;
    kind: 'amm-v2' | 'amm-v3';
    pool: ChainPool;
    account: string;
    sim: Simulation;
    bank: ChainBank;
    harness: MevHarness;
    log: SwapLog[];
    decimals0: number;
    decimals1: number;
  }) {
    this.id = o.id;
    this.kind = o.kind;
    this.token0 = o.pool.token0;
    this.token1 = o.pool.token1;
    this.decimals0 = o.decimals0;
    this.decimals1 = o.decimals1;
  }

  quote(amountIn: bigint, zeroForOne: boolean): bigint {
    return this.o.pool.quoteExactIn(amountIn, zeroForOne);
  }

  price(): number {
    const [r0, r1] = this.o.pool.reserves();
    return (Number(r1) / Number(r0)) * 10 ** (this.decimals0 - this.decimals1);
  }

  balance(token: string): bigint {
    return this.o.bank.balance(this.o.account, token);
  }

  swap(req: SwapRequest): string {
    if (typeof req.amountIn !== 'bigint' || req.amountIn <= 0n) throw new ConfigError(`swap on ${this.id}: amountIn must be a positive bigint (minor units), got ${String(req.amountIn)}`, { field: 'amountIn' });
    if (typeof req.amountOutMin !== 'bigint' || req.amountOutMin < 0n) throw new ConfigError(`swap on ${this.id}: amountOutMin must be a bigint ≥ 0, got ${String(req.amountOutMin)}`, { field: 'amountOutMin' });
    // No compiler checks a JavaScript strategy: the string 'false' would have been a true direction.
    if (typeof req.zeroForOne !== 'boolean') throw new ConfigError(`swap on ${this.id}: zeroForOne must be true or false, got ${JSON.stringify(req.zeroForOne)}`, { field: 'zeroForOne' });
    for (const k of ['tipGwei', 'maxFeeGwei'] as const) {
      const v: unknown = req[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw new ConfigError(`swap on ${this.id}: ${k} must be a number of gwei, got ${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))}`, { field: k });
    }
    const route = req.route ?? 'public';
    if (route !== 'public' && route !== 'private') throw new ConfigError(`swap on ${this.id}: route must be public or private, got ${String(route)}`, { field: 'route' });
    const tip = BigInt(Math.round((req.tipGwei ?? 1) * 1e9));
    const maxFee = BigInt(Math.round((req.maxFeeGwei ?? 100) * 1e9));
    if (tip < 0n || maxFee < tip) throw new ConfigError(`swap on ${this.id}: need 0 ≤ tipGwei ≤ maxFeeGwei`, { field: 'tipGwei' });
    const hash = `${this.o.account}:${this.id}:${this.seq++}`;
    const now = this.o.sim.nowUs;
    const tx = makeSwapTx(this.o.pool, { hash, from: this.o.account, amountIn: req.amountIn, zeroForOne: req.zeroForOne, amountOutMin: req.amountOutMin, gas: { maxFeePerGasWei: maxFee, maxPriorityFeePerGasWei: tip } });
    if (route === 'public') this.o.harness.broadcast(tx, now);
    else this.o.harness.sendPrivate(tx, now);
    const zf = req.zeroForOne;
    this.o.log.push({
      account: this.o.account, pool: this.id, label: req.label ?? '', hash, route,
      tokenIn: zf ? this.token0 : this.token1, tokenOut: zf ? this.token1 : this.token0,
      decimalsIn: zf ? this.decimals0 : this.decimals1, decimalsOut: zf ? this.decimals1 : this.decimals0,
      amountIn: req.amountIn, amountOutMin: req.amountOutMin, quote: this.quote(req.amountIn, zf), submittedTsUs: now,
    });
    return hash;
  }

  status(hash: string): 'pending' | 'success' | 'reverted' {
    return this.o.harness.chain.receipt(hash)?.status ?? 'pending';
  }
}

