import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/report.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld } from '../../src/world/run.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-screps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const titles = (html: string) => [...html.matchAll(/<h2>([^<]+)<\/h2><div class="chart">/g)].map((m) => m[1]);

describe('reports of scenario runs chart the tables those runs have', () => {
  it('DEX TWAP: MEV loss and time to finality per swap', async () => {
    const { spec, source } = specWithOverrides(join(PACKAGE_ROOT, 'scenarios', 'dex-twap.yaml'), { slices: '4', amount: '20' });
    const r = await runWorld(spec, source, { runsDir: root, runId: 'dex' });
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'dex.html') })).html, 'utf8');
    expect(titles(html)).toEqual(expect.arrayContaining(['MEV loss per swap (output token)', 'Time to finality per swap (s)']));
    // one bar per swap in each swap chart
    const charts = html.split('<h2>').filter((c) => c.startsWith('MEV loss per swap') || c.startsWith('Time to finality per swap'));
    expect(charts).toHaveLength(2);
    for (const c of charts) expect((c.split('<div class="chart">')[1]!.split('</div>')[0]!.match(/<rect/g) ?? []).length).toBeGreaterThanOrEqual(4);
    // The classifier's sandwiches on the run's own blocks, against the bots' records.
    const sandwiched = r.world.chain!.harness.records().filter((x) => x.kind === 'sandwich').length;
    expect(sandwiched).toBeGreaterThan(0);
    const mev = html.split('<h2>').find((c) => c.startsWith('Sandwiches per block'));
    expect(mev).toBeDefined();
    expect(mev!).toContain('recorded and detected');
  });

  it('a scenario without a strategy: no PnL summary or tear sheet (its equity never moves), the lending charts', async () => {
    const { spec, source } = specWithOverrides(join(PACKAGE_ROOT, 'scenarios', 'lending-liquidations.yaml'), { 'agents.0.borrowers.count': '8' });
    const r = await runWorld(spec, source, { runsDir: root, runId: 'lend' });
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'lend.html') })).html, 'utf8');
    expect(html).toContain('No strategy in this run');
    expect(html).not.toMatch(/<h2>(Summary|Tear sheet|Equity|Drawdown)<\/h2>/);
    expect(titles(html)).toContain('Lowest health factor');
    // The scenario's own figures head the page, with the terminal's labels.
    const chain = html.slice(html.indexOf('<h2>Chain</h2>'), html.indexOf('All metrics'));
    expect(chain).toContain(`<th>lending liquidations (accounts)</th><td>${r.metrics.lendingLiquidations} (${r.metrics.lendingAccountsLiquidated})</td>`);
  });
});
