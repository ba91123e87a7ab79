/**
 * Back-runner doing CEX–DEX arbitrage: after each block it compares the pool's price with a
 * replayed CEX price and, when the trade that moves the pool to the CEX price (net of the pool
 * fee) earns more than its gas, sends it privately for the next block. The size comes from the
 * closed form for a constant-product pool, x* = (√(k·γ·P) − R_in)/γ with P the CEX price of the
 * input in output units (on a v3 pool: a swap up to the fee-adjusted CEX price as its price
 * limit, arb-math-v3.ts); the trade itself runs on the integer math and re-sizes when executed.
 */
import type { Block, Bundle, ChainTx, TxOutcome } from '../../chain/types.ts';
import { getAmountOut } from '../../venues/amm/index.ts';
import { planArbitrageV3 } from './arb-math-v3.ts';
import { SWAP_GAS_LIMIT, SWAP_GAS_USED } from './chain-amm.ts';
import { checkConfig } from './sandwich.ts';
import type { AdversaryConfig, AdversaryContext, AdversaryModel, ChainPool, MevRecord } from './types.ts';

export interface CexDexParams extends AdversaryConfig {
  name: string;
  pool: string;
  /** CEX price of token0 in token1, both in minor units (e.g. USDC µ-units per wei), at a time. */
  cexPrice(tsUs: number): number;
  tipShareBps: number;
}

export interface ArbPlan {
  zeroForOne: boolean;
  amountIn: bigint;
  amountOut: bigint;
  /** Profit valued at the CEX price, in token0 minor units (may be negative). */
  profit0: bigint;
}

/** Best single swap against `price` (token1 per token0, minor units), integer-executed. */
export function planArbitrage(r0: bigint, r1: bigint, price: number, feeBps: bigint, cap0: bigint, cap1: bigint): ArbPlan | undefined {
  const g = Number(10_000n - feeBps) / 10_000;
  const f0 = Number(r0);
  const f1 = Number(r1);
  const poolPrice = f1 / f0;
  let zeroForOne: boolean;
  let xf: number;
  if (poolPrice * g > price) {
    // token0 is dear in the pool: sell token0 into it.
    zeroForOne = true;
    xf = (Math.sqrt((f0 * f1 * g) / price) - f0) / g;
  } else if (poolPrice < price * g) {
    zeroForOne = false;
    xf = (Math.sqrt(f0 * f1 * g * price) - f1) / g;
  } else {
    return undefined;
  }
  if (!(xf >= 1)) return undefined;
  let amountIn = BigInt(Math.floor(xf));
  const cap = zeroForOne ? cap0 : cap1;
  if (amountIn > cap) amountIn = cap;
  if (amountIn <= 0n) return undefined;
  const amountOut = zeroForOne ? getAmountOut(amountIn, r0, r1, feeBps) : getAmountOut(amountIn, r1, r0, feeBps);
  // Value both legs in token0 at the CEX price (float only for the conversion of one leg).
  const profit0 = zeroForOne ? BigInt(Math.floor(Number(amountOut) / price)) - amountIn : amountOut - BigInt(Math.ceil(Number(amountIn) / price));
  return { zeroForOne, amountIn, amountOut, profit0 };
}

export class CexDexArbitrageur implements AdversaryModel {
  readonly name: string;
  readonly config: AdversaryConfig;
  private readonly pending = new Map<string, { price: number; pool: ChainPool }>();
  private readonly out: MevRecord[] = [];
  private seq = 0;

  constructor(private readonly p: CexDexParams) {
    checkConfig(p);
    this.name = p.name;
    this.config = { presence: p.presence, latencyUs: p.latencyUs, capital: p.capital };
  }

  records(): readonly MevRecord[] {
    return this.out;
  }

  onMempool(_tx: ChainTx, _ctx: AdversaryContext): Bundle | undefined {
    return undefined;
  }

  onBlock(block: Block, ctx: AdversaryContext): ChainTx[] {
    this.collect(block, ctx);
    const pool = ctx.pools.get(this.p.pool);
    if (pool === undefined) return [];
    const price = this.p.cexPrice(block.tsUs);
    const plan = this.plan(pool, price, ctx);
    if (plan === undefined || plan.profit0 <= 0n) return [];
    const baseFee = ctx.chain.nextBaseFeeWei;
    const gasCost = BigInt(SWAP_GAS_USED) * baseFee;
    const profitWei = ctx.valueInNativeWei(pool.token0, plan.profit0);
    if (profitWei <= gasCost) return [];
    const tip = ((profitWei - gasCost) * BigInt(this.p.tipShareBps)) / 10_000n / BigInt(SWAP_GAS_USED);
    const hash = `${this.name}:${this.seq++}`;
    this.pending.set(hash, { price, pool });
    return [{
      hash, from: this.name, gasLimit: SWAP_GAS_LIMIT, maxFeePerGasWei: 2n * baseFee + tip, maxPriorityFeePerGasWei: tip,
      execute: (state): TxOutcome => {
        const now = this.plan(pool, price, ctx);
        if (now === undefined || now.profit0 <= 0n) return { status: 'reverted', gasUsed: 40_000, reason: 'no arbitrage left' };
        const r = pool.swapExactIn(hash, this.name, now.amountIn, now.zeroForOne, now.amountOut);
        if (!r.ok) return { status: 'reverted', gasUsed: 40_000, reason: r.reason };
        state.set(`arb:${hash}`, now);
        return { status: 'success', gasUsed: SWAP_GAS_USED };
      },
    }];
  }

  private plan(pool: ChainPool, price: number, ctx: AdversaryContext): ArbPlan | undefined {
    const cap = (asset: string) => {
      const b = ctx.bank.balance(this.name, asset);
      return b < this.config.capital ? b : this.config.capital;
    };
    if (pool.kind === 'v3') return planArbitrageV3(pool.pool(), price, cap(pool.token0), cap(pool.token1));
    const [r0, r1] = pool.reserves();
    return planArbitrage(r0, r1, price, pool.feeBps, cap(pool.token0), cap(pool.token1));
  }

  private collect(block: Block, ctx: AdversaryContext): void {
    for (const [hash, { pool }] of [...this.pending]) {
      const r = ctx.chain.receipt(hash);
      if (r === undefined) continue;
      this.pending.delete(hash);
      const plan = ctx.bank.state.get<ArbPlan>(`arb:${hash}`);
      const gross = r.status === 'success' && plan !== undefined ? plan.profit0 : 0n;
      this.out.push({
        attacker: this.name, victimTx: '', kind: 'arbitrage', block: r.blockNumber, tsUs: block.tsUs, gross, asset: pool.token0,
        gasWei: r.feeWei, profitWei: ctx.valueInNativeWei(pool.token0, gross) - r.feeWei, victimLoss: 0n,
      });
    }
  }
}
