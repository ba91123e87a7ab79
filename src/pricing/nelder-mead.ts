/**
 * Deterministic Nelder-Mead minimiser (standard coefficients 1, 2, 0.5, 0.5) for small
 * unconstrained problems. Deterministic: no random restarts, ties resolved by index.
 */
export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  step: readonly number[],
  opts: { maxIter?: number; fTol?: number; xTol?: number } = {},
): NelderMeadResult {
  const n = start.length;
  const maxIter = opts.maxIter ?? 2000;
  const fTol = opts.fTol ?? 1e-20;
  const xTol = opts.xTol ?? 1e-12;
  let simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const v = start.slice();
    v[i] = v[i]! + step[i]!;
    simplex.push(v);
  }
  let values = simplex.map((v) => f(v));
  let iter = 0;
  const combine = (p: readonly number[], q: readonly number[], t: number): number[] => p.map((pi, j) => pi + t * (q[j]! - pi));

  for (; iter < maxIter; iter++) {
    const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    simplex = order.map(([, i]) => simplex[i]!);
    values = order.map(([v]) => v);
    const best = values[0]!;
    const worst = values[n]!;
    let spread = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if (Math.abs(worst - best) <= fTol && spread <= xTol) break;
    if (spread <= xTol * 1e-3) break;

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[i]![j]! / n;
    const worstPt = simplex[n]!;
    const reflected = combine(centroid, worstPt, -1);
    const fr = f(reflected);
    if (fr < best) {
      const expanded = combine(centroid, worstPt, -2);
      const fe = f(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]!) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < worst;
    const contracted = outside ? combine(centroid, reflected, 0.5) : combine(centroid, worstPt, 0.5);
    const fc = f(contracted);
    if (fc < (outside ? fr : worst)) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = combine(simplex[0]!, simplex[i]!, 0.5);
      values[i] = f(simplex[i]!);
    }
  }
  return { x: simplex[0]!, fx: values[0]!, iterations: iter };
}
