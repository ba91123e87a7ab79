import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { primesim } from '../helpers/cli.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

const work = mkdtempSync(join(tmpdir(), 'primesim-query-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('queries over several run folders', () => {
  // A copied run folder (a backup beside the run) doubled every count grouped by run_id, silently.
  it('says which folders carry the same run id; the same folder named twice is one run', async () => {
    writeTinyDataset(join(work, 'ds'), 4, 3000);
    const r = await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'market-maker.ts'), data: join(work, 'ds'), runsDir: join(work, 'runs'), runId: 'mm', params: { spreadBps: '0.01', sizeLots: '5', requoteTicks: '1' } });
    const fills = r.manifest.counts.fills;
    expect(fills).toBeGreaterThan(0);
    const once = await queryRuns([r.dir, r.dir], 'select count(*) from fills');
    expect(Number(once.rows[0]![0])).toBe(fills);
    expect(once.sharedRunIds).toEqual([]);
    cpSync(r.dir, join(work, 'runs', 'mm-backup'), { recursive: true });
    const both = await queryRuns([join(work, 'runs')], 'select run_id, count(*) from fills group by 1');
    expect(both.rows.map((x) => [x[0], Number(x[1])])).toEqual([['mm', 2 * fills]]);
    expect(both.sharedRunIds).toEqual([{ runId: 'mm', dirs: [r.dir, join(work, 'runs', 'mm-backup')] }]);
    // The command says so on stderr; its csv stays the query's.
    const cli = await primesim(['query', 'runs', 'select count(*) as n from fills', '-f', 'csv'], work);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(`n\n${2 * fills}\n`);
    expect(cli.stderr).toBe('note: run id mm is carried by 2 folders (runs/mm, runs/mm-backup): their rows share run_id, so grouping by it adds them up (a copied run folder? query one of them)\n');
  });
});
