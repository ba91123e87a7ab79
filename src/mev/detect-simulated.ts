/**
 * The MEV classifier on the simulator's own blocks. The simulated chain has no call traces, but
 * it has what mev-inspect reads swaps from: every committed token movement of every included
 * transaction (ChainBank logs them per tx; a reverted tx's are rolled back). A movement into a
 * pool's account followed by one out of it in the same transaction is a swap — token in, token
 * out, trader — exactly the record the classifier builds from a pool call and its transfers.
 * The classifier's sandwich and arbitrage rules then run block by block on those swaps, so
 * simulated MEV (what the adversaries recorded) and detected MEV (what an on-chain analyst
 * would see) can be set side by side.
 */
import type { Block } from '../chain/types.ts';
import type { Movement } from './adversaries/chain-bank.ts';
import { getArbitrages } from './classifier-arbitrages.ts';
import { getSandwiches } from './classifier-sandwiches.ts';
import type { Arbitrage, Sandwich, Swap } from './classifier-types.ts';

export interface SimulatedPool {
  /** The pool's account in the chain bank (amm:<id>). */
  account: string;
  kind: 'v2' | 'v3';
}

export interface DetectedMev {
  swaps: Swap[];
  sandwiches: Sandwich[];
  arbitrages: Arbitrage[];
}

/** Swaps of one sealed block, from its successful transactions' movements, in block order. */
export function simulatedSwaps(block: Block, movements: (txHash: string) => readonly Movement[], pools: readonly SimulatedPool[]): Swap[] {
  const byAccount = new Map(pools.map((p) => [p.account, p]));
  const out: Swap[] = [];
  for (const r of block.receipts) {
    if (r.status !== 'success') continue;
    const ms = movements(r.hash);
    let k = 0;
    for (let i = 0; i < ms.length; i++) {
      const into = ms[i]!;
      const pool = byAccount.get(into.to);
      if (pool === undefined) continue;
      // The pool's payment back in the same tx (the next movement out of that pool).
      let j = i + 1;
      while (j < ms.length && ms[j]!.from !== into.to) j++;
      if (j === ms.length) continue;
      const back = ms[j]!;
      out.push({
        abiName: pool.kind === 'v2' ? 'UniswapV2Pair' : 'UniswapV3Pool',
        protocol: pool.kind === 'v2' ? 'uniswap_v2' : 'uniswap_v3',
        transactionHash: r.hash,
        transactionPosition: r.position,
        blockNumber: block.number,
        traceAddress: [k++],
        contractAddress: pool.account,
        fromAddress: into.from,
        toAddress: back.to,
        tokenInAddress: into.asset,
        tokenInAmount: into.amount,
        tokenOutAddress: back.asset,
        tokenOutAmount: back.amount,
        error: null,
      });
    }
  }
  return out;
}

/** The classifier's rules on every block (one block at a time, as mev-inspect inspects blocks). */
export function detectSimulatedMev(blocks: readonly Block[], movements: (txHash: string) => readonly Movement[], pools: readonly SimulatedPool[]): DetectedMev {
  const all: DetectedMev = { swaps: [], sandwiches: [], arbitrages: [] };
  for (const b of blocks) {
    const swaps = simulatedSwaps(b, movements, pools);
    if (swaps.length === 0) continue;
    all.swaps.push(...swaps);
    all.sandwiches.push(...getSandwiches(swaps));
    all.arbitrages.push(...getArbitrages(swaps));
  }
  return all;
}
