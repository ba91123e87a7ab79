import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.ts';
import { ETHEREUM } from '../../src/chain/profiles.ts';
import type { BackgroundDemand, ChainTx } from '../../src/chain/types.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { backgroundDemand } from '../../src/world/chain-world.ts';

/**
 * Background demand (everyone else's txs) fills blocks, so the base fee follows load. Reference:
 * the EIP-1559 update transcribed from the spec (https://eips.ethereum.org/EIPS/eip-1559):
 * parent_gas_target = gas_limit // 2; if used > target: base + max(base·(used − target) // target // 8, 1);
 * if used < target: base − base·(target − used) // target // 8.
 */
function eip1559(base: bigint, used: bigint, limit: bigint): bigint {
  const target = limit / 2n;
  if (used === target) return base;
  if (used > target) {
    const d = (base * (used - target)) / target / 8n;
    return base + (d > 1n ? d : 1n);
  }
  return base - (base * (target - used)) / target / 8n;
}

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

  it('elastic demand: the fee settles where the background is back at the target, ref·e^((u − ½)/κ), and returns after a spike', () => {
    const time = (_p: (string | number)[], v: number | string) => (typeof v === 'number' ? v : Date.parse(v) * 1000);
    for (const [u, k] of [[1, 0.1], [0.8, 0.1], [0.7, 0.05], [0.3, 0.1]] as const) {
      // A spike of `u` for 800 blocks, then the usual half-full background.
      const spikeEnd = 800 * SLOT;
      const g = { utilisation: 0.5, elasticity: k, noise: 0, tipGwei: 1, spikes: [{ from: '1970-01-01T00:00:00Z', to: spikeEnd, utilisation: u }] };
      const c = new Chain(ETHEREUM, { background: backgroundDemand(g as never, ETHEREUM, Rng.root(1), time) });
      let want = ETHEREUM.initialBaseFeeWei;
      for (let n = 0; n < 1600; n++) {
        const b = c.buildBlock(n * SLOT);
        // Each block: the share answers this block's fee (transcribed), and EIP-1559 the usage.
        const share = (n * SLOT < spikeEnd ? u : 0.5) - k * Math.log(Number(b.baseFeeWei) / 1e9);
        expect(b.backgroundGas).toBe(Math.round(Math.min(1, Math.max(0, share)) * ETHEREUM.gasLimit));
        expect(b.baseFeeWei).toBe(want);
        want = eip1559(want, BigInt(b.gasUsed), BigInt(ETHEREUM.gasLimit));
        // Closed form of the equilibrium (usage = target): f* = 1 gwei · e^((u − 0.5)/κ).
        if (n === 799) expect(Number(b.baseFeeWei) / 1e9 / Math.exp((u - 0.5) / k)).toBeCloseTo(1, 2);
      }
      // After the spike the fee is back at the reference (1 gwei), where the background is half full.
      expect(Number(c.nextBaseFeeWei) / 1e9).toBeCloseTo(1, 2);
    }
  });
});
