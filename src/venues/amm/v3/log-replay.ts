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
 *    learnt. Otherwise (several ticks crossed, or none fits) it is "unexplained" for now.
 *  - Later passes retry the unexplained swaps with the ticks the rest of the day revealed (each
 *    tick's net carried back or forward through the mints and burns at it), until nothing new is
 *    explained. What is still left is tried from the liquidity of every segment the swap crosses
 *    as the day's other swaps show it (segment-liquidity.ts: a swap's logged liquidity is the
 *    liquidity of the segment it ends in), solving for one segment no swap ended in; two such
 *    adjacent segments are solved for from every pending swap that crossed both (segment-pair.ts),
 *    and, last, from one swap alone.
 *  - A known tick crossed while the logged liquidity does not change is taken at net 0 (still
 *    initialized: the swap steps there) or as uninitialized (no step), whichever reproduces the log.
 * Mints and burns change the pool's liquidity by their amount when the current tick is in their
 * range (lower ≤ tick < upper), not otherwise; the model applies them itself (a Mint/Burn log
 * does not carry the pool's liquidity, and the decoded file's column only repeats the last
 * swap's), so the next swap's logged liquidity checks them. A swap that stops at its price limit
 * ("limit") pays what reaching that price costs: one step to the logged price must give its amounts.
 */
import { mayEndAt } from './approx-walk.ts';
import { MAX_UINT256, mulDiv } from './full-math.ts';
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput } from './sqrt-price-math.ts';
import { computeSwapStep } from './swap-math.ts';
import { SegmentLiquidity } from './segment-liquidity.ts';
import { getSqrtRatioAtTick, matches, modes, run, type State, type Want } from './swap-walk.ts';
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.ts';

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
  /** Known ticks the log shows were crossed with no liquidity change (their net is 0 from here on). */
  zeroed?: number[];
  /** …and they are not initialized at all (the swap does not step there). */
  cleared?: boolean;
  /**
   * Explained from the segments' liquidity (segment-liquidity.ts): the initialized ticks crossed
   * and their liquidityNet, and how many segments no swap of the day ended in were solved for.
   */
  segments?: Map<number, bigint>;
  solvedSegments?: number;
  /** The two unobserved segments it crosses were solved for from it and this many swaps through them together. */
  solvedJointlyWith?: number;
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
  /**
   * Segments [tickLower, tickLower + spacing) no swap of the day ended in, whose liquidity was
   * solved for: the value at the line of the swap it was solved at, and from how many swaps.
   */
  solvedSegments: { tickLower: number; line: number; liquidity: bigint; swaps: number }[];
}

/**
 * The pool's swap loop over the initialized ticks we know (`nets`, plus one guessed tick): step to
 * the next tick's price, cross it (liquidity ∓ its net), go on until the amount is used up or the
 * price limit is reached. True when the result is the logged one to the unit.
 */
function walk(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, want: Want, guess?: { tick: number; net: bigint }): boolean {
  const extra = guess ? new Map([[guess.tick, guess.net]]) : undefined;
  // Most guesses of an unknown tick fail, after walking on through several: the same loop in
  // doubles rules them out without the exact math (approx-walk.ts).
  if (extra && !mayEndAt(s, zeroForOne, amountSpecified, limit, feePips, nets, extra, want.sqrtP)) return false;
  const r = run(s, zeroForOne, amountSpecified, limit, feePips, nets, extra);
  return r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, zeroForOne, want);
}

/**
 * Whether a swap can only be one step under the known ticks (no known tick's price between its
 * start and logged end, ends included, and no liquidity change). For such a swap a mode can end
 * at the logged price only where one SqrtPriceMath call puts it (`oneStepMayEnd`: exact input
 * where its input less fee moves the price, exact output where its output does), so the full
 * step (four wide divisions) is walked only for a mode that can match.
 */
function oneStep(s: State, after: State, want: Want, zeroForOne: boolean, nets: ReadonlyMap<number, bigint>): boolean {
  if (want.liquidity !== s.liquidity || s.liquidity <= 0n) return false;
  const lo = zeroForOne ? want.sqrtP : s.sqrtP;
  const hi = zeroForOne ? s.sqrtP : want.sqrtP;
  // A tick's price is within [lo, hi] only if the tick is within the logged ticks of the two
  // prices (each the greatest tick at or below its price, or one less after a swap down that
  // ended exactly on a tick): compare ticks first, prices only then.
  const loTick = zeroForOne ? after.tick : s.tick;
  const hiTick = zeroForOne ? s.tick : after.tick;
  for (const t of nets.keys()) {
    if (t < loTick || t > hiTick + 1) continue;
    const p = getSqrtRatioAtTick(t);
    if (p >= lo && p <= hi) return false;
  }
  return true;
}

/**
 * For a one-step swap (`oneStep`) in exact output: whether it can end at the logged price (one
 * SqrtPriceMath call); exact input has its own full check (`oneStepExactIn`).
 */
function oneStepOutputMayEnd(s: State, want: Want, zeroForOne: boolean, amount: bigint): boolean {
  try {
    return getNextSqrtPriceFromOutput(s.sqrtP, s.liquidity, -amount, zeroForOne) === want.sqrtP;
  } catch {
    return true;
  }
}

/**
 * For a one-step swap (`oneStep` accepts it) in exact input: computeSwapStep's answer without
 * walking it (one wide division instead of five). The step ends at getNextSqrtPriceFromInput of
 * the input less fee unless that input reaches the step's target (the next initialized tick or
 * the far limit); it then takes the whole input (the fee is the remainder) and pays the output
 * between the two prices rounded down. The target needs no check: an input less fee at least
 * what reaching the target takes (rounded up) puts getNextSqrtPriceFromInput at or beyond the
 * target (it rounds the price towards the start by less than that rounding), so an end price
 * equal to the logged one, strictly before every known tick (`oneStep`), means the target was
 * not reached. Undefined on a SqrtPriceMath revert (the caller walks the step).
 */
export function oneStepExactIn(s: State, want: Want, zeroForOne: boolean, feePips: number, amount: bigint): boolean | undefined {
  const lessFee = mulDiv(amount, 1_000_000n - BigInt(feePips), 1_000_000n);
  // getNextSqrtPriceFromAmount0RoundingUp's overflow branch (input × price ≥ 2^256, some 10^28
  // units of token0) rounds differently, and the argument above does not cover it: walk it.
  if (zeroForOne && lessFee * s.sqrtP > MAX_UINT256) return undefined;
  let next: bigint;
  try {
    next = getNextSqrtPriceFromInput(s.sqrtP, s.liquidity, lessFee, zeroForOne);
  } catch {
    return undefined;
  }
  if (next !== want.sqrtP) return false;
  return zeroForOne
    ? getAmount1Delta(next, s.sqrtP, s.liquidity, false) === -want.amount1
    : getAmount0Delta(s.sqrtP, next, s.liquidity, false) === -want.amount0;
}

/** Try the known ticks, then one more unknown tick between the two prices; undefined when neither explains the swap. */
function explain(s: State, after: State, want: Want, zeroForOne: boolean, nets: ReadonlyMap<number, bigint>, line: number, opts: { feePips: number; tickSpacing: number }): SwapCheck | undefined {
  const single = oneStep(s, after, want, zeroForOne, nets);
  for (const m of modes(zeroForOne, want)) {
    if (single && m.mode === 'exactIn' && m.amount > 0n) {
      const v = oneStepExactIn(s, want, zeroForOne, opts.feePips, m.amount);
      if (v !== undefined) {
        if (v) return { line, verdict: 'exact', mode: m.mode };
        continue;
      }
    } else if (single && m.mode === 'exactOut' && !oneStepOutputMayEnd(s, want, zeroForOne, m.amount)) continue;
    if (walk(s, zeroForOne, m.amount, m.limit, opts.feePips, nets, want)) return { line, verdict: 'exact', mode: m.mode };
  }
  // Known ticks the move crosses: when the log's liquidity did not change, they may no longer be
  // initialized (a learnt net that was really two ranges', or ranges closed since) — try them at zero.
  const crossed = [...nets.keys()].filter((kt) => (zeroForOne ? kt <= s.tick && getSqrtRatioAtTick(kt) >= after.sqrtP : kt > s.tick && getSqrtRatioAtTick(kt) <= after.sqrtP));
  if (crossed.length > 0 && after.liquidity === s.liquidity) {
    // Initialized with a zero net (the swap still steps there: each step rounds), or not initialized at all.
    const extra = new Map(crossed.map((t) => [t, -nets.get(t)!]));
    const without = new Map([...nets].filter(([t]) => !crossed.includes(t)));
    for (const [known, add, cleared] of [[nets, extra, false], [without, undefined, true]] as const) {
      for (const m of modes(zeroForOne, want)) {
        const r = run(s, zeroForOne, m.amount, m.limit, opts.feePips, known, add);
        if (r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, zeroForOne, want)) return { line, verdict: 'inferred', mode: m.mode, zeroed: crossed, cleared };
      }
    }
  }
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
        found.push({ line, verdict: 'inferred', mode: m.mode, tick: t, liquidityNet: net + (nets.get(t) ?? 0n) });
        break;
      }
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

/**
 * `pairSearch: false` skips the costly last resort (two segments no swap ended in, solved for in
 * one swap: nested bisections and a scan — most of the day's replay time, for a handful of swaps).
 */
export function replayV3Day(events: readonly ReplayEvent[], opts: { feePips: number; tickSpacing: number; pairSearch?: boolean }): ReplayReport {
  const report: ReplayReport = { swaps: [], counts: { first: 0, exact: 0, inferred: 0, unexplained: 0 }, liquidityEventsInRange: 0, liquidityEventsOutOfRange: 0, inferredTicks: new Map(), solvedSegments: [] };
  /** liquidityNet of the initialized ticks learnt so far (kept current through the day's mints and burns). */
  const nets = report.inferredTicks;
  // For the second pass: when each tick was first learnt (event index, its net then), every
  // mint/burn's change to a tick's net, and the context of each swap left unexplained.
  const learnt = new Map<number, { at: number; net: bigint }>();
  const deltas = new Map<number, { at: number; d: bigint }[]>();
  const pending: { index: number; at: number; s: State; after: State; want: Want; zeroForOne: boolean; nets: Map<number, bigint>; triedSingle: number }[] = [];
  let s: State | undefined;
  for (let idx = 0; idx < events.length; idx++) {
    const e = events[idx]!;
    if (e.kind === 'mint' || e.kind === 'burn') {
      if (e.tickLower !== undefined && e.tickUpper !== undefined && e.liquidityDelta !== undefined) {
        const d0 = e.kind === 'mint' ? e.liquidityDelta : -e.liquidityDelta;
        for (const [t, x] of [[e.tickLower, d0], [e.tickUpper, -d0]] as const) deltas.set(t, [...(deltas.get(t) ?? []), { at: idx, d: x }]);
      }
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
    let check = explain(s, after, want, zeroForOne, nets, e.line, opts);
    for (const t of check?.zeroed ?? []) {
      if (check!.cleared) nets.delete(t);
      else nets.set(t, 0n);
    }
    if (check?.verdict === 'inferred' && check.tick !== undefined) {
      nets.set(check.tick, check.liquidityNet!);
      if (!learnt.has(check.tick)) learnt.set(check.tick, { at: idx, net: check.liquidityNet! });
    }
    if (!check) {
      const st = computeSwapStep(s.sqrtP, zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n, s.liquidity, zeroForOne ? e.amount0 : e.amount1, opts.feePips);
      check = { line: e.line, verdict: 'unexplained', modelSqrtPriceX96: st.sqrtRatioNextX96 };
      pending.push({ index: report.swaps.length, at: idx, s, after, want, zeroForOne, nets: new Map(nets), triedSingle: -1 });
    }
    report.swaps.push(check);
    report.counts[check.verdict]++;
    // The log's own state is the start of the next check.
    s = after;
  }
  // Further passes: a swap that crossed ticks learnt only later in the day (or learnt by an earlier
  // pass). A tick's net at any event is its net when learnt, moved by the mints and burns at it in
  // between (forwards or backwards). Repeated until a pass explains nothing new.
  const netAt = (t: number, at: number): bigint => {
    const l = learnt.get(t)!;
    let net = l.net;
    for (const x of deltas.get(t) ?? []) {
      if (at > l.at && x.at > l.at && x.at < at) net += x.d;
      else if (at < l.at && x.at > at && x.at < l.at) net -= x.d;
    }
    return net;
  };
  // Single unknown ticks first until nothing moves; the costlier two-tick search only then, and
  // again after anything it explains.
  // Single unknown ticks until nothing moves; then the segments' liquidity (segment-liquidity.ts)
  // for what is left — which may teach ticks that explain more single-tick swaps, and so on.
  const segments = new SegmentLiquidity(events, opts.tickSpacing, opts.pairSearch !== false);
  for (let progress = true; progress; ) {
    progress = false;
    for (let p = 0; p < pending.length; p++) {
      const u = pending[p]!;
      // The same search over the same learnt ticks gives the same answer: skip it (learnt only grows).
      if (u.triedSingle === learnt.size) continue;
      u.triedSingle = learnt.size;
      const aug = new Map(u.nets);
      for (const t of learnt.keys()) if (!aug.has(t)) aug.set(t, netAt(t, u.at));
      const c = explain(u.s, u.after, u.want, u.zeroForOne, aug, report.swaps[u.index]!.line, opts);
      if (!c) continue;
      pending.splice(p--, 1);
      progress = true;
      report.counts.unexplained--;
      report.counts.inferred++;
      // Explained with ticks the day revealed elsewhere: inferred either way; a newly learnt tick joins the others.
      report.swaps[u.index] = { ...c, verdict: 'inferred' };
      if (c.tick !== undefined && c.liquidityNet !== undefined && !learnt.has(c.tick)) {
        learnt.set(c.tick, { at: u.at, net: c.liquidityNet });
        if (!nets.has(c.tick)) nets.set(c.tick, netAt(c.tick, events.length));
      }
    }
    if (progress) continue;
    // In event order: a segment solved in one swap is an observation for the next. At most one
    // unknown segment per swap first; then two segments several swaps crossed, solved from all of
    // them at once (the next round's pass explains each of those swaps with the values found);
    // last, two unknowns in one swap alone (the costly search, skipped without pairSearch).
    const segmentPass = (two: boolean): void => {
      for (let p = 0; p < pending.length; p++) {
        const u = pending[p]!;
        const c = segments.explain(u, opts.feePips, pending, true, two);
        if (c === undefined || c === 'unknown') continue;
        pending.splice(p--, 1);
        progress = true;
        report.counts.unexplained--;
        report.counts.inferred++;
        report.swaps[u.index] = { line: report.swaps[u.index]!.line, verdict: 'inferred', mode: c.mode, segments: c.nets, solvedSegments: c.solvedSegments, ...(c.solvedJointlyWith === undefined ? {} : { solvedJointlyWith: c.solvedJointlyWith }) };
      }
    };
    segmentPass(false);
    if (progress) continue;
    if (segments.solvePairs(pending, opts.feePips)) {
      progress = true;
      continue;
    }
    if (opts.pairSearch !== false) segmentPass(true);
  }
  report.solvedSegments = segments.solved.map((x) => ({ tickLower: x.tickLower, line: events[x.at]!.line, liquidity: x.liquidity, swaps: x.swaps }));
  return report;
}
