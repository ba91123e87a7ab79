/**
 * The deflated Sharpe ratios of a sweep's runs (results/sharpe-inference.ts), one set per
 * dataset: the runs of each `dates` window of a walk-forward sweep are rival trials of each
 * other, not of the runs on other days. What the terminal table and the comparison page show.
 */
import { deflatedSharpes } from '../results/sharpe-inference.ts';

export interface WindowDeflation {
  /** The `dates` window ('' for a sweep without one). */
  window: string;
  ids: string[];
  /** SR*₀: the best per-period Sharpe that this many skill-less runs would show. */
  threshold: number;
  /** Distinct trials: runs whose results are byte-identical to an earlier run's count once. */
  trials: number;
  period: string;
  dsr: Map<string, number>;
  /** Runs of the window that repeat an earlier run's results byte for byte: [repeat, the run it repeats]. */
  repeats: [string, string][];
}

/**
 * Per window, in order of first appearance, from each run's metrics (RunMetrics' sharpePerPeriod,
 * returnCount, returnSkew, returnKurtosis, returnPeriod). A window is left out unless at least two
 * of its runs have a Sharpe ratio, all over one return period (the formulas compare like with like).
 */
export function sweepDeflation(ids: readonly string[], points: readonly Record<string, string>[], metrics: readonly Record<string, unknown>[], results: readonly (string | undefined)[] = []): WindowDeflation[] {
  const num = (x: unknown) => (typeof x === 'number' ? x : NaN);
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const k = p.dates ?? '';
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out: WindowDeflation[] = [];
  for (const [window, idx] of groups) {
    const ms = idx.map((i) => metrics[i]!);
    const periods = new Set(ms.map((m) => m.returnPeriod));
    if (periods.size !== 1 || ms.some((m) => m.returnCount === undefined)) continue;
    // A run whose results equal an earlier run's byte for byte (a seed nothing draws from) is not
    // another trial: the threshold counts distinct results, and a repeat gets its original's DSR.
    const firstOf = new Map<string, number>();
    const rep = idx.map((i) => {
      const key = results[i] ?? `run:${ids[i]}`;
      if (!firstOf.has(key)) firstOf.set(key, i);
      return firstOf.get(key)!;
    });
    const distinct = [...new Set(rep)];
    const d = deflatedSharpes(distinct.map((i) => metrics[i]!).map((m) => ({ sr: num(m.sharpePerPeriod), n: num(m.returnCount), skew: num(m.returnSkew), kurtosis: num(m.returnKurtosis) })));
    if (!d || !Number.isFinite(d.threshold)) continue;
    const dsrOf = new Map(distinct.map((i, j) => [i, d.dsr[j]!]));
    const gIds = idx.map((i) => ids[i]!);
    const repeats = idx.flatMap((i, j): [string, string][] => (rep[j] !== i ? [[ids[i]!, ids[rep[j]!]!]] : []));
    out.push({ window, ids: gIds, threshold: d.threshold, trials: d.trials, period: String([...periods][0]), dsr: new Map(gIds.map((x, j) => [x, dsrOf.get(rep[j]!)!])), repeats });
  }
  return out;
}
