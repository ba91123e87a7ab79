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

/**
 * The next initialized tick a swap meets from `bound` (inclusive going down from the start:
 * moving down from exactly a tick's price crosses it), among the known ticks and the guessed
 * extra ones; undefined when none lies before the price limit (sqrt price is monotonic in the
 * tick, so no further tick matters). No list of the day's ticks is built and sorted per try:
 * most swaps cross none.
 */
export function nextTick(nets: ReadonlyMap<number, bigint>, extra: ReadonlyMap<number, bigint> | undefined, bound: number, inclusive: boolean, zeroForOne: boolean, limit: bigint): number | undefined {
  let t = nearest(nets, undefined, bound, inclusive, zeroForOne);
  if (extra) t = nearest(extra, t, bound, inclusive, zeroForOne);
  if (t !== undefined && (zeroForOne ? getSqrtRatioAtTick(t) <= limit : getSqrtRatioAtTick(t) >= limit)) return undefined;
  return t;
}

/** The tick of `m` nearest beyond `bound` in the direction of the move, if nearer than `t`. */
function nearest(m: ReadonlyMap<number, bigint>, t: number | undefined, bound: number, inclusive: boolean, zeroForOne: boolean): number | undefined {
  for (const k of m.keys()) {
    if (zeroForOne ? (inclusive ? k <= bound : k < bound) && (t === undefined || k > t) : k > bound && (t === undefined || k < t)) t = k;
  }
  return t;
}

/** The swap loop over the known ticks plus guessed extra nets per tick; the final state. */
export function run(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, extra?: ReadonlyMap<number, bigint>): { sqrtP: bigint; L: bigint; paid: bigint; received: bigint } {
  const exactIn = amountSpecified > 0n;
  let sqrtP = s.sqrtP;
  let L = s.liquidity;
  let remaining = amountSpecified;
  let paid = 0n;
  let received = 0n;
  let bound = s.tick;
  let inclusive = zeroForOne;
  while (remaining !== 0n) {
    const t = nextTick(nets, extra, bound, inclusive, zeroForOne, limit);
    const target = t === undefined ? limit : getSqrtRatioAtTick(t);
    if (L < 0n) break;
    const st = computeSwapStep(sqrtP, target, L, remaining, feePips);
    paid += st.amountIn + st.feeAmount;
    received += st.amountOut;
    remaining = exactIn ? remaining - (st.amountIn + st.feeAmount) : remaining + st.amountOut;
    sqrtP = st.sqrtRatioNextX96;
    if (sqrtP !== target || t === undefined) break;
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

