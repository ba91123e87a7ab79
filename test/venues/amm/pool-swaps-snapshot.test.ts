/**
 * The 240 whole-pool swap cases of the upstream v3-core snapshot (UniswapV3Pool.swaps.spec.ts.snap),
 * replayed through the model: integer fields must match exactly, the formatted float prices loosely.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.ts';
import { V3Pool } from '../../../src/venues/amm/v3/pool.ts';
import { hasUniswapData, requireSharedData, uniswapDataDir } from './shared-data.ts';
import { amountSpecified, DEFAULT_POOL_SWAP_TESTS, priceLimit, TEST_POOLS, type PoolCase, type SwapCase } from './upstream-fixtures.ts';

type Snap = Record<string, string | number>;

function parseSnapshot(text: string): Map<string, Snap> {
  const out = new Map<string, Snap>();
  const re = /exports\[`UniswapV3Pool swap tests (.+?) 1`\] = `\nObject \{\n([\s\S]*?)\n\}\n`;/g;
  for (const m of text.matchAll(re)) {
    const obj: Snap = {};
    for (const line of m[2]!.split('\n')) {
      const f = /^\s*"(\w+)": (?:"(.*)"|(-?\d+)),$/.exec(line);
      if (f) obj[f[1]!] = f[2] !== undefined ? f[2] : Number(f[3]);
    }
    out.set(m[1]!, obj);
  }
  return out;
}

const priceOf = (sqrtPriceX96: bigint): number => (Number(sqrtPriceX96) / 2 ** 96) ** 2;
/** snapshot floats are toPrecision(5); agree to 1e-4 relative (or both zero / same non-finite) */
function looseEqual(expected: string, actual: number): boolean {
  const e = Number(expected);
  if (!Number.isFinite(e) || !Number.isFinite(actual)) return String(e) === String(actual);
  if (e === 0) return Math.abs(actual) < 5e-5;
  return Math.abs(actual - e) <= Math.abs(e) * 1e-4;
}

function buildPool(pc: PoolCase): { pool: V3Pool; balance0: bigint; balance1: bigint } {
  const pool = new V3Pool({ fee: pc.feeAmount, tickSpacing: pc.tickSpacing, sqrtPriceX96: pc.startingPrice });
  for (const p of pc.positions) pool.mint('wallet', p.tickLower, p.tickUpper, p.liquidity);
  return { pool, balance0: pool.balance0, balance1: pool.balance1 };
}

/** Returns a list of mismatching fields (empty when the case is reproduced exactly). */
function replay(pc: PoolCase, sc: SwapCase, snap: Snap): string[] {
  const { pool, balance0, balance1 } = buildPool(pc);
  const bad: string[] = [];
  const check = (field: string, ok: boolean): void => { if (!ok) bad.push(field); };
  const tickBefore = pool.tick;
  const priceBefore = priceOf(pool.sqrtPriceX96);
  let result;
  try {
    result = pool.swap({ zeroForOne: sc.zeroForOne, amountSpecified: amountSpecified(sc), sqrtPriceLimitX96: priceLimit(sc) });
  } catch (err) {
    if (!('swapError' in snap)) return [`unexpected error ${(err as Error).message}`];
    const reason = /revert (\w+)/.exec(String(snap.swapError))?.[1];
    check('swapError', err instanceof ModelError && new RegExp(`\\b${reason ?? '?'}\\b`).test(err.message));
    check('poolBalance0', snap.poolBalance0 === balance0.toString());
    check('poolBalance1', snap.poolBalance1 === balance1.toString());
    check('tickBefore', snap.tickBefore === tickBefore);
    check('poolPriceBefore', looseEqual(String(snap.poolPriceBefore), priceBefore));
    return bad;
  }
  if ('swapError' in snap) return [`expected revert ${snap.swapError}`];
  check('amount0Before', snap.amount0Before === balance0.toString());
  check('amount1Before', snap.amount1Before === balance1.toString());
  check('amount0Delta', snap.amount0Delta === result.amount0.toString());
  check('amount1Delta', snap.amount1Delta === result.amount1.toString());
  check('feeGrowthGlobal0X128Delta', snap.feeGrowthGlobal0X128Delta === result.feeGrowthGlobal0X128.toString());
  check('feeGrowthGlobal1X128Delta', snap.feeGrowthGlobal1X128Delta === result.feeGrowthGlobal1X128.toString());
  check('tickBefore', snap.tickBefore === tickBefore);
  check('tickAfter', snap.tickAfter === result.tick);
  check('poolPriceBefore', looseEqual(String(snap.poolPriceBefore), priceBefore));
  check('poolPriceAfter', looseEqual(String(snap.poolPriceAfter), priceOf(result.sqrtPriceX96)));
  const exec = result.amount0 === 0n
    ? (result.amount1 === 0n ? Number.NaN : (result.amount1 > 0n ? -Infinity : Infinity))
    : -Number(result.amount1) / Number(result.amount0);
  check('executionPrice', looseEqual(String(snap.executionPrice), exec));
  // upstream then burns and collects every position (afterEach); that must not revert either
  for (const p of pc.positions) {
    pool.burn('wallet', p.tickLower, p.tickUpper, p.liquidity);
    pool.collect('wallet', p.tickLower, p.tickUpper);
  }
  check('solvent after burn+collect', pool.balance0 >= 0n && pool.balance1 >= 0n);
  return bad;
}

describe.skipIf(!hasUniswapData)('v3-core UniswapV3Pool.swaps snapshot', () => {
  it('reproduces all 240 snapshot cases', () => {
    const snaps = parseSnapshot(readFileSync(resolve(uniswapDataDir, 'v3-pool-swaps.snap.txt'), 'utf8'));
    expect(snaps.size).toBe(240);
    let exact = 0;
    let errors = 0;
    const failures: string[] = [];
    for (const pc of TEST_POOLS) {
      for (const sc of DEFAULT_POOL_SWAP_TESTS) {
        const name = `${pc.description} ${sc.description}`;
        const snap = snaps.get(name);
        if (snap === undefined) { failures.push(`${name}: no snapshot entry`); continue; }
        const bad = replay(pc, sc, snap);
        if (bad.length === 0) { exact++; if ('swapError' in snap) errors++; } else failures.push(`${name}: ${bad.join(', ')}`);
      }
    }
    console.log(`v3 pool swap snapshot: ${exact}/${snaps.size} reproduced exactly (${errors} of them expected SPL reverts)`);
    expect(failures).toEqual([]);
    expect(exact).toBe(240);
  });
});

requireSharedData();
