/**
 * The pool's liquidity per tick-spacing segment, as a day of logs reveals it, and the swaps it
 * explains that the tick-by-tick inference (log-replay.ts) cannot.
 *
 * A swap's logged liquidity is the liquidity of the segment [k·spacing, (k+1)·spacing) its price
 * ends in. Moved by the day's mints and burns whose range covers the segment, that observation
 * gives the segment's liquidity at any other moment of the day. A swap's path then needs no
 * guess for the segments it crosses that some swap of the day ended in: the liquidityNet of each
 * tick it crosses is the difference of the two segments' liquidity (a zero difference is a tick
 * either not initialized or initialized with net 0 — both are tried: the swap steps only at an
 * initialized one, and each step rounds). Segments no swap ended in are unknowns, solved for:
 * one by bisection on the final price (or, for a swap stopped at its price limit, the amount
 * paid), two by an outer bisection on the amount received (paid for exact output) around it —
 * then checked exactly. A solved segment becomes an observation for the swaps after it. Two
 * segments that several swaps cross whole are solved for from all of them at once
 * (`solvePairs`, segment-pair.ts): what each swap exchanged in them is fixed by the rest of its
 * path, and the up and the down swaps round it differently, which narrows the pair down to few
 * values; the value recorded is one exact solution, not the unique one (`solvedSegments` says
 * how many a swap needed).
 */
import { approxRun } from './approx-walk.ts';
import { firstReaching } from './monotone-search.ts';
import { type Constraint, solvePair, throughPair } from './segment-pair.ts';
import { getSqrtRatioAtTick, matches, modes, run, type State, type Want } from './swap-walk.ts';
import type { ReplayEvent } from './log-replay.ts';

export interface SegmentExplanation {
  mode: 'exactIn' | 'exactOut' | 'limit';
  /** Initialized ticks crossed and their liquidityNet (zero-net ticks only when initialized). */
  nets: Map<number, bigint>;
  /** Segments whose liquidity no swap of the day showed, solved for in this swap. */
  solvedSegments: number;
  /** Two such segments solved for from this swap and others through them at once (`solvePairs`): how many swaps. */
  solvedJointlyWith?: number;
}

type Mode = ReturnType<typeof modes>[number];

/** A logged swap: its event index, the state before and after it, what it paid and received. */
export interface SwapContext {
  at: number;
  s: State;
  after: State;
  want: Want;
  zeroForOne: boolean;
}

/** At most this many zero-net ticks are tried both ways (2^n walks per mode). */
const MAX_ZERO_TICKS = 6;
/** Outer liquidities tried from the bisection's end, this far apart (see `solve`). */
const OUTER_STRIDE = 211n;
const OUTER_STEPS = 160n;

export class SegmentLiquidity {
  /** Per segment index: (event index, liquidity there at that event) — the logs', then values solved for. */
  private readonly seen = new Map<number, { at: number; L: bigint }[]>();
  /** The day's mints (+) and burns (−) in event order. */
  private readonly liquidityEvents: { at: number; tickLower: number; tickUpper: number; delta: bigint }[] = [];
  /** Swaps (event index) whose two unobserved segments were solved for jointly, and from how many swaps. */
  private readonly jointly = new Map<number, number>();
  /** Segments no swap ended in whose liquidity was solved for: lower tick, event index of the value, liquidity, swaps it came from. */
  readonly solved: { tickLower: number; at: number; liquidity: bigint; swaps: number }[] = [];

  constructor(
    private readonly events: readonly ReplayEvent[],
    private readonly spacing: number,
    /** Solve for two unobserved segments in one swap (the costly search); otherwise at most one. */
    private readonly twoUnknowns = true,
  ) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind === 'swap' && e.tick !== undefined && e.poolLiquidity !== undefined) this.observe(Math.floor(e.tick / spacing), i, e.poolLiquidity);
      if ((e.kind === 'mint' || e.kind === 'burn') && e.tickLower !== undefined && e.tickUpper !== undefined && e.liquidityDelta !== undefined) {
        this.liquidityEvents.push({ at: i, tickLower: e.tickLower, tickUpper: e.tickUpper, delta: e.kind === 'mint' ? e.liquidityDelta : -e.liquidityDelta });
      }
    }
  }

  private observe(g: number, at: number, L: bigint): void {
    let list = this.seen.get(g);
    if (!list) this.seen.set(g, (list = []));
    list.push({ at, L });
  }

  /** Segment g's liquidity before event `at`, from the nearest observation; undefined if never seen. */
  liquidityAt(g: number, at: number): bigint | undefined {
    const obs = this.seen.get(g);
    if (!obs || obs.length === 0) return undefined;
    let best = obs[0]!;
    for (const o of obs) if (Math.abs(o.at - at) < Math.abs(best.at - at)) best = o;
    let L = best.L;
    const lower = g * this.spacing;
    // Forwards: the liquidity events after the observation and before `at`; backwards: those
    // after `at` up to the observation, undone.
    const from = best.at < at ? best.at + 1 : at;
    const to = best.at < at ? at : best.at + 1;
    const d = this.deltaIn(lower, from, to);
    return best.at < at ? L + d : L - d;
  }

  /** Mints − burns in events [from, to) whose range covers the segment starting at tick `lower`. */
  private deltaIn(lower: number, from: number, to: number): bigint {
    // Only the day's liquidity events (a hundred or so), not every event between the two indices.
    const ev = this.liquidityEvents;
    let lo = 0;
    let hi = ev.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (ev[m]!.at < from) lo = m + 1;
      else hi = m;
    }
    let d = 0n;
    for (let k = lo; k < ev.length && ev[k]!.at < to; k++) {
      const e = ev[k]!;
      if (e.tickLower <= lower && lower < e.tickUpper) d += e.delta;
    }
    return d;
  }

  /**
   * Explain a swap with the segments' liquidity; undefined when no exact reproduction is found.
   * Solved segments are recorded as observations, and only values that also reproduce every swap
   * in `others` crossing them (with no other unknown segment) exactly are accepted: swaps through
   * the same unobserved segments in the other direction round differently, so one swap alone does
   * not pin a value the others agree with.
   */
  explain(ctx: SwapContext, feePips: number, others: readonly SwapContext[] = [], solveUnknowns = true, allowTwo = this.twoUnknowns): SegmentExplanation | undefined | 'unknown' {
    const { at, s, after, want, zeroForOne } = ctx;
    const sp = this.spacing;
    const segs = this.pathOf(ctx);
    const step = segs.length > 1 && segs[1]! < segs[0]! ? -1 : 1;
    const known = this.knownOnPath(ctx, segs);
    const unknown = known.flatMap((L, k) => (L === undefined ? [k] : []));
    if (unknown.length > 0 && !solveUnknowns) return 'unknown';
    if (unknown.length > (allowTwo ? 2 : 1)) return undefined;
    // Tick k (1-based) is the boundary entered when moving from segment k−1 to k.
    const tickOf = (k: number): number => (step > 0 ? segs[k]! * sp : segs[k - 1]! * sp);
    const netsFor = (Ls: readonly bigint[], zeroMask: number): Map<number, bigint> => {
      const nets = new Map<number, bigint>();
      let z = 0;
      for (let k = 1; k < Ls.length; k++) {
        const net = step > 0 ? Ls[k]! - Ls[k - 1]! : Ls[k - 1]! - Ls[k]!;
        if (net !== 0n || (zeroMask >> z++) & 1) nets.set(tickOf(k), net);
      }
      return nets;
    };
    const zeros = (Ls: readonly bigint[]): number => {
      let n = 0;
      for (let k = 1; k < Ls.length; k++) if (Ls[k] === Ls[k - 1]) n++;
      return Math.min(n, MAX_ZERO_TICKS);
    };
    const tryAll = (Ls: readonly bigint[], m: Mode): Map<number, bigint> | undefined => {
      for (let mask = 0; mask < 1 << zeros(Ls); mask++) {
        const nets = netsFor(Ls, mask);
        const r = run(s, zeroForOne, m.amount, m.limit, feePips, nets);
        if (r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, zeroForOne, want)) return nets;
      }
      return undefined;
    };
    /** The solved values, as observations at this swap, reproduce the other swaps through them. */
    const agrees = (Ls: readonly bigint[]): boolean => {
      for (const k of unknown) this.observe(segs[k]!, at, Ls[k]!);
      try {
        for (const o of others) {
          if (o === ctx || !unknown.some((k) => this.pathOf(o).includes(segs[k]!))) continue;
          if (this.explain(o, feePips, [], false) === undefined) return false;
        }
        return true;
      } finally {
        for (const k of unknown) this.seen.get(segs[k]!)!.pop();
      }
    };
    for (const m of modes(zeroForOne, want)) {
      if (unknown.length === 0) {
        const nets = tryAll(known as bigint[], m);
        const joint = this.jointly.get(at);
        if (nets) return { mode: m.mode, nets, solvedSegments: joint === undefined ? 0 : 2, ...(joint === undefined ? {} : { solvedJointlyWith: joint }) };
        continue;
      }
      const check = (Ls: readonly bigint[]): Map<number, bigint> | undefined => {
        const nets = tryAll(Ls, m);
        return nets && agrees(Ls) ? nets : undefined;
      };
      let solved: { Ls: bigint[]; nets: Map<number, bigint> } | undefined;
      for (const c of this.configurations(known, unknown)) {
        solved = c.unknown.length === 0 ? (check(c.Ls as bigint[]) ? { Ls: c.Ls as bigint[], nets: tryAll(c.Ls as bigint[], m)! } : undefined) : this.solve(s, want, zeroForOne, feePips, m, c.Ls, c.unknown, check, c.tie);
        if (solved) break;
      }
      if (solved) {
        unknown.forEach((k) => {
          this.observe(segs[k]!, at, solved.Ls[k]!);
          this.solved.push({ tickLower: segs[k]! * sp, at, liquidity: solved.Ls[k]!, swaps: 1 });
        });
        return { mode: m.mode, nets: solved.nets, solvedSegments: unknown.length };
      }
    }
    return undefined;
  }

  /**
   * The ways a swap's unobserved segments may lie: each free, or one range with a neighbour (the
   * tick between them not initialized, so the swap takes one step across both — which rounds
   * differently from two). Free first; a neighbour that is known fixes the segment outright.
   */
  private configurations(known: readonly (bigint | undefined)[], unknown: readonly number[]): { Ls: (bigint | undefined)[]; unknown: number[]; tie?: number }[] {
    const out: { Ls: (bigint | undefined)[]; unknown: number[]; tie?: number }[] = [{ Ls: [...known], unknown: [...unknown] }];
    const withKnown = (pairs: [number, number][]): (bigint | undefined)[] => {
      const Ls = [...known];
      for (const [k, from] of pairs) Ls[k] = known[from];
      return Ls;
    };
    if (unknown.length === 1) {
      const u = unknown[0]!;
      for (const n of [u - 1, u + 1]) if (known[n] !== undefined) out.push({ Ls: withKnown([[u, n]]), unknown: [] });
    } else if (unknown.length === 2 && unknown[1] === unknown[0]! + 1) {
      const [u, v] = unknown as [number, number];
      out.push({ Ls: [...known], unknown: [v], tie: u });
      if (known[u - 1] !== undefined) out.push({ Ls: withKnown([[u, u - 1]]), unknown: [v] });
      if (known[v + 1] !== undefined) out.push({ Ls: withKnown([[v, v + 1]]), unknown: [u] });
      if (known[u - 1] !== undefined && known[v + 1] !== undefined) out.push({ Ls: withKnown([[u, u - 1], [v, v + 1]]), unknown: [] });
    }
    return out;
  }

  /**
   * Two adjacent segments that pending swaps crossed whole and no swap ended in, solved for from
   * all of those swaps at once (segment-pair.ts); true when a pair was solved and every swap of
   * its group is then reproduced exactly by the ordinary walk (the values are recorded as
   * observations at the group's first swap). One swap alone is met by a whole line of pairs, the
   * up and down swaps of a sandwich together by few, which `explain`'s per-swap search misses.
   */
  solvePairs(pending: readonly SwapContext[], feePips: number): boolean {
    const groups = new Map<number, { ctx: SwapContext; segs: number[]; known: (bigint | undefined)[]; u: number }[]>();
    for (const ctx of pending) {
      const segs = this.pathOf(ctx);
      const known = this.knownOnPath(ctx, segs);
      const unknown = known.flatMap((L, k) => (L === undefined ? [k] : []));
      if (unknown.length !== 2 || unknown[1] !== unknown[0]! + 1) continue;
      const u = unknown[0]!;
      if (u < 1 || u + 2 > segs.length - 1) continue;
      const lower = Math.min(segs[u]!, segs[u + 1]!);
      let g = groups.get(lower);
      if (!g) groups.set(lower, (g = []));
      g.push({ ctx, segs, known, u });
    }
    let solvedAny = false;
    for (const [lower, group] of groups) {
      // One swap alone is solved here too (any pair on its line fits it: the value is one exact solution).
      const ref = group[0]!.ctx.at;
      const constraints: Constraint[] = [];
      let maxL = 0n;
      for (const { ctx, segs, known, u } of group) {
        for (const L of known) if (L !== undefined && L > maxL) maxL = L;
        const Ls = known.map((x) => x ?? 0n);
        const zeroAt: number[] = [];
        for (let k = 1; k < segs.length; k++) if (known[k] !== undefined && known[k - 1] !== undefined && known[k] === known[k - 1]) zeroAt.push(k);
        const options: Constraint = [];
        const n = Math.min(zeroAt.length, MAX_ZERO_TICKS);
        for (let mask = 0; mask < 1 << n; mask++) {
          // A boundary between two known segments of equal liquidity: initialized (a step) or not, per the mask.
          const initialized = segs.map((_, k) => {
            const z = zeroAt.indexOf(k);
            return k > 0 && (z < 0 || (z < n && ((mask >> z) & 1) === 1));
          });
          for (const th of throughPair(ctx.s, ctx.want, ctx.zeroForOne, feePips, this.spacing, segs, Ls, initialized, u)) {
            th.shiftA = this.shift(lower, ref, ctx.at);
            th.shiftB = this.shift(lower + 1, ref, ctx.at);
            if (!options.some((o) => o.zeroForOne === th.zeroForOne && o.in.lo === th.in.lo && o.in.hi === th.in.hi && o.out.lo === th.out.lo && o.out.hi === th.out.hi && o.shiftA === th.shiftA && o.shiftB === th.shiftB)) options.push(th);
          }
        }
        if (options.length === 0) break;
        constraints.push(options);
      }
      if (constraints.length < group.length) continue;
      const sp = this.spacing;
      const ticks = { a0: getSqrtRatioAtTick(lower * sp), a1: getSqrtRatioAtTick((lower + 1) * sp), a2: getSqrtRatioAtTick((lower + 2) * sp) };
      const found = solvePair(ticks, constraints, feePips, maxL << 8n);
      if (!found) continue;
      this.observe(lower, ref, found.LA);
      this.observe(lower + 1, ref, found.LB);
      const all = group.every(({ ctx }) => {
        const e = this.explain(ctx, feePips, [], false);
        return e !== undefined && e !== 'unknown';
      });
      if (all) {
        solvedAny = true;
        for (const { ctx } of group) this.jointly.set(ctx.at, group.length);
        this.solved.push({ tickLower: lower * sp, at: ref, liquidity: found.LA, swaps: group.length }, { tickLower: (lower + 1) * sp, at: ref, liquidity: found.LB, swaps: group.length });
      } else {
        this.seen.get(lower)!.pop();
        this.seen.get(lower + 1)!.pop();
      }
    }
    return solvedAny;
  }

  /** Liquidity the day's mints and burns added to segment g between events `from` and `to` (either order). */
  private shift(g: number, from: number, to: number): bigint {
    return from <= to ? this.deltaIn(g * this.spacing, from + 1, to) : -this.deltaIn(g * this.spacing, to + 1, from);
  }

  /** Liquidity of each segment on the swap's path (its own start and end from its log), undefined where no swap showed it. */
  private knownOnPath(ctx: SwapContext, segs: readonly number[]): (bigint | undefined)[] {
    return segs.map((g, k) => (k === 0 ? ctx.s.liquidity : k === segs.length - 1 ? ctx.after.liquidity : this.liquidityAt(g, ctx.at)));
  }

  /** Segment indices from the swap's start to its end. */
  private pathOf(ctx: SwapContext): number[] {
    const a = Math.floor(ctx.s.tick / this.spacing);
    const b = Math.floor(ctx.after.tick / this.spacing);
    const step = b >= a ? 1 : -1;
    const segs: number[] = [];
    for (let g = a; ; g += step) {
      segs.push(g);
      if (g === b) break;
    }
    return segs;
  }

  /** Bisection for one or two unknown segment liquidities (the other's search nested inside). */
  private solve(
    s: State,
    want: Want,
    zeroForOne: boolean,
    feePips: number,
    m: Mode,
    known: readonly (bigint | undefined)[],
    unknown: readonly number[],
    tryAll: (Ls: readonly bigint[]) => Map<number, bigint> | undefined,
    /** A segment whose liquidity is the (one) unknown's. */
    tie?: number,
  ): { Ls: bigint[]; nets: Map<number, bigint> } | undefined {
    const ref = s.liquidity > want.liquidity ? s.liquidity : want.liquidity;
    const lo0 = 0n;
    const hi0 = ref << 20n;
    const Ls = known.map((x) => x ?? 0n);
    const netsNow = (): Map<number, bigint> => {
      // All ticks initialized while searching (only the exact check tries zero-net ones both ways).
      const nets = new Map<number, bigint>();
      if (tie !== undefined) Ls[tie] = Ls[inner]!;
      for (let k = 1; k < Ls.length; k++) nets.set(this.tickOfPath(s, want, k, zeroForOne), zeroForOne ? Ls[k - 1]! - Ls[k]! : Ls[k]! - Ls[k - 1]!);
      return nets;
    };
    const walkWith = (): { sqrtP: bigint; paid: bigint; received: bigint } => run(s, zeroForOne, m.amount, m.limit, feePips, netsNow());
    // The inner key grows with the liquidity of a crossed segment: the final price stays nearer
    // (higher going down, lower going up), or more is paid to reach the limit.
    const innerKey = (r: { sqrtP: bigint; paid: bigint }): bigint => (m.mode === 'limit' ? r.paid : zeroForOne ? r.sqrtP : -r.sqrtP);
    const innerGoal = m.mode === 'limit' ? (zeroForOne ? want.amount0 : want.amount1) : zeroForOne ? want.sqrtP : -want.sqrtP;
    const inner = unknown[unknown.length - 1]!;
    /** The inner liquidity at which the inner key crosses its goal (searched near `hint` first). */
    const bisectInner = (hint?: bigint): bigint | undefined => {
      let lo = lo0;
      let hi = hi0;
      const keyAt = (v: bigint): bigint => {
        Ls[inner] = v;
        return innerKey(walkWith());
      };
      // Without a hint, the same search in doubles first (approx-walk.ts: ~80 walks at a tiny
      // fraction of the exact cost): its answer is within ~1e-10 of the exact one, so the exact
      // search starts from a bracket that small around it instead of the whole range.
      if (hint === undefined) {
        const goal = Number(innerGoal);
        const approxKeyAt = (v: bigint): number => {
          Ls[inner] = v;
          const r = approxRun(s, zeroForOne, m.amount, m.limit, feePips, netsNow(), undefined);
          return m.mode === 'limit' ? r.paid : zeroForOne ? r.sqrtP : -r.sqrtP;
        };
        let a = lo0;
        let b = hi0;
        if (approxKeyAt(a) <= goal && goal <= approxKeyAt(b)) {
          while (b - a > 1n) {
            const mid = (a + b) / 2n;
            if (approxKeyAt(mid) < goal) a = mid;
            else b = mid;
          }
          hint = a;
        }
      }
      let kLo: bigint | undefined;
      let kHi: bigint | undefined;
      if (hint !== undefined) {
        // Neighbouring outer values fit nearly the same inner value: a small bracket around it, widened until it holds the goal.
        // (A hint from the search in doubles is off by up to ~1e-10 of the value.)
        for (let w = (hint >> 30n) > 1n << 12n ? hint >> 30n : 1n << 12n; w < hi0; w <<= 4n) {
          const a = hint - w > lo0 ? hint - w : lo0;
          const b = hint + w < hi0 ? hint + w : hi0;
          const ka = keyAt(a);
          if (ka > innerGoal) continue;
          const kb = keyAt(b);
          if (innerGoal <= kb) {
            [lo, hi, kLo, kHi] = [a, b, ka, kb];
            break;
          }
        }
      }
      if (kLo === undefined || kHi === undefined) {
        kLo = keyAt(lo);
        kHi = keyAt(hi);
        if (!(kLo <= innerGoal && innerGoal <= kHi)) return undefined;
      }
      // The last value below the goal (lo itself when it is already at the goal).
      return kLo >= innerGoal ? lo : firstReaching(keyAt, lo, hi, innerGoal, kLo, kHi) - 1n;
    };
    let lastInner: bigint | undefined;
    const exactNear = (hint?: bigint): Map<number, bigint> | undefined => {
      const x = bisectInner(hint);
      if (x === undefined) return undefined;
      lastInner = x;
      for (let v = x - 3n; v <= x + 3n; v++) {
        if (v < 0n) continue;
        Ls[inner] = v;
        if (tie !== undefined) Ls[tie] = v;
        const nets = tryAll(Ls);
        if (nets) return nets;
      }
      return undefined;
    };
    if (unknown.length === 1) {
      const nets = exactNear();
      return nets ? { Ls: [...Ls], nets } : undefined;
    }
    // Two unknowns: the outer one moves what the swap receives (pays, for exact output) once the
    // inner one is fitted to the price; its direction is found from the bracket's ends.
    const outer = unknown[0]!;
    const outerKey = (r: { paid: bigint; received: bigint }): bigint => (m.mode === 'exactOut' ? r.paid : r.received);
    const outerGoal = m.mode === 'exactOut' ? (zeroForOne ? want.amount0 : want.amount1) : zeroForOne ? -want.amount1 : -want.amount0;
    const at = (y: bigint): bigint | undefined => {
      Ls[outer] = y;
      const x = bisectInner(lastInner);
      if (x === undefined) return undefined;
      lastInner = x;
      Ls[inner] = x;
      return outerKey(walkWith());
    };
    // The outer values the inner one can be fitted to at all form an interval: below it even the
    // largest inner liquidity leaves the price short of the log's, above it even none overshoots.
    const side = (y: bigint): -1 | 0 | 1 => {
      Ls[outer] = y;
      Ls[inner] = lo0;
      if (innerGoal < innerKey(walkWith())) return 1;
      Ls[inner] = hi0;
      return innerGoal > innerKey(walkWith()) ? -1 : 0;
    };
    const first = (pred: (y: bigint) => boolean): bigint => {
      // The first y in [lo0, hi0] where pred holds (pred monotone, false → true).
      let a = lo0;
      let b = hi0;
      if (pred(a)) return a;
      while (b - a > 1n) {
        const mid = (a + b) / 2n;
        if (pred(mid)) b = mid;
        else a = mid;
      }
      return b;
    };
    if (side(hi0) === -1 || side(lo0) === 1) return undefined;
    let lo = first((y) => side(y) >= 0);
    let hi = side(hi0) === 1 ? first((y) => side(y) === 1) - 1n : hi0;
    if (hi < lo) return undefined;
    const fLo = at(lo)!;
    const fHi = at(hi)!;
    const up = fHi >= fLo;
    if (up ? !(fLo <= outerGoal && outerGoal <= fHi) : !(fHi <= outerGoal && outerGoal <= fLo)) return undefined;
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      const f = at(mid);
      if (f === undefined) return undefined;
      if (up ? f < outerGoal : f > outerGoal) lo = mid;
      else hi = mid;
    }
    // Many outer values give the amount the log shows (what a segment pays changes by several units
    // per unit of liquidity, what it gives out only every ~10^7 units), but the price is reached
    // exactly only when the two segments' rounded payments add up to the unit: stepping the outer
    // liquidity by a prime stride moves that remainder by about a unit a step, so a few hundred
    // steps inside the window find one (each fit starts from the last inner value).
    for (let k = 0n, y = lo; k < OUTER_STEPS; k++, y += OUTER_STRIDE) {
      Ls[outer] = y;
      const nets = exactNear(lastInner);
      if (nets) return { Ls: [...Ls], nets };
    }
    return undefined;
  }

  /** The tick between the path's segments k−1 and k (the same path `explain` built). */
  private tickOfPath(s: State, want: Want, k: number, zeroForOne: boolean): number {
    const a = Math.floor(s.tick / this.spacing);
    return zeroForOne ? (a - k + 1) * this.spacing : (a + k) * this.spacing;
  }
}
