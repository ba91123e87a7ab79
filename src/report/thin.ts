/**
 * Thinning a long time series for a line or area chart without changing what it draws.
 *
 * A month of one-minute equity samples is 45,000 points; a chart is ~860 px wide. Drawn whole,
 * every such line was ~0.7–2 MB of SVG path (a 31-day bar run's report: 12.6 MB). M4
 * aggregation (Jugel, Jerzak, Hackenbroich, Markl, "M4: A Visualization-Oriented Time Series
 * Data Aggregation", VLDB 2014) keeps, per time bucket, the first, lowest, highest and last
 * point: with buckets no wider than a pixel column, the polyline through them covers the same
 * pixels as the one through every point (inside a column it spans the same lowest to highest
 * value; between columns it joins the same last and first points). That holds for step curves
 * too (each step's corner lies inside a column), and for an area filled to a baseline.
 */

/** Buckets over the series' time span: over twice the plot's width, so each is under half a pixel. */
export const M4_BUCKETS = 2000;

/**
 * The indices of the points to draw, ascending: per time bucket the first, lowest, highest and
 * last finite point of each run of finite values, and every non-finite point in place (a line
 * breaks there). Undefined — draw every point — when the series is short (at most four points a
 * bucket), its times do not increase, or it spans no time.
 */
export function m4Indices(x: readonly Date[], y: readonly number[], buckets = M4_BUCKETS): number[] | undefined {
  const n = x.length;
  if (n <= 4 * buckets || y.length !== n) return undefined;
  const t0 = x[0]!.getTime();
  const span = x[n - 1]!.getTime() - t0;
  if (!(span > 0)) return undefined;
  for (let i = 1; i < n; i++) if (!(x[i]!.getTime() >= x[i - 1]!.getTime())) return undefined;
  const bucketOf = (i: number) => Math.min(buckets - 1, Math.floor(((x[i]!.getTime() - t0) / span) * buckets));
  const out: number[] = [];
  // The current run of finite points in the current bucket: its first, lowest, highest and last.
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = () => {
    if (first < 0) return;
    const ks = [first, lo, hi, last].sort((a, b) => a - b);
    for (const k of ks) if (out[out.length - 1] !== k) out.push(k);
    first = -1;
  };
  let bucket = bucketOf(0);
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      flush();
      out.push(i);
    } else if (first < 0) first = lo = hi = last = i;
    else {
      if (v < y[lo]!) lo = i;
      if (v > y[hi]!) hi = i;
      last = i;
    }
  }
  flush();
  return out;
}
