/**
 * AMM model throughput. v3: a 0.05% pool with 2,000 overlapping positions (~2,200 initialized
 * ticks) and alternating large exact-in swaps that cross many ticks each; v2: alternating
 * exact-in swaps on a Pair (getAmountOut + K check). Deterministic inputs, no RNG.
 */
import path from 'node:path';
import { V2Pair, V3Pool, getSqrtRatioAtTick } from '../src/venues/amm/index.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

function v3Pool(positions: number): V3Pool {
  const pool = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96: getSqrtRatioAtTick(0) });
  pool.mint('base', -887270, 887270, 10n ** 20n);
  for (let i = 0; i < positions; i++) {
    // deterministic spread of ranges centred within ±30,000 ticks
    const a = Math.round((((i * 0.618034) % 1) - 0.5) * 6000) * 10;
    const w = (1 + ((i * 37) % 97)) * 10;
    pool.mint(`lp${i}`, a - w, a + w, 10n ** 18n * BigInt(1 + (i % 7)));
  }
  return pool;
}

function v3Swaps(n: number): BenchResult {
  const pool = v3Pool(2000);
  const ticks = pool.tickList.size;
  let crossings = 0;
  let steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    // large enough to move the price several thousand ticks, alternating direction
    const r = pool.swap({ zeroForOne: i % 2 === 0, amountSpecified: 5n * 10n ** 20n + BigInt(i) * 10n ** 15n });
    crossings += r.crossings.length;
    steps += r.steps;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: 'amm.v3 swap with tick crossings', events: n, seconds, unit: 'swaps',
    note: `${ticks} initialized ticks, ${(crossings / n).toFixed(1)} crossings/swap, ${(steps / n).toFixed(1)} steps/swap, ${((crossings / seconds) | 0)} crossings/s`,
  };
}

function v3SmallSwaps(n: number): BenchResult {
  const pool = v3Pool(2000);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) pool.swap({ zeroForOne: i % 2 === 0, amountSpecified: 10n ** 17n + BigInt(i) });
  return { name: 'amm.v3 swap within one range', events: n, seconds: (performance.now() - t0) / 1000, unit: 'swaps', note: 'single step, no crossing' };
}

function v2Swaps(n: number): BenchResult {
  const pair = new V2Pair(10n ** 24n, 3n * 10n ** 27n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) pair.swapExactIn(10n ** 20n + BigInt(i), i % 2 === 0);
  return { name: 'amm.v2 pair swapExactIn', events: n, seconds: (performance.now() - t0) / 1000, unit: 'swaps', note: 'getAmountOut + K check' };
}

export async function run(): Promise<BenchResult[]> {
  return [v3Swaps(1_000), v3SmallSwaps(50_000), v2Swaps(500_000)];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) {
    console.log(`${r.name}: ${r.events} ${r.unit ?? 'events'} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(1)}/s (${r.note ?? ''})`);
  }
}
