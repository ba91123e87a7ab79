import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readV3EventsCsv } from '../../../../src/data/readers/uniswap-v3-day.ts';
import { PACKAGE_ROOT } from '../../../../src/package-root.ts';
import { replayV3Day } from '../../../../src/venues/amm/v3/log-replay.ts';

const events = readV3EventsCsv(join(PACKAGE_ROOT, '..', 'shared', 'data', 'chain', 'uniswap-v3', 'usdc-weth-005_20240105.events.csv'));

/**
 * The bit-exact v3 swap math against a real day of the mainnet USDC/WETH 0.05% pool: every swap
 * starts from the logged state after the previous event, and the model must reproduce the logged
 * sqrtPriceX96, amounts and liquidity to the unit.
 */
describe('Uniswap v3 day replay (mainnet USDC/WETH 0.05%, 2024-01-05)', () => {
  it('reproduces all 6,045 swaps exactly; initialized ticks crossed are learnt from the logs', () => {
    const r = replayV3Day(events, { feePips: 500, tickSpacing: 10 });
    console.log('v3 day replay', r.counts, 'ticks learnt', r.inferredTicks.size, 'mints/burns in range', r.liquidityEventsInRange, 'out of range', r.liquidityEventsOutOfRange);
    const swaps = r.swaps.length;
    expect(swaps).toBe(6046);
    expect(r.counts.first).toBe(1);
    expect(r.counts.exact).toBe(5986);
    expect(r.counts.inferred).toBe(59);
    // All three ways a router drives a pool occur: exact input, exact output, a price limit.
    for (const m of ['exactIn', 'exactOut', 'limit'] as const) expect(r.swaps.filter((x) => x.mode === m).length).toBeGreaterThan(50);
    for (const t of r.inferredTicks.keys()) expect(t % 10).toBe(0);
    // Ticks learnt anywhere in the day explain earlier swaps too (the later passes); what the
    // tick-by-tick inference leaves is explained from the segments' liquidity as the day's other
    // swaps show it (ticks crossed with no liquidity change taken as uninitialized), solving for a
    // segment no swap ended in where needed. The front- and back-runs of three sandwiches (blocks
    // 18942403, 18942433, 18942442) cross two segments no swap of the day ended in,
    // 199,320–199,340: one swap alone is met by a whole line of liquidity pairs, all six only by
    // few — they are solved for from the six at once (segment-pair.ts), then each swap is walked
    // through them exactly.
    expect(r.counts.unexplained).toBe(0);
    const joint = r.swaps.filter((x) => x.solvedJointlyWith !== undefined);
    expect(joint.map((x) => x.line)).toEqual([4377, 4380, 4414, 4416, 4428, 4430]);
    for (const x of joint) {
      expect(x.verdict).toBe('inferred');
      expect(x.solvedJointlyWith).toBe(6);
      // Every tick between the segments is stepped at, 199,320–199,340 included.
      for (const t of [199310, 199320, 199330, 199340]) expect(x.segments!.has(t)).toBe(true);
    }
    // What was solved for is reported: 198,980–198,990 from one swap, the pair from the six together.
    expect(r.solvedSegments.map((x) => [x.tickLower, x.swaps])).toEqual([[198980, 1], [199320, 6], [199330, 6]]);
    // The same solved liquidities in all six: the nets at 199,330 (between the two solved segments) agree.
    expect(new Set(joint.map((x) => String(x.segments!.get(199330)))).size).toBe(1);
    const bySegments = r.swaps.filter((x) => x.segments !== undefined);
    expect(bySegments.length).toBeGreaterThanOrEqual(9);
    expect(bySegments.filter((x) => x.solvedSegments === 1).length).toBeGreaterThan(0);
    // Each explained swap's ticks are on the spacing and its nets sum to the logged liquidity change.
    for (const x of bySegments) {
      const i = events.findIndex((e) => e.line === x.line);
      let j = i - 1;
      while (events[j]!.kind !== 'swap') j--;
      const dL = events[i]!.poolLiquidity! - events[j]!.poolLiquidity!;
      const sum = [...x.segments!.values()].reduce((a, b) => a + b, 0n);
      expect(events[i]!.amount0 > 0n ? -sum : sum).toBe(dL);
      for (const t of x.segments!.keys()) expect(t % 10).toBe(0);
    }
    expect(r.swaps.filter((x) => x.zeroed !== undefined).length).toBeGreaterThan(0);
    expect(r.counts.exact + r.counts.inferred).toBe(swaps - 1 - r.counts.unexplained);
    // JIT liquidity (mint, swap, burn in one block) is applied in range: both kinds occur.
    expect(r.liquidityEventsInRange).toBeGreaterThan(50);
    expect(r.liquidityEventsOutOfRange).toBeGreaterThan(10);
    // Without the costly search for two unobserved segments in one swap alone (the last resort):
    // the same verdicts on this day, no swap explained by it.
    const quick = replayV3Day(events, { feePips: 500, tickSpacing: 10, pairSearch: false });
    expect(quick.counts).toEqual(r.counts);
    expect(quick.swaps.filter((x) => (x.solvedSegments ?? 0) > 1 && x.solvedJointlyWith === undefined)).toEqual([]);
  });

  it('the check can fail: more paid in, or the wrong fee tier, is not reproduced', () => {
    const i = events.findIndex((e, k) => k > 10 && e.kind === 'swap');
    // The input side 10^6 minor units larger (a single unit can vanish into the fee's rounding, as
    // in the pool): no mode can give the logged price and amounts.
    const tampered = events.map((e, k) => (k === i ? { ...e, amount0: e.amount0 > 0n ? e.amount0 + 1_000_000n : e.amount0, amount1: e.amount1 > 0n ? e.amount1 + 1_000_000n : e.amount1 } : e));
    const r = replayV3Day(tampered, { feePips: 500, tickSpacing: 10 });
    expect(r.swaps.find((x) => x.line === events[i]!.line)!.verdict).toBe('unexplained');
    const wrongFee = replayV3Day(events.slice(0, 500), { feePips: 3000, tickSpacing: 10 });
    expect(wrongFee.counts.exact).toBeLessThan(100);
  });

  it('the six sandwich swaps are solved together or not at all: one USDC unit more paid by one back-run leaves all six unexplained', () => {
    const i = events.findIndex((e) => e.line === 4416);
    const tampered = events.map((e, k) => (k === i ? { ...e, amount0: e.amount0 + 1n } : e));
    const r = replayV3Day(tampered, { feePips: 500, tickSpacing: 10 });
    expect(r.swaps.filter((x) => x.verdict === 'unexplained').map((x) => x.line)).toEqual([4377, 4380, 4414, 4416, 4428, 4430]);
  });
});
