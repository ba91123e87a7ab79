/**
 * The most common positive difference between consecutive values of `ts[0..n)` (ties: the
 * shorter), NaN with none: the interval of a time series whose points also fall between its grid
 * (an equity curve sampled on a timer and at every fill) or whose grid has gaps (minute bars with
 * missing minutes) — where the mean or the shortest step is not the interval.
 */
export function mostCommonStep(ts: ArrayLike<number>, n = ts.length): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < n; i++) {
    const d = ts[i]! - ts[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = NaN;
  let count = 0;
  for (const [d, c] of counts) if (c > count || (c === count && d < best)) [best, count] = [d, c];
  return best;
}
