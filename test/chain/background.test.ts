import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.ts';
import { ETHEREUM } from '../../src/chain/profiles.ts';
import { eip1559 } from '../helpers/eip1559.ts';
import type { BackgroundDemand, ChainTx } from '../../src/chain/types.ts';

/**
 * Background demand (everyone else's txs) fills blocks, so the base fee follows load. Reference:
 * the EIP-1559 update transcribed from the spec (https://eips.ethereum.org/EIPS/eip-1559):
 * parent_gas_target = gas_limit // 2; if used > target: base + max(base·(used − target) // target // 8, 1);
 * if used < target: base − base·(target − used) // target // 8.
 */

const GWEI = 1_000_000_000n;
const SLOT = ETHEREUM.slotUs;
const constant = (share: number, tipGwei = 1n): BackgroundDemand => ({ at: () => ({ gas: Math.round(share * ETHEREUM.gasLimit), tipPerGasWei: tipGwei * GWEI }) });
const tx = (hash: string, tipGwei: bigint): ChainTx => ({ hash, from: hash, gasLimit: 21_000, maxFeePerGasWei: 1000n * GWEI, maxPriorityFeePerGasWei: tipGwei * GWEI });

describe('background demand for block space', () => {
  it('at the target the base fee holds; full blocks raise it by the EIP-1559 rule; empty ones lower it', () => {
    for (const share of [0.5, 1, 0, 0.8, 0.2]) {
      const c = new Chain(ETHEREUM, { background: constant(share) });
      let want = ETHEREUM.initialBaseFeeWei;
      for (let n = 0; n < 30; n++) {
        const b = c.buildBlock(n * SLOT);
        expect(b.baseFeeWei).toBe(want);
        expect(b.backgroundGas).toBe(Math.round(share * ETHEREUM.gasLimit));
        expect(b.gasUsed).toBe(b.backgroundGas);
        want = eip1559(want, BigInt(b.gasUsed), BigInt(ETHEREUM.gasLimit));
      }
      expect(c.nextBaseFeeWei).toBe(want);
    }
  });

  it('a tx tipping more than the background is included first; one tipping less waits for room', () => {
    const c = new Chain(ETHEREUM, { background: constant(1, 2n) });
    c.submit(tx('rich', 3n));
    c.submit(tx('poor', 1n));
    const b = c.buildBlock(0);
    expect(b.txs.map((t) => t.hash)).toEqual(['rich']);
    expect(b.backgroundGas).toBe(ETHEREUM.gasLimit - 21_000);
    expect(c.receipt('poor')).toBeUndefined();
    // With room left (background at the target) the low tipper gets in after it.
    const d = new Chain(ETHEREUM, { background: constant(0.5, 2n) });
    d.submit(tx('poor', 1n));
    expect(d.buildBlock(0).txs.map((t) => t.hash)).toEqual(['poor']);
  });
});
