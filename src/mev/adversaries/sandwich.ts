/**
 * Sandwich attacker: sees a victim's swap in the public mempool, sends the builder a bundle
 * [front-run, victim, back-run]. The front-run is the largest one that keeps the victim's output
 * ≥ its amountOutMin (exact binary search), so the victim's tx still succeeds and ends exactly at
 * its slippage limit. The attacker pays gas and tips the builder a share of the expected profit.
 *
 * On a v3 pool the size comes from the same bound searched over full tick-crossing swap
 * simulations (sandwich-math-v3.ts); the bundle and accounting are identical.
 *
 * The front-run recomputes its size from the reserves it actually meets when executed, so a
 * bundle placed after other txs in the block still never pushes the victim into a revert.
 */
import type { Block, Bundle, ChainTx, TxOutcome } from '../../chain/types.ts';
import { ConfigError } from '../../errors.ts';
import { isSwapTx, SWAP_GAS_LIMIT, SWAP_GAS_USED, type SwapTx } from './chain-amm.ts';
import { planSandwich, type SandwichPlan } from './sandwich-math.ts';
import { planSandwichV3 } from './sandwich-math-v3.ts';
import type { AdversaryConfig, AdversaryContext, AdversaryModel, ChainPool, MevRecord } from './types.ts';

export interface SandwichParams extends AdversaryConfig {
  name: string;
  /** Share of (expected gross − base-fee cost) bid to the builder as priority fee, bps. */
  tipShareBps: number;
}

interface Pending {
  id: string;
  victim: SwapTx;
  pool: ChainPool;
  frontHash: string;
  backHash: string;
}

interface Executed {
  frontIn: bigint;
  frontOut: bigint;
  fairVictimOut: bigint;
}

const NOOP_GAS = 30_000;

export class SandwichAttacker implements AdversaryModel {
  readonly name: string;
  readonly config: AdversaryConfig;
  private readonly tipShareBps: bigint;
  private readonly proposed = new Map<string, Pending>();
  private readonly live = new Map<string, Pending>();
  private readonly out: MevRecord[] = [];
  private seq = 0;

  constructor(p: SandwichParams) {
    checkConfig(p);
    if (!(p.tipShareBps >= 0 && p.tipShareBps <= 10_000 && Number.isInteger(p.tipShareBps))) {
      throw new ConfigError(`${p.name}: tipShareBps ${p.tipShareBps} must be an integer in [0, 10000]`, { field: 'tipShareBps' });
    }
    this.name = p.name;
    this.config = { presence: p.presence, latencyUs: p.latencyUs, capital: p.capital };
    this.tipShareBps = BigInt(p.tipShareBps);
  }

  records(): readonly MevRecord[] {
    return this.out;
  }

  onMempool(tx: ChainTx, ctx: AdversaryContext): Bundle | undefined {
    if (!isSwapTx(tx) || tx.from === this.name) return undefined;
    const pool = ctx.pools.get(tx.swap.pool);
    if (pool === undefined) return undefined;
    const zf = tx.swap.zeroForOne;
    const tokenIn = pool.tokenIn(zf);
    const plan = this.plan(pool, tx, ctx);
    if (plan === undefined || plan.grossProfit <= 0n) return undefined;
    const grossWei = ctx.valueInNativeWei(tokenIn, plan.grossProfit);
    const gasUsed = BigInt(2 * SWAP_GAS_USED);
    const baseFee = ctx.chain.nextBaseFeeWei;
    const baseCost = gasUsed * baseFee;
    if (grossWei <= baseCost) return undefined; // not worth the gas
    const tipPerGas = ((grossWei - baseCost) * this.tipShareBps) / 10_000n / gasUsed;
    const gas = { maxFeePerGasWei: 2n * baseFee + tipPerGas, maxPriorityFeePerGasWei: tipPerGas };
    const id = `${this.name}:${this.seq++}`;
    const p: Pending = { id, victim: tx, pool, frontHash: `${id}:front`, backHash: `${id}:back` };
    const front: ChainTx = {
      hash: p.frontHash, from: this.name, gasLimit: SWAP_GAS_LIMIT, ...gas,
      execute: (state): TxOutcome => {
        const now = this.plan(pool, tx, ctx);
        if (now === undefined) {
          state.set(`sw:${id}`, { frontIn: 0n, frontOut: 0n, fairVictimOut: 0n } satisfies Executed);
          return { status: 'success', gasUsed: NOOP_GAS };
        }
        const r = pool.swapExactIn(p.frontHash, this.name, now.frontIn, zf, 0n);
        if (!r.ok) return { status: 'reverted', gasUsed: NOOP_GAS, reason: r.reason };
        state.set(`sw:${id}`, { frontIn: now.frontIn, frontOut: r.amountOut, fairVictimOut: now.fairVictimOut } satisfies Executed);
        return { status: 'success', gasUsed: SWAP_GAS_USED };
      },
    };
    const back: ChainTx = {
      hash: p.backHash, from: this.name, gasLimit: SWAP_GAS_LIMIT, ...gas,
      execute: (state): TxOutcome => {
        const e = state.get<Executed>(`sw:${id}`);
        if (e === undefined || e.frontOut === 0n) return { status: 'success', gasUsed: NOOP_GAS };
        const r = pool.swapExactIn(p.backHash, this.name, e.frontOut, !zf, 0n);
        if (!r.ok) return { status: 'reverted', gasUsed: NOOP_GAS, reason: r.reason };
        state.set(`sw:${id}:back`, r.amountOut);
        return { status: 'success', gasUsed: SWAP_GAS_USED };
      },
    };
    this.proposed.set(id, p);
    return { id, txs: [front, tx, back] };
  }

  onBundleAccepted(bundle: Bundle): void {
    const p = this.proposed.get(bundle.id);
    if (p !== undefined) this.live.set(bundle.id, p);
    this.proposed.clear();
  }

  onBlock(block: Block, ctx: AdversaryContext): ChainTx[] {
    this.proposed.clear();
    for (const d of block.droppedBundles) this.live.delete(d.id);
    for (const [id, p] of [...this.live]) {
      const rf = ctx.chain.receipt(p.frontHash);
      const rb = ctx.chain.receipt(p.backHash);
      if (rf === undefined || rb === undefined || rf.blockNumber !== block.number) continue;
      this.live.delete(id);
      const state = ctx.bank.state;
      const e = state.get<Executed>(`sw:${id}`);
      const backOut = state.get<bigint>(`sw:${id}:back`) ?? 0n;
      if (e === undefined || e.frontIn === 0n) continue;
      const tokenIn = p.pool.tokenIn(p.victim.swap.zeroForOne);
      const gross = backOut - e.frontIn;
      const gasWei = rf.feeWei + rb.feeWei;
      const victimOut = state.get<bigint>(`out:${p.victim.hash}`) ?? 0n;
      this.out.push({
        attacker: this.name, victimTx: p.victim.hash, kind: 'sandwich', block: block.number, tsUs: block.tsUs,
        gross, asset: tokenIn, gasWei, profitWei: ctx.valueInNativeWei(tokenIn, gross) - gasWei, victimLoss: e.fairVictimOut - victimOut,
      });
    }
    return [];
  }

  /** Sized on the pool's own curve: v2 constant product, or the v3 tick-crossing swap loop. */
  private plan(pool: ChainPool, tx: SwapTx, ctx: AdversaryContext): SandwichPlan | undefined {
    const zf = tx.swap.zeroForOne;
    const held = ctx.bank.balance(this.name, pool.tokenIn(zf));
    const maxFrontIn = held < this.config.capital ? held : this.config.capital;
    if (pool.kind === 'v3') return planSandwichV3(pool.pool(), { victimIn: tx.swap.amountIn, victimMinOut: tx.swap.amountOutMin, zeroForOne: zf, maxFrontIn });
    const [reserveIn, reserveOut] = pool.reservesFor(zf);
    return planSandwich({ victimIn: tx.swap.amountIn, victimMinOut: tx.swap.amountOutMin, reserveIn, reserveOut, maxFrontIn, feeBps: pool.feeBps });
  }
}

export function checkConfig(p: AdversaryConfig & { name: string }): void {
  if (!(p.presence >= 0 && p.presence <= 1)) throw new ConfigError(`${p.name}: presence ${p.presence} must be in [0, 1]`, { field: 'presence' });
  if (!(Number.isSafeInteger(p.latencyUs) && p.latencyUs >= 0)) throw new ConfigError(`${p.name}: latencyUs ${p.latencyUs} must be a non-negative integer`, { field: 'latencyUs' });
  if (p.capital < 0n) throw new ConfigError(`${p.name}: capital ${p.capital} must be ≥ 0`, { field: 'capital' });
}
