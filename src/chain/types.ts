/** Transactions, bundles, receipts and blocks of the chain model. Gas is a number, wei a bigint. */
import type { ChainState } from './state.ts';

export type TxOutcome =
  | { status: 'success'; gasUsed: number }
  | { status: 'reverted'; gasUsed: number; reason?: string };

export interface ChainTx {
  hash: string;
  from: string;
  gasLimit: number;
  maxFeePerGasWei: bigint;
  maxPriorityFeePerGasWei: bigint;
  /**
   * Applies the tx to chain state and says whether it succeeded and how much gas it burned.
   * State writes of a reverted tx are rolled back by the chain. Without it the tx succeeds and
   * uses its whole gas limit (a plain transfer with an exact limit).
   */
  execute?: (state: ChainState) => TxOutcome;
}

export interface Bundle {
  id: string;
  /** Executed in this order, contiguously, all or none. */
  txs: ChainTx[];
}

export interface Receipt {
  hash: string;
  blockNumber: number;
  /** Index of the tx in its block. */
  position: number;
  status: 'success' | 'reverted';
  gasUsed: number;
  effectiveGasPriceWei: bigint;
  /** gasUsed × effectiveGasPrice: paid by the sender whether or not the tx reverted. */
  feeWei: bigint;
  revertReason?: string;
  bundleId?: string;
}

export interface Block {
  number: number;
  tsUs: number;
  baseFeeWei: bigint;
  gasLimit: number;
  gasUsed: number;
  txs: ChainTx[];
  receipts: Receipt[];
  /** baseFee × gasUsed, destroyed. */
  burnedWei: bigint;
  /** Priority fees paid to the block producer. */
  priorityFeesWei: bigint;
  droppedBundles: Array<{ id: string; reason: string }>;
  /** Gas used by background demand (the rest of the network's txs, not modelled one by one); counted in `gasUsed`. */
  backgroundGas: number;
}

/**
 * The rest of the network's demand for block space: per block, given the block's base fee, how
 * much gas other users' txs take and the priority fee they pay. Txs tipping more are included
 * before it; txs tipping less get what room it leaves. Its gas counts towards the base-fee update,
 * so the base fee moves with load instead of decaying to its floor in a quiet simulation.
 */
export interface BackgroundDemand {
  at(blockNumber: number, tsUs: number, baseFeeWei: bigint): { gas: number; tipPerGasWei: bigint };
}

export interface SubmitOptions {
  /** Private relay: included by the builder but never shown in `mempool()`. */
  private?: boolean;
  /** When the tx reaches the builder; it is not eligible for blocks before this. */
  tsUs?: number;
}
