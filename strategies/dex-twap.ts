import { chain, defineStrategy, z } from 'primesim';

/**
 * DEX TWAP: sells `amount` whole tokens through an AMM pool in `slices` equal swaps every
 * `intervalSeconds`, the first `startSeconds` after the run starts. Each swap's amountOutMin is
 * `slippageBps` below the pool's exact quote at submission, so a sandwich can take at most that
 * much. `route: public` goes through the mempool the adversaries watch; `private` through a relay
 * they never see (at the cost of its inclusion delay). The last slice carries the division
 * remainder, so the parent order is sold exactly.
 */
export default defineStrategy({
  name: 'dex-twap',
  description: 'Sell a token through an AMM pool in equal slices, public mempool or private relay.',
  params: z.strictObject({
    /** Pool venue id (default: the first pool the agent may trade). */
    pool: z.string().optional(),
    /** Which token to sell: token0 (e.g. WETH in WETH/USDC) or token1. */
    sell: z.enum(['token0', 'token1']).default('token0'),
    /** Whole tokens to sell in total. */
    amount: z.coerce.number().positive().default(50),
    slices: z.coerce.number().int().positive().default(10),
    intervalSeconds: z.coerce.number().positive().default(60),
    startSeconds: z.coerce.number().nonnegative().default(5),
    slippageBps: z.coerce.number().int().min(0).max(9999).default(100),
    route: z.enum(['public', 'private']).default('public'),
    tipGwei: z.coerce.number().nonnegative().default(1),
  }),
  subscribe: { book: 'none' },
  create(ctx, p) {
    const poolId = p.pool ?? ctx.poolIds[0];
    if (poolId === undefined) throw new Error('dex-twap needs an AMM pool among the agent\'s venues');
    const pool = ctx.pool(poolId);
    const zeroForOne = p.sell === 'token0';
    const decimals = zeroForOne ? pool.decimals0 : pool.decimals1;
    const total = chain.toMinor(p.amount, decimals);
    if (total < BigInt(p.slices)) throw new Error(`amount ${p.amount} is smaller than the number of slices`);
    const per = total / BigInt(p.slices);
    return {
      onStart(c) {
        for (let i = 0; i < p.slices; i++) c.timerAt(c.nowUs + Math.round((p.startSeconds + i * p.intervalSeconds) * 1e6), i);
      },
      onTimer(_c, slice) {
        const amountIn = slice === p.slices - 1 ? total - per * BigInt(p.slices - 1) : per;
        const quote = pool.quote(amountIn, zeroForOne);
        const amountOutMin = (quote * BigInt(10_000 - p.slippageBps)) / 10_000n;
        pool.swap({ amountIn, zeroForOne, amountOutMin, route: p.route, tipGwei: p.tipGwei, label: `slice ${slice}` });
      },
    };
  },
});
