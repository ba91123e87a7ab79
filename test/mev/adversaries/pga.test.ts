import fc from 'fast-check';
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

  /** One borrower near HF 1, three searchers with `usdc` each, on a fresh chain and ledger. */
  function market(usdc: bigint, quoteMemo = true) {
    const ledger = new Ledger();
    const chain = new Chain(ETHEREUM);
    const bank = new ChainBank(ledger, chain.state);
    const px = new StaticPriceSource({ WETH: USD(2200), USDC: USD(1) });
    const pool = new LendingPool({
      name: 'aave', ledger, prices: px,
      reserves: [
        { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000 },
        { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000, interest: { optimalUsageRay: 9n * 10n ** 26n, baseVariableRateRay: 0n, variableSlope1Ray: 4n * 10n ** 25n, variableSlope2Ray: 6n * 10n ** 26n, reserveFactorBps: 1000 } },
      ],
    });
    ledger.transfer(0, 'external:mint', 'lp', 'USDC', 1_000_000n * E6, 'deposit');
    pool.supply(0, 'lp', 'USDC', 1_000_000n * E6);
    ledger.transfer(0, 'external:mint', 'borrower', 'WETH', 100n * E18, 'deposit');
    pool.supply(0, 'borrower', 'WETH', 100n * E18);
    pool.borrow(0, 'borrower', 'USDC', 170_000n * E6);
    const searchers: LiquidationSearcher[] = ['s1', 's2', 's3'].map((name, i) => ({
      name, presence: 0.8, latencyUs: 50_000 * (i + 1), capital: 1_000_000n * E6, aggressionMin: 0.3 + 0.2 * i, aggressionMax: 0.45 + 0.2 * i,
    }));
    for (const s of searchers) {
      if (usdc > 0n) ledger.transfer(0, 'external:mint', s.name, 'USDC', usdc, 'deposit');
      bank.fund(0, s.name, 'ETH', 10n * E18);
    }
    let blockTs = 0;
    const pga = new LiquidationPga({ chain, pool, searchers, rng: Rng.root(3).split('pga'), nativeAsset: 'WETH', blockTsUs: () => blockTs, quoteMemo });
    const opp = { user: 'borrower', collateralAsset: 'WETH', debtAsset: 'USDC' };
    return {
      ledger, pool, px, pga, chain,
      fund: (k: number, amount: bigint, ts: number) => ledger.transfer(ts, 'external:mint', searchers[k]!.name, 'USDC', amount, 'deposit'),
      /** One slot: the searchers' scan mid-slot, then the block. */
      slot: (ts: number) => {
        const bids = pga.compete(opp, ts, ts + 6_000_000);
        blockTs = ts + 6_000_000;
        const block = chain.buildBlock(blockTs);
        bank.settleBlock(block);
        pga.onBlock(block);
        return bids?.map((b) => `${b.searcher}:${b.capWei}:${b.tipWei}:${chain.receipt(b.hash)?.status}`) ?? 'none';
      },
    };
  }

  it('a searcher bids only with the debt asset it holds: none while short of it, then as soon as one is funded', () => {
    const m = market(1_000n * E6);
    m.px.set('WETH', USD(1998.79)); // HF ≈ 0.97: 85,000 USDC to repay, each holds 1,000
    expect(m.slot(12_000_000)).toEqual([]);
    expect(m.slot(24_000_000)).toEqual([]);
    expect(m.pga.records()).toHaveLength(0);
    m.fund(1, 100_000n * E6, 30_000_000);
    const bids = m.slot(36_000_000);
    expect(bids).not.toEqual([]);
    expect(bids).not.toBe('none');
    for (const b of bids as string[]) expect(b.startsWith('s2:')).toBe(true);
    expect(m.pga.records()).toHaveLength(1);
  });

  it('while an auction\'s bids wait for a block and the position is unchanged, the searchers do not bid again', () => {
    const m = market(1_000_000n * E6);
    m.px.set('WETH', USD(1998.79));
    const opp = { user: 'borrower', collateralAsset: 'WETH', debtAsset: 'USDC' };
    const first = m.pga.compete(opp, 1_000_000, 12_000_000)!;
    expect(first.length).toBeGreaterThan(0);
    const pending = m.chain.pendingCount;
    // Two more scans before any block: no new bids, no duplicate txs in the mempool.
    expect(m.pga.compete(opp, 2_000_000, 12_000_000)).toEqual([]);
    expect(m.pga.compete(opp, 3_000_000, 12_000_000)).toEqual([]);
    expect(m.chain.pendingCount).toBe(pending);
  });

  it('skipping the quote an unfunded auction would make changes nothing: same bids, draws and balances as quoting every time', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('slot' as const), dtS: fc.integer({ min: 12, max: 7200 }) }),
      fc.record({ kind: fc.constant('fund' as const), who: fc.integer({ min: 0, max: 2 }), usdc: fc.integer({ min: 1, max: 120_000 }) }),
      fc.record({ kind: fc.constant('price' as const), usd: fc.integer({ min: 1500, max: 2300 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 90_000 }), (steps, start) => {
        const a = market(BigInt(start) * E6);
        const b = market(BigInt(start) * E6, false);
        let ts = 0;
        for (const s of steps) {
          if (s.kind === 'slot') {
            ts += s.dtS * 1_000_000;
            expect(a.slot(ts)).toEqual(b.slot(ts));
          } else if (s.kind === 'fund') {
            a.fund(s.who, BigInt(s.usdc) * E6, ts);
            b.fund(s.who, BigInt(s.usdc) * E6, ts);
          } else {
            a.px.set('WETH', USD(s.usd));
            b.px.set('WETH', USD(s.usd));
          }
        }
        for (const who of ['s1', 's2', 's3', 'borrower']) for (const asset of ['USDC', 'WETH', 'ETH']) expect(a.ledger.balance(who, asset)).toBe(b.ledger.balance(who, asset));
        expect(a.pga.records().length).toBe(b.pga.records().length);
      }),
      {
        numRuns: 200,
        // A price move that shrinks the liquidation (HF back above 0.95: the close factor halves)
        // lets a searcher too poor for the last quote bid now: the memo must not outlive prices.
        examples: [[[{ kind: 'price', usd: 1500 }, { kind: 'slot', dtS: 12 }, { kind: 'fund', who: 0, usdc: 100_000 }, { kind: 'price', usd: 1990 }, { kind: 'slot', dtS: 12 }], 0]],
      },
    );
  });
});
