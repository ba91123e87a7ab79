/**
 * Classifies one block's traces into swaps, sandwiches, arbitrages and liquidations with the
 * rules of flashbots/mev-inspect-py.
 */
import type { ChainBlockData } from '../data/chain/types.ts';
import { getArbitrages } from './classifier-arbitrages.ts';
import { getAaveLiquidationsForTransaction, getCompoundLiquidationsForTransaction } from './classifier-liquidations.ts';
import { getJitLiquidity, type JitLiquidity } from './classifier-jit.ts';
import { getSandwiches } from './classifier-sandwiches.ts';
import { getSwapsForTransaction } from './classifier-swaps.ts';
import { groupByTransaction } from './classifier-traces.ts';
import type { Arbitrage, Liquidation, Sandwich, Swap } from './classifier-types.ts';

export type { Arbitrage, Liquidation, Sandwich, Swap, Transfer } from './classifier-types.ts';
export type { JitLiquidity } from './classifier-jit.ts';

export interface BlockClassification {
  blockNumber: number;
  swaps: Swap[];
  sandwiches: Sandwich[];
  arbitrages: Arbitrage[];
  liquidations: Liquidation[];
  jitLiquidity: JitLiquidity[];
}

export function classifyBlock(block: ChainBlockData): BlockClassification {
  const txs = groupByTransaction(block);
  const swaps = txs.flatMap((tx) => getSwapsForTransaction(tx, block.blockNumber));
  return {
    blockNumber: block.blockNumber,
    swaps,
    sandwiches: getSandwiches(swaps),
    arbitrages: getArbitrages(swaps),
    liquidations: txs.flatMap((tx) => [...getAaveLiquidationsForTransaction(tx, block.blockNumber), ...getCompoundLiquidationsForTransaction(tx, block.blockNumber)]),
    jitLiquidity: getJitLiquidity(txs, block.blockNumber, swaps),
  };
}
