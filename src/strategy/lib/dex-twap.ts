/**
 * DEX TWAP: sells `totalIn` through an AMM pool in equal slices every `intervalUs`, each with an
 * amountOutMin of `slippageBps` below the quote at submission, through either the public
 * mempool (exposed to sandwiches) or a private relay (not). The scenario runner supplies the
 * context (pool quotes, tx submission, timers), so the same strategy runs on any chain/pool.
 */
import { ConfigError } from '../../errors.ts';

export type DexRoute = 'public' | 'private';

export interface DexTwapParams {
  totalIn: bigint;
  slices: number;
  intervalUs: number;
  startUs: number;
  slippageBps: number;
  route: DexRoute;
  /** true: sell token0 for token1. */
  zeroForOne: boolean;
}

export interface DexSwapRequest {
  slice: number;
  amountIn: bigint;
  zeroForOne: boolean;
  amountOutMin: bigint;
  route: DexRoute;
}

export interface DexContext {
  readonly nowUs: number;
  /** Output for `amountIn` on the pool's current (last sealed block) reserves. */
  quote(amountIn: bigint, zeroForOne: boolean): bigint;
  /** Signs and sends a swap; returns its tx hash. */
  swap(req: DexSwapRequest): string;
  /** Calls `fn` at `tsUs` of simulated time. */
  at(tsUs: number, fn: () => void): void;
}

export interface DexStrategy {
  readonly name: string;
  onStart(ctx: DexContext): void;
}

export function validateDexTwap(p: DexTwapParams): void {
  if (!Number.isInteger(p.slices) || p.slices < 1) throw new ConfigError(`slices ${p.slices} must be a positive integer`, { field: 'slices' });
  if (p.totalIn < BigInt(p.slices)) throw new ConfigError(`totalIn ${p.totalIn} is smaller than the number of slices`, { field: 'totalIn' });
  if (!Number.isSafeInteger(p.intervalUs) || p.intervalUs <= 0) throw new ConfigError(`intervalUs ${p.intervalUs} must be a positive integer`, { field: 'intervalUs' });
  if (!Number.isInteger(p.slippageBps) || p.slippageBps < 0 || p.slippageBps >= 10_000) throw new ConfigError(`slippageBps ${p.slippageBps} must be in [0, 10000)`, { field: 'slippageBps' });
  if (p.route !== 'public' && p.route !== 'private') throw new ConfigError(`route ${String(p.route)} must be public or private`, { field: 'route' });
}

export function dexTwap(p: DexTwapParams): DexStrategy {
  validateDexTwap(p);
  const per = p.totalIn / BigInt(p.slices);
  return {
    name: 'dex-twap',
    onStart(ctx) {
      for (let i = 0; i < p.slices; i++) {
        // The last slice carries the division remainder so the parent order is filled exactly.
        const amountIn = i === p.slices - 1 ? p.totalIn - per * BigInt(p.slices - 1) : per;
        ctx.at(p.startUs + i * p.intervalUs, () => {
          const quote = ctx.quote(amountIn, p.zeroForOne);
          const amountOutMin = (quote * BigInt(10_000 - p.slippageBps)) / 10_000n;
          ctx.swap({ slice: i, amountIn, zeroForOne: p.zeroForOne, amountOutMin, route: p.route });
        });
      }
    },
  };
}

export default dexTwap;
