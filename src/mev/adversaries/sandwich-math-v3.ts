/**
 * Optimal sandwich size on a Uniswap v3 pool, by exact search over the bit-exact swap loop.
 * Every candidate front-run x is simulated as a full v3 swap (crossing initialized ticks), then
 * the victim's exact-input swap on the state it leaves. The victim's output is non-increasing in
 * x (a larger front-run leaves a lower price and, at each price, the same liquidity), so the
 * largest admissible x is found by galloping up from a small guess and bisecting.
 *
 * Why no pool clone per step: a swap only reads slot0, liquidity, fee growth and the tick map's
 * liquidityNet; crossing a tick changes only its feeGrowthOutside, which no later swap reads for
 * amounts. So the post-front-run state is the original pool with the swap result's slot0 fields
 * overlaid — an exact, allocation-light copy of everything the victim's swap reads.
 */
import { ModelError } from '../../errors.ts';
import { computeSwap, type SwapResult, type SwapState } from '../../venues/amm/v3/swap.ts';
import type { SandwichPlan } from './sandwich-math.ts';

export interface V3SwapOut {
  out: bigint;
  state: SwapState;
  result: SwapResult;
}

/** The pool state a swap result leaves behind (everything a later swap reads). */
export function stateAfter(s: SwapState, r: SwapResult): SwapState {
  return {
    fee: s.fee, feeProtocol: s.feeProtocol, ticks: s.ticks, tickList: s.tickList,
    sqrtPriceX96: r.sqrtPriceX96, tick: r.tick, liquidity: r.liquidity,
    feeGrowthGlobal0X128: r.feeGrowthGlobal0X128, feeGrowthGlobal1X128: r.feeGrowthGlobal1X128,
  };
}

/**
 * Exact-input swap without a price limit; undefined when the pool cannot absorb the whole input
 * (liquidity runs out) or the contract would revert — the router's swap then fails, so for the
 * search such a size is as bad as an output below the limit.
 */
export function exactInV3(s: SwapState, amountIn: bigint, zeroForOne: boolean): V3SwapOut | undefined {
  if (amountIn <= 0n) return undefined;
  let r: SwapResult;
  try {
    r = computeSwap(s, { zeroForOne, amountSpecified: amountIn });
  } catch (e) {
    if (e instanceof ModelError) return undefined;
    throw e;
  }
  const used = zeroForOne ? r.amount0 : r.amount1;
  if (used !== amountIn) return undefined;
  return { out: -(zeroForOne ? r.amount1 : r.amount0), state: stateAfter(s, r), result: r };
}

/** Victim output after a same-direction front-run of x (x = 0: untouched pool); undefined = victim would revert. */
export function victimOutAfterV3(s: SwapState, x: bigint, victimIn: bigint, zeroForOne: boolean): bigint | undefined {
  let st = s;
  if (x > 0n) {
    const f = exactInV3(s, x, zeroForOne);
    if (f === undefined) return undefined;
    st = f.state;
  }
  return exactInV3(st, victimIn, zeroForOne)?.out;
}

export interface V3SearchStats {
  /** Candidate sizes simulated (each = front-run swap + victim swap). */
  evaluations: number;
}

/**
 * Largest x ≤ maxFrontIn with victimOutAfterV3(x) ≥ minOut; 0 when there is no room. The result
 * x satisfies the bound and, unless x = maxFrontIn, x + 1 was simulated and violates it — exact
 * maximality at the unit, whatever the rounding does in between.
 */
export function maxFrontRunV3(s: SwapState, victimIn: bigint, minOut: bigint, zeroForOne: boolean, maxFrontIn: bigint, stats?: V3SearchStats): bigint {
  const ok = (x: bigint): boolean => {
    if (stats !== undefined) stats.evaluations++;
    const v = victimOutAfterV3(s, x, victimIn, zeroForOne);
    return v !== undefined && v >= minOut;
  };
  if (maxFrontIn <= 0n || !ok(0n)) return 0n;
  // Gallop from a fraction of the victim's size: the optimum is usually a few victim sizes, so
  // the failing bracket end stays near it and never asks the pool to swap through all its ticks.
  let lo = 0n;
  let hi = victimIn / 4n > 0n ? victimIn / 4n : 1n;
  while (true) {
    if (hi >= maxFrontIn) {
      if (ok(maxFrontIn)) return maxFrontIn;
      hi = maxFrontIn - 1n;
      break;
    }
    if (!ok(hi)) { hi -= 1n; break; }
    lo = hi;
    hi *= 2n;
  }
  // Invariant: ok(lo); hi + 1 failed.
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (ok(mid)) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

export interface V3SandwichPlan extends SandwichPlan {
  /** Initialized ticks crossed by the front-run and by the victim's swap. */
  frontCrossings: number;
  victimCrossings: number;
}

/** Full plan: front-run, victim, back-run selling exactly what the front-run bought. */
export function planSandwichV3(s: SwapState, p: { victimIn: bigint; victimMinOut: bigint; zeroForOne: boolean; maxFrontIn: bigint; stats?: V3SearchStats }): V3SandwichPlan | undefined {
  if (p.victimIn <= 0n) return undefined;
  const zf = p.zeroForOne;
  const frontIn = maxFrontRunV3(s, p.victimIn, p.victimMinOut, zf, p.maxFrontIn, p.stats);
  if (frontIn === 0n) return undefined;
  const fair = exactInV3(s, p.victimIn, zf)!;
  const front = exactInV3(s, frontIn, zf)!;
  const victim = exactInV3(front.state, p.victimIn, zf)!;
  const back = front.out > 0n ? exactInV3(victim.state, front.out, !zf) : undefined;
  const backOut = back?.out ?? 0n;
  return {
    frontIn, frontOut: front.out, victimOut: victim.out, fairVictimOut: fair.out, backOut, grossProfit: backOut - frontIn,
    frontCrossings: front.result.crossings.length, victimCrossings: victim.result.crossings.length,
  };
}
