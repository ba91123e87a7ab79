/**
 * MEV adversary throughput: exact sandwich optimal-size searches (binary search over the integer
 * v2 math, ~70 getAmountOut pairs each), the same search on a Uniswap v3 pool (each step a full
 * tick-crossing swap simulation of front-run + victim) and lending health-factor / liquidation checks (Aave v3
 * account data over 2 collaterals + 1 debt, then a liquidation preview when HF < 1). Generated
 * inputs, seed 42.
 */
import path from 'node:path';
import { Ledger } from '../src/ledger/ledger.ts';
import { planSandwich } from '../src/mev/adversaries/sandwich-math.ts';
import { planSandwichV3 } from '../src/mev/adversaries/sandwich-math-v3.ts';
import { V3Pool } from '../src/venues/amm/index.ts';
import { LendingPool, StaticPriceSource } from '../src/venues/lending/index.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

function sandwichSearch(n: number, seed: number): BenchResult {
  const rnd = lcg(seed);
  const r0 = 1000n * E18;
  const r1 = 2_000_000n * E6;
  let found = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const v = BigInt(Math.floor((0.1 + rnd() * 20) * 1e6)) * 10n ** 12n;
    const fair = (v * 997n * r1) / (r0 * 1000n + v * 997n);
    const minOut = (fair * BigInt(9900 - Math.floor(rnd() * 200))) / 10_000n;
    if (planSandwich({ victimIn: v, victimMinOut: minOut, reserveIn: r0, reserveOut: r1, maxFrontIn: 500n * E18 }) !== undefined) found++;
  }
  return { name: 'mev.sandwich optimal-size search', events: n, seconds: (performance.now() - t0) / 1000, unit: 'searches', note: `v2 1000 ETH/2M USDC, victims 0.1–20 ETH, slippage 1–3%, ${found} attackable, seed ${seed}` };
}

/** v3 0.05% WETH/USDC at ≈2000 with a ladder of nested positions (a tick boundary every 0.2%). */
function sandwichSearchV3(n: number, seed: number): BenchResult {
  const rnd = lcg(seed);
  const center = -200310;
  const pool = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96: 3543191142285914327220224n });
  for (let k = 0; k < 10; k++) pool.mint('lp', center - 20 * (k + 1), center + 20 * (k + 1), BigInt(3 + k) * 10n ** 16n);
  pool.mint('lp', -887270, 887270, 4n * 10n ** 16n);
  let found = 0;
  let crossings = 0;
  const stats = { evaluations: 0 };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const v = BigInt(Math.floor((0.1 + rnd() * 20) * 1e6)) * 10n ** 12n;
    const fair = -pool.quoteSwap({ zeroForOne: true, amountSpecified: v }).amount1;
    const minOut = (fair * BigInt(9900 - Math.floor(rnd() * 200))) / 10_000n;
    const plan = planSandwichV3(pool, { victimIn: v, victimMinOut: minOut, zeroForOne: true, maxFrontIn: 500n * E18, stats });
    if (plan !== undefined) { found++; crossings += plan.frontCrossings + plan.victimCrossings; }
  }
  return {
    name: 'mev.sandwich optimal-size search (v3)', events: n, seconds: (performance.now() - t0) / 1000, unit: 'searches',
    note: `v3 0.05% 11 positions, victims 0.1–20 ETH, slippage 1–3%, ${found} attackable, ${(stats.evaluations / n).toFixed(1)} swap pairs/search, ${(crossings / Math.max(1, found)).toFixed(1)} ticks crossed/plan, seed ${seed}`,
  };
}

function liquidationChecks(accounts: number, rounds: number, seed: number): BenchResult {
  const rnd = lcg(seed);
  const ledger = new Ledger();
  const px = new StaticPriceSource({ WETH: 2000n * 10n ** 8n, WBTC: 60_000n * 10n ** 8n, USDC: 10n ** 8n });
  const pool = new LendingPool({
    name: 'aave', ledger, prices: px,
    reserves: [
      { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000 },
      { asset: 'WBTC', decimals: 8, ltvBps: 7300, liquidationThresholdBps: 7800, liquidationBonusBps: 10650, liquidationProtocolFeeBps: 1000 },
      { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000 },
    ],
  });
  ledger.transfer(0, 'external:mint', 'lp', 'USDC', 10n ** 18n, 'deposit');
  pool.supply(0, 'lp', 'USDC', 10n ** 18n);
  for (let i = 0; i < accounts; i++) {
    const u = `u${i}`;
    const weth = BigInt(Math.floor(1 + rnd() * 50)) * E18;
    const wbtc = BigInt(Math.floor(rnd() * 2e8));
    ledger.transfer(0, 'external:mint', u, 'WETH', weth, 'deposit');
    pool.supply(0, u, 'WETH', weth);
    if (wbtc > 0n) { ledger.transfer(0, 'external:mint', u, 'WBTC', wbtc, 'deposit'); pool.supply(0, u, 'WBTC', wbtc); }
    const cap = pool.accountData(u, 0);
    const debt = ((cap.totalCollateralBase * cap.avgLtvBps) / 10_000n) * BigInt(Math.floor(500 + rnd() * 499)) / 1000n / 100n; // base 1e8 → USDC 1e6
    if (debt > 0n) pool.borrow(0, u, 'USDC', debt);
  }
  const users = pool.borrowers();
  let liquidatable = 0;
  let checks = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    px.set('WETH', BigInt(Math.floor(1500 + rnd() * 700)) * 10n ** 8n);
    for (const u of users) {
      checks++;
      if (pool.healthFactor(u, 0) < E18) {
        liquidatable++;
        pool.previewLiquidation(0, { user: u, collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: pool.debt(u, 'USDC') });
      }
    }
  }
  return { name: 'lending.health factor + liquidation check', events: checks, seconds: (performance.now() - t0) / 1000, unit: 'checks', note: `${users.length} borrowers × ${rounds} price moves, ${liquidatable} liquidatable (previewed), seed ${seed}` };
}

export async function run(): Promise<BenchResult[]> {
  return [sandwichSearch(20_000, 42), sandwichSearchV3(1_000, 42), liquidationChecks(2_000, 50, 42)];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) {
    console.log(`${r.name}: ${r.events} ${r.unit ?? 'events'} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(1)}/s (${r.note ?? ''})`);
  }
}
