/**
 * The router's split on a frozen state against brute force: every split of the order in 1%
 * steps across a CLOB, a Uniswap v2 pair and a Uniswap v3 pool, each evaluated with the exact
 * execution (the book walk, UniswapV2Library.getAmountOut, the bit-exact v3 swap loop) — not
 * with the router's own float curves. The router must be within 0.1 bp of the best split, and
 * leave a pool out when its gas is not worth paying.
 */
import { describe, expect, it } from 'vitest';
import { AmmCurve, ClobCurve, type CostCurve, type RouteSide } from '../../src/router/cost-curve.ts';
import { splitOrder } from '../../src/router/split.ts';
import { v2State, v3State } from '../../src/router/venue-state.ts';
import { exactInV3 } from '../../src/mev/adversaries/sandwich-math-v3.ts';
import { getAmountIn, getAmountOut, getTickAtSqrtRatio, V3Pool } from '../../src/venues/amm/index.ts';
import { computeSwap } from '../../src/venues/amm/v3/swap.ts';

const MID = 2000;
// Bids and asks around 2000 (size in ETH): thin touch, deeper behind.
const BID_PX = [1999.99, 1999.9, 1999.5, 1999, 1998, 1996, 1993, 1990, 1985, 1980, 1970, 1950];
const ASK_PX = BID_PX.map((p) => 2 * MID - p);
const SIZES = [1.5, 3, 6, 10, 20, 30, 40, 60, 80, 120, 200, 600];
const CLOB_FEE = 0.0004;

// v2 WETH/USDC (token0 WETH 18 decimals, token1 USDC 6), 1,000 WETH against 2,000,000 USDC.
const V2_R0 = 1000n * 10n ** 18n;
const V2_R1 = 2_000_000n * 10n ** 6n;
const V2_FEE_BPS = 30n;

// v3 USDC/WETH 0.05% (token0 USDC 6 decimals, token1 WETH 18): WETH is token1, the other direction.
function v3Pool(): V3Pool {
  const price = (1 / MID) * 1e12; // WETH wei per µUSDC
  const sqrtPriceX96 = BigInt(Math.round(Math.sqrt(price) * 2 ** 96));
  const pool = new V3Pool({ fee: 500, tickSpacing: 10, sqrtPriceX96 });
  const t = Math.round(getTickAtSqrtRatio(sqrtPriceX96) / 10) * 10;
  for (const [lo, hi, l] of [[-300, 300, 3e16], [-1500, 200, 2e16], [-100, 2500, 1.5e16], [-6000, 6000, 1e16], [-40, 60, 4e16]] as const) {
    pool.mint('lp', t + lo, t + hi, BigInt(l));
  }
  return pool;
}

const GAS_V2 = 6; // USDC per swap
const GAS_V3 = 9;

interface Setup { side: RouteSide; route: 'public' | 'private'; slippage: number; capitalRate: number }

function curves(s: Setup, pool: V3Pool): CostCurve[] {
  const px = s.side === 'sell' ? BID_PX : ASK_PX;
  return [
    new ClobCurve({ venue: 'clob', side: s.side, mid: MID, prices: px, sizes: SIZES, feeRate: CLOB_FEE }),
    new AmmCurve({ venue: 'v2', side: s.side, mid: MID, state: v2State(V2_R0, V2_R1, 30, 18, 6), baseIsToken0: true, gasCost: GAS_V2, slippage: s.slippage, route: s.route, capitalRate: s.capitalRate }),
    new AmmCurve({ venue: 'v3', side: s.side, mid: MID, state: v3State(pool, 6, 18), baseIsToken0: false, gasCost: GAS_V3, slippage: s.slippage, route: s.route, capitalRate: s.capitalRate }),
  ];
}

const WEI = 10n ** 18n;
const toWei = (eth: number) => BigInt(Math.round(eth * 1e6)) * 10n ** 12n; // 1e-6 ETH resolution
const usdc = (x: bigint) => Number(x) / 1e6;

/** Exact all-in cost (USDC) of a split [clob, v2, v3] in ETH, by each venue's own execution. */
function exactCost(s: Setup, pool: V3Pool, q: readonly number[]): number {
  const mevShare = s.route === 'public' ? s.slippage : 0;
  const keep = 1 - mevShare - s.capitalRate;
  let cost = 0;
  // CLOB: walk the touched side, fee on notional.
  if (q[0]! > 0) {
    const px = s.side === 'sell' ? BID_PX : ASK_PX;
    let left = q[0]!;
    let gross = 0;
    for (let j = 0; j < px.length && left > 1e-12; j++) {
      const take = Math.min(left, SIZES[j]!);
      gross += take * px[j]!;
      left -= take;
    }
    if (left > 1e-9) return Infinity;
    cost += s.side === 'sell' ? q[0]! * MID - gross * (1 - CLOB_FEE) : gross * (1 + CLOB_FEE) - q[0]! * MID;
  }
  // v2: the library's integer math.
  if (q[1]! > 0) {
    const w = toWei(q[1]!);
    if (s.side === 'sell') cost += q[1]! * MID - keep * usdc(getAmountOut(w, V2_R0, V2_R1, V2_FEE_BPS));
    else cost += usdc(getAmountIn(w, V2_R1, V2_R0, V2_FEE_BPS)) - keep * q[1]! * MID;
    cost += GAS_V2;
  }
  // v3: the swap loop (exact input for a sell of WETH = token1 in; exact output for a buy).
  if (q[2]! > 0) {
    const w = toWei(q[2]!);
    if (s.side === 'sell') {
      const r = exactInV3(pool, w, false);
      if (!r) return Infinity;
      cost += q[2]! * MID - keep * usdc(r.out);
    } else {
      const r = computeSwap(pool, { zeroForOne: true, amountSpecified: -w });
      if (-r.amount1 !== w) return Infinity;
      cost += usdc(r.amount0) - keep * q[2]! * MID;
    }
    cost += GAS_V3;
  }
  return cost;
}

function bruteForce(s: Setup, pool: V3Pool, qty: number): { cost: number; split: number[] } {
  let best = { cost: Infinity, split: [0, 0, 0] };
  for (let i = 0; i <= 100; i++) {
    for (let j = 0; i + j <= 100; j++) {
      const split = [(qty * i) / 100, (qty * j) / 100, (qty * (100 - i - j)) / 100];
      const c = exactCost(s, pool, split);
      if (c < best.cost) best = { cost: c, split };
    }
  }
  return best;
}

const SIZES_ETH = [0.05, 0.4, 2, 8, 25, 60, 150, 400];

describe('router split vs brute force over 1% steps (CLOB + v2 + v3, exact execution)', () => {
  const pool = v3Pool();
  for (const setup of [
    { side: 'sell', route: 'public', slippage: 0.003, capitalRate: 1e-6 },
    { side: 'sell', route: 'private', slippage: 0.003, capitalRate: 3e-6 },
    { side: 'buy', route: 'public', slippage: 0.002, capitalRate: 1e-6 },
  ] as const satisfies readonly Setup[]) {
    it(`${setup.side} through the ${setup.route} route: within 0.1 bp of the best 1% split at every size`, () => {
      const leftOut: string[] = [];
      for (const qty of SIZES_ETH) {
        const split = splitOrder(curves(setup, pool), qty);
        expect(split.qty).toBeCloseTo(qty, 9);
        const q = split.legs.map((l) => l.qty);
        expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(qty, 9);
        const routed = exactCost(setup, pool, q);
        const brute = bruteForce(setup, pool, qty);
        const tol = 0.1e-4 * qty * MID; // 0.1 bp of the order's notional
        expect(routed, `size ${qty}: router ${q.map((x) => x.toFixed(4)).join('/')} costs ${routed}, brute ${brute.split.map((x) => x.toFixed(4)).join('/')} ${brute.cost}`).toBeLessThanOrEqual(brute.cost + tol);
        // The router's own expectation agrees with the exact execution (its curves are the pools' math).
        expect(Math.abs(split.cost - routed)).toBeLessThan(0.01e-4 * qty * MID + 1e-6);
        for (const l of split.legs) if (l.qty === 0 && l.venue !== 'clob') leftOut.push(`${qty}:${l.venue}`);
      }
      // Small orders: paying gas on a pool is not worth it — the router leaves both out.
      expect(leftOut).toContain('0.05:v2');
      expect(leftOut).toContain('0.05:v3');
      // Large orders use all three.
      const big = splitOrder(curves(setup, pool), 400);
      expect(big.legs.every((l) => l.qty > 0)).toBe(true);
    });
  }

  it('the expected terms add up to the leg cost and name gas, MEV and capital', () => {
    const setup = { side: 'sell', route: 'public', slippage: 0.003, capitalRate: 1e-6 } as const;
    const split = splitOrder(curves(setup, pool), 400);
    for (const l of split.legs) {
      if (l.qty === 0) continue;
      const t = l.expected;
      expect(t.price + t.fees + t.gas + t.mev + t.capital + t.funding).toBeCloseTo(l.cost, 6);
    }
    const v2 = split.legs[1]!;
    expect(v2.expected.gas).toBe(GAS_V2);
    expect(v2.expected.mev).toBeGreaterThan(0);
    const priv = splitOrder(curves({ ...setup, route: 'private' }, pool), 400);
    for (const l of priv.legs) expect(l.expected.mev).toBe(0);
    // One wei of base sold on v2 is valued at the pool's marginal price: cost ≈ mid − (1−fee)·2000 per ETH.
    const c = curves(setup, pool)[1]!;
    expect(c.marginal(0)).toBeCloseTo(MID - (1 - 0.003 - 1e-6) * 0.997 * 2000, 6);
    expect(Number(WEI)).toBe(1e18);
  });
});

describe('a perp hedge leg carries its funding to the horizon', () => {
  it('funding is a term of the leg, and a short that receives it takes more of the order', () => {
    const px = [1999.9, 1999.5, 1999, 1998];
    const sz = [5, 5, 10, 20];
    const spot = new ClobCurve({ venue: 'spot', side: 'sell', mid: MID, prices: px, sizes: sz, feeRate: 0.0004 });
    // A short perp over three funding periods at +1 bp receives 3 bp of notional.
    const perp = new ClobCurve({ venue: 'perp', side: 'sell', mid: MID, prices: px, sizes: sz, feeRate: 0.0004, fundingToHorizon: -0.0003 });
    const t = perp.terms(7);
    const gross = 5 * 1999.9 + 2 * 1999.5;
    expect(t.funding).toBeCloseTo(-0.0003 * gross, 9);
    expect(perp.marginal(0)).toBeCloseTo(spot.marginal(0) - 0.0003 * 1999.9, 9);
    const split = splitOrder([spot, perp], 20);
    const [s, p] = split.legs.map((l) => l.qty);
    expect(p!).toBeGreaterThan(s!);
    // Same books without the carry: an even split.
    const even = splitOrder([spot, new ClobCurve({ venue: 'perp', side: 'sell', mid: MID, prices: px, sizes: sz, feeRate: 0.0004 })], 20);
    expect(even.legs[0]!.qty).toBeCloseTo(even.legs[1]!.qty, 9);
  });
});
