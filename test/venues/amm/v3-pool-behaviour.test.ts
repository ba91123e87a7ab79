/**
 * V3 pool features beyond the swap snapshot: protocol fee (upstream UniswapV3Pool.spec.ts values),
 * snapshot loading (checked against an upstream snapshot case), event replay (events built with
 * the SDK, an independent implementation) and revert conditions.
 */
import { CurrencyAmount, Token } from '@uniswap/sdk-core';
import { Pool, Position, TickListDataProvider, TickMath as SdkTickMath } from '@uniswap/v3-sdk';
import { describe, expect, it } from 'vitest';
import { DataError, ModelError } from '../../../src/errors.ts';
import {
  applyBurn, applyMint, applySwapEvent, MAX_SQRT_RATIO, poolFromSnapshot, poolToSnapshot, V3Pool,
} from '../../../src/venues/amm/index.ts';
import { B, J } from './jsbi.ts';
import { encodePriceSqrt, expandTo18Decimals, getMaxTick, getMinTick } from './upstream-fixtures.ts';

const e18 = expandTo18Decimals(1);

describe('protocol fee', () => {
  // UniswapV3Pool.spec.ts "protocol fees accumulate as expected during swap": medium fee pool at
  // encodePriceSqrt(1, 10) with a 3161 full-range mint in the fixture, feeProtocol (6, 6).
  function fixture(): V3Pool {
    const pool = new V3Pool({ fee: 3000, tickSpacing: 60, sqrtPriceX96: encodePriceSqrt(1n, 10n) });
    pool.mint('wallet', getMinTick(60), getMaxTick(60), 3161n);
    return pool;
  }
  it('accumulates 50000000000000 / 5000000000000 as upstream asserts', () => {
    const pool = fixture();
    pool.setFeeProtocol(6, 6);
    pool.mint('wallet', getMinTick(60) + 60, getMaxTick(60) - 60, e18);
    pool.swap({ zeroForOne: true, amountSpecified: e18 / 10n });
    pool.swap({ zeroForOne: false, amountSpecified: e18 / 100n });
    expect(pool.protocolFees0).toBe(50000000000000n);
    expect(pool.protocolFees1).toBe(5000000000000n);
    // collectProtocol leaves one wei in each slot, as the contract does
    expect(pool.collectProtocol()).toEqual({ amount0: 49999999999999n, amount1: 4999999999999n });
  });
  it('is zero when off, and rejects invalid denominators', () => {
    const pool = fixture();
    pool.mint('wallet', getMinTick(60) + 60, getMaxTick(60) - 60, e18);
    pool.swap({ zeroForOne: true, amountSpecified: e18 / 10n });
    expect(pool.protocolFees0).toBe(0n);
    expect(() => pool.setFeeProtocol(3, 0)).toThrow(ModelError);
    expect(() => pool.setFeeProtocol(0, 11)).toThrow(ModelError);
  });
});

describe('pool snapshot JSON', () => {
  // ticks of upstream "medium fee, 1:1 price, additional liquidity around current price"
  const snapshot = {
    sqrtPriceX96: (1n << 96n).toString(), tick: 0, liquidity: (2n * e18).toString(), fee: 3000, tickSpacing: 60,
    ticks: [
      { index: getMinTick(60), liquidityNet: (4n * e18).toString(), liquidityGross: (4n * e18).toString() },
      { index: -60, liquidityNet: (-2n * e18).toString(), liquidityGross: (2n * e18).toString() },
      { index: 60, liquidityNet: (2n * e18).toString(), liquidityGross: (2n * e18).toString() },
      { index: getMaxTick(60), liquidityNet: (-4n * e18).toString(), liquidityGross: (4n * e18).toString() },
    ],
  };
  it('swaps like the upstream pool built by minting', () => {
    const pool = poolFromSnapshot(snapshot);
    const r = pool.swap({ zeroForOne: true, amountSpecified: e18 });
    // upstream snapshot: amount1Delta -795933705287758544, feeGrowthGlobal0X128Delta 2567498825801799718…
    expect(r.amount1).toBe(-795933705287758544n);
    expect(r.feeGrowthGlobal0X128).toBe(256749882580179971840679703106063897n);
    expect(r.crossings.map((c) => c.tick)).toEqual([-60]);
    const again = poolFromSnapshot(JSON.parse(JSON.stringify(poolToSnapshot(pool))));
    expect(again.quoteSwap({ zeroForOne: false, amountSpecified: e18 })).toEqual(pool.quoteSwap({ zeroForOne: false, amountSpecified: e18 }));
  });
  it('rejects malformed snapshots with DataError', () => {
    expect(() => poolFromSnapshot({ ...snapshot, tick: 5 })).toThrow(DataError);
    expect(() => poolFromSnapshot({ ...snapshot, liquidity: 'x' })).toThrow(DataError);
    expect(() => poolFromSnapshot({ ...snapshot, ticks: [{ index: 61, liquidityNet: '1', liquidityGross: '1' }] })).toThrow(DataError);
    expect(() => poolFromSnapshot({ ...snapshot, ticks: [{ index: 60, liquidityNet: '5', liquidityGross: '1' }] })).toThrow(DataError);
  });
});

describe('event replay (events computed with @uniswap/v3-sdk)', () => {
  const T0 = new Token(1, '0x0000000000000000000000000000000000000001', 18);
  const T1 = new Token(1, '0x0000000000000000000000000000000000000002', 18);
  const positions = [
    { tickLower: -887220, tickUpper: 887220, liquidity: 2n * e18 },
    { tickLower: -1200, tickUpper: 600, liquidity: 5n * e18 },
    { tickLower: 300, tickUpper: 3000, liquidity: 3n * e18 },
  ];
  function sdkPool(sqrtPriceX96: bigint, tick: number, liquidity: bigint): Pool {
    const net = new Map<number, bigint>();
    for (const p of positions) {
      net.set(p.tickLower, (net.get(p.tickLower) ?? 0n) + p.liquidity);
      net.set(p.tickUpper, (net.get(p.tickUpper) ?? 0n) - p.liquidity);
    }
    const gross = (i: number): bigint => positions.filter((p) => p.tickLower === i || p.tickUpper === i).reduce((a, p) => a + p.liquidity, 0n);
    const ticks = [...net.keys()].sort((a, b) => a - b).map((index) => ({ index, liquidityNet: J(net.get(index)!), liquidityGross: J(gross(index)) }));
    return new Pool(T0, T1, 3000, J(sqrtPriceX96), J(liquidity), tick, new TickListDataProvider(ticks, 60));
  }

  it('rebuilds a pool from Mint and Swap events and rejects a tampered event', async () => {
    const start = encodePriceSqrt(1n, 1n);
    const pool = new V3Pool({ fee: 3000, tickSpacing: 60, sqrtPriceX96: start });
    let sdk = sdkPool(start, 0, 0n);
    for (const p of positions) {
      const { amount0, amount1 } = new Position({ pool: sdk, liquidity: J(p.liquidity), tickLower: p.tickLower, tickUpper: p.tickUpper }).mintAmounts;
      applyMint(pool, { owner: 'lp', tickLower: p.tickLower, tickUpper: p.tickUpper, amount: p.liquidity, amount0: B(amount0), amount1: B(amount1) });
    }
    const active = positions.filter((p) => p.tickLower <= 0 && 0 < p.tickUpper).reduce((a, p) => a + p.liquidity, 0n);
    sdk = sdkPool(start, 0, active);
    // alternating directions and exactness; the sequence crosses the 300/600 range edges
    const trades: Array<{ zeroForOne: boolean; exactIn: boolean; amount: bigint }> = [
      { zeroForOne: true, exactIn: true, amount: 3n * e18 },
      { zeroForOne: false, exactIn: false, amount: 4n * e18 },
      { zeroForOne: false, exactIn: true, amount: e18 / 3n },
      { zeroForOne: true, exactIn: false, amount: 3n * e18 },
    ];
    let crossed = 0;
    for (const t of trades) {
      const [tokenIn, tokenOut] = t.zeroForOne ? [T0, T1] : [T1, T0];
      let amountIn: bigint;
      let amountOut: bigint;
      let next: Pool;
      if (t.exactIn) {
        const [out, p] = await sdk.getOutputAmount(CurrencyAmount.fromRawAmount(tokenIn, J(t.amount)));
        [amountIn, amountOut, next] = [t.amount, B(out.quotient), p];
      } else {
        const [inp, p] = await sdk.getInputAmount(CurrencyAmount.fromRawAmount(tokenOut, J(t.amount)));
        [amountIn, amountOut, next] = [B(inp.quotient), t.amount, p];
      }
      const ev = {
        amount0: t.zeroForOne ? amountIn : -amountOut,
        amount1: t.zeroForOne ? -amountOut : amountIn,
        sqrtPriceX96: B(next.sqrtRatioX96), liquidity: B(next.liquidity), tick: next.tickCurrent,
      };
      // A +-1 change of an amount or of the price can itself be a valid event (the other exactness, or a
      // price limit one unit away), so tamper with something no swap could produce.
      expect(() => applySwapEvent(pool, { ...ev, amount1: ev.amount1 * 2n }, { file: 'events.jsonl', line: 7 })).toThrow(/events\.jsonl:7.*Swap event disagrees/);
      expect(() => applySwapEvent(pool, { ...ev, tick: ev.tick + 1 })).toThrow(ModelError);
      expect(() => applySwapEvent(pool, { ...ev, liquidity: ev.liquidity + 1n })).toThrow(ModelError);
      crossed += applySwapEvent(pool, ev).crossings.length;
      expect(pool.sqrtPriceX96).toBe(ev.sqrtPriceX96);
      sdk = next;
    }
    expect(crossed).toBeGreaterThanOrEqual(2);
    // Burn event: amounts checked against the SDK's Position.amount0/amount1 (rounded down)
    const p = positions[1]!;
    const pos = new Position({ pool: sdk, liquidity: J(p.liquidity), tickLower: p.tickLower, tickUpper: p.tickUpper });
    const burned = applyBurn(pool, { owner: 'lp', tickLower: p.tickLower, tickUpper: p.tickUpper, amount: p.liquidity, amount0: B(pos.amount0.quotient), amount1: B(pos.amount1.quotient) });
    expect(burned.amount0 + burned.amount1).toBeGreaterThan(0n);
    expect(() => applyMint(pool, { owner: 'lp', tickLower: p.tickLower, tickUpper: p.tickUpper, amount: e18, amount0: 1n, amount1: 1n })).toThrow(ModelError);
  });

  it('replays a swap that stopped at its price limit', () => {
    const a = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96: encodePriceSqrt(1n, 1n) });
    const b = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96: encodePriceSqrt(1n, 1n) });
    for (const pool of [a, b]) pool.mint('lp', -100, 100, e18);
    const limit = BigInt(SdkTickMath.getSqrtRatioAtTick(50).toString()) + 12345n;
    const r = a.swap({ zeroForOne: false, amountSpecified: 10n * e18, sqrtPriceLimitX96: limit });
    expect(r.sqrtPriceX96).toBe(limit);
    applySwapEvent(b, { amount0: r.amount0, amount1: r.amount1, sqrtPriceX96: r.sqrtPriceX96, liquidity: r.liquidity, tick: r.tick });
    expect(b.sqrtPriceX96).toBe(limit);
  });
});

describe('revert conditions', () => {
  it('SPL, AS, LO, TLU and insufficient-liquidity exact output', () => {
    const pool = new V3Pool({ fee: 3000, tickSpacing: 60, sqrtPriceX96: encodePriceSqrt(1n, 1n) });
    pool.mint('lp', -600, 600, e18);
    expect(() => pool.swap({ zeroForOne: true, amountSpecified: 1n, sqrtPriceLimitX96: pool.sqrtPriceX96 })).toThrow(/SPL/);
    expect(() => pool.swap({ zeroForOne: false, amountSpecified: 1n, sqrtPriceLimitX96: MAX_SQRT_RATIO })).toThrow(/SPL/);
    expect(() => pool.swap({ zeroForOne: true, amountSpecified: 0n })).toThrow(/AS/);
    expect(() => pool.mint('lp', 600, -600, 1n)).toThrow(/TLU/);
    expect(() => pool.mint('lp', -60, 60, pool.maxLiquidityPerTick + 1n)).toThrow(/LO/);
    expect(() => pool.burn('lp', -600, 600, e18 + 1n)).toThrow(/LS/);
    // asking for more token1 than the range holds: the swap stops at the price limit with less out
    const r = pool.quoteSwap({ zeroForOne: true, amountSpecified: -(10n ** 30n) });
    expect(-r.amount1).toBeLessThan(10n ** 30n);
    expect(r.liquidity).toBe(0n);
  });
});

describe('uint256 wrap-around of fee growth', () => {
  // Only differences of fee growth are meaningful; the contract relies on modular subtraction.
  // Fees owed must therefore be identical whether the global accumulators start at 0 or just
  // below 2^256 (so that they wrap during the swaps).
  function run(offset0: bigint, offset1: bigint): bigint[] {
    const pool = new V3Pool({ fee: 3000, tickSpacing: 60, sqrtPriceX96: encodePriceSqrt(1n, 1n) });
    pool.feeGrowthGlobal0X128 = offset0;
    pool.feeGrowthGlobal1X128 = offset1;
    const ranges: Array<[number, number]> = [[-887220, 887220], [-600, 600], [-1800, -600], [600, 1800], [-120, 60]];
    ranges.forEach(([lo, hi], i) => pool.mint(`lp${i}`, lo, hi, e18));
    for (const [zeroForOne, amount] of [[true, e18], [false, 2n * e18], [true, e18 / 2n], [false, e18 / 7n]] as const) {
      pool.swap({ zeroForOne, amountSpecified: amount });
    }
    return ranges.flatMap(([lo, hi], i) => {
      pool.burn(`lp${i}`, lo, hi, 0n); // poke: credits fees to tokensOwed
      const pos = pool.position(`lp${i}`, lo, hi)!;
      return [pos.tokensOwed0, pos.tokensOwed1];
    });
  }
  it('fees owed do not depend on where the accumulators start', () => {
    const base = run(0n, 0n);
    expect(base.filter((x) => x > 0n).length).toBeGreaterThan(4);
    const near = (1n << 256n) - 10n ** 30n;
    expect(run(near, near)).toEqual(base);
    expect(run(near, 12345n)).toEqual(base);
  });
});
