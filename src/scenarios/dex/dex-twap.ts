/**
 * DEX TWAP scenario: the desk sells WETH for USDC through a Uniswap v2 pool (or a v3 pool with
 * seeded concentrated positions, `pool: 'v3'`) in slices, via the
 * public mempool or a private relay, on an Ethereum-like chain (12 s blocks) with sandwich
 * attackers and a CEX–DEX back-runner. It records what MEV cost each slice and how long each
 * slice took to settle (hard finality − submission).
 */
import { Chain } from '../../chain/chain.ts';
import { ETHEREUM } from '../../chain/profiles.ts';
import type { Block } from '../../chain/types.ts';
import { ConfigError } from '../../errors.ts';
import { PRIO_VENUE, Simulation } from '../../kernel/simulation.ts';
import { Ledger } from '../../ledger/ledger.ts';
import {
  ChainBank, ChainV2Pool, ChainV3Pool, CexDexArbitrageur, makeSwapTx, MevHarness, SandwichAttacker, type AdversaryModel, type ChainPool,
} from '../../mev/adversaries/index.ts';
import { writeRunFolder } from '../../results/run-writer.ts';
import { dexTwap, type DexRoute } from '../../strategy/lib/dex-twap.ts';
import { CexPricePath } from './market.ts';
import { seedV3Positions, sqrtPriceX96Of } from './v3-liquidity.ts';
import { blocksTable, mevTable, slicesTable, txsTable, arbsTable, type SliceRow } from './tables.ts';

const GWEI = 1_000_000_000n;

export interface DexTwapScenarioOptions {
  seed: number;
  runsDir: string;
  runId?: string;
  route: DexRoute;
  slices?: number;
  /** WETH sold in total. */
  totalEth?: number;
  slippageBps?: number;
  sliceIntervalUs?: number;
  /** Pool reserves at start. */
  poolEth?: number;
  poolUsdc?: number;
  ethUsd?: number;
  /** Number of competing sandwich bots (0 disables). */
  sandwichers?: number;
  sandwichPresence?: number;
  sandwichLatencyUs?: number;
  /** CEX–DEX back-runner on/off. */
  arbitrage?: boolean;
  /** CEX log-vol per 12 s block. */
  cexVolPerBlock?: number;
  /** Desk's priority fee per gas, gwei. */
  deskTipGwei?: number;
  /** AMM the desk and the adversaries trade: 'v2' (default) constant product, 'v3' concentrated liquidity. */
  pool?: 'v2' | 'v3';
  /** v3 fee tier in hundredths of a bip (500 = 0.05%, tick spacing 10; 3000 → 60; 10000 → 200). */
  v3FeePips?: number;
  /** Number of seeded v3 positions around the start price, each ≈0.5–1.5× the depth of a v2 pool with poolEth/poolUsdc. */
  v3Positions?: number;
}

const TICK_SPACING: Readonly<Record<number, number>> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

export async function runDexTwapScenario(opts: DexTwapScenarioOptions): Promise<{ dir: string; metrics: Record<string, number> }> {
  const o = {
    slices: 10, totalEth: 50, slippageBps: 100, sliceIntervalUs: 60_000_000, poolEth: 1000, poolUsdc: 2_000_000, ethUsd: 2000,
    sandwichers: 2, sandwichPresence: 1, sandwichLatencyUs: 200_000, arbitrage: true, cexVolPerBlock: 0.0015, deskTipGwei: 1,
    pool: 'v2' as 'v2' | 'v3', v3FeePips: 500, v3Positions: 8,
    ...opts,
  };
  if (!Number.isSafeInteger(o.seed)) throw new ConfigError(`seed ${o.seed} must be an integer`, { field: 'seed' });
  if (!(o.totalEth > 0) || !(o.poolEth > 0) || !(o.poolUsdc > 0)) throw new ConfigError('totalEth, poolEth and poolUsdc must be positive', { field: 'totalEth' });
  if (o.pool !== 'v2' && o.pool !== 'v3') throw new ConfigError(`pool ${String(o.pool)} must be v2 or v3`, { field: 'pool' });
  const spacing = TICK_SPACING[o.v3FeePips];
  if (o.pool === 'v3' && spacing === undefined) throw new ConfigError(`v3FeePips ${o.v3FeePips} must be one of 100, 500, 3000, 10000`, { field: 'v3FeePips' });
  const runId = o.runId ?? `dex-twap-${o.route}${o.pool === 'v3' ? '-v3' : ''}-seed${o.seed}`;
  const slot = ETHEREUM.slotUs;
  const t0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z
  const sim = new Simulation(o.seed);
  const chain = new Chain(ETHEREUM);
  const ledger = new Ledger();
  const bank = new ChainBank(ledger, chain.state);
  let pool: ChainPool;
  if (o.pool === 'v3') {
    const v3 = new ChainV3Pool('weth-usdc-v3', 'WETH', 'USDC', bank, { fee: o.v3FeePips, tickSpacing: spacing! });
    const price = (o.ethUsd * 1e6) / 1e18;
    const positions = seedV3Positions(sim.rng.split('v3-liquidity'), { price, reserve0: eth(o.poolEth), reserve1: usdc(o.poolUsdc), tickSpacing: spacing!, count: o.v3Positions });
    v3.init(t0, sqrtPriceX96Of(price), positions);
    pool = v3;
  } else {
    const v2 = new ChainV2Pool('weth-usdc', 'WETH', 'USDC', bank);
    v2.init(t0, eth(o.poolEth), usdc(o.poolUsdc));
    pool = v2;
  }
  const startUs = t0 + 5_000_000;
  const lastSliceUs = startUs + (o.slices - 1) * o.sliceIntervalUs;
  const endUs = lastSliceUs + 5 * slot;
  const nBlocks = Math.ceil((endUs - t0) / slot);
  const cex = new CexPricePath(sim.rng.split('cex'), t0, slot, nBlocks + 1, o.ethUsd, o.cexVolPerBlock);

  const adversaries: AdversaryModel[] = [];
  for (let i = 0; i < o.sandwichers; i++) {
    const name = `sandwich${i + 1}`;
    bank.fund(t0, name, 'WETH', eth(500));
    bank.fund(t0, name, 'ETH', eth(100));
    adversaries.push(new SandwichAttacker({
      name, presence: o.sandwichPresence, latencyUs: o.sandwichLatencyUs * (i + 1), capital: eth(500), tipShareBps: 8000 + 500 * i,
    }));
  }
  if (o.arbitrage) {
    bank.fund(t0, 'arb', 'WETH', eth(500));
    bank.fund(t0, 'arb', 'USDC', usdc(1_000_000));
    bank.fund(t0, 'arb', 'ETH', eth(100));
    adversaries.push(new CexDexArbitrageur({
      name: 'arb', pool: pool.id, presence: 1, latencyUs: 0, capital: 10n ** 30n, tipShareBps: 5000,
      cexPrice: (ts) => (cex.usd(ts) * 1e6) / 1e18,
    }));
  }
  const harness = new MevHarness(chain, bank, new Map([[pool.id, pool]]), adversaries, sim.rng.split('mev'));

  bank.fund(t0, 'desk', 'WETH', eth(o.totalEth));
  bank.fund(t0, 'desk', 'ETH', eth(10));
  const slices: SliceRow[] = [];
  const blocks: Block[] = [];
  const strat = dexTwap({
    totalIn: eth(o.totalEth), slices: o.slices, intervalUs: o.sliceIntervalUs, startUs, slippageBps: o.slippageBps, route: o.route, zeroForOne: true,
  });
  strat.onStart({
    get nowUs() { return sim.nowUs; },
    quote: (amountIn, zf) => pool.quoteExactIn(amountIn, zf),
    swap(req) {
      const hash = `desk:${req.slice}`;
      const tx = makeSwapTx(pool, {
        hash, from: 'desk', amountIn: req.amountIn, zeroForOne: req.zeroForOne, amountOutMin: req.amountOutMin,
        gas: { maxFeePerGasWei: 100n * GWEI, maxPriorityFeePerGasWei: BigInt(o.deskTipGwei) * GWEI },
      });
      if (req.route === 'public') harness.broadcast(tx, sim.nowUs);
      else harness.sendPrivate(tx, sim.nowUs);
      slices.push({ slice: req.slice, hash, amountIn: req.amountIn, amountOutMin: req.amountOutMin, quote: pool.quoteExactIn(req.amountIn, req.zeroForOne), submittedTsUs: sim.nowUs });
      return hash;
    },
    at(tsUs, fn) {
      sim.schedule(tsUs, PRIO_VENUE, { onEvent: () => fn() });
    },
  });
  sim.every(t0 + slot, slot, endUs, { onEvent: (ts) => { blocks.push(harness.buildBlock(ts)); } });
  sim.run(endUs);

  const records = harness.records();
  const sandwiches = records.filter((r) => r.kind === 'sandwich');
  const arbs = records.filter((r) => r.kind === 'arbitrage');
  const lossBySlice = new Map(sandwiches.map((r) => [r.victimTx, r.victimLoss]));
  let mevLossUsdc = 0n;
  let delaySum = 0;
  let delayN = 0;
  for (const s of slices) {
    s.receipt = chain.receipt(s.hash);
    s.amountOut = chain.state.get<bigint>(`out:${s.hash}`);
    s.mevLoss = lossBySlice.get(s.hash) ?? 0n;
    s.includedTsUs = s.receipt === undefined ? undefined : blocks[s.receipt.blockNumber]?.tsUs;
    s.finalTsUs = chain.finalityTsUs(s.hash);
    mevLossUsdc += s.mevLoss;
    if (s.finalTsUs !== undefined) { delaySum += s.finalTsUs - s.submittedTsUs; delayN++; }
  }
  const filled = slices.filter((s) => s.receipt?.status === 'success');
  const soldEth = filled.reduce((a, s) => a + s.amountIn, 0n);
  const gotUsdc = filled.reduce((a, s) => a + (s.amountOut ?? 0n), 0n);
  const sumWei = (xs: typeof records) => xs.reduce((a, r) => a + r.profitWei, 0n);
  const metrics: Record<string, number> = {
    slices: slices.length,
    slices_filled: filled.length,
    slices_sandwiched: sandwiches.filter((r) => r.victimTx.startsWith('desk:')).length,
    mev_loss_usdc: Number(mevLossUsdc) / 1e6,
    mev_profit_eth: Number(sumWei(sandwiches)) / 1e18,
    arb_profit_eth: Number(sumWei(arbs)) / 1e18,
    avg_price_usdc: soldEth === 0n ? 0 : Number(gotUsdc) / 1e6 / (Number(soldEth) / 1e18),
    desk_gas_eth: Number(eth(10) - ledger.balance('desk', 'ETH')) / 1e18,
    mean_settlement_delay_s: delayN === 0 ? 0 : delaySum / delayN / 1e6,
    blocks: blocks.length,
    // Conservation: assets whose ledger total is not 0, and accounts whose chain balance differs from the ledger's.
    ledger_nonzero_totals: ledger.assets().filter((a) => ledger.total(a) !== 0n).length,
    chain_ledger_mismatches: ledger.accounts().filter((acct) => !acct.startsWith('external:') && ['WETH', 'USDC'].some((a) => bank.balance(acct, a) !== ledger.balance(acct, a))).length,
  };
  if (pool.kind === 'v3') {
    const p = pool.pool();
    metrics.pool_balance_mismatch = Number(ledger.balance(pool.account, 'WETH') !== p.balance0 || ledger.balance(pool.account, 'USDC') !== p.balance1);
    metrics.pool_final_tick = p.tick;
  }
  const tables = {
    blocks: blocksTable(blocks),
    txs: txsTable(chain, blocks, harness.timing),
    mev: mevTable(sandwiches),
    arbs: arbsTable(arbs),
    slices: slicesTable(slices),
  };
  const out = await writeRunFolder({
    runsDir: o.runsDir, runId,
    strategy: { name: 'dex-twap', file: 'strategies/dex-twap.ts', params: { route: o.route, slices: o.slices, totalEth: o.totalEth, slippageBps: o.slippageBps, sliceIntervalUs: o.sliceIntervalUs } },
    dataset: { name: 'synthetic-cex-gbm', ethUsd: o.ethUsd, cexVolPerBlock: o.cexVolPerBlock },
    config: { seed: o.seed, chain: ETHEREUM.name, pool: o.pool, ...(o.pool === 'v3' ? { v3FeePips: o.v3FeePips, v3Positions: o.v3Positions } : {}), poolEth: o.poolEth, poolUsdc: o.poolUsdc, sandwichers: o.sandwichers, sandwichPresence: o.sandwichPresence, sandwichLatencyUs: o.sandwichLatencyUs, arbitrage: o.arbitrage },
    counts: { events: sim.events, blocks: blocks.length, txs: tables.txs.hash.length, mev: sandwiches.length, arbs: arbs.length },
    metrics,
    tables,
  });
  return { dir: out.dir, metrics };
}

function eth(x: number): bigint {
  return BigInt(Math.round(x * 1e6)) * 10n ** 12n;
}

function usdc(x: number): bigint {
  return BigInt(Math.round(x * 1e6));
}
