/**
 * The deflated Sharpe ratios of a sweep's runs (results/sharpe-inference.ts), one set per
 * dataset: the runs of each `dates` window of a walk-forward sweep are rival trials of each
 * other, not of the runs on other days. What the terminal table and the comparison page show.
 */
import { runsDeflation } from '../results/sharpe-inference.ts';

export interface WindowDeflation {
  /** The `dates` window ('' for a sweep without one). */
  window: string;
  ids: string[];
  threshold: number;
  trials: number;
  period: string;
  psr: Map<string, number>;
  dsr: Map<string, number>;
}

/** Per window, in order of first appearance; windows with fewer than two comparable runs are left out. */
export function sweepDeflation(ids: readonly string[], points: readonly Record<string, string>[], metrics: readonly Record<string, unknown>[]): WindowDeflation[] {
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const k = p.dates ?? '';
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const out: WindowDeflation[] = [];
  for (const [window, idx] of groups) {
    const gIds = idx.map((i) => ids[i]!);
    const d = runsDeflation(gIds, idx.map((i) => metrics[i]!));
    if (d) out.push({ window, ids: gIds, threshold: d.threshold, trials: d.trials, period: d.period, psr: d.psr, dsr: d.byRun });
  }
  return out;
}
