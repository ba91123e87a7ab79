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

  // A grid over seeds of a spec that draws nothing from the RNG gave 6 "trials" of 3 results: the
  // threshold was that of 6 rival runs.
  it('runs whose results are byte-identical count once, and a repeat gets its original\'s DSR', () => {
    const ids = ['l2s1', 'l2s2', 'l10s1', 'l10s2', 'l50s1', 'l50s2'];
    const srs = [-1.259, -1.259, -1.2609, -1.2609, -0.3959, -0.3959];
    const shas = ['x', 'x', 'y', 'y', 'z', 'z'];
    const [d] = sweepDeflation(ids, ids.map(() => ({})), srs.map((x) => m(x)), shas);
    const three = deflatedSharpes([srs[0]!, srs[2]!, srs[4]!].map(trial))!;
    expect(d!.trials).toBe(3);
    expect(d!.threshold).toBe(three.threshold);
    expect([...d!.dsr]).toEqual([['l2s1', three.dsr[0]], ['l2s2', three.dsr[0]], ['l10s1', three.dsr[1]], ['l10s2', three.dsr[1]], ['l50s1', three.dsr[2]], ['l50s2', three.dsr[2]]]);
    expect(d!.repeats).toEqual([['l2s2', 'l2s1'], ['l10s2', 'l10s1'], ['l50s2', 'l50s1']]);
    // Without the results' hashes every run is its own trial, as before.
    expect(sweepDeflation(ids, ids.map(() => ({})), srs.map((x) => m(x)))[0]!.trials).toBe(6);
  });
});

