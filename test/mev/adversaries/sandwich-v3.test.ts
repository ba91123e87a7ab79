import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CexDexArbitrageur, makeSwapTx, planSandwichV3, SandwichAttacker } from '../../../src/mev/adversaries/index.ts';
import { E18, E6, GWEI, sandwicher } from './helpers.ts';
import { freshPool, swapOut, worldV3 } from './helpers-v3.ts';

const V = 10n * E18;
const CAP = 500n * E18;

/** Replays front-run, victim and back-run with plain V3Pool.swap on a fresh pool. */
function replay(frontIn: bigint, victimIn: bigint, zf: boolean) {
  const p = freshPool();
  const ticks0 = p.tick;
  const frontOut = frontIn > 0n ? swapOut(p, frontIn, zf) : 0n;
  const tickFront = p.tick;
  const victimOut = swapOut(p, victimIn, zf);
  const tickVictim = p.tick;
  const backOut = frontOut > 0n ? swapOut(p, frontOut, !zf) : 0n;
  return { frontOut, victimOut, backOut, ticks: [ticks0, tickFront, tickVictim] };
}

/** Initialized ticks strictly between two pool ticks (what a swap between them crosses). */
function initializedBetween(a: number, b: number): number {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return freshPool().tickList.ticks().filter((t) => t > lo && t <= hi).length;
}

describe('v3 sandwich optimal size (bit-exact swap loop, ticks crossed)', () => {
  const fair = replay(0n, V, true).victimOut;
  const minOut = (fair * 99n) / 100n;

  it('victim ends ≥ amountOutMin, one more wei of front-run breaks it, profit matches an independent replay', () => {
    const plan = planSandwichV3(freshPool(), { victimIn: V, victimMinOut: minOut, zeroForOne: true, maxFrontIn: CAP })!;
    expect(plan).toBeDefined();
    expect(plan.fairVictimOut).toBe(fair);
    const r = replay(plan.frontIn, V, true);
    expect(r.frontOut).toBe(plan.frontOut);
    expect(r.victimOut).toBe(plan.victimOut);
    expect(r.victimOut).toBeGreaterThanOrEqual(minOut);
    expect(replay(plan.frontIn + 1n, V, true).victimOut).toBeLessThan(minOut); // maximal to the wei
    expect(r.backOut - plan.frontIn).toBe(plan.grossProfit);
    expect(plan.grossProfit).toBeGreaterThan(0n);
    // both the front-run and the victim's swap cross initialized ticks (the ladder is 20 ticks apart)
    expect(initializedBetween(r.ticks[0]!, r.ticks[1]!)).toBeGreaterThan(0);
    expect(initializedBetween(r.ticks[1]!, r.ticks[2]!)).toBeGreaterThan(0);
    expect(plan.frontCrossings).toBe(initializedBetween(r.ticks[0]!, r.ticks[1]!));
    expect(plan.victimCrossings).toBe(initializedBetween(r.ticks[1]!, r.ticks[2]!));
    // USDC output moves by far less than a unit per wei, so the limit is met to the unit
    expect(plan.victimOut - minOut).toBeLessThanOrEqual(1n);
  });

  it('holds for random victims, both directions, with the capital bound', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 40_000 }), fc.integer({ min: 5, max: 300 }), fc.integer({ min: 1, max: 400 }), (zf, milli, slipBps, capEth) => {
        const victimIn = zf ? (BigInt(milli) * E18) / 1000n : BigInt(milli) * 2n * E6;
        const cap = zf ? BigInt(capEth) * E18 : BigInt(capEth) * 2000n * E6;
        const fairOut = replay(0n, victimIn, zf).victimOut;
        const min = (fairOut * BigInt(10_000 - slipBps)) / 10_000n;
        const plan = planSandwichV3(freshPool(), { victimIn, victimMinOut: min, zeroForOne: zf, maxFrontIn: cap });
        if (plan === undefined) return;
        expect(plan.frontIn).toBeLessThanOrEqual(cap);
        const r = replay(plan.frontIn, victimIn, zf);
        expect(r.victimOut).toBe(plan.victimOut);
        expect(r.victimOut).toBeGreaterThanOrEqual(min);
        expect(r.backOut - plan.frontIn).toBe(plan.grossProfit);
        if (plan.frontIn < cap) expect(replay(plan.frontIn + 1n, victimIn, zf).victimOut).toBeLessThan(min);
      }),
      { seed: 20240101, numRuns: 40 },
    );
  });

  it('no room under the limit: no plan', () => {
    expect(planSandwichV3(freshPool(), { victimIn: V, victimMinOut: fair + 1n, zeroForOne: true, maxFrontIn: CAP })).toBeUndefined();
  });
});

describe('v3 sandwich through the chain', () => {
  const gas = { maxFeePerGasWei: 50n * GWEI, maxPriorityFeePerGasWei: 2n * GWEI };
  const fair = replay(0n, V, true).victimOut;
  const minOut = (fair * 99n) / 100n;

  it('public mempool: [front, victim, back]; victim ≥ amountOutMin; attacker WETH grows by back − front', () => {
    const w = worldV3((bank) => [sandwicher(bank, 'sandwich', CAP)]);
    w.bank.fund(0, 'desk', 'WETH', V);
    w.bank.fund(0, 'desk', 'ETH', E18);
    const tx = makeSwapTx(w.pool, { hash: 'victim', from: 'desk', amountIn: V, zeroForOne: true, amountOutMin: minOut, gas });
    w.harness.broadcast(tx, 1_000_000);
    const block = w.harness.buildBlock(12_000_000);
    expect(block.txs.map((t) => t.hash)).toEqual(['sandwich:0:front', 'victim', 'sandwich:0:back']);
    const plan = planSandwichV3(freshPool(), { victimIn: V, victimMinOut: minOut, zeroForOne: true, maxFrontIn: CAP })!;
    const r = replay(plan.frontIn, V, true);
    expect(w.chain.state.get('out:victim')).toBe(r.victimOut);
    expect(w.ledger.balance('desk', 'USDC')).toBeGreaterThanOrEqual(minOut);
    const rec = (w.advs[0] as SandwichAttacker).records();
    expect(rec).toHaveLength(1);
    expect(rec[0]!.gross).toBe(r.backOut - plan.frontIn);
    expect(rec[0]!.victimLoss).toBe(fair - r.victimOut);
    expect(w.ledger.balance('sandwich', 'WETH')).toBe(CAP + r.backOut - plan.frontIn);
    // chain pool == independent replay, and the pool account holds what the pool says it holds
    const ref = freshPool();
    swapOut(ref, plan.frontIn, true); swapOut(ref, V, true); swapOut(ref, r.frontOut, false);
    expect(w.pool.pool().sqrtPriceX96).toBe(ref.sqrtPriceX96);
    expect(w.ledger.balance(w.pool.account, 'WETH')).toBe(w.pool.pool().balance0);
    expect(w.ledger.balance(w.pool.account, 'USDC')).toBe(w.pool.pool().balance1);
    for (const a of w.ledger.assets()) expect(w.ledger.total(a)).toBe(0n);
  });

  it('private relay: the victim gets the unattacked output', () => {
    const w = worldV3((bank) => [sandwicher(bank, 'sandwich', CAP)]);
    w.bank.fund(0, 'desk', 'WETH', V);
    w.bank.fund(0, 'desk', 'ETH', E18);
    w.harness.sendPrivate(makeSwapTx(w.pool, { hash: 'victim', from: 'desk', amountIn: V, zeroForOne: true, amountOutMin: minOut, gas }), 1_000_000);
    w.harness.buildBlock(12_000_000);
    expect(w.chain.state.get('out:victim')).toBe(fair);
    expect((w.advs[0] as SandwichAttacker).records()).toHaveLength(0);
  });

  it('a reverted v3 swap leaves the journaled pool untouched', () => {
    const w = worldV3();
    w.bank.fund(0, 'desk', 'WETH', V);
    w.bank.fund(0, 'desk', 'ETH', E18);
    const before = w.pool.pool();
    w.harness.sendPrivate(makeSwapTx(w.pool, { hash: 'greedy', from: 'desk', amountIn: V, zeroForOne: true, amountOutMin: fair + 1n, gas }), 0);
    w.harness.buildBlock(12_000_000);
    expect(w.chain.receipt('greedy')?.status).toBe('reverted');
    expect(w.pool.pool()).toBe(before);
    expect(w.ledger.balance('desk', 'WETH')).toBe(V);
  });

  it('CEX–DEX arbitrage moves the v3 price to the CEX price net of the fee', () => {
    const cex = 2100e6 / 1e18; // pool at ≈2000: buy WETH until P/γ = P_cex
    const w = worldV3((bank) => {
      bank.fund(0, 'arb', 'WETH', 500n * E18);
      bank.fund(0, 'arb', 'USDC', 2_000_000n * E6);
      bank.fund(0, 'arb', 'ETH', 10n * E18);
      return [new CexDexArbitrageur({ name: 'arb', pool: 'weth-usdc-v3', presence: 1, latencyUs: 0, capital: 10n ** 30n, tipShareBps: 5000, cexPrice: () => cex })];
    });
    w.harness.buildBlock(12_000_000); // arb sees the gap, sends privately
    w.harness.buildBlock(24_000_000);
    expect(w.chain.receipt('arb:0')?.status).toBe('success');
    const sp = Number(w.pool.pool().sqrtPriceX96) / 2 ** 96;
    expect((sp * sp) / cex).toBeCloseTo(1 - 500 / 1e6, 6);
    const rec = (w.advs[0] as CexDexArbitrageur).records();
    expect(rec).toHaveLength(1);
    expect(rec[0]!.gross).toBeGreaterThan(0n);
    for (const a of w.ledger.assets()) expect(w.ledger.total(a)).toBe(0n);
  });
});
