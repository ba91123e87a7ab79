/**
 * Splitting a parent order across venues at equal marginal all-in cost.
 *
 * Without fixed costs the problem is convex and separable (each venue's variable cost is convex
 * in its quantity: a book walk, a CFMM's price curve), so the optimum puts every venue used at
 * the same marginal cost λ and every venue not used at a marginal cost ≥ λ at zero (the KKT
 * conditions of the convex routing problem for CFMMs, Angeris et al. 2022). λ is found by
 * bisection on Σ q_i(λ) = Q. A book's marginal cost is a step function, so at the final λ the
 * remainder goes to the venues on a flat step (the KKT conditions allow any split there).
 *
 * Gas makes venue choice discrete: a pool used at all costs its gas. The router solves the
 * convex problem for every subset of the venues with a fixed cost (2^k, k is small: the pools a
 * strategy may use) and keeps the cheapest total. That is exact for the mixed problem: for a
 * fixed subset the rest is convex.
 */
import type { CostCurve, CostTerms } from './cost-curve.ts';

export interface RouteLeg {
  venue: string;
  /** Base units this venue takes (0 = not used). */
  qty: number;
  expected: CostTerms;
  /** All-in cost of the leg including fixed cost, quote units. */
  cost: number;
}

export interface RouteSplit {
  legs: RouteLeg[];
  /** Base units routed (less than asked only when the venues cannot take it all). */
  qty: number;
  /** Expected all-in cost, quote units. */
  cost: number;
  /** The common marginal cost of the venues used, quote per base. */
  lambda: number;
}

const ITERATIONS = 64;

function totalAt(curves: readonly CostCurve[], use: number, lambda: number): number {
  let s = 0;
  for (let i = 0; i < curves.length; i++) if (use & (1 << i)) s += curves[i]!.qAtMost(lambda);
  return s;
}

/** Quantities per curve at equal marginal cost for the curves flagged in `use`, written into `out`; returns λ. */
function equalise(curves: readonly CostCurve[], use: number, qty: number, out: Float64Array): number {
  const n = curves.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!(use & (1 << i))) continue;
    const c = curves[i]!;
    const m0 = c.marginal(0);
    if (m0 < lo) lo = m0;
    if (m0 > hi) hi = m0;
  }
  lo -= 1e-9 * Math.abs(lo) + 1e-12;
  // Grow hi until the venues can take the order at that marginal cost (or stop growing).
  let step = Math.max(1e-9, Math.abs(hi) * 1e-3, hi - lo);
  for (let k = 0; k < 200 && totalAt(curves, use, hi) < qty; k++) {
    hi += step;
    step *= 2;
  }
  // λ to 1e-9 of its scale (e.g. 2e-6 USD per ETH at 2,000): far below 0.001 bp of any order.
  const tol = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
  for (let k = 0; k < ITERATIONS && hi - lo > tol; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (totalAt(curves, use, mid) >= qty) hi = mid;
    else lo = mid;
  }
  // Fill to `qty` exactly: take what each venue gives below λ, then the remainder from the flat steps / continuous parts up to hi.
  let got = 0;
  for (let i = 0; i < n; i++) {
    out[i] = use & (1 << i) ? curves[i]!.qAtMost(lo) : 0;
    got += out[i]!;
  }
  for (let i = 0; i < n && got < qty; i++) {
    if (!(use & (1 << i))) continue;
    const room = Math.min(curves[i]!.qAtMost(hi), curves[i]!.capacity) - out[i]!;
    if (room <= 0) continue;
    const take = Math.min(room, qty - got);
    out[i] = out[i]! + take;
    got += take;
  }
  return hi;
}

/**
 * The cheapest split of `qty` base units across `curves` (at most 16). Venues with a fixed cost
 * are tried in and out; the result lists every curve in order, with qty 0 where unused.
 */
export function splitOrder(curves: readonly CostCurve[], qty: number): RouteSplit {
  const n = curves.length;
  if (n > 16) throw new RangeError(`splitOrder: at most 16 venues, got ${n}`);
  let fixedMask = 0;
  let freeMask = 0;
  for (let i = 0; i < n; i++) {
    if (curves[i]!.fixedCost > 0) fixedMask |= 1 << i;
    else freeMask |= 1 << i;
  }
  const q = new Float64Array(n);
  const best = new Float64Array(n);
  let bestCost = Infinity;
  let bestFill = -1;
  let bestLambda = NaN;
  // Subsets of the fixed-cost venues (submasks of fixedMask), each with all free venues, largest
  // first. A solution that leaves a venue of its subset at zero is also the solution of the
  // subset without it: those subsets are marked done instead of solved again.
  const done = new Set<number>();
  for (let sub = fixedMask; ; sub = (sub - 1) & fixedMask) {
    const use = sub | freeMask;
    if (use !== 0 && !done.has(sub)) {
      let cap = 0;
      for (let i = 0; i < n; i++) if (use & (1 << i)) cap += curves[i]!.capacity;
      const target = Math.min(qty, cap);
      const lambda = equalise(curves, use, target, q);
      let cost = 0;
      let fill = 0;
      let zero = 0;
      for (let i = 0; i < n; i++) {
        if (q[i]! <= 0) {
          if (sub & (1 << i)) zero |= 1 << i;
          continue;
        }
        cost += curves[i]!.cost(q[i]!) + curves[i]!.fixedCost;
        fill += q[i]!;
      }
      for (let z = zero; z !== 0; z = (z - 1) & zero) done.add(sub & ~z);
      // More quantity beats less; at equal quantity, lower cost.
      const better = fill > bestFill * (1 + 1e-12) || (fill >= bestFill * (1 - 1e-12) && cost < bestCost);
      if (better) {
        bestCost = cost;
        bestFill = fill;
        bestLambda = lambda;
        best.set(q);
      }
    }
    if (sub === 0) break;
  }
  const legs: RouteLeg[] = [];
  for (let i = 0; i < n; i++) {
    const c = curves[i]!;
    const qi = best[i]!;
    const expected = c.terms(qi);
    legs.push({ venue: c.venue, qty: qi, expected, cost: qi > 0 ? c.cost(qi) + c.fixedCost : 0 });
  }
  return { legs, qty: Math.max(0, bestFill), cost: bestCost, lambda: bestLambda };
}
