/**
 * A v3 pool's liquidity profile from the real 2024-01-05 USDC/WETH 0.05% day: bucket medians
 * recomputed here from the CSV's own columns (so one-block JIT spikes do not count as depth), and
 * re-centring at another price keeping the dollar depth — checked by exact swaps on both pools.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readV3EventsCsv } from '../../src/data/readers/uniswap-v3-day.ts';
import { V3Pool, getSqrtRatioAtTick } from '../../src/venues/amm/index.ts';
import { exactInV3 } from '../../src/mev/adversaries/sandwich-math-v3.ts';
import { recentredProfile, v3ProfileFromSwaps } from '../../src/world/v3-profile.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const FILE = join(SHARED, 'chain', 'uniswap-v3', 'usdc-weth-005_20240105.events.csv');

describe('v3 liquidity profile from a real pool day', () => {
  it('bucket medians equal a recomputation from the CSV; JIT spikes do not count', () => {
    if (!sharedDataAvailable()) return;
    const prof = v3ProfileFromSwaps(readV3EventsCsv(FILE), { tickSpacing: 10, extend: 0.2, tickShift: 0, liquidityScale: 1 });
    // Independent: split the CSV by hand, SWAP rows only, bucket = floor(current_tick / 10) · 10.
    const lines = readFileSync(FILE, 'utf8').trim().split('\n');
    const head = lines[0]!.split(',');
    const col = (k: string) => head.indexOf(k);
    const by = new Map<number, bigint[]>();
    let max = 0n;
    for (const l of lines.slice(1)) {
      const c = l.split(',');
      if (c[col('tx_type')] !== 'SWAP') continue;
      const b = Math.floor(Number(c[col('current_tick')]) / 10) * 10;
      const liq = BigInt(c[col('total_liquidity')]!);
      if (liq > max) max = liq;
      by.set(b, [...(by.get(b) ?? []), liq]);
    }
    const visited = prof.buckets.filter((b) => b.swaps > 0);
    expect(visited.length).toBe(by.size);
    for (const b of visited) {
      const xs = by.get(b.tick)!.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(b.liquidity).toBe(xs[(xs.length - 1) >> 1]);
      expect(b.swaps).toBe(xs.length);
    }
    // The day's largest reported liquidity (a just-in-time position around one swap) is ~100× the medians.
    const top = prof.buckets.reduce((m, b) => (b.liquidity > m ? b.liquidity : m), 0n);
    expect(max / top).toBeGreaterThan(10n);
    // Positions: one per bucket (contiguous ranges) plus the flat extensions on both sides.
    expect(prof.positions.length).toBe(prof.buckets.length + 2);
    for (let i = 1; i < prof.positions.length; i++) expect(prof.positions[i]!.tickLower).toBe(prof.positions[i - 1]!.tickUpper);
  });

  it('re-centred at another price, the pool has the same dollar depth (exact swaps on both)', () => {
    if (!sharedDataAvailable()) return;
    const events = readV3EventsCsv(FILE);
    const at = v3ProfileFromSwaps(events, { tickSpacing: 10, extend: 0.2, tickShift: 0, liquidityScale: 1 });
    const poolOf = (sqrtPriceX96: bigint, positions: { tickLower: number; tickUpper: number; liquidity: bigint }[]) => {
      const p = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96 });
      for (const x of positions) p.mint('lp', x.tickLower, x.tickUpper, x.liquidity);
      return p;
    };
    const real = poolOf(getSqrtRatioAtTick(at.startTick), at.positions);
    const ethPrice = (p: V3Pool) => 1e12 / (Number(p.sqrtPriceX96) / 2 ** 96) ** 2; // USDC per WETH
    const moved = recentredProfile(events, { tickSpacing: 10, extend: 0.2, priced: 'token1', rawPrice: (1 / 2681.6) * 1e12 });
    const there = poolOf(moved.sqrtPriceX96, moved.positions);
    expect(ethPrice(there)).toBeCloseTo(2681.6, 6);
    // Selling $X of WETH into each pool (token1 in) has the same price impact in bps (the LP fee taken out).
    for (const usd of [50_000, 500_000, 3_000_000]) {
      const slip = (p: V3Pool) => {
        const px = ethPrice(p);
        const wei = BigInt(Math.round((usd / px) * 1e6)) * 10n ** 12n;
        const out = Number(exactInV3(p, wei, false)!.out) / 1e6;
        return (1 - out / ((Number(wei) / 1e18) * px * (1 - 0.0005))) * 1e4;
      };
      const a = slip(real);
      const b = slip(there);
      // Tick rounding to the spacing (≤ 5 ticks) is the only difference: well under 2%.
      expect(Math.abs(a - b) / a).toBeLessThan(0.02);
    }
  });
});
