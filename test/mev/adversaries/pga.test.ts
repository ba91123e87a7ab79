import { describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.ts';
import { ETHEREUM } from '../../../src/chain/profiles.ts';
import { Rng } from '../../../src/kernel/rng.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { ChainBank, LiquidationPga, type LiquidationSearcher } from '../../../src/mev/adversaries/index.ts';
import { LendingPool, StaticPriceSource } from '../../../src/venues/lending/index.ts';

const E18 = 10n ** 18n;
const E6 = 10n ** 6n;
const USD = (x: number) => BigInt(Math.round(x * 1e8));

describe('liquidation searchers in a priority-gas auction', () => {
  it('with 3 searchers the highest priority fee wins and its profit = bonus − gas − fee', () => {
    const ledger = new Ledger();
    const chain = new Chain(ETHEREUM);
    const bank = new ChainBank(ledger, chain.state);
    const px = new StaticPriceSource({ WETH: USD(2200), USDC: USD(1) });
    const pool = new LendingPool({
      name: 'aave', ledger, prices: px,
      reserves: [
        { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000 },
        { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000 },
      ],
    });
    ledger.transfer(0, 'external:mint', 'lp', 'USDC', 1_000_000n * E6, 'deposit');
    pool.supply(0, 'lp', 'USDC', 1_000_000n * E6);
    ledger.transfer(0, 'external:mint', 'borrower', 'WETH', 100n * E18, 'deposit');
    pool.supply(0, 'borrower', 'WETH', 100n * E18);
    pool.borrow(0, 'borrower', 'USDC', 170_000n * E6);
    px.set('WETH', USD(1998.79)); // HF ≈ 0.97
    const searchers: LiquidationSearcher[] = ['s1', 's2', 's3'].map((name, i) => ({
      name, presence: 1, latencyUs: 50_000 * (i + 1), capital: 1_000_000n * E6, aggressionMin: 0.3 + 0.2 * i, aggressionMax: 0.45 + 0.2 * i,
    }));
    for (const s of searchers) {
      ledger.transfer(0, 'external:mint', s.name, 'USDC', 1_000_000n * E6, 'deposit');
      bank.fund(0, s.name, 'ETH', 10n * E18);
    }
    let blockTs = 0;
    const pga = new LiquidationPga({ chain, pool, searchers, rng: Rng.root(3).split('pga'), nativeAsset: 'WETH', blockTsUs: () => blockTs });
    const bids = pga.compete({ user: 'borrower', collateralAsset: 'WETH', debtAsset: 'USDC' }, 1_000_000, 12_000_000)!;
    expect(bids).toHaveLength(3);
    blockTs = 12_000_000;
    const block = chain.buildBlock(blockTs);
    bank.settleBlock(block);
    pga.onBlock(block);

    const receipts = bids.map((b) => chain.receipt(b.hash)!);
    const tips = receipts.map((r) => r.effectiveGasPriceWei - block.baseFeeWei);
    const maxTip = tips.reduce((a, b) => (a > b ? a : b));
    const winners = receipts.filter((r) => r.status === 'success');
    expect(winners).toHaveLength(1);
    const w = winners[0]!;
    expect(w.effectiveGasPriceWei - block.baseFeeWei).toBe(maxTip);
    expect(w.position).toBe(0);
    for (const r of receipts) if (r !== w) expect(r.revertReason).toMatch(/lost the auction/);
    // each losing bid sits below the winner's by the replacement bump or was capped
    const winnerName = bids[receipts.indexOf(w)]!.searcher;
    expect(bids.find((b) => b.searcher === winnerName)!.capWei).toBe(bids.map((b) => b.capWei).reduce((a, b) => (a > b ? a : b)));

    // profit = bonus − gas − fee, from ledger balances and the receipt
    const rec = pga.records();
    expect(rec).toHaveLength(1);
    const r = rec[0]!;
    expect(r.attacker).toBe(winnerName);
    const wethGot = ledger.balance(winnerName, 'WETH');
    const usdcPaid = 1_000_000n * E6 - ledger.balance(winnerName, 'USDC');
    expect(usdcPaid).toBe(85_000n * E6); // 50% close factor at HF 0.97
    const ethPrice = USD(1998.79);
    const bonus = (wethGot * ethPrice) / E18 - (usdcPaid * USD(1)) / E6;
    const burn = BigInt(w.gasUsed) * block.baseFeeWei;
    const fee = w.feeWei - burn;
    const gasB = (burn * ethPrice) / E18;
    const feeB = (fee * ethPrice) / E18;
    expect(r.bonusBase).toBe(bonus);
    expect(r.profitBase).toBe(bonus - gasB - feeB);
    expect(r.profitBase).toBeGreaterThan(0n);
    // gas paid by everyone is in the ledger: the losers paid for their reverted txs
    for (const b of bids) expect(ledger.balance(b.searcher, 'ETH')).toBe(10n * E18 - chain.receipt(b.hash)!.feeWei);
    for (const a of ledger.assets()) expect(ledger.total(a)).toBe(0n);
  });
});
