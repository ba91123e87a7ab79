/**
 * The v3 pool's swap loop over a given set of initialized ticks and their liquidityNet, for
 * checking logged swaps against the exact math (log-replay.ts, segment-liquidity.ts): no bitmap,
 * no pool object — the replay tries many tick sets per swap.
 */
import { computeSwapStep } from './swap-math.ts';
import { getSqrtRatioAtTick as sqrtAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.ts';

/** TickMath.getSqrtRatioAtTick, memoized: the replay asks for the same few dozen ticks millions of times. */
const SQRT_CACHE = new Map<number, bigint>();
export function getSqrtRatioAtTick(t: number): bigint {
  let v = SQRT_CACHE.get(t);
  if (v === undefined) SQRT_CACHE.set(t, (v = sqrtAtTick(t)));
  return v;
}

export interface State {
  sqrtP: bigint;
  tick: number;
  liquidity: bigint;
}

export interface Want {
  sqrtP: bigint;
  amount0: bigint;
  amount1: bigint;
  liquidity: bigint;
}

/** The swap loop over the known ticks plus guessed extra nets per tick; the final state. */
/**
 * `stopBeyond`: a price the caller needs the walk to end at exactly — once a step has carried the
 * price past it the walk cannot end there (prices only move one way), so it stops early (a wrong
 * guess of the ticks crossed otherwise walks on through every tick until its amount is used up).
 */
export function run(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, extra?: ReadonlyMap<number, bigint>, stopBeyond?: bigint): { sqrtP: bigint; L: bigint; paid: bigint; received: bigint } {
  const exactIn = amountSpecified > 0n;
  let sqrtP = s.sqrtP;
  let L = s.liquidity;
  let remaining = amountSpecified;
  let paid = 0n;
  let received = 0n;
  // Ticks in the direction of the move, nearest first, found one at a time (most swaps cross
  // none: no list of the day's ticks is built and sorted per try). Moving down from exactly a
  // tick's price crosses it, so the first bound is inclusive going down.
  let bound = s.tick;
  let inclusive = zeroForOne;
  while (remaining !== 0n) {
    let t: number | undefined;
    for (const k of nets.keys()) {
      if (zeroForOne ? (inclusive ? k <= bound : k < bound) && (t === undefined || k > t) : k > bound && (t === undefined || k < t)) t = k;
    }
    if (extra) {
      for (const k of extra.keys()) {
        if (zeroForOne ? (inclusive ? k <= bound : k < bound) && (t === undefined || k > t) : k > bound && (t === undefined || k < t)) t = k;
      }
    }
    // Beyond the price limit: no further tick matters (sqrt price is monotonic in the tick).
    if (t !== undefined && (zeroForOne ? getSqrtRatioAtTick(t) <= limit : getSqrtRatioAtTick(t) >= limit)) t = undefined;
    const target = t === undefined ? limit : getSqrtRatioAtTick(t);
    if (L < 0n) break;
    const st = computeSwapStep(sqrtP, target, L, remaining, feePips);
    paid += st.amountIn + st.feeAmount;
    received += st.amountOut;
    remaining = exactIn ? remaining - (st.amountIn + st.feeAmount) : remaining + st.amountOut;
    sqrtP = st.sqrtRatioNextX96;
    if (sqrtP !== target || t === undefined) break;
    if (stopBeyond !== undefined && (zeroForOne ? sqrtP < stopBeyond : sqrtP > stopBeyond)) break;
    const net = (nets.get(t) ?? 0n) + (extra?.get(t) ?? 0n);
    L = zeroForOne ? L - net : L + net;
    bound = t;
    inclusive = false;
  }
  return { sqrtP, L, paid, received };
}

export function matches(sqrtP: bigint, paid: bigint, received: bigint, zeroForOne: boolean, want: { sqrtP: bigint; amount0: bigint; amount1: bigint }): boolean {
  const in_ = zeroForOne ? want.amount0 : want.amount1;
  const out = zeroForOne ? -want.amount1 : -want.amount0;
  return sqrtP === want.sqrtP && paid === in_ && received === out;
}

/** The modes a logged swap may have run in: exact input, exact output, or stopped at its price limit. */
export function modes(zeroForOne: boolean, want: Want): { mode: 'exactIn' | 'exactOut' | 'limit'; amount: bigint; limit: bigint }[] {
  const far = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  const amountIn = zeroForOne ? want.amount0 : want.amount1;
  const amountOut = zeroForOne ? -want.amount1 : -want.amount0;
  return [
    { mode: 'exactIn', amount: amountIn, limit: far },
    { mode: 'exactOut', amount: -amountOut, limit: far },
    { mode: 'limit', amount: 1n << 200n, limit: want.sqrtP },
  ];
}

