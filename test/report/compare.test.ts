import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { writeComparison } from '../../src/report/compare.ts';
import { findRuns } from '../../src/results/run-store.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('comparison page of unrelated runs', () => {
  // Run ids as `stress` names them (`liquidation-20240808-usdm-btcusdt-20240808-s1-bd991b57`): the
  // bar charts' label margin stopped at 320 px and cut the first third of each off the page.
  it('labels every run in full up to 60 characters, longer ones cut in the middle', async () => {
    writeTinyDataset(join(root, 'ds'), 3, 3000);
    const ids = ['liquidation-20240808-usdm-btcusdt-20240808-s1-bd991b57-xyz', `a-very-long-run-name-${'x'.repeat(60)}-end`];
    for (const runId of ids) await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'market-maker.ts'), data: join(root, 'ds'), runsDir: join(root, 'runs'), runId, seed: 1 });
    const page = readFileSync(writeComparison(findRuns([join(root, 'runs')]), { out: join(root, 'cmp.html') }).html, 'utf8');
    const bar = page.split('<h2>Total PnL by run</h2>')[1]!.split('<h2>')[0]!;
    const labels = [...bar.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!).filter((l) => /[a-z]-/.test(l));
    expect(labels.sort()).toEqual([ids[0]!, `${ids[1]!.slice(0, 28)}…${ids[1]!.slice(-31)}`].sort());
    // The labels end at the axis; ~7 px a character of the longest must fit left of it.
    const edge = Number(/aria-label="y-axis tick"[^>]*><path transform="translate\(([\d.]+)/.exec(bar)![1]);
    expect(edge).toBeGreaterThanOrEqual(7 * 60);
  });
});
