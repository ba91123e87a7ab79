/**
 * Router throughput: routing decisions over three venues — a 50-level book, a Uniswap v2 pair and
 * a Uniswap v3 pool with the real 2024-01-05 USDC/WETH liquidity profile (≈ 40 initialized ticks)
 * — each decision building the three cost curves from the frozen state (the book's levels read
 * anew, the pools' segments as the world caches them per block) and splitting at equal marginal
 * cost with the gas-bearing pools tried in and out (four subsets). Order sizes cycle from 0.05 to
 * 400 ETH, so small orders leave the pools out and large ones use all three.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readV3EventsCsv } from '../src/data/readers/uniswap-v3-day.ts';
import { AmmCurve, ClobCurve } from '../src/router/cost-curve.ts';
import { splitOrder } from '../src/router/split.ts';
import { v2State, v3State } from '../src/router/venue-state.ts';
import { V3Pool, getSqrtRatioAtTick } from '../src/venues/amm/index.ts';
import { v3ProfileFromSwaps } from '../src/world/v3-profile.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

const MID = 2000;

function pool(): V3Pool {
  const file = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'chain', 'uniswap-v3', 'usdc-weth-005_20240105.events.csv');
  const sqrt = BigInt(Math.round(Math.sqrt((1 / MID) * 1e12) * 2 ** 96));
  const p = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96: sqrt });
  if (existsSync(file)) {
    const prof = v3ProfileFromSwaps(readV3EventsCsv(file), { tickSpacing: 10, extend: 0.2, tickShift: 0, liquidityScale: 1 });
    const shift = Math.round((Math.log(Number(sqrt) / 2 ** 96) * 2 / Math.log(1.0001) - prof.startTick) / 10) * 10;
    const again = v3ProfileFromSwaps(readV3EventsCsv(file), { tickSpacing: 10, extend: 0.2, tickShift: shift, liquidityScale: 1 });
    for (const x of again.positions) p.mint('lp', x.tickLower, x.tickUpper, x.liquidity);
  } else {
    const t = Math.round(Math.log(Number(sqrt) / 2 ** 96) * 2 / Math.log(1.0001) / 10) * 10;
    for (let k = 1; k <= 20; k++) p.mint('lp', t - 100 * k, t + 100 * k, 10n ** 16n);
  }
  void getSqrtRatioAtTick;
  return p;
}

function decisions(n: number): BenchResult {
  const v3 = pool();
  const levels = 50;
  const prices = new Float64Array(levels);
  const sizes = new Float64Array(levels);
  for (let j = 0; j < levels; j++) {
    prices[j] = MID - 0.01 - j * 0.25;
    sizes[j] = 2 + ((j * 7) % 11) * 3;
  }
  const v2 = v2State(1000n * 10n ** 18n, 2_000_000n * 10n ** 6n, 30, 18, 6);
  const sz = [0.05, 0.4, 2, 8, 25, 60, 150, 400];
  let used = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const st3 = v3State(v3, 6, 18); // cached per pool state (one per block in a run)
    const curves = [
      new ClobCurve({ venue: 'clob', side: 'sell', mid: MID, prices, sizes, feeRate: 0.0004 }),
      new AmmCurve({ venue: 'v2', side: 'sell', mid: MID, state: v2, baseIsToken0: true, gasCost: 6, slippage: 0.003, route: 'private', capitalRate: 1e-6 }),
      new AmmCurve({ venue: 'v3', side: 'sell', mid: MID, state: st3, baseIsToken0: false, gasCost: 9, slippage: 0.003, route: 'private', capitalRate: 1e-6 }),
    ];
    const s = splitOrder(curves, sz[i % sz.length]!);
    for (const l of s.legs) if (l.qty > 0) used++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name: 'router decisions (book + v2 + v3)', events: n, seconds, unit: 'decisions', note: `${v3.tickList.size} initialized v3 ticks, ${(used / n).toFixed(2)} venues used per decision` };
}

export async function run(): Promise<BenchResult[]> {
  decisions(5_000); // warm-up
  return [decisions(100_000)];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) {
    console.log(`${r.name}: ${r.events} ${r.unit ?? 'events'} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(1)}/s (${r.note ?? ''})`);
  }
}
