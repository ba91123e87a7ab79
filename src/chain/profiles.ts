/**
 * Chain profiles: slot time, gas limit, fee-market parameters and how finality is reached.
 * Every number here is a parameter so scenarios can vary it; the presets are typical mainnet
 * values, not measurements.
 */
import type { BaseFeeParams } from './eip1559.ts';

/** L1 proof-of-stake: a block is final a fixed number of slots after it (≈ 2 epochs). */
export interface L1Finality {
  kind: 'l1';
  finalitySlots: number;
}

/**
 * Rollup: soft-confirmed when its L2 block is produced; hard-final once the L1 batch holding it
 * is final. Batches are posted every `batchIntervalUs` (aligned to t = 0), land on L1 after
 * `l1InclusionDelayUs` and are final `l1FinalityUs` later.
 */
export interface L2Finality {
  kind: 'l2';
  batchIntervalUs: number;
  l1InclusionDelayUs: number;
  l1FinalityUs: number;
}

export interface ChainProfile extends BaseFeeParams {
  name: string;
  slotUs: number;
  gasLimit: number;
  initialBaseFeeWei: bigint;
  finality: L1Finality | L2Finality;
}

const ETH_SLOT_US = 12_000_000;
const SLOTS_PER_EPOCH = 32;

export const ETHEREUM: ChainProfile = {
  name: 'ethereum',
  slotUs: ETH_SLOT_US,
  gasLimit: 30_000_000,
  elasticityMultiplier: 2n,
  baseFeeMaxChangeDenominator: 8n,
  initialBaseFeeWei: 1_000_000_000n,
  finality: { kind: 'l1', finalitySlots: 2 * SLOTS_PER_EPOCH },
};

/** An Arbitrum-like rollup: 250 ms blocks, batches to Ethereum every minute. */
export const L2_ROLLUP: ChainProfile = {
  name: 'l2-rollup',
  slotUs: 250_000,
  gasLimit: 32_000_000,
  elasticityMultiplier: 2n,
  baseFeeMaxChangeDenominator: 8n,
  initialBaseFeeWei: 10_000_000n,
  finality: {
    kind: 'l2',
    batchIntervalUs: 60_000_000,
    l1InclusionDelayUs: ETH_SLOT_US,
    l1FinalityUs: 2 * SLOTS_PER_EPOCH * ETH_SLOT_US,
  },
};

export interface FinalityTimes {
  /** When the tx is soft-confirmed (its block is produced). */
  softTsUs: number;
  /** When it can no longer be reorged out. */
  hardTsUs: number;
}

export function finalityOf(profile: ChainProfile, blockTsUs: number): FinalityTimes {
  const f = profile.finality;
  if (f.kind === 'l1') return { softTsUs: blockTsUs, hardTsUs: blockTsUs + f.finalitySlots * profile.slotUs };
  const batchTsUs = Math.ceil(blockTsUs / f.batchIntervalUs) * f.batchIntervalUs;
  return { softTsUs: blockTsUs, hardTsUs: batchTsUs + f.l1InclusionDelayUs + f.l1FinalityUs };
}
