/**
 * Optimal sandwich size by exact search over the integer v2 math. The victim's output after a
 * front-run of x is non-increasing in x (more input pushes reserveIn up and reserveOut down, and
 * floor() preserves the order), so the largest x that still leaves the victim ≥ amountOutMin is
 * found by binary search on getAmountOut — no float approximation of the pool curve.
 */
import { getAmountOut } from '../../venues/amm/index.ts';

export interface SandwichPlan {
  frontIn: bigint;
  frontOut: bigint;
  victimOut: bigint;
  /** What the victim would have got on the untouched reserves. */
  fairVictimOut: bigint;
  backOut: bigint;
  /** backOut − frontIn, in the victim's input token. */
  grossProfit: bigint;
}

/** Victim output after a front-run of `x` in the same direction. */
export function victimOutAfter(x: bigint, victimIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = 30n): bigint {
  if (x === 0n) return getAmountOut(victimIn, reserveIn, reserveOut, feeBps);
  const o = getAmountOut(x, reserveIn, reserveOut, feeBps);
  return getAmountOut(victimIn, reserveIn + x, reserveOut - o, feeBps);
}

/** Largest front-run x ≤ maxFrontIn with victimOutAfter(x) ≥ minOut (0 when there is no room). */
export function maxFrontRun(victimIn: bigint, minOut: bigint, reserveIn: bigint, reserveOut: bigint, maxFrontIn: bigint, feeBps = 30n): bigint {
  if (maxFrontIn <= 0n || victimOutAfter(0n, victimIn, reserveIn, reserveOut, feeBps) < minOut) return 0n;
  let lo = 0n;
  let hi = maxFrontIn;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (victimOutAfter(mid, victimIn, reserveIn, reserveOut, feeBps) >= minOut) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/** Full plan: front-run x, victim, back-run selling exactly what the front-run bought. */
export function planSandwich(p: { victimIn: bigint; victimMinOut: bigint; reserveIn: bigint; reserveOut: bigint; maxFrontIn: bigint; feeBps?: bigint }): SandwichPlan | undefined {
  const fee = p.feeBps ?? 30n;
  if (p.victimIn <= 0n) return undefined;
  const frontIn = maxFrontRun(p.victimIn, p.victimMinOut, p.reserveIn, p.reserveOut, p.maxFrontIn, fee);
  if (frontIn === 0n) return undefined;
  const fairVictimOut = getAmountOut(p.victimIn, p.reserveIn, p.reserveOut, fee);
  const frontOut = getAmountOut(frontIn, p.reserveIn, p.reserveOut, fee);
  const rIn1 = p.reserveIn + frontIn;
  const rOut1 = p.reserveOut - frontOut;
  const victimOut = getAmountOut(p.victimIn, rIn1, rOut1, fee);
  const rIn2 = rIn1 + p.victimIn;
  const rOut2 = rOut1 - victimOut;
  const backOut = getAmountOut(frontOut, rOut2, rIn2, fee);
  return { frontIn, frontOut, victimOut, fairVictimOut, backOut, grossProfit: backOut - frontIn };
}
