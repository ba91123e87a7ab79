/**
 * Lending liquidation scenario: borrowers with WETH collateral and USDC debt on an Aave v3-style
 * pool, an ETH/USD Chainlink-style feed following a falling, noisy CEX price, and liquidation
 * searchers competing in priority-gas auctions on an Ethereum-like chain (12 s blocks).
 * Records per-block health factors, every liquidation, and the winners' profits.
 */
import { Chain } from '../../chain/chain.ts';
import { OracleFeed } from '../../chain/oracle.ts';
import { ETHEREUM } from '../../chain/profiles.ts';
import type { Block } from '../../chain/types.ts';
import { ConfigError } from '../../errors.ts';
import { Simulation } from '../../kernel/simulation.ts';
import { Ledger } from '../../ledger/ledger.ts';
import { ChainBank, LiquidationPga, type LiquidationSearcher, type TxTiming } from '../../mev/adversaries/index.ts';
import { writeRunFolder } from '../../results/run-writer.ts';
import { LendingPool, OracleFeedPriceSource } from '../../venues/lending/index.ts';
import { CexPricePath } from './market.ts';
import { blocksTable, mevTable, txsTable } from './tables.ts';

export interface LiquidationScenarioOptions {
  seed: number;
  runsDir: string;
  runId?: string;
  borrowers?: number;
  searchers?: number;
  blocks?: number;
  ethUsd?: number;
  /** Total drift of the ETH price over the run (0.3 = falls 30%). */
  crash?: number;
  volPerBlock?: number;
}

const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

export async function runLendingLiquidationScenario(opts: LiquidationScenarioOptions): Promise<{ dir: string; metrics: Record<string, number> }> {
  const o = { borrowers: 20, searchers: 3, blocks: 100, ethUsd: 2000, crash: 0.3, volPerBlock: 0.003, ...opts };
  if (!Number.isSafeInteger(o.seed)) throw new ConfigError(`seed ${o.seed} must be an integer`, { field: 'seed' });
  if (!(o.crash >= 0 && o.crash < 1)) throw new ConfigError(`crash ${o.crash} must be in [0, 1)`, { field: 'crash' });
  const runId = o.runId ?? `lending-liquidations-seed${o.seed}`;
  const slot = ETHEREUM.slotUs;
  const t0 = 1_704_067_200_000_000;
  const sim = new Simulation(o.seed);
  const chain = new Chain(ETHEREUM);
  const ledger = new Ledger();
  const bank = new ChainBank(ledger, chain.state);
  const noise = new CexPricePath(sim.rng.split('cex'), t0, slot, o.blocks + 1, o.ethUsd, o.volPerBlock);
  const usd = (ts: number) => noise.usd(ts) * (1 - (o.crash * Math.min(ts - t0, o.blocks * slot)) / (o.blocks * slot));
  const ethFeed = new OracleFeed('ETH/USD', { deviationBps: 50, heartbeatUs: 3_600_000_000, latencyUs: 0 });
  const usdcFeed = new OracleFeed('USDC/USD', { deviationBps: 50, heartbeatUs: 3_600_000_000, latencyUs: 0 });
  ethFeed.observe(t0, BigInt(Math.round(usd(t0) * 1e8)));
  usdcFeed.observe(t0, 100_000_000n);
  const pool = new LendingPool({
    name: 'aave', ledger, prices: new OracleFeedPriceSource({ WETH: ethFeed, USDC: usdcFeed }),
    reserves: [
      { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000 },
      { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000 },
    ],
  });
  ledger.transfer(t0, 'external:mint', 'lp', 'USDC', 100_000_000n * E6, 'deposit');
  pool.supply(t0, 'lp', 'USDC', 100_000_000n * E6);
  const rng = sim.rng.split('borrowers');
  const users: string[] = [];
  for (let i = 0; i < o.borrowers; i++) {
    const u = `borrower${String(i).padStart(3, '0')}`;
    const coll = BigInt(rng.int(5, 50)) * E18;
    ledger.transfer(t0, 'external:mint', u, 'WETH', coll, 'deposit');
    pool.supply(t0, u, 'WETH', coll);
    // Borrow 70–99% of the LTV limit: HF at start ≈ 1.04–1.47.
    const d = pool.accountData(u, t0);
    const debtBase = (d.totalCollateralBase * d.avgLtvBps * BigInt(rng.int(700, 990))) / 10_000n / 1000n;
    pool.borrow(t0, u, 'USDC', debtBase / 100n);
    users.push(u);
  }
  const searchers: LiquidationSearcher[] = [];
  for (let i = 0; i < o.searchers; i++) {
    const name = `searcher${i + 1}`;
    searchers.push({ name, presence: 0.9, latencyUs: 50_000 * (i + 1), capital: 10_000_000n * E6, aggressionMin: 0.3, aggressionMax: 0.95 });
    ledger.transfer(t0, 'external:mint', name, 'USDC', 10_000_000n * E6, 'deposit');
    bank.fund(t0, name, 'ETH', 100n * E18);
  }
  let blockTs = t0;
  const pga = new LiquidationPga({ chain, pool, searchers, rng: sim.rng.split('pga'), nativeAsset: 'WETH', blockTsUs: () => blockTs });
  const timing = new Map<string, TxTiming>();
  const blocks: Block[] = [];
  const rows = { ts: [] as number[], account: [] as string[], hf: [] as number[], liq: [] as number[] };
  const liqCount = new Map<string, number>();
  const endUs = t0 + o.blocks * slot;
  sim.every(t0 + slot, slot, endUs, {
    onEvent: (ts) => {
      ethFeed.observe(ts - slot / 2, BigInt(Math.round(usd(ts - slot / 2) * 1e8)));
      usdcFeed.tick(ts - slot / 2);
      // Searchers scan after the oracle update, mid-slot, and bid for this block.
      for (const u of pool.borrowers()) {
        if (pool.healthFactor(u, ts - slot / 2) >= E18) continue;
        for (const b of pga.compete({ user: u, collateralAsset: 'WETH', debtAsset: 'USDC' }, ts - slot / 2, ts)) {
          timing.set(b.hash, { submittedTsUs: ts - slot / 2, route: 'public' });
        }
      }
      blockTs = ts;
      const block = chain.buildBlock(ts);
      bank.settleBlock(block);
      pga.onBlock(block);
      blocks.push(block);
      for (const r of pga.records()) if (r.block === block.number) liqCount.set(r.victimTx, (liqCount.get(r.victimTx) ?? 0) + 1);
      for (const u of users) {
        const hf = pool.healthFactor(u, ts);
        rows.ts.push(ts);
        rows.account.push(u);
        rows.hf.push(hf > 10n ** 24n ? Number.POSITIVE_INFINITY : Number(hf) / 1e18);
        rows.liq.push(liqCount.get(u) ?? 0);
      }
    },
  });
  sim.run(endUs);

  const recs = pga.records();
  const liqs = pool.liquidations;
  const deficit = pool.deficit('USDC');
  const metrics: Record<string, number> = {
    liquidations: liqs.length,
    accounts_liquidated: liqCount.size,
    searcher_profit_usd: Number(recs.reduce((a, r) => a + r.profitBase, 0n)) / 1e8,
    priority_fees_usd: Number(recs.reduce((a, r) => a + r.feeBase, 0n)) / 1e8,
    protocol_fees_weth: Number(ledger.balance(pool.treasuryAccount, 'WETH')) / 1e18,
    bad_debt_usdc: Number(deficit) / 1e6,
    reverted_bids: blocks.reduce((a, b) => a + b.receipts.filter((r) => r.status === 'reverted').length, 0),
    final_eth_usd: usd(endUs),
  };
  const tables = {
    blocks: blocksTable(blocks),
    txs: txsTable(chain, blocks, timing),
    mev: mevTable(recs),
    lending: { ts_us: Float64Array.from(rows.ts), account: rows.account, health_factor: Float64Array.from(rows.hf), liquidations: Int32Array.from(rows.liq) },
    liquidations: {
      ts_us: Float64Array.from(liqs.map((l) => l.tsUs)),
      user: liqs.map((l) => l.user),
      liquidator: liqs.map((l) => l.liquidator),
      debt_repaid: Float64Array.from(liqs.map((l) => Number(l.debtRepaid) / 1e6)),
      collateral_seized: Float64Array.from(liqs.map((l) => Number(l.collateralSeized) / 1e18)),
      protocol_fee: Float64Array.from(liqs.map((l) => Number(l.protocolFee) / 1e18)),
      close_factor_bps: Int32Array.from(liqs.map((l) => Number(l.closeFactorBps))),
      hf_before: Float64Array.from(liqs.map((l) => Number(l.healthFactorBeforeWad) / 1e18)),
      bad_debt: Float64Array.from(liqs.map((l) => Number(l.badDebt.reduce((a, b) => a + b.amount, 0n)) / 1e6)),
    },
  };
  const out = await writeRunFolder({
    runsDir: o.runsDir, runId,
    strategy: { name: 'liquidation-searchers', params: { searchers: o.searchers } },
    dataset: { name: 'synthetic-eth-crash', ethUsd: o.ethUsd, crash: o.crash, volPerBlock: o.volPerBlock },
    config: { seed: o.seed, chain: ETHEREUM.name, borrowers: o.borrowers, blocks: o.blocks },
    counts: { events: sim.events, blocks: blocks.length, liquidations: liqs.length, lending_rows: rows.ts.length },
    metrics, tables,
  });
  return { dir: out.dir, metrics };
}
