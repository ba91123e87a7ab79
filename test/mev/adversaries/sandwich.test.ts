import { describe, expect, it } from 'vitest';
import { getAmountOut } from '../../../src/venues/amm/index.ts';
import { makeSwapTx, planSandwich, SandwichAttacker } from '../../../src/mev/adversaries/index.ts';
import { E18, E6, GWEI, sandwicher, world } from './helpers.ts';

const R0 = 1000n * E18;
const R1 = 2_000_000n * E6;
const V = 10n * E18;

/** Victim's output after a front-run x, written out from the constant-product formula. */
function victimAfter(x: bigint): bigint {
  const o = (x * 997n * R1) / (R0 * 1000n + x * 997n);
  return (V * 997n * (R1 - o)) / ((R0 + x) * 1000n + V * 997n);
}

describe('sandwich optimal size', () => {
  const fair = (V * 997n * R1) / (R0 * 1000n + V * 997n);
  const minOut = (fair * 99n) / 100n;

  it('leaves the victim exactly at amountOutMin with the largest admissible front-run', () => {
    expect(fair).toBe(19_743_160_687n); // 19,743.160687 USDC
    const plan = planSandwich({ victimIn: V, victimMinOut: minOut, reserveIn: R0, reserveOut: R1, maxFrontIn: 1000n * E18 })!;
    expect(plan.fairVictimOut).toBe(fair);
    expect(plan.victimOut).toBe(victimAfter(plan.frontIn));
    expect(plan.victimOut).toBeGreaterThanOrEqual(minOut);
    expect(victimAfter(plan.frontIn + 1n)).toBeLessThan(minOut); // maximal: one more wei breaks the limit
    // The USDC output moves by ~4e-15 units per wei of front-run, so the bound is hit to the unit.
    expect(plan.victimOut - minOut).toBe(0n);
    // ≈ 5.0704 WETH front-run; gross profit ≈ 0.070162 ETH
    expect(Number(plan.frontIn) / 1e18).toBeCloseTo(5.0704, 3);
    expect(Number(plan.grossProfit) / 1e18).toBeCloseTo(0.0702, 3);
    // back-run: sell what the front-run bought on the post-victim reserves
    const r0 = R0 + plan.frontIn + V;
    const r1 = R1 - plan.frontOut - plan.victimOut;
    expect(plan.backOut).toBe((plan.frontOut * 997n * r0) / (r1 * 1000n + plan.frontOut * 997n));
  });

  it('is bounded by capital and needs room under the limit', () => {
    const capped = planSandwich({ victimIn: V, victimMinOut: minOut, reserveIn: R0, reserveOut: R1, maxFrontIn: 1n * E18 })!;
    expect(capped.frontIn).toBe(1n * E18);
    expect(capped.victimOut).toBeGreaterThan(minOut);
    // minOut = fair: only dust fits under floor() rounding, and it cannot pay the pool fee twice
    const dust = planSandwich({ victimIn: V, victimMinOut: fair, reserveIn: R0, reserveOut: R1, maxFrontIn: 10n * E18 })!;
    expect(dust.victimOut).toBe(fair);
    expect(dust.frontIn).toBeLessThan(10n ** 12n);
    expect(dust.grossProfit).toBeLessThanOrEqual(0n);
    expect(planSandwich({ victimIn: V, victimMinOut: fair + 1n, reserveIn: R0, reserveOut: R1, maxFrontIn: 10n * E18 })).toBeUndefined();
  });
});

describe('sandwich through the chain', () => {
  const gas = { maxFeePerGasWei: 50n * GWEI, maxPriorityFeePerGasWei: 2n * GWEI };
  function victimTx(pool: Parameters<typeof makeSwapTx>[0]) {
    const fair = getAmountOut(V, R0, R1);
    return { fair, minOut: (fair * 99n) / 100n, tx: makeSwapTx(pool, { hash: 'victim', from: 'desk', amountIn: V, zeroForOne: true, amountOutMin: (fair * 99n) / 100n, gas }) };
  }

  it('public mempool: victim gets amountOutMin, attacker books the gross profit and pays gas', () => {
    const w = world((bank) => [sandwicher(bank)]);
    w.bank.fund(0, 'desk', 'WETH', V);
    w.bank.fund(0, 'desk', 'ETH', E18);
    const { minOut, fair, tx } = victimTx(w.pool);
    w.harness.broadcast(tx, 1_000_000);
    const block = w.harness.buildBlock(12_000_000);
    expect(block.txs.map((t) => t.hash)).toEqual(['sandwich:0:front', 'victim', 'sandwich:0:back']);
    expect(w.chain.receipt('victim')?.status).toBe('success');
    expect(w.chain.state.get('out:victim')).toBe(minOut);
    expect(w.ledger.balance('desk', 'USDC')).toBe(minOut);
    const rec = (w.advs[0] as SandwichAttacker).records();
    expect(rec).toHaveLength(1);
    const r = rec[0]!;
    expect(r.victimLoss).toBe(fair - minOut);
    expect(r.gross).toBe(planSandwich({ victimIn: V, victimMinOut: minOut, reserveIn: R0, reserveOut: R1, maxFrontIn: 500n * E18 })!.grossProfit);
    const feeF = w.chain.receipt('sandwich:0:front')!.feeWei;
    const feeB = w.chain.receipt('sandwich:0:back')!.feeWei;
    expect(r.gasWei).toBe(feeF + feeB);
    expect(r.profitWei).toBe(r.gross - feeF - feeB);
    // the attacker's WETH grew by exactly the gross profit
    expect(w.ledger.balance('sandwich', 'WETH')).toBe(500n * E18 + r.gross);
    // and the builder got 90% of (gross − base cost) as tips, up to rounding of the per-gas tip
    expect(Number(w.ledger.balance('chain:builder', 'ETH'))).toBeGreaterThan(0.85 * Number(r.gross));
  });

  it('private relay: victim gets the fair output on untouched reserves', () => {
    const w = world((bank) => [sandwicher(bank)]);
    w.bank.fund(0, 'desk', 'WETH', V);
    const { fair, tx } = victimTx(w.pool);
    w.harness.sendPrivate(tx, 1_000_000);
    w.harness.buildBlock(12_000_000);
    expect(w.chain.state.get('out:victim')).toBe(fair);
    expect((w.advs[0] as SandwichAttacker).records()).toHaveLength(0);
  });

  it('an attacker too slow to see the tx before the block does nothing', () => {
    const w = world((bank) => [sandwicher(bank)]);
    w.bank.fund(0, 'desk', 'WETH', V);
    const { fair, tx } = victimTx(w.pool);
    w.harness.broadcast(tx, 11_950_000); // 50 ms before the block, attacker latency 100 ms
    w.harness.buildBlock(12_000_000);
    expect(w.chain.state.get('out:victim')).toBe(fair);
  });

  it('a swap exceeding the pool liquidity is a recorded revert, not a wrong state', () => {
    const w = world();
    w.bank.fund(0, 'desk', 'USDC', 10n ** 15n);
    const tx = {
      hash: 'huge', from: 'desk', gasLimit: 200_000, ...gas,
      execute: () => {
        const r = w.pool.swapExactOut('huge', 'desk', 1000n * E18, false, 10n ** 15n);
        return r.ok ? { status: 'success' as const, gasUsed: 100_000 } : { status: 'reverted' as const, gasUsed: 50_000, reason: r.reason };
      },
    };
    w.harness.sendPrivate(tx, 0);
    w.harness.buildBlock(12_000_000);
    expect(w.chain.receipt('huge')?.status).toBe('reverted');
    expect(w.chain.receipt('huge')?.revertReason).toMatch(/INSUFFICIENT_LIQUIDITY/);
    expect(w.pool.reserves()).toEqual([R0, R1]);
    expect(() => w.harness.sendPrivate({ ...tx, hash: 'big', gasLimit: 30_000_001 }, 0)).toThrow(/exceeds the block gas limit/);
  });
});
