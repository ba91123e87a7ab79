import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

  /**
   * One borrower near HF 1, three searchers with `usdc` each, on a fresh chain and ledger; the
   * scans ask compete, or (`watched`) competeWatched as a world's scan does.
   */
  function market(usdc: bigint, quoteMemo = true, watched = false, lpUsdc = 1_000_000n * E6) {
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
    ledger.transfer(0, 'external:mint', 'lp', 'USDC', lpUsdc, 'deposit');
    pool.supply(0, 'lp', 'USDC', lpUsdc);
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
    const k = pga.watch(opp);
    const scan = (ts: number) => {
      if (!watched) return pga.compete(opp, ts, ts + 6_000_000);
      pga.beginScan(ts);
      return pga.competeWatched(k, ts, ts + 6_000_000);
    };
    return {
      ledger, pool, px, pga, chain,
      /** A scan between blocks: what it answered. */
      scan: (ts: number) => scan(ts)?.map((b) => `${b.searcher}:${b.capWei}:${b.tipWei}`) ?? 'none',
      fund: (k: number, amount: bigint, ts: number) => ledger.transfer(ts, 'external:mint', searchers[k]!.name, 'USDC', amount, 'deposit'),
      /** One slot: the searchers' scan mid-slot, then the block. */
      slot: (ts: number) => {
        const bids = scan(ts);
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

  it('a scan\'s shortcut (competeWatched) answers as compete does: same bids, draws and balances, through a crash', () => {
    // Mostly slots and scans between them (where the shortcut answers), a block or up to two hours apart.
    const step = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('slot' as const), dtS: fc.oneof(fc.integer({ min: 12, max: 60 }), fc.integer({ min: 12, max: 7200 })) }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('scan' as const), dtS: fc.integer({ min: 1, max: 11 }) }), weight: 3 },
      // Funds a searcher, now and then enough for the whole liquidation (an idle auction is not any more).
      { arbitrary: fc.record({ kind: fc.constant('fund' as const), who: fc.integer({ min: 0, max: 2 }), usdc: fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.constant(200_000)) }), weight: 1 },
      // The borrower repays some debt or takes out some collateral (its nonce: what was proved of it is stale).
      { arbitrary: fc.record({ kind: fc.constant('repay' as const), usdc: fc.integer({ min: 1_000, max: 40_000 }) }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('withdraw' as const), milli: fc.integer({ min: 100, max: 8_000 }) }), weight: 1 },
      // Under water (HF < 1 below ~2,060 USD) more often than not: a crash.
      { arbitrary: fc.record({ kind: fc.constant('price' as const), usd: fc.oneof(fc.integer({ min: 1500, max: 2600 }), fc.integer({ min: 1500, max: 2000 })) }), weight: 1 },
    );
    const parked = { healthy: 0, idle: 0 };
    fc.assert(
      // Searchers often too poor for the liquidation (its auctions idle).
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.oneof(fc.integer({ min: 0, max: 90_000 }), fc.integer({ min: 0, max: 1_000 })), (steps, start) => {
        const a = market(BigInt(start) * E6, true, true);
        const b = market(BigInt(start) * E6);
        const compete = vi.spyOn(a.pga, 'compete');
        let ts = 0;
        for (const s of steps) {
          if (s.kind === 'slot' || s.kind === 'scan') {
            ts += s.dtS * 1_000_000;
            const calls = compete.mock.calls.length;
            const answer = s.kind === 'slot' ? a.slot(ts) : a.scan(ts);
            expect(answer).toEqual(s.kind === 'slot' ? b.slot(ts) : b.scan(ts));
            if (compete.mock.calls.length === calls) parked[answer === 'none' ? 'healthy' : 'idle']++;
          } else if (s.kind === 'fund') {
            a.fund(s.who, BigInt(s.usdc) * E6, ts);
            b.fund(s.who, BigInt(s.usdc) * E6, ts);
          } else if (s.kind === 'repay' || s.kind === 'withdraw') {
            // Refused (no debt left; a withdrawal below HF 1) in both markets alike.
            const out = [a, b].map((m) => {
              try {
                if (s.kind === 'repay') m.pool.repay(ts, 'borrower', 'USDC', BigInt(s.usdc) * E6);
                else m.pool.withdraw(ts, 'borrower', 'WETH', (BigInt(s.milli) * E18) / 1000n);
                return 'done';
              } catch (e) {
                return (e as Error).message;
              }
            });
            expect(out[0]).toBe(out[1]);
          } else {
            a.px.set('WETH', USD(s.usd));
            b.px.set('WETH', USD(s.usd));
          }
        }
        // The searchers' draws are where they would be: a last auction every searcher can fund.
        for (const m of [a, b]) {
          m.px.set('WETH', USD(1800));
          for (let w = 0; w < 3; w++) m.fund(w, 200_000n * E6, ts);
        }
        expect(a.slot(ts + 12_000_000)).toEqual(b.slot(ts + 12_000_000));
        for (const who of ['s1', 's2', 's3', 'borrower']) for (const asset of ['USDC', 'WETH', 'ETH']) expect(a.ledger.balance(who, asset)).toBe(b.ledger.balance(who, asset));
        expect(a.pga.records().length).toBe(b.pga.records().length);
      }),
      {
        numRuns: 500,
        seed: 5,
        // An idle auction (no searcher funded) whose account the price then lifts above water.
        examples: [[[{ kind: 'price', usd: 1800 }, { kind: 'slot', dtS: 12 }, { kind: 'slot', dtS: 12 }, { kind: 'price', usd: 2500 }, { kind: 'slot', dtS: 12 }], 0]],
      },
    );
    // The shortcut answered many of the questions (healthy and idle), not compete.
    expect(parked.healthy).toBeGreaterThan(300);
    expect(parked.idle).toBeGreaterThan(40);
  });

  it('a healthy proof allows for a day of interest: a borrower interest alone takes under water is liquidated when compete says so, not a day later', () => {
    // 97% of the USDC lent (46% a year), the health factor 1.0007 at the start: a day of interest
    // (~0.13%) takes it under 1, with no price move. Scans every 1-3 hours for three days.
    let first = -1;
    let parkedHealthy = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 3600, max: 3 * 3600 }), { minLength: 30, maxLength: 30 }), (gaps) => {
        const a = market(300_000n * E6, true, true, 175_000n * E6);
        const b = market(300_000n * E6, true, false, 175_000n * E6);
        const compete = vi.spyOn(a.pga, 'compete');
        for (const m of [a, b]) m.px.set('WETH', USD(2062));
        let ts = 0;
        let bid = -1;
        for (let i = 0; i < gaps.length; i++) {
          ts += gaps[i]! * 1_000_000;
          const calls = compete.mock.calls.length;
          const answer = a.slot(ts);
          expect(answer).toEqual(b.slot(ts));
          if (compete.mock.calls.length === calls && answer === 'none') parkedHealthy++;
          if (answer !== 'none' && bid < 0) bid = ts;
        }
        expect(bid).toBeGreaterThan(0);
        first = first < 0 ? bid : Math.min(first, bid);
      }),
      { numRuns: 40, seed: 9 },
    );
    // Under water within the first day, after hours the shortcut answered (the day's proof held).
    expect(first).toBeGreaterThan(3_600_000_000);
    expect(first).toBeLessThan(86_400_000_000);
    expect(parkedHealthy).toBeGreaterThan(40);
  });

  it('a scan with no oracle price for a pair (none yet, or a zero answer) answers as compete does instead of failing', () => {
    const a = market(0n, true, true);
    const b = market(0n);
    // Healthy first (what proves it is kept), then no valid price.
    expect(a.scan(1_000_000)).toEqual('none');
    expect(b.scan(1_000_000)).toEqual('none');
    for (const m of [a, b]) m.px.set('WETH', 0n);
    expect(a.scan(2_000_000)).toEqual(b.scan(2_000_000));
    for (const m of [a, b]) m.px.set('WETH', USD(1998.79));
    expect(a.slot(12_000_000)).toEqual(b.slot(12_000_000));
  });
});
