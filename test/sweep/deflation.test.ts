/** The deflated Sharpe of a sweep: one set of rival trials per dates window. */
import { describe, expect, it } from 'vitest';
import { runsDeflation } from '../../src/results/sharpe-inference.ts';
import { sweepDeflation } from '../../src/sweep/deflation.ts';

const m = (sr: number) => ({ sharpePerPeriod: sr, returnCount: 1000, returnSkew: -0.2, returnKurtosis: 5, returnPeriod: '1m' });

describe('sweep deflation', () => {
  it('groups the runs by their dates window and deflates each group as its own trials', () => {
    const ids = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'];
    const points = [{ dates: 'A', fast: '1' }, { dates: 'A', fast: '2' }, { dates: 'A', fast: '3' }, { dates: 'B', fast: '1' }, { dates: 'B', fast: '2' }, { dates: 'C', fast: '1' }];
    const metrics = [0.01, 0.03, -0.02, 0.05, 0.04, 0.02].map(m);
    const d = sweepDeflation(ids, points, metrics);
    // Window C has one run: nothing to deflate against.
    expect(d.map((x) => [x.window, x.ids, x.trials])).toEqual([['A', ['a1', 'a2', 'a3'], 3], ['B', ['b1', 'b2'], 2]]);
    const a = runsDeflation(['a1', 'a2', 'a3'], metrics.slice(0, 3))!;
    expect(d[0]!.threshold).toBe(a.threshold);
    expect([...d[0]!.dsr]).toEqual([...a.byRun]);
    // Without a dates axis: one group of all the runs.
    const all = sweepDeflation(ids, ids.map(() => ({ fast: '1' })), metrics);
    expect(all.map((x) => [x.window, x.trials])).toEqual([['', 6]]);
  });
});
