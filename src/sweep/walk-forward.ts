/**
 * Walk-forward selection over a sweep with a `dates` axis (pure): in each window, choose the
 * parameter point with the best in-sample figure, then take that point's result in the next
 * window — what trading the optimised parameters out of sample would have given, against the
 * mean of all points there (choosing blindly) and the best of them (hindsight). Pardo's
 * walk-forward analysis on rolling windows: each in-sample window is the one before, not an
 * anchored span of everything before.
 */

/** Figures a point can be chosen by: their RunMetrics key, and whether higher is better. */
export const SELECT_METRICS: Record<string, 'higher' | 'lower'> = {
  totalPnl: 'higher',
  sharpePerPeriod: 'higher',
  sortinoPerPeriod: 'higher',
  psr: 'higher',
  tripHitRate: 'higher',
  maxDrawdown: 'lower',
};

/** A RunMetrics key as the runs table spells it (totalPnl → total_pnl). */
export function metricLabel(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A metric name as the runs table spells it (total_pnl) or as RunMetrics does (totalPnl); undefined if not one to choose by. */
export function selectMetric(name: string): string | undefined {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return camel in SELECT_METRICS ? camel : undefined;
}

/** One run of the sweep: its grid point (with the `dates` window), the figure it is chosen by, and its PnL. */
export interface WalkRun {
  id: string;
  point: Record<string, string>;
  value: number;
  pnl: number;
}

export interface WalkStep {
  inSample: string;
  outOfSample: string;
  /** The chosen parameters (the point without its window), as `k=v` joined by spaces. */
  chosen: string;
  inSampleValue: number;
  outOfSampleId: string;
  outOfSamplePnl: number;
  /** 1 = the chosen point was also the best out of sample, of `points`. */
  rank: number;
  points: number;
  meanPnl: number;
  bestPnl: number;
}

export interface WalkForward {
  steps: WalkStep[];
  /** Out-of-sample PnL summed over the steps: chosen, all points' mean, the best in hindsight. */
  chosenPnl: number;
  meanPnl: number;
  bestPnl: number;
}

const paramsOf = (p: Record<string, string>, axis: string): string =>
  Object.keys(p)
    .filter((k) => k !== axis)
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join(' ');

/**
 * Undefined unless the sweep has at least two windows and two parameter points. Windows are in
 * the order of their start; a point missing from a window (its run failed) is not chosen there
 * and, if chosen before it, leaves that step out. Ties go to the first point in `k=v` order.
 */
export function walkForward(runs: readonly WalkRun[], metric: string, axis = 'dates'): WalkForward | undefined {
  const better = SELECT_METRICS[metric] ?? 'higher';
  const windows = [...new Set(runs.flatMap((r) => (r.point[axis] !== undefined ? [r.point[axis]] : [])))].sort((a, b) => Date.parse(a.split('/')[0]!) - Date.parse(b.split('/')[0]!) || a.localeCompare(b));
  const params = new Set(runs.map((r) => paramsOf(r.point, axis)));
  if (windows.length < 2 || params.size < 2) return undefined;
  const byWindow = new Map(windows.map((w) => [w, runs.filter((r) => r.point[axis] === w).sort((a, b) => paramsOf(a.point, axis).localeCompare(paramsOf(b.point, axis)))]));
  const steps: WalkStep[] = [];
  for (let i = 0; i + 1 < windows.length; i++) {
    const inS = byWindow.get(windows[i]!)!.filter((r) => Number.isFinite(r.value));
    const out = byWindow.get(windows[i + 1]!)!;
    if (inS.length === 0 || out.length === 0) continue;
    let best = inS[0]!;
    for (const r of inS) if (better === 'higher' ? r.value > best.value : r.value < best.value) best = r;
    const chosen = paramsOf(best.point, axis);
    const oos = out.find((r) => paramsOf(r.point, axis) === chosen);
    if (oos === undefined) continue;
    const pnls = out.map((r) => r.pnl);
    steps.push({
      inSample: windows[i]!,
      outOfSample: windows[i + 1]!,
      chosen,
      inSampleValue: best.value,
      outOfSampleId: oos.id,
      outOfSamplePnl: oos.pnl,
      rank: 1 + pnls.filter((x) => x > oos.pnl).length,
      points: out.length,
      meanPnl: pnls.reduce((a, b) => a + b, 0) / pnls.length,
      bestPnl: Math.max(...pnls),
    });
  }
  if (steps.length === 0) return undefined;
  const sum = (f: (s: WalkStep) => number) => steps.reduce((a, s) => a + f(s), 0);
  return { steps, chosenPnl: sum((s) => s.outOfSamplePnl), meanPnl: sum((s) => s.meanPnl), bestPnl: sum((s) => s.bestPnl) };
}

/** A figure as the walk-forward tables print it: whole above 100, four significant digits below. */
const fig = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(4)).toString());

/** The walk-forward as a table (header, rows) and its one-line conclusion: what the terminal and the comparison page show. */
export function walkForwardTable(wf: WalkForward, metric: string): { title: string; header: string[]; rows: string[][]; summary: string } {
  const label = metricLabel(metric);
  return {
    title: `each window's best point by ${label}, traded in the next window`,
    header: ['in-sample window', 'chosen', `in-sample ${label}`, 'out-of-sample window', 'its total_pnl', 'rank', 'mean of points', 'best point'],
    rows: wf.steps.map((s) => [s.inSample, s.chosen, fig(s.inSampleValue), s.outOfSample, fig(s.outOfSamplePnl), `${s.rank} of ${s.points}`, fig(s.meanPnl), fig(s.bestPnl)]),
    summary: `out of sample over ${wf.steps.length} window${wf.steps.length > 1 ? 's' : ''}: chosen ${fig(wf.chosenPnl)}; a point at random ${fig(wf.meanPnl)} on average; the best in hindsight ${fig(wf.bestPnl)}`,
  };
}
