/** Walk-forward selection on hand-made sweep results: each window's best point, traded in the next. */
import { describe, expect, it } from 'vitest';
import { selectMetric, walkForward, type WalkRun } from '../../src/sweep/walk-forward.ts';

const W = ['2024-01-01/2024-01-02', '2024-01-02/2024-01-03', '2024-01-03/2024-01-04'];
/** PnL by window and fast: the best in-sample point does badly in the next window, and so on. */
const PNL: Record<string, Record<string, number>> = {
  [W[0]!]: { '5': 10, '10': 30, '20': 20 },
  [W[1]!]: { '5': 40, '10': -5, '20': 25 },
  [W[2]!]: { '5': 7, '10': 9, '20': 8 },
};
// Given out of order (windows and points): the selection sorts.
const runs: WalkRun[] = [W[2]!, W[0]!, W[1]!].flatMap((w) => ['20', '5', '10'].map((f) => ({ id: `${w}|${f}`, point: { fast: f, dates: w }, value: PNL[w]![f]!, pnl: PNL[w]![f]! })));

describe('walk-forward', () => {
  it('chooses in each window by the figure and takes the same point in the next window', () => {
    const wf = walkForward(runs, 'totalPnl')!;
    expect(wf.steps.map((s) => [s.inSample, s.chosen, s.inSampleValue, s.outOfSample, s.outOfSamplePnl, s.rank, s.points])).toEqual([
      [W[0], 'fast=10', 30, W[1], -5, 3, 3],
      [W[1], 'fast=5', 40, W[2], 7, 3, 3],
    ]);
    expect(wf.steps.map((s) => [s.meanPnl, s.bestPnl])).toEqual([[(40 - 5 + 25) / 3, 40], [8, 9]]);
    expect([wf.chosenPnl, wf.meanPnl, wf.bestPnl]).toEqual([2, 20 + 8, 49]);
  });
  it('a figure where lower is better (drawdown) picks the lowest; ties go to the first point in k=v order', () => {
    const dd = runs.map((r) => ({ ...r, value: r.point.fast === '20' ? 1 : 5 }));
    expect(walkForward(dd, 'maxDrawdown')!.steps.map((s) => s.chosen)).toEqual(['fast=20', 'fast=20']);
    const tie = runs.map((r) => ({ ...r, value: 1 }));
    // '10' < '20' < '5' as text.
    expect(walkForward(tie, 'totalPnl')!.steps.map((s) => s.chosen)).toEqual(['fast=10', 'fast=10']);
  });
  it('needs two windows and two points; a point missing out of sample leaves its step out', () => {
    expect(walkForward(runs.filter((r) => r.point.dates === W[0]), 'totalPnl')).toBeUndefined();
    expect(walkForward(runs.filter((r) => r.point.fast === '5'), 'totalPnl')).toBeUndefined();
    const gap = runs.filter((r) => !(r.point.dates === W[1] && r.point.fast === '10'));
    expect(walkForward(gap, 'totalPnl')!.steps.map((s) => s.inSample)).toEqual([W[1]]);
  });
  it('metric names as the runs table or RunMetrics spell them', () => {
    expect([selectMetric('total_pnl'), selectMetric('sharpePerPeriod'), selectMetric('psr'), selectMetric('fills')]).toEqual(['totalPnl', 'sharpePerPeriod', 'psr', undefined]);
  });
});
