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
 *    explained; they may also solve for two unknown ticks crossed in one swap (the liquidity
 *    between them found by bisection, then checked exactly).
 *  - A known tick crossed while the logged liquidity does not change is taken at net 0 (still
 *    initialized: the swap steps there) or as uninitialized (no step), whichever reproduces the log.
 * Mints and burns change the pool's liquidity by their amount when the current tick is in their
 * range (lower ≤ tick < upper), not otherwise; the model applies them itself (a Mint/Burn log
 * does not carry the pool's liquidity, and the decoded file's column only repeats the last
 * swap's), so the next swap's logged liquidity checks them. A swap that stops at its price limit
 * ("limit") pays what reaching that price costs: one step to the logged price must give its amounts.
 */
import { computeSwapStep } from './swap-math.ts';
import { getSqrtRatioAtTick as sqrtAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from './tick-math.ts';

/** TickMath.getSqrtRatioAtTick, memoized: the replay asks for the same few dozen ticks millions of times. */
const SQRT_CACHE = new Map<number, bigint>();
function getSqrtRatioAtTick(t: number): bigint {
  let v = SQRT_CACHE.get(t);
  if (v === undefined) SQRT_CACHE.set(t, (v = sqrtAtTick(t)));
  return v;
}

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
  /** When two unknown ticks were crossed: the second one and its liquidityNet. */
  secondTick?: number;
  secondNet?: bigint;
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
  const r = run(s, zeroForOne, amountSpecified, limit, feePips, nets, guess ? new Map([[guess.tick, guess.net]]) : undefined);
  return r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, zeroForOne, want);
}

/** The swap loop over the known ticks plus guessed extra nets per tick; the final state. */
function run(s: State, zeroForOne: boolean, amountSpecified: bigint, limit: bigint, feePips: number, nets: ReadonlyMap<number, bigint>, extra?: ReadonlyMap<number, bigint>): { sqrtP: bigint; L: bigint; paid: bigint; received: bigint } {
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
    for (const m of extra ? [nets, extra] : [nets]) {
      for (const k of m.keys()) {
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
    const net = (nets.get(t) ?? 0n) + (extra?.get(t) ?? 0n);
    L = zeroForOne ? L - net : L + net;
    bound = t;
    inclusive = false;
  }
  return { sqrtP, L, paid, received };
}

/**
 * Two unknown ticks t1 then t2 crossed in one swap, their nets summing to what the log's final
 * liquidity leaves unexplained: the liquidity between them is found by bisection on the final
 * price (or, for a swap stopped at its limit, on the amount paid), then checked exactly.
 */
function explainPair(s: State, after: State, want: Want, zeroForOne: boolean, nets: ReadonlyMap<number, bigint>, line: number, opts: { feePips: number; tickSpacing: number }, candidates: number[], total: bigint): SwapCheck | undefined {
  const found: SwapCheck[] = [];
  const ordered = [...candidates].sort((a, b) => (zeroForOne ? b - a : a - b));
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const t1 = ordered[i]!;
      const t2 = ordered[j]!;
      for (const m of modes(zeroForOne, want)) {
        // L between t1 and t2 is L0 ∓ net1; search net1 through that liquidity.
        const known1 = nets.get(t1) ?? 0n;
        const l0 = s.liquidity;
        const at = (mid: bigint) => {
          const net1 = zeroForOne ? l0 - known1 - mid : mid - l0 - known1;
          return { net1, r: run(s, zeroForOne, m.amount, m.limit, opts.feePips, nets, new Map([[t1, net1], [t2, total - net1]])) };
        };
        // Key that grows with the middle liquidity: the final price going up (zeroForOne) or down, or the amount paid at a limit.
        const key = (r: { sqrtP: bigint; paid: bigint }) => (m.mode === 'limit' ? r.paid : zeroForOne ? r.sqrtP : -r.sqrtP);
        const goal = m.mode === 'limit' ? (zeroForOne ? want.amount0 : want.amount1) : zeroForOne ? want.sqrtP : -want.sqrtP;
        // Bracket the middle liquidity around the pool's (×/÷ 2^20 of the larger end), then bisect.
        const ref = l0 > want.liquidity ? l0 : want.liquidity;
        let lo = ref >> 20n > 0n ? ref >> 20n : 1n;
        let hi = ref << 20n;
        // The key grows with the middle liquidity: a goal outside the bracket's keys has no
        // solution in it (bisection would end at an end that the exact check then refuses).
        if (!(key(at(lo).r) <= goal && goal <= key(at(hi).r))) continue;
        for (let k = 0; k < 200 && hi - lo > 1n; k++) {
          const mid = (lo + hi) / 2n;
          if (key(at(mid).r) < goal) lo = mid;
          else hi = mid;
        }
        for (let mid = lo - 3n; mid <= hi + 3n; mid++) {
          if (mid <= 0n) continue;
          const { net1, r } = at(mid);
          if (r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, zeroForOne, want)) {
            found.push({ line, verdict: 'inferred', mode: m.mode, tick: t1, liquidityNet: net1 + known1, secondTick: t2, secondNet: total - net1 + (nets.get(t2) ?? 0n) });
            break;
          }
        }
        if (found.length > 0 && found[found.length - 1]!.tick === t1 && found[found.length - 1]!.secondTick === t2) break;
      }
      if (found.length > 1) return undefined;
    }
  }
  return found.length === 1 ? found[0] : undefined;
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

/** Try the known ticks, then one more unknown tick between the two prices; undefined when neither explains the swap. */
function explain(s: State, after: State, want: Want, zeroForOne: boolean, nets: ReadonlyMap<number, bigint>, line: number, opts: { feePips: number; tickSpacing: number }, pairs = false): SwapCheck | undefined {
  for (const m of modes(zeroForOne, want)) {
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
  if (found.length === 1) return found[0];
  if (found.length > 1 || !pairs) return undefined;
  // Two unknown ticks: candidates on the spacing between the prices that are not known yet.
  const cands: number[] = [];
  for (let t = Math.ceil(lo / sp) * sp; t <= hi + sp; t += sp) {
    const sqrtT = getSqrtRatioAtTick(t);
    if (zeroForOne ? !(sqrtT <= s.sqrtP && sqrtT >= after.sqrtP && t <= s.tick) : !(sqrtT > s.sqrtP && sqrtT <= after.sqrtP)) continue;
    if (!nets.has(t)) cands.push(t);
  }
  if (cands.length < 2 || cands.length > 12) return undefined;
  let known = 0n;
  for (const [kt, kn] of nets) if (zeroForOne ? kt <= s.tick && getSqrtRatioAtTick(kt) >= after.sqrtP : kt > s.tick && getSqrtRatioAtTick(kt) <= after.sqrtP) known += kn;
  const total = (zeroForOne ? s.liquidity - after.liquidity : after.liquidity - s.liquidity) - known;
  return explainPair(s, after, want, zeroForOne, nets, line, opts, cands, total);
}

/**
 * `pairSearch: false` skips the costly last resort (two unknown ticks crossed in one swap, solved
 * by bisection: ~2/3 of the day's replay time for the few dozen swaps that reach it).
 */
export function replayV3Day(events: readonly ReplayEvent[], opts: { feePips: number; tickSpacing: number; pairSearch?: boolean }): ReplayReport {
  const report: ReplayReport = { swaps: [], counts: { first: 0, exact: 0, inferred: 0, unexplained: 0 }, liquidityEventsInRange: 0, liquidityEventsOutOfRange: 0, inferredTicks: new Map() };
  /** liquidityNet of the initialized ticks learnt so far (kept current through the day's mints and burns). */
  const nets = report.inferredTicks;
  // For the second pass: when each tick was first learnt (event index, its net then), every
  // mint/burn's change to a tick's net, and the context of each swap left unexplained.
  const learnt = new Map<number, { at: number; net: bigint }>();
  const deltas = new Map<number, { at: number; d: bigint }[]>();
  const pending: { index: number; at: number; s: State; after: State; want: Want; zeroForOne: boolean; nets: Map<number, bigint>; triedSingle: number; triedPairs: number }[] = [];
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
      pending.push({ index: report.swaps.length, at: idx, s, after, want, zeroForOne, nets: new Map(nets), triedSingle: -1, triedPairs: -1 });
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
  for (let progress = true, pairs = false; progress || (!pairs && opts.pairSearch !== false); ) {
    if (!progress) pairs = true;
    progress = false;
    for (let p = 0; p < pending.length; p++) {
      const u = pending[p]!;
      // The same search over the same learnt ticks gives the same answer: skip it (learnt only grows).
      const tried = pairs ? u.triedPairs : u.triedSingle;
      if (tried === learnt.size) continue;
      if (pairs) u.triedPairs = learnt.size;
      else u.triedSingle = learnt.size;
      const aug = new Map(u.nets);
      for (const t of learnt.keys()) if (!aug.has(t)) aug.set(t, netAt(t, u.at));
      const c = explain(u.s, u.after, u.want, u.zeroForOne, aug, report.swaps[u.index]!.line, opts, pairs);
      if (!c) continue;
      pending.splice(p--, 1);
      progress = true;
      pairs = false;
      report.counts.unexplained--;
      report.counts.inferred++;
      // Explained with ticks the day revealed elsewhere: inferred either way; a newly learnt tick joins the others.
      report.swaps[u.index] = { ...c, verdict: 'inferred' };
      for (const [t, n] of [[c.tick, c.liquidityNet], [c.secondTick, c.secondNet]] as const) {
        if (t === undefined || n === undefined || learnt.has(t)) continue;
        learnt.set(t, { at: u.at, net: n });
        if (!nets.has(t)) nets.set(t, netAt(t, events.length));
      }
    }
  }
  return report;
}
