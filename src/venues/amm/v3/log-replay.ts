/**
 * Replay a real Uniswap v3 pool's day of events through the bit-exact swap math and check every
 * swap against its log. For each swap, start from the pool state after the previous event
 * (sqrtPriceX96, tick, liquidity as logged) and apply the swap's input:
 *  - If the pool's liquidity is unchanged by the swap, no initialized tick with net liquidity was
 *    crossed: one `computeSwapStep` towards the price limit must give the logged sqrtPriceX96 and
 *    amounts exactly ("exact"). Exact-input swaps are tried first, then exact-output (routers do
 *    both; the log only shows the amounts).
 *  - If the liquidity changed, a tick was crossed whose liquidityNet is unknown (no snapshot of
 *    initialized ticks at the start of the day). Each tick on the spacing between the two prices
 *    is tried as the one crossed, with liquidityNet = the logged change: when exactly one
 *    candidate reproduces the log exactly, the swap is "inferred" and the tick's liquidityNet
 *    learnt. Otherwise (several ticks crossed, or none fits) it is "unexplained".
 * Mints and burns change the pool's liquidity by their amount when the current tick is in their
 * range (lower ≤ tick < upper), not otherwise; the model applies them itself (a Mint/Burn log
 * does not carry the pool's liquidity, and the decoded file's column only repeats the last
 * swap's), so the next swap's logged liquidity checks them. A swap that stops at its price limit
 * ("limit") pays what reaching that price costs: one step to the logged price must give its amounts.
 */
import { computeSwapStep } from './swap-math.ts';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.ts';

export interface ReplayEvent {
  line: number;
  kind: 'swap' | 'mint' | 'burn' | 'collect';
  amount0: bigint;
  amount1: bigint;
  sqrtPriceX96?: bigint;
  tick?: number;
  poolLiquidity?: bigint;
  tickLower?: number;
  tickUpper?: number;
  liquidityDelta?: bigint;
}

export type SwapVerdict = 'first' | 'exact' | 'inferred' | 'unexplained';

export interface SwapCheck {
  line: number;
  verdict: SwapVerdict;
  mode?: 'exactIn' | 'exactOut' | 'limit';
  /** The tick inferred as crossed and its liquidityNet (for inferred swaps). */
  tick?: number;
  liquidityNet?: bigint;
  /** Our model's output against the log (unexplained swaps). */
  modelSqrtPriceX96?: bigint;
}

export interface ReplayReport {
  swaps: SwapCheck[];
  counts: Record<SwapVerdict, number>;
  /** Mints and burns applied to the pool's liquidity (in range) or not (out of range). */
  liquidityEventsInRange: number;
  liquidityEventsOutOfRange: number;
  /** liquidityNet per tick learnt from crossings (the day's pre-existing ranges). */
  inferredTicks: Map<number, bigint>;
}

interface State {
  sqrtP: bigint;
  tick: number;
  liquidity: bigint;
}

interface Want {
  sqrtP: bigint;
  amount0: bigint;
  amount1: bigint;
  liquidity: bigint;
}

/**
 * The pool's swap loop over the initialized ticks we know (`nets`, plus one guessed tick): step to
 * the next tick's price, cross it (liquidity ∓ its net), go on until the amount is used up or the
 * price limit is reached. True when the result is the logged one to the unit.
 */
function walk(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, want: Want, guess?: { tick: number; net: bigint }): boolean {
  const ticks = [...nets.keys()];
  if (guess) ticks.push(guess.tick);
  // Ticks in the direction of the move, nearest first; moving down from exactly a tick's price crosses it.
  const path = ticks
    .filter((t) => (zeroForOne ? t <= s.tick && getSqrtRatioAtTick(t) > limit : t > s.tick && getSqrtRatioAtTick(t) < limit))
    .sort((a, b) => (zeroForOne ? b - a : a - b));
  const exactIn = amountSpecified > 0n;
  let sqrtP = s.sqrtP;
  let L = s.liquidity;
  let remaining = amountSpecified;
  let paid = 0n;
  let received = 0n;
  for (let k = 0; remaining !== 0n; k++) {
    const t = path[k];
    const target = t === undefined ? limit : getSqrtRatioAtTick(t);
    const st = computeSwapStep(sqrtP, target, L, remaining, feePips);
    paid += st.amountIn + st.feeAmount;
    received += st.amountOut;
    remaining = exactIn ? remaining - (st.amountIn + st.feeAmount) : remaining + st.amountOut;
    sqrtP = st.sqrtRatioNextX96;
    if (sqrtP !== target || t === undefined) break;
    const net = guess && t === guess.tick ? guess.net + (nets.get(t) ?? 0n) : nets.get(t)!;
    L = zeroForOne ? L - net : L + net;
  }
  return L === want.liquidity && matches(sqrtP, paid, received, zeroForOne, want);
}

function matches(sqrtP: bigint, paid: bigint, received: bigint, zeroForOne: boolean, want: { sqrtP: bigint; amount0: bigint; amount1: bigint }): boolean {
  const in_ = zeroForOne ? want.amount0 : want.amount1;
  const out = zeroForOne ? -want.amount1 : -want.amount0;
  return sqrtP === want.sqrtP && paid === in_ && received === out;
}

/** The modes a logged swap may have run in: exact input, exact output, or stopped at its price limit. */
function modes(zeroForOne: boolean, want: Want): { mode: 'exactIn' | 'exactOut' | 'limit'; amount: bigint; limit: bigint }[] {
  const far = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  const amountIn = zeroForOne ? want.amount0 : want.amount1;
  const amountOut = zeroForOne ? -want.amount1 : -want.amount0;
  return [
    { mode: 'exactIn', amount: amountIn, limit: far },
    { mode: 'exactOut', amount: -amountOut, limit: far },
    { mode: 'limit', amount: 1n << 200n, limit: want.sqrtP },
  ];
}

export function replayV3Day(events: readonly ReplayEvent[], opts: { feePips: number; tickSpacing: number }): ReplayReport {
  const report: ReplayReport = { swaps: [], counts: { first: 0, exact: 0, inferred: 0, unexplained: 0 }, liquidityEventsInRange: 0, liquidityEventsOutOfRange: 0, inferredTicks: new Map() };
  /** liquidityNet of the initialized ticks learnt so far (kept current through the day's mints and burns). */
  const nets = report.inferredTicks;
  let s: State | undefined;
  for (const e of events) {
    if (e.kind === 'mint' || e.kind === 'burn') {
      if (s && e.tickLower !== undefined && e.tickUpper !== undefined && e.liquidityDelta !== undefined) {
        const d = e.kind === 'mint' ? e.liquidityDelta : -e.liquidityDelta;
        if (nets.has(e.tickLower)) nets.set(e.tickLower, nets.get(e.tickLower)! + d);
        if (nets.has(e.tickUpper)) nets.set(e.tickUpper, nets.get(e.tickUpper)! - d);
        if (e.tickLower <= s.tick && s.tick < e.tickUpper) {
          report.liquidityEventsInRange++;
          s = { ...s, liquidity: s.liquidity + d };
        } else report.liquidityEventsOutOfRange++;
      }
      continue;
    }
    if (e.kind !== 'swap' || e.sqrtPriceX96 === undefined || e.tick === undefined || e.poolLiquidity === undefined) continue;
    const after: State = { sqrtP: e.sqrtPriceX96, tick: e.tick, liquidity: e.poolLiquidity };
    if (!s) {
      report.swaps.push({ line: e.line, verdict: 'first' });
      report.counts.first++;
      s = after;
      continue;
    }
    const zeroForOne = e.amount0 > 0n;
    const want: Want = { sqrtP: e.sqrtPriceX96, amount0: e.amount0, amount1: e.amount1, liquidity: e.poolLiquidity };
    let check: SwapCheck | undefined;
    // 1. The ticks we know explain it.
    for (const m of modes(zeroForOne, want)) {
      if (walk(s, zeroForOne, m.amount, m.limit, opts.feePips, nets, want)) {
        check = { line: e.line, verdict: 'exact', mode: m.mode };
        break;
      }
    }
    // 2. One more initialized tick between the two prices, its net the liquidity left unexplained.
    if (!check) {
      const lo = Math.min(s.tick, after.tick);
      const hi = Math.max(s.tick, after.tick);
      const sp = opts.tickSpacing;
      const found: SwapCheck[] = [];
      for (let t = Math.ceil(lo / sp) * sp; t <= hi + sp && found.length < 2; t += sp) {
        const sqrtT = getSqrtRatioAtTick(t);
        if (zeroForOne ? !(sqrtT <= s.sqrtP && sqrtT >= after.sqrtP && t <= s.tick) : !(sqrtT > s.sqrtP && sqrtT <= after.sqrtP)) continue;
        // The net that makes the final liquidity right, given the known ticks crossed.
        let known = 0n;
        for (const [kt, kn] of nets) if (kt !== t && (zeroForOne ? kt <= s.tick && getSqrtRatioAtTick(kt) >= after.sqrtP : kt > s.tick && getSqrtRatioAtTick(kt) <= after.sqrtP)) known += kn;
        const total = zeroForOne ? s.liquidity - after.liquidity : after.liquidity - s.liquidity;
        const net = total - known;
        if (net === 0n) continue;
        for (const m of modes(zeroForOne, want)) {
          if (walk(s, zeroForOne, m.amount, m.limit, opts.feePips, nets, want, { tick: t, net })) {
            found.push({ line: e.line, verdict: 'inferred', mode: m.mode, tick: t, liquidityNet: net + (nets.get(t) ?? 0n) });
            break;
          }
        }
      }
      if (found.length === 1) {
        check = found[0]!;
        nets.set(check.tick!, check.liquidityNet!);
      }
    }
    if (!check) {
      const st = computeSwapStep(s.sqrtP, zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n, s.liquidity, zeroForOne ? e.amount0 : e.amount1, opts.feePips);
      check = { line: e.line, verdict: 'unexplained', modelSqrtPriceX96: st.sqrtRatioNextX96 };
    }
    report.swaps.push(check);
    report.counts[check.verdict]++;
    // The log's own state is the start of the next check.
    s = after;
  }
  return report;
}
