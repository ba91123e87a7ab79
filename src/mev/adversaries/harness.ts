/**
 * Wires adversaries to the chain. Public txs are gossiped: an adversary sees one `latencyUs`
 * after its broadcast and, if present (a draw from its own RNG stream), may wrap it in a bundle.
 * When several adversaries bid for the same victim the builder keeps the bundle paying the
 * highest tip per gas. Private-relay txs never reach the adversaries.
 *
 * Why a gossip layer instead of reading `Chain.mempool()`: `Chain.submitBundle` rejects a tx
 * whose hash was already submitted, so a bundle cannot contain a tx that already sits in the
 * chain's public pool. Holding public txs here until the block is built, then handing the chain
 * either the winning bundle or the bare tx, gives Flashbots semantics without changing src/chain.
 */
import type { Chain } from '../../chain/chain.ts';
import { effectivePriorityFee } from '../../chain/chain.ts';
import type { Block, Bundle, ChainTx } from '../../chain/types.ts';
import type { Rng } from '../../kernel/rng.ts';
import { NATIVE, type ChainBank } from './chain-bank.ts';
import type { AdversaryContext, ChainPool, AdversaryModel, MevRecord } from './types.ts';

interface Gossip {
  tx: ChainTx;
  tsUs: number;
}

export interface TxTiming {
  submittedTsUs: number;
  route: 'public' | 'private' | 'bundle';
}

export class MevHarness {
  private readonly gossip: Gossip[] = [];
  private readonly rngs: Rng[];
  readonly timing = new Map<string, TxTiming>();
  private blockTsUs = 0;

  constructor(
    readonly chain: Chain,
    readonly bank: ChainBank,
    readonly pools: ReadonlyMap<string, ChainPool>,
    readonly adversaries: readonly AdversaryModel[],
    rng: Rng,
    /** token → native wei; default: native/WETH 1:1, else via a pool pairing it with WETH. */
    private readonly valueInNative?: (asset: string, amount: bigint) => bigint,
  ) {
    this.rngs = adversaries.map((a) => rng.split(a.name));
  }

  /** Public mempool broadcast. */
  broadcast(tx: ChainTx, tsUs: number): void {
    this.timing.set(tx.hash, { submittedTsUs: tsUs, route: 'public' });
    this.gossip.push({ tx, tsUs });
  }

  /** Private relay: straight to the builder, invisible to adversaries. */
  sendPrivate(tx: ChainTx, tsUs: number): void {
    this.chain.submit(tx, { private: true, tsUs });
    this.timing.set(tx.hash, { submittedTsUs: tsUs, route: 'private' });
  }

  ctx(nowUs: number): AdversaryContext {
    return {
      chain: this.chain, bank: this.bank, pools: this.pools, nowUs, blockTsUs: this.blockTsUs,
      valueInNativeWei: (asset, amount) => this.toNative(asset, amount),
    };
  }

  get currentBlockTsUs(): number {
    return this.blockTsUs;
  }

  /** Lets adversaries act on the gossip that reached them, then seals the block. */
  buildBlock(tsUs: number): Block {
    this.blockTsUs = tsUs;
    const ctx = this.ctx(tsUs);
    const baseFee = this.chain.nextBaseFeeWei;
    const keep: Gossip[] = [];
    for (const g of this.gossip) {
      if (g.tsUs > tsUs) { keep.push(g); continue; }
      let best: { bundle: Bundle; adv: AdversaryModel; tip: bigint } | undefined;
      for (let i = 0; i < this.adversaries.length; i++) {
        const adv = this.adversaries[i]!;
        const rng = this.rngs[i]!;
        if (g.tsUs + adv.config.latencyUs > tsUs) continue; // has not seen it yet
        if (rng.next() >= adv.config.presence) continue;
        const b = adv.onMempool(g.tx, ctx);
        if (b === undefined) continue;
        const tip = bundleTip(b, baseFee);
        if (best === undefined || tip > best.tip) best = { bundle: b, adv, tip };
      }
      if (best !== undefined) {
        this.chain.submitBundle(best.bundle, { tsUs: g.tsUs });
        best.adv.onBundleAccepted?.(best.bundle);
        for (const t of best.bundle.txs) if (!this.timing.has(t.hash)) this.timing.set(t.hash, { submittedTsUs: tsUs, route: 'bundle' });
      } else {
        this.chain.submit(g.tx, { tsUs: g.tsUs });
      }
    }
    this.gossip.length = 0;
    this.gossip.push(...keep);
    const block = this.chain.buildBlock(tsUs);
    this.bank.settleBlock(block);
    for (const adv of this.adversaries) {
      for (const tx of adv.onBlock?.(block, ctx) ?? []) this.sendPrivate(tx, tsUs);
    }
    return block;
  }

  records(): MevRecord[] {
    const all: MevRecord[] = [];
    for (const a of this.adversaries) all.push(...a.records());
    return all.sort((a, b) => a.block - b.block || (a.attacker < b.attacker ? -1 : a.attacker > b.attacker ? 1 : 0));
  }

  private toNative(asset: string, amount: bigint): bigint {
    if (this.valueInNative !== undefined) return this.valueInNative(asset, amount);
    if (asset === NATIVE || asset === 'WETH') return amount;
    for (const p of [...this.pools.values()]) {
      const [r0, r1] = p.reserves();
      if (p.token0 === 'WETH' && p.token1 === asset) return (amount * r0) / r1;
      if (p.token1 === 'WETH' && p.token0 === asset) return (amount * r1) / r0;
    }
    return 0n;
  }
}

/** Gas-weighted mean tip, as the builder ranks bundles. */
export function bundleTip(b: Bundle, baseFeeWei: bigint): bigint {
  let w = 0n;
  let g = 0n;
  for (const t of b.txs) {
    const tip = effectivePriorityFee(t, baseFeeWei);
    if (tip < 0n) return -1n;
    w += tip * BigInt(t.gasLimit);
    g += BigInt(t.gasLimit);
  }
  return g === 0n ? 0n : w / g;
}
