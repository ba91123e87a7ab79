import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Chain } from '../../src/chain/chain.ts';
import { ETHEREUM, L2_ROLLUP, type ChainProfile } from '../../src/chain/profiles.ts';
import type { ChainTx, TxOutcome } from '../../src/chain/types.ts';
import { ModelError } from '../../src/errors.ts';

const GWEI = 1_000_000_000n;
const SLOT = ETHEREUM.slotUs;

function tx(hash: string, tipGwei: bigint, opts: Partial<ChainTx> = {}): ChainTx {
  return { hash, from: `0x${hash}`, gasLimit: 21_000, maxFeePerGasWei: 100n * GWEI, maxPriorityFeePerGasWei: tipGwei * GWEI, ...opts };
}

/** A tx that adds `amount` to a counter key, optionally reverting after the write. */
function writer(hash: string, key: string, amount: bigint, revert = false, gasUsed = 50_000): ChainTx {
  return tx(hash, 2n, {
    gasLimit: 100_000,
    execute: (s): TxOutcome => {
      s.set(key, s.getBig(key) + amount);
      return revert ? { status: 'reverted', gasUsed, reason: 'slippage' } : { status: 'success', gasUsed };
    },
  });
}

describe('Chain block building', () => {
  it('orders by effective priority fee min(maxPriority, maxFee − baseFee), ties by arrival', () => {
    const c = new Chain(ETHEREUM); // base fee 1 gwei
    c.submit(tx('a', 1n));
    c.submit(tx('b', 5n));
    c.submit(tx('c', 0n, { maxFeePerGasWei: 3n * GWEI, maxPriorityFeePerGasWei: 2_500_000_000n })); // capped: 3 − 1 = 2 gwei
    c.submit(tx('d', 5n)); // same tip as b, arrived later
    const b = c.buildBlock(0);
    expect(b.txs.map((t) => t.hash)).toEqual(['b', 'd', 'c', 'a']);
    expect(b.receipts.map((r) => r.position)).toEqual([0, 1, 2, 3]);
    expect(b.receipts[2]?.effectiveGasPriceWei).toBe(3n * GWEI);
    expect(b.receipts[0]?.effectiveGasPriceWei).toBe(6n * GWEI);
    expect(b.burnedWei).toBe(4n * 21_000n * GWEI);
    expect(b.priorityFeesWei).toBe((5n + 5n + 2n + 1n) * 21_000n * GWEI);
  });

  it('txs whose maxFee is below the base fee wait in the pool', () => {
    const c = new Chain({ ...ETHEREUM, initialBaseFeeWei: 10n * GWEI });
    c.submit(tx('cheap', 1n, { maxFeePerGasWei: 9n * GWEI }));
    c.submit(tx('ok', 1n));
    const b0 = c.buildBlock(0);
    expect(b0.txs.map((t) => t.hash)).toEqual(['ok']);
    expect(c.mempool().map((t) => t.hash)).toEqual(['cheap']);
    // One 21000-gas tx in a 15M-target block: 10e9 − floor(10e9·14979000/15e6/8) = 10e9 − 1248250000.
    const b1 = c.buildBlock(SLOT);
    expect(b1.baseFeeWei).toBe(8_751_750_000n);
    expect(b1.txs.map((t) => t.hash)).toEqual(['cheap']);
  });

  it('rejects a tx whose gas limit exceeds the block gas limit, with a clear error', () => {
    const c = new Chain(ETHEREUM);
    expect(() => c.submit(tx('big', 1n, { gasLimit: 30_000_001 }))).toThrow(/gas limit 30000001 exceeds the block gas limit 30000000/);
    expect(() => c.submit(tx('big2', 1n, { gasLimit: 30_000_001 }))).toThrow(ModelError);
    c.submit(tx('dup', 1n));
    expect(() => c.submit(tx('dup', 1n))).toThrow(/already submitted/);
  });

  it('fills blocks up to the gas limit and carries the rest over', () => {
    const c = new Chain({ ...ETHEREUM, gasLimit: 100_000 });
    for (let i = 0; i < 6; i++) c.submit(tx(`t${i}`, BigInt(10 - i)));
    const b = c.buildBlock(0);
    expect(b.txs.map((t) => t.hash)).toEqual(['t0', 't1', 't2', 't3']); // 4·21000 ≤ 100000 < 5·21000
    expect(b.gasUsed).toBe(84_000);
    expect(c.buildBlock(SLOT).txs.map((t) => t.hash)).toEqual(['t4', 't5']);
  });

  it('private relay txs are invisible in mempool() but included', () => {
    const c = new Chain(ETHEREUM);
    c.submit(tx('pub', 1n));
    c.submit(tx('priv', 3n), { private: true });
    expect(c.mempool().map((t) => t.hash)).toEqual(['pub']);
    expect(c.pendingCount).toBe(2);
    expect(c.buildBlock(0).txs.map((t) => t.hash)).toEqual(['priv', 'pub']);
    expect(c.receipt('priv')?.status).toBe('success');
  });

  it('a reverted tx still pays gasUsed × effective gas price and its writes are undone', () => {
    const c = new Chain(ETHEREUM);
    c.submit(writer('ok', 'x', 5n));
    c.submit(writer('bad', 'x', 100n, true, 40_000));
    const b = c.buildBlock(0);
    const bad = c.receipt('bad');
    expect(bad?.status).toBe('reverted');
    expect(bad?.revertReason).toBe('slippage');
    expect(bad?.gasUsed).toBe(40_000);
    expect(bad?.effectiveGasPriceWei).toBe(3n * GWEI);
    expect(bad?.feeWei).toBe(40_000n * 3n * GWEI);
    expect(b.gasUsed).toBe(90_000);
    expect(c.state.getBig('x')).toBe(5n);
  });

  it('bundles are atomic, ordered and all-or-nothing', () => {
    const c = new Chain(ETHEREUM);
    c.submit(tx('victim', 2n));
    c.submitBundle({ id: 'sandwich', txs: [writer('front', 'p', 1n), tx('mid', 0n), writer('back', 'p', 10n)] });
    c.submitBundle({ id: 'failing', txs: [writer('f1', 'q', 7n), writer('f2', 'q', 1n, true)] });
    expect(c.mempool().map((t) => t.hash)).toEqual(['victim']);
    const b = c.buildBlock(0);
    // Bundle txs stay contiguous in order; the failing bundle leaves no tx and no state behind.
    const hashes = b.txs.map((t) => t.hash);
    const i = hashes.indexOf('front');
    expect(hashes.slice(i, i + 3)).toEqual(['front', 'mid', 'back']);
    expect(hashes).not.toContain('f1');
    expect(hashes).not.toContain('f2');
    expect(c.state.get('q')).toBeUndefined();
    expect(c.state.getBig('p')).toBe(11n);
    expect(b.droppedBundles).toEqual([{ id: 'failing', reason: 'tx f2 reverted: slippage' }]);
    expect(c.receipt('f1')).toBeUndefined();
    expect(c.receipt('back')?.bundleId).toBe('sandwich');
  });

  it('enforces slot time and arrival time', () => {
    const c = new Chain(ETHEREUM);
    c.submit(tx('late', 1n), { tsUs: SLOT + 1 });
    expect(c.buildBlock(0).txs).toHaveLength(0);
    expect(() => c.buildBlock(SLOT - 1)).toThrow(/before the next slot/);
    expect(c.buildBlock(SLOT).txs).toHaveLength(0);
    expect(c.buildBlock(2 * SLOT).txs.map((t) => t.hash)).toEqual(['late']);
  });
});

describe('finality', () => {
  it('Ethereum: 64 slots × 12 s after the block', () => {
    const c = new Chain(ETHEREUM);
    c.submit(tx('a', 1n));
    c.buildBlock(120_000_000);
    expect(c.finalityTsUs('a')).toBe(120_000_000 + 64 * 12_000_000);
    expect(c.finality('a')?.softTsUs).toBe(120_000_000);
    expect(c.finalityTsUs('unknown')).toBeUndefined();
  });

  it('L2: soft at the 250 ms block, hard when the L1 batch is final', () => {
    const p: ChainProfile = L2_ROLLUP;
    expect(p.slotUs).toBe(250_000);
    const c = new Chain(p);
    c.buildBlock(59_750_000);
    c.submit(tx('a', 1n));
    c.buildBlock(60_000_000); // exactly on a batch boundary
    c.submit(tx('b', 1n));
    c.buildBlock(60_250_000); // waits for the next batch at 120 s
    expect(c.finality('a')).toEqual({ softTsUs: 60_000_000, hardTsUs: 60_000_000 + 12_000_000 + 768_000_000 });
    expect(c.finality('b')).toEqual({ softTsUs: 60_250_000, hardTsUs: 120_000_000 + 12_000_000 + 768_000_000 });
  });
});

describe('Chain block building against a naive reference (fast-check)', () => {
  // Every block: of all pending txs that have arrived and whose maxFee covers the base fee, by
  // effective tip (ties by arrival), each that fits in the room left — written here from the rule,
  // over the whole pending list, so the chain's parking of priced-out txs must not change a block.
  it('includes exactly what a scan of every pending tx would, as the base fee rises and falls', () => {
    const arbTx = fc.record({
      gas: fc.constantFrom(21_000, 400_000, 2_000_000, 9_000_000),
      maxFeeGwei: fc.integer({ min: 1, max: 60 }),
      tipGwei: fc.integer({ min: 0, max: 5 }),
      delaySlots: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(arbTx, { maxLength: 12 }), { minLength: 5, maxLength: 40 }), (perBlock) => {
        const c = new Chain({ ...ETHEREUM, initialBaseFeeWei: 10n * GWEI });
        const pending: { hash: string; seq: number; t: ChainTx; arrival: number }[] = [];
        let seq = 0;
        for (let b = 0; b < perBlock.length; b++) {
          const ts = b * SLOT;
          for (const x of perBlock[b]!) {
            const maxFee = BigInt(x.maxFeeGwei) * GWEI;
            const prio = BigInt(x.tipGwei) * GWEI;
            const t = tx(`b${b}t${seq}`, 0n, { gasLimit: x.gas, maxFeePerGasWei: maxFee, maxPriorityFeePerGasWei: prio > maxFee ? maxFee : prio });
            const arrival = ts + x.delaySlots * SLOT - 1;
            c.submit(t, { tsUs: arrival });
            pending.push({ hash: t.hash, seq: seq++, t, arrival });
          }
          const base = c.nextBaseFeeWei;
          const ranked = pending
            .filter((p) => p.arrival <= ts && p.t.maxFeePerGasWei >= base)
            .map((p) => ({ p, tip: p.t.maxFeePerGasWei - base < p.t.maxPriorityFeePerGasWei ? p.t.maxFeePerGasWei - base : p.t.maxPriorityFeePerGasWei }))
            .sort((a, z) => (a.tip === z.tip ? a.p.seq - z.p.seq : a.tip > z.tip ? -1 : 1));
          let room = ETHEREUM.gasLimit;
          const want: string[] = [];
          for (const { p } of ranked) {
            if (room < 21_000) break;
            if (p.t.gasLimit > room) continue;
            want.push(p.hash);
            room -= p.t.gasLimit;
          }
          const block = c.buildBlock(ts);
          expect(block.txs.map((t) => t.hash)).toEqual(want);
          for (const h of want) pending.splice(pending.findIndex((p) => p.hash === h), 1);
        }
      }),
      { numRuns: 150, seed: 5 },
    );
  });
});
