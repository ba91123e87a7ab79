import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.ts';
import { ETHEREUM } from '../../src/chain/profiles.ts';
import { eip1559 } from '../helpers/eip1559.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { backgroundDemand } from '../../src/world/chain-world.ts';

/**
 * The spec's background demand (chain.gas) as the world builds it, on a chain: elastic in the base
 * fee. Reference: the EIP-1559 update transcribed from the EIP (https://eips.ethereum.org/EIPS/eip-1559).
 */

const SLOT = ETHEREUM.slotUs;

describe('background demand from chain.gas', () => {
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
