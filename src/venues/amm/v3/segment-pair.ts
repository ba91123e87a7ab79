/**
 * Two adjacent segments no swap of the day ended in, solved for from every swap that crossed
 * both whole.
 *
 * A swap that enters and leaves a segment exchanges there exactly what the segment's liquidity
 * and its two tick prices give (SqrtPriceMath's amounts, rounded up for what the pool takes and
 * down for what it pays, plus the fee rounded up on the amount in) — the same for every swap
 * in the same direction, whatever it was doing before and after. So each such swap, with the
 * rest of its path known (the segments other swaps ended in, its start and its end price),
 * says what the two unknown segments together took in and paid out. Several swaps through the
 * same two segments say it several times, in both directions: up swaps round the token0 they
 * get down, down swaps round the token0 they pay up, and so on — one swap alone is met by a
 * whole line of liquidity pairs, the up and the down swaps together by a narrow set of them,
 * which one swap's search (segment-liquidity.ts) rarely stumbles on. Here the pair is searched
 * for against all of them at once: the token whose amount per unit of liquidity is large (the
 * fine one) pins the second liquidity given the first; the other token, summed along that line,
 * moves by a unit per ~10^10 of the first, so the window of first liquidities where it can match
 * the logs is found (by interpolation) and sampled across at an odd stride, each sample checked
 * against every constraint to the unit (their rounding changes from one liquidity to the next).
 */
import { mulDivRoundingUp } from './full-math.ts';
import { firstReaching } from './monotone-search.ts';
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput } from './sqrt-price-math.ts';
import type { State, Want } from './swap-walk.ts';
import { getSqrtRatioAtTick } from './swap-walk.ts';

/** Inclusive range of an amount. */
export interface Range {
  lo: bigint;
  hi: bigint;
}

/** What the two unknown segments took in (fee included) and paid out in one swap, under one mode. */
export interface Through {
  zeroForOne: boolean;
  in: Range;
  out: Range;
  /** Liquidity added to each unknown segment since the pair's reference moment (mints − burns). */
  shiftA: bigint;
  shiftB: bigint;
}

/** One swap's constraint: any one of its modes (or zero-net tick choices) may hold. */
export type Constraint = Through[];

const fee = (amountIn: bigint, feePips: bigint): bigint => mulDivRoundingUp(amountIn, feePips, 1_000_000n - feePips);

/**
 * What a swap that crosses segments `path[u]` and `path[u + 1]` whole exchanged in them, from the
 * rest of its path: `Ls[k]` the liquidity of path segment k (ignored at u, u + 1), `initialized`
 * per boundary k (between path segments k − 1 and k) whether the swap stepped there. One entry
 * per mode the swap may have run in (exact input, exact output, stopped at its limit); none if
 * the known part already contradicts the log.
 */
export function throughPair(s: State, want: Want, zeroForOne: boolean, feePips: number, spacing: number, path: readonly number[], Ls: readonly bigint[], initialized: readonly boolean[], u: number): Through[] {
  const last = path.length - 1;
  if (u < 1 || u + 1 >= last) return [];
  const fp = BigInt(feePips);
  const amountIn = zeroForOne ? want.amount0 : want.amount1;
  const amountOut = zeroForOne ? -want.amount1 : -want.amount0;
  // Boundary k's price (between path segments k − 1 and k).
  const boundary = (k: number): bigint => getSqrtRatioAtTick(zeroForOne ? path[k - 1]! * spacing : path[k]! * spacing);
  const inOf = (a: bigint, b: bigint, L: bigint): bigint => (zeroForOne ? getAmount0Delta(a, b, L, true) : getAmount1Delta(a, b, L, true));
  const outOf = (a: bigint, b: bigint, L: bigint): bigint => (zeroForOne ? getAmount1Delta(a, b, L, false) : getAmount0Delta(a, b, L, false));
  let inKnown = 0n;
  let outKnown = 0n;
  // Known full steps: from the start price to each initialized boundary, skipping the pair.
  let cur = s.sqrtP;
  let L = Ls[0]!;
  for (let k = 1; k <= last; k++) {
    if (k === u + 1 || k === u + 2) {
      // Entering the pair's second segment / leaving the pair: the pair's own steps, not counted here.
      cur = boundary(k);
      L = Ls[k]!;
      continue;
    }
    // The step into the pair ends at its boundary whatever the neighbours' liquidity.
    if (!initialized[k] && k !== u) continue;
    const next = boundary(k);
    const a = inOf(cur, next, L);
    inKnown += a + fee(a, fp);
    outKnown += outOf(cur, next, L);
    cur = next;
    L = Ls[k]!;
  }
  // The final step, from `cur` to the logged price in the last segment (liquidity L).
  const end = want.sqrtP;
  const finalIn = inOf(cur, end, L);
  const finalOut = outOf(cur, end, L);
  const outs: Through[] = [];
  const push = (inR: Range, outR: Range): void => {
    if (inR.lo > inR.hi || outR.lo > outR.hi || inR.hi < 0n || outR.hi < 0n) return;
    outs.push({ zeroForOne, in: inR, out: outR, shiftA: 0n, shiftB: 0n });
  };
  // Exact input: the last step's input less fee is what moves the price to the logged one.
  {
    const price = (x: bigint): bigint => getNextSqrtPriceFromInput(cur, L, x, zeroForOne);
    const span = rangeWhere(price, end, zeroForOne ? -1 : 1, finalIn);
    if (span) {
      const d = 1_000_000n - fp;
      const rLo = (span.lo * 1_000_000n + d - 1n) / d;
      const rHi = ((span.hi + 1n) * 1_000_000n - 1n) / d;
      // R left for the last step: mulDiv(R, 1e6 − fee, 1e6) within the span.
      push({ lo: amountIn - inKnown - rHi, hi: amountIn - inKnown - rLo }, { lo: amountOut - outKnown - finalOut, hi: amountOut - outKnown - finalOut });
    }
  }
  // Exact output: the last step's output is what moves the price to the logged one.
  {
    const price = (x: bigint): bigint => getNextSqrtPriceFromOutput(cur, L, x, zeroForOne);
    const span = rangeWhere(price, end, zeroForOne ? -1 : 1, finalOut);
    if (span) push({ lo: amountIn - inKnown - finalIn - fee(finalIn, fp), hi: amountIn - inKnown - finalIn - fee(finalIn, fp) }, { lo: amountOut - outKnown - span.hi, hi: amountOut - outKnown - span.lo });
  }
  // Stopped at its price limit: the last step is a whole step to the logged price.
  push({ lo: amountIn - inKnown - finalIn - fee(finalIn, fp), hi: amountIn - inKnown - finalIn - fee(finalIn, fp) }, { lo: amountOut - outKnown - finalOut, hi: amountOut - outKnown - finalOut });
  return outs;
}

/**
 * The amounts x ≥ 0 (near `hint`) for which a monotone price function hits `target` exactly;
 * `dir` +1 when the price rises with x.
 */
function rangeWhere(price: (x: bigint) => bigint, target: bigint, dir: 1 | -1, hint: bigint): Range | undefined {
  const safe = (x: bigint): bigint | undefined => {
    try {
      return price(x);
    } catch {
      return undefined;
    }
  };
  // The first x whose price reaches the target (or goes beyond it), then the first beyond it.
  const first = (beyond: boolean): bigint => {
    let lo = 0n;
    let hi = hint > 0n ? hint * 2n + 16n : 16n;
    const past = (x: bigint): boolean => {
      const p = safe(x);
      if (p === undefined) return true;
      return dir > 0 ? (beyond ? p > target : p >= target) : beyond ? p < target : p <= target;
    };
    while (!past(hi)) hi *= 2n;
    if (past(lo)) return lo;
    while (hi - lo > 1n) {
      const m = (lo + hi) / 2n;
      if (past(m)) hi = m;
      else lo = m;
    }
    return hi;
  };
  const lo = first(false);
  if (safe(lo) !== target) return undefined;
  return { lo, hi: first(true) - 1n };
}

/** Tick prices of the pair: [a0, a1) is segment A, [a1, a2) segment B. */
export interface PairTicks {
  a0: bigint;
  a1: bigint;
  a2: bigint;
}

/** The two segments' part of a swap at liquidities LA, LB: in (fee included) and out. */
function amounts(t: PairTicks, LA: bigint, LB: bigint, zeroForOne: boolean, fp: bigint): { in: bigint; out: bigint } {
  if (zeroForOne) {
    const a = getAmount0Delta(t.a0, t.a1, LA, true);
    const b = getAmount0Delta(t.a1, t.a2, LB, true);
    return { in: a + fee(a, fp) + b + fee(b, fp), out: getAmount1Delta(t.a0, t.a1, LA, false) + getAmount1Delta(t.a1, t.a2, LB, false) };
  }
  const a = getAmount1Delta(t.a0, t.a1, LA, true);
  const b = getAmount1Delta(t.a1, t.a2, LB, true);
  return { in: a + fee(a, fp) + b + fee(b, fp), out: getAmount0Delta(t.a0, t.a1, LA, false) + getAmount0Delta(t.a1, t.a2, LB, false) };
}

const within = (x: bigint, r: Range): boolean => r.lo <= x && x <= r.hi;

/** Whether liquidities LA, LB (at the reference moment) meet every constraint to the unit. */
export function meets(t: PairTicks, LA: bigint, LB: bigint, constraints: readonly Constraint[], feePips: number): boolean {
  return holds(t, LA, LB, constraints, BigInt(feePips));
}

function holds(t: PairTicks, LA: bigint, LB: bigint, constraints: readonly Constraint[], fp: bigint): boolean {
  for (const c of constraints) {
    let any = false;
    for (const th of c) {
      const la = LA + th.shiftA;
      const lb = LB + th.shiftB;
      if (la < 0n || lb < 0n) continue;
      const a = amounts(t, la, lb, th.zeroForOne, fp);
      if (within(a.in, th.in) && within(a.out, th.out)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

/** First liquidities tried across the window where the coarse amounts can hold. */
const SAMPLES = 20_000;

/** A pair (LA, LB) at the reference moment meeting every constraint to the unit, or undefined. */
export function solvePair(t: PairTicks, constraints: readonly Constraint[], feePips: number, maxL: bigint): { LA: bigint; LB: bigint } | undefined {
  const fp = BigInt(feePips);
  if (constraints.length === 0) return undefined;
  // The fine token: the one a unit of liquidity buys more of across segment A.
  const unit = 1n << 64n;
  const per0 = getAmount0Delta(t.a0, t.a1, unit, false);
  const per1 = getAmount1Delta(t.a0, t.a1, unit, false);
  const fineIsOne = per1 >= per0;
  // A swap's amount in the fine / coarse token (what it paid or received of it).
  const fineOf = (th: Through): { r: Range; paid: boolean } => (th.zeroForOne === fineIsOne ? { r: th.out, paid: false } : { r: th.in, paid: true });
  const coarseOf = (th: Through): { r: Range; paid: boolean } => (th.zeroForOne === fineIsOne ? { r: th.in, paid: true } : { r: th.out, paid: false });
  // The crossing comes from one swap (the one with fewest modes that fit its log): whichever of
  // its modes is the true one, the pair meets that mode's coarse amount. The line from a swap
  // that received the fine token if there is one (its amount has no fee: LB follows from LA in
  // closed form), else from the same swap.
  const byModes = [...constraints].sort((x, y) => x.length - y.length);
  const anchor = byModes[0]!;
  const lines = byModes.find((c) => c.every((th) => !fineOf(th).paid)) ?? anchor;
  for (const line of lines) {
    for (const cross of anchor) {
      const found = along(t, line, cross, constraints, fp, fineOf, coarseOf, maxL);
      if (found) return found;
    }
  }
  return undefined;
}

function along(
  t: PairTicks,
  line: Through,
  cross: Through,
  constraints: readonly Constraint[],
  fp: bigint,
  fineOf: (th: Through) => { r: Range; paid: boolean },
  coarseOf: (th: Through) => { r: Range; paid: boolean },
  maxL: bigint,
): { LA: bigint; LB: bigint } | undefined {
  const fine = fineOf(line);
  const fineAmount = (la: bigint, lb: bigint): bigint => {
    const a = amounts(t, la + line.shiftA, lb + line.shiftB, line.zeroForOne, fp);
    return fine.paid ? a.in : a.out;
  };
  // LB may not take segment B's liquidity below zero at the line's moment.
  const lbMin = -line.shiftB > 0n ? -line.shiftB : 0n;
  // Received (no fee), the fine amount of a segment is floor(L·n/d): token1 L·Δ√P/2^96, token0
  // L·2^96·Δ√P/(√Pa·√Pb) (SqrtPriceMath's two floors make one). The first LB reaching a goal
  // then follows from LA in closed form.
  const token1 = fine.paid ? !line.zeroForOne : line.zeroForOne;
  const nB = token1 ? t.a2 - t.a1 : (t.a2 - t.a1) << 96n;
  const dB = token1 ? 1n << 96n : t.a1 * t.a2;
  const fineA = (la: bigint): bigint => (token1 ? getAmount1Delta(t.a0, t.a1, la, false) : getAmount0Delta(t.a0, t.a1, la, false));
  const closedForm = (la: bigint, goal: bigint): bigint => {
    const needB = goal - (la + line.shiftA > 0n ? fineA(la + line.shiftA) : 0n);
    const lb = (needB > 0n ? (needB * dB + nB - 1n) / nB : 0n) - line.shiftB;
    return lb < lbMin ? lbMin : lb > maxL ? maxL + 1n : lb;
  };
  // Paid (fee included): segment B's amount per 2^64 of liquidity gives a first guess of LB, bracketed, then searched.
  const perB = fineAmount(0n, 1n << 64n) - fineAmount(0n, 0n);
  // The first LB at which the line's fine amount reaches `goal` at LA (it grows with LB).
  const firstAtLeast = (la: bigint, goal: bigint): bigint => {
    if (!fine.paid) return closedForm(la, goal);
    const floor = lbMin;
    let lo = floor;
    let hi = maxL;
    if (perB > 0n) {
      const have = fineAmount(la, floor);
      let guess = have >= goal ? floor : floor + ((goal - have) << 64n) / perB;
      if (guess > maxL) guess = maxL;
      for (let w = 16n; w < maxL; w <<= 4n) {
        const l = guess - w > floor ? guess - w : floor;
        const h = guess + w < maxL ? guess + w : maxL;
        if ((l === floor || fineAmount(la, l) < goal) && fineAmount(la, h) >= goal) {
          lo = l;
          hi = h;
          break;
        }
      }
    }
    return firstReaching((lb) => fineAmount(la, lb), lo, hi, goal);
  };
  // The LB values meeting the fine amount exactly at LA; undefined if it jumps over it there.
  const lbFor = (la: bigint): Range | undefined => {
    const lo = firstAtLeast(la, fine.r.lo);
    const hi = firstAtLeast(la, fine.r.hi + 1n) - 1n;
    return lo <= hi ? { lo, hi } : undefined;
  };
  const coarse = coarseOf(cross);
  // The cross swap's coarse amount along the line (LB where the fine amount first reaches its
  // goal: the line to within one unit of LB, which moves the coarse amount by ~10^-8).
  const coarseAt = (la: bigint): bigint => {
    const lb = firstAtLeast(la, fine.r.lo);
    const a = amounts(t, la + cross.shiftA, lb + cross.shiftB, cross.zeroForOne, fp);
    return coarse.paid ? a.in : a.out;
  };
  // The LA values with a line point at all: from where the fine amount can be reached with the
  // largest LB to where LB = 0 already reaches it.
  const laMin = -line.shiftA > 0n ? -line.shiftA : 0n;
  let laLo = laMin;
  let laHi = maxL;
  {
    const atMax = (la: bigint): bigint => fineAmount(la, maxL);
    if (atMax(maxL) < fine.r.lo) return undefined;
    if (atMax(laLo) < fine.r.lo) laLo = firstReaching(atMax, laLo, maxL, fine.r.lo);
    const atMin = (la: bigint): bigint => fineAmount(la, lbMin);
    if (atMin(laLo) > fine.r.hi) return undefined;
    if (atMin(laHi) > fine.r.hi) laHi = firstReaching(atMin, laLo, maxL, fine.r.hi + 1n) - 1n;
  }
  // The coarse amount along the line crosses its logged lower bound at a; the window runs from
  // there to where it is past its logged range by more than the two segments' rounding (c or d).
  const vLo = coarseAt(laLo);
  const vHi = coarseAt(laHi);
  const rising = vHi >= vLo;
  const goal = coarse.r.lo;
  if (rising ? !(vLo <= goal + 2n && goal <= vHi + 2n) : !(vHi <= goal + 2n && goal <= vLo + 2n)) return undefined;
  // Rising: a is the last LA below the goal; falling: the last at or above it (as a halving would leave it).
  const up = (la: bigint): bigint => (rising ? coarseAt(la) : -coarseAt(la));
  const a = rising ? (vLo >= goal ? laLo : firstReaching(up, laLo, laHi, goal) - 1n) : vHi >= goal ? laHi - 1n : firstReaching(up, laLo, laHi, 1n - goal) - 1n;
  // Across the window, each constraint's rounding holds for some LA and not others (the
  // fractional parts turn every ~10^7 units): LA is sampled across the whole window at an odd
  // stride, not stepped from one end (the LA meeting every constraint lie in a part of it a unit
  // or two of the coarse token away from the crossing — 10^10 steps).
  const beyond = coarse.r.hi + 3n;
  let c = a;
  let d = laHi;
  if (rising ? coarseAt(d) >= beyond : coarseAt(laLo) >= beyond) {
    if (rising) d = firstReaching(up, a, laHi, beyond);
    else {
      c = firstReaching(up, laLo, a, 1n - beyond) - 1n;
      d = a;
    }
  }
  const [from, to] = rising ? [a, d] : [c, a + 1n];
  const width = to - from;
  let stride = width / BigInt(SAMPLES);
  if (stride < 1n) stride = 1n;
  if (stride % 2n === 0n) stride += 1n;
  for (let la = from; la <= to; la += stride) {
    const r = lbFor(la);
    if (!r) continue;
    for (let lb = r.lo; lb <= r.hi; lb++) if (holds(t, la, lb, constraints, fp)) return { LA: la, LB: lb };
  }
  return undefined;
}
