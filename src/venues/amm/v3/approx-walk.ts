/**
 * The swap loop of swap-walk.ts in floating point, to rule out guesses before the exact walk.
 *
 * Checking a logged swap tries several modes and, when ticks are unknown, several guesses of the
 * ticks crossed; most tries fail, and each exact step costs a dozen wide bigint divisions. The
 * same loop in doubles (relative error ~1e-15 per operation) ends within ~1e-12 of the exact
 * price, so a try whose approximate end is further than 1e-9 from the logged price cannot match —
 * unless it took a different branch than the exact loop would: a step that (nearly) just reaches
 * its target, or a liquidity (nearly) at zero. Those close calls are flagged, and the exact walk
 * then decides. Only "cannot match" is ever concluded here; a match is always the exact walk's.
 */
import { getSqrtRatioAtTick, nextTick } from './swap-walk.ts';
import type { State } from './swap-walk.ts';

const Q96 = 2 ** 96;
const PRICE = new Map<number, number>();
function priceAt(t: number): number {
  let p = PRICE.get(t);
  if (p === undefined) PRICE.set(t, (p = Number(getSqrtRatioAtTick(t)) / Q96));
  return p;
}

/** Token0 and token1 between two sqrt prices at liquidity L (SqrtPriceMath's amounts, unrounded). */
const a0 = (L: number, lo: number, hi: number): number => (L * (hi - lo)) / (lo * hi);
const a1 = (L: number, lo: number, hi: number): number => L * (hi - lo);

/** Relative distance under which two quantities are a close call (the exact branch may differ). */
const CLOSE = 1e-9;
const close = (a: number, b: number): boolean => Math.abs(a - b) <= CLOSE * Math.max(Math.abs(a), Math.abs(b)) + 4;

/** Where the loop in doubles ends: sqrt price (X96 scale), token paid; `close` if a branch was a close call. */
export interface ApproxEnd {
  sqrtP: number;
  paid: number;
  close: boolean;
  /** Stopped once past `stopBeyond` (the rest of the walk not taken). */
  past: boolean;
}

/** `run` of swap-walk.ts in doubles (same arguments); `stopBeyond` as there. */
export function approxRun(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, extra: ReadonlyMap<number, bigint> | undefined, stopBeyond?: bigint): ApproxEnd {
  const exactIn = amountSpecified > 0n;
  const fee = feePips / 1e6;
  const stop = stopBeyond === undefined ? undefined : Number(stopBeyond) / Q96;
  const lim = Number(limit) / Q96;
  let P = Number(s.sqrtP) / Q96;
  let L = Number(s.liquidity);
  let rem = Number(amountSpecified);
  let paid = 0;
  let bound = s.tick;
  let inclusive = zeroForOne;
  for (let guard = 0; guard < 10_000; guard++) {
    if (rem === 0) break;
    // The next initialized tick in the direction of the move, as `run` finds it.
    const t = nextTick(nets, extra, bound, inclusive, zeroForOne, limit);
    const target = t === undefined ? lim : priceAt(t);
    if (L < 0) break;
    if (close(L, 0)) return { sqrtP: P * Q96, paid, close: true, past: false };
    // One step (SwapMath.computeSwapStep), amounts in token units.
    let next: number;
    let reached: boolean;
    if (exactIn) {
      const lessFee = rem * (1 - fee);
      const toTarget = zeroForOne ? a0(L, target, P) : a1(L, P, target);
      if (close(lessFee, toTarget)) return { sqrtP: P * Q96, paid, close: true, past: false };
      reached = lessFee >= toTarget;
      next = reached ? target : zeroForOne ? (L * P) / (L + lessFee * P) : P + lessFee / L;
    } else {
      const out = -rem;
      const toTarget = zeroForOne ? a1(L, target, P) : a0(L, P, target);
      if (close(out, toTarget)) return { sqrtP: P * Q96, paid, close: true, past: false };
      reached = out >= toTarget;
      // Near draining the range the subtraction cancels: a close call.
      if (zeroForOne ? out / L > 0.999 * P : out * P > 0.999 * L) return { sqrtP: P * Q96, paid, close: true, past: false };
      next = reached ? target : zeroForOne ? P - out / L : (L * P) / (L - out * P);
      if (!(next > 0) || !Number.isFinite(next)) return { sqrtP: P * Q96, paid, close: true, past: false };
    }
    const amountIn = zeroForOne ? a0(L, next, P) : a1(L, P, next);
    let amountOut = zeroForOne ? a1(L, next, P) : a0(L, P, next);
    if (!exactIn && amountOut > -rem) amountOut = -rem;
    const feeAmount = exactIn && !reached ? rem - amountIn : (amountIn * fee) / (1 - fee);
    paid += amountIn + feeAmount;
    rem = exactIn ? rem - (amountIn + feeAmount) : rem + amountOut;
    P = next;
    if (!reached || t === undefined) break;
    if (stop !== undefined && (zeroForOne ? P < stop * (1 - CLOSE) : P > stop * (1 + CLOSE))) return { sqrtP: P * Q96, paid, close: false, past: true };
    const net = Number((nets.get(t) ?? 0n) + (extra?.get(t) ?? 0n));
    L = zeroForOne ? L - net : L + net;
    bound = t;
    inclusive = false;
  }
  return { sqrtP: P * Q96, paid, close: false, past: false };
}

/**
 * False only when the exact walk (swap-walk.ts `run`, same arguments) certainly does not end at
 * `wantSqrtP`; true when it may.
 */
export function mayEndAt(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, extra: ReadonlyMap<number, bigint> | undefined, wantSqrtP: bigint): boolean {
  const r = approxRun(s, zeroForOne, amountSpecified, limit, feePips, nets, extra, wantSqrtP);
  if (r.close) return true;
  // Past the logged price: the exact walk cannot come back to it either.
  if (r.past) return false;
  const want = Number(wantSqrtP);
  return Math.abs(r.sqrtP - want) <= CLOSE * want;
}
