/** The deflated Sharpe of a sweep: one set of rival trials per dates window, from the runs' metrics. */
import { describe, expect, it } from 'vitest';
import { deflatedSharpes } from '../../src/results/sharpe-inference.ts';
import { sweepDeflation } from '../../src/sweep/deflation.ts';

const m = (sr: number, period = '1m') => ({ sharpePerPeriod: sr, returnCount: 1000, returnSkew: -0.2, returnKurtosis: 5, returnPeriod: period });
const trial = (sr: number) => ({ sr, n: 1000, skew: -0.2, kurtosis: 5 });

describe('sweep deflation', () => {
  it('groups the runs by their dates window and deflates each group as its own trials', () => {
    const ids = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'];
    const points = [{ dates: 'A', fast: '1' }, { dates: 'A', fast: '2' }, { dates: 'A', fast: '3' }, { dates: 'B', fast: '1' }, { dates: 'B', fast: '2' }, { dates: 'C', fast: '1' }];
    const srs = [0.01, 0.03, -0.02, 0.05, 0.04, 0.02];
    const d = sweepDeflation(ids, points, srs.map((x) => m(x)));
    // Window C has one run: nothing to deflate against.
    expect(d.map((x) => [x.window, x.ids, x.trials, x.period])).toEqual([['A', ['a1', 'a2', 'a3'], 3, '1m'], ['B', ['b1', 'b2'], 2, '1m']]);
    const a = deflatedSharpes(srs.slice(0, 3).map(trial))!;
    expect(d[0]!.threshold).toBe(a.threshold);
    expect([...d[0]!.dsr]).toEqual([['a1', a.dsr[0]], ['a2', a.dsr[1]], ['a3', a.dsr[2]]]);
    // Without a dates axis: one group of all the runs.
    expect(sweepDeflation(ids, ids.map(() => ({ fast: '1' })), srs.map((x) => m(x))).map((x) => [x.window, x.trials])).toEqual([['', 6]]);
  });
  it('compares like with like: runs over different return periods, or without the return figures, are not deflated', () => {
    expect(sweepDeflation(['a', 'b'], [{}, {}], [m(0.01), m(0.02, '1h')])).toEqual([]);
    expect(sweepDeflation(['a', 'b'], [{}, {}], [m(0.01), { sharpePerPeriod: 0.02, returnPeriod: '1m' }])).toEqual([]);
  });
});
