import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/kernel/rng.ts';
import { CexDexArbitrageur, LiquidationPga, makeSwapTx } from '../../../src/mev/adversaries/index.ts';
import { LendingPool, StaticPriceSource } from '../../../src/venues/lending/index.ts';
import { E18, E6, GWEI, sandwicher, world } from './helpers.ts';

const USD = (x: number) => BigInt(Math.round(x * 1e8));

const op = fc.oneof(
  fc.record({ kind: fc.constant('swap' as const), priv: fc.boolean(), zeroForOne: fc.boolean(), milli: fc.integer({ min: 1, max: 30_000 }), slipBps: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ kind: fc.constant('block' as const) }),
  fc.record({ kind: fc.constant('price' as const), ethUsd: fc.integer({ min: 1200, max: 2600 }) }),
);

describe('ledger conservation across swaps, gas, MEV and liquidations', () => {
  it('total(asset) stays 0 for every asset and chain balances equal ledger balances', () => {
    const seen = { sandwich: 0, arbitrage: 0, liquidation: 0, reverted: 0 };
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 14 }), (ops) => {
        const w = world((bank) => {
          bank.fund(0, 'arb', 'WETH', 200n * E18);
          bank.fund(0, 'arb', 'USDC', 400_000n * E6);
          bank.fund(0, 'arb', 'ETH', 10n * E18);
          return [
            sandwicher(bank),
            new CexDexArbitrageur({ name: 'arb', pool: 'weth-usdc', presence: 1, latencyUs: 0, capital: 10n ** 30n, tipShareBps: 5000, cexPrice: () => 2000e6 / 1e18 }),
          ];
        });
        w.bank.fund(0, 'desk', 'WETH', 100n * E18);
        w.bank.fund(0, 'desk', 'USDC', 200_000n * E6);
        w.bank.fund(0, 'desk', 'ETH', 5n * E18);
        const px = new StaticPriceSource({ WETH: USD(2200), USDC: USD(1) });
        const lend = new LendingPool({
          name: 'aave', ledger: w.ledger, prices: px,
          reserves: [
            { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000 },
            { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000 },
          ],
        });
        w.ledger.transfer(0, 'external:mint', 'lp', 'USDC', 1_000_000n * E6, 'deposit');
        lend.supply(0, 'lp', 'USDC', 1_000_000n * E6);
        w.ledger.transfer(0, 'external:mint', 'borrower', 'WETH', 10n * E18, 'deposit');
        lend.supply(0, 'borrower', 'WETH', 10n * E18);
        lend.borrow(0, 'borrower', 'USDC', 17_000n * E6);
        const searchers = ['q1', 'q2', 'q3'].map((name, i) => ({ name, presence: 0.8, latencyUs: 10_000 * i, capital: 10n ** 12n, aggressionMin: 0.2, aggressionMax: 0.9 }));
        for (const s of searchers) {
          w.ledger.transfer(0, 'external:mint', s.name, 'USDC', 10n ** 12n, 'deposit');
          w.bank.fund(0, s.name, 'ETH', E18);
        }
        let t = 0;
        const pga = new LiquidationPga({ chain: w.chain, pool: lend, searchers, rng: Rng.root(1).split('pga'), nativeAsset: 'WETH', blockTsUs: () => w.harness.currentBlockTsUs });
        let n = 0;
        const block = () => {
          t += 12_000_000;
          pga.onBlock(w.harness.buildBlock(t));
        };
        for (const o of ops) {
          if (o.kind === 'block') block();
          else if (o.kind === 'price') {
            px.set('WETH', USD(o.ethUsd));
            if (lend.borrowers().includes('borrower') && lend.healthFactor('borrower', t) < E18) {
              pga.compete({ user: 'borrower', collateralAsset: 'WETH', debtAsset: 'USDC' }, t + 1, t + 12_000_000);
            }
          } else {
            const amountIn = o.zeroForOne ? (BigInt(o.milli) * E18) / 1000n : BigInt(o.milli) * 2n * E6;
            const quote = w.pool.quoteExactIn(amountIn, o.zeroForOne);
            const tx = makeSwapTx(w.pool, {
              hash: `d${n++}`, from: 'desk', amountIn, zeroForOne: o.zeroForOne, amountOutMin: (quote * BigInt(10_000 - o.slipBps)) / 10_000n,
              gas: { maxFeePerGasWei: 50n * GWEI, maxPriorityFeePerGasWei: GWEI },
            });
            if (o.priv) w.harness.sendPrivate(tx, t + 1);
            else w.harness.broadcast(tx, t + 1);
          }
        }
        block();
        for (const r of w.harness.records()) seen[r.kind as 'sandwich' | 'arbitrage']++;
        seen.liquidation += pga.records().length;
        for (const b of w.chain.blocks()) for (const r of b.receipts) if (r.status === 'reverted') seen.reverted++;
        for (const a of w.ledger.assets()) expect(w.ledger.total(a)).toBe(0n);
        for (const acct of ['desk', 'sandwich', 'arb', 'amm:weth-usdc']) {
          for (const asset of ['WETH', 'USDC']) expect(w.ledger.balance(acct, asset)).toBe(w.bank.balance(acct, asset));
        }
        const [r0, r1] = w.pool.reserves();
        expect(w.ledger.balance('amm:weth-usdc', 'WETH')).toBe(r0);
        expect(w.ledger.balance('amm:weth-usdc', 'USDC')).toBe(r1);
      }),
      { seed: 20240611, numRuns: 40 },
    );
    // the random sequences did exercise every kind of flow
    expect(seen.sandwich).toBeGreaterThan(0);
    expect(seen.arbitrage).toBeGreaterThan(0);
    expect(seen.liquidation).toBeGreaterThan(0);
    expect(seen.reverted).toBeGreaterThan(0);
  });
});
