/**
 * Where a non-decreasing integer function of an integer reaches a goal. The amounts and prices a
 * swap gives are nearly linear in a segment's liquidity, so interpolation lands close; it
 * alternates with halving, so the bracket at least halves every two steps whatever the function
 * (rounding makes them step functions with plateaus, where interpolation alone can stall).
 */

/**
 * The first x in (lo, hi] with f(x) ≥ goal, given f(lo) < goal ≤ f(hi); lo if f(lo) ≥ goal
 * already, hi + 1 if f(hi) < goal. `flo` / `fhi`: f(lo), f(hi) when the caller has them.
 */
export function firstReaching(f: (x: bigint) => bigint, lo: bigint, hi: bigint, goal: bigint, flo = f(lo), fhi = f(hi)): bigint {
  if (flo >= goal) return lo;
  if (fhi < goal) return hi + 1n;
  for (let k = 0; hi - lo > 1n; k++) {
    let m = (lo + hi) / 2n;
    if (k % 2 === 0 && fhi > flo) {
      m = lo + ((goal - flo) * (hi - lo)) / (fhi - flo);
      if (m <= lo) m = lo + 1n;
      if (m >= hi) m = hi - 1n;
    }
    const fm = f(m);
    if (fm >= goal) {
      hi = m;
      fhi = fm;
    } else {
      lo = m;
      flo = fm;
    }
  }
  return hi;
}
