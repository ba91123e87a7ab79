import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { expandGrid, parseGridAxis } from '../../src/sweep/grid.ts';
import { runPool } from '../../src/sweep/pool.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

let root: string;
let data: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'primesim-sweep-'));
  data = join(root, 'ds');
  writeTinyDataset(data, 6, 6000);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parameter sweeps', () => {
  it('grid axes expand to the cartesian product, ranges included', () => {
    expect(parseGridAxis('seed=1..3')).toEqual(['seed', ['1', '2', '3']]);
    expect(expandGrid([parseGridAxis('a=1,2'), parseGridAxis('b=x,y,z')])).toHaveLength(6);
    expect(expandGrid([parseGridAxis('a=1,2'), parseGridAxis('b=x')])).toEqual([{ a: '1', b: 'x' }, { a: '2', b: 'x' }]);
    expect(() => parseGridAxis('nope')).toThrow(/field --grid/);
  });

  it('runs on a worker pool give exactly the results of the same runs done one by one', async () => {
    const base = { strategy: 'strategies/market-maker.ts', data, queue: 'power:3', params: { sizeLots: '5', requoteTicks: '1' } };
    const grid = expandGrid([parseGridAxis('spreadBps=0.01,0.03'), parseGridAxis('seed=1..2')]);
    const cfgs = grid.map((g) => ({ ...base, seed: Number(g.seed), params: { ...base.params, spreadBps: g.spreadBps! }, runsDir: join(root, 'pool'), runId: `s${g.spreadBps}-seed${g.seed}` }));
    const pooled = await runPool(cfgs, { workers: 2 });
    expect(pooled.every((r) => r.ok)).toBe(true);
    for (const [i, cfg] of cfgs.entries()) {
      const solo = await runBacktest({ ...cfg, runsDir: join(root, 'solo') });
      const p = pooled[i]!;
      if (!p.ok) throw new Error(p.error);
      const m = JSON.parse(readFileSync(join(p.dir, 'manifest.json'), 'utf8')) as { resultsSha256: string };
      expect(m.resultsSha256).toBe(solo.manifest.resultsSha256);
    }
    // a failing point is reported, not fatal to the others
    const bad = await runPool([{ ...cfgs[0]!, params: { spreadBps: '-1' }, runId: 'bad' }, cfgs[1]!], { workers: 2 });
    expect(bad[0]!.ok).toBe(false);
    expect(bad[0]!.ok === false && bad[0]!.error).toMatch(/bad parameter spreadBps/);
    expect(bad[1]!.ok).toBe(true);
  });
});

describe('comparison report', () => {
  it('a folder of runs gets one page: a curve and a bar per run, metrics side by side', async () => {
    const { writeComparisonReport } = await import('../../src/report/compare.ts');
    const { findRuns } = await import('../../src/results/run-store.ts');
    const runs = findRuns([join(root, 'pool')]);
    expect(runs.length).toBe(4);
    const html = readFileSync(writeComparisonReport(runs, join(root, 'cmp.html')), 'utf8');
    const bars = html.split('<h2>Total PnL by run</h2>')[1]!.split('<h2>Metrics</h2>')[0]!;
    expect((bars.match(/<rect/g) ?? []).length).toBe(4);
    expect(html.split('<h2>Equity change</h2>')[1]!.split('<h2>')[0]!.match(/<path[^>]* d="M/g)?.length).toBeGreaterThanOrEqual(4);
    for (const r of runs) expect(html).toContain(`<th>${r.runId}</th>`);
    expect(html).not.toMatch(/<script/);
  });
});
