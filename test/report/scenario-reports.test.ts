import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/report.ts';
import { runDexTwapScenario } from '../../src/scenarios/dex/index.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-screps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const titles = (html: string) => [...html.matchAll(/<h2>([^<]+)<\/h2><div class="chart">/g)].map((m) => m[1]);

describe('reports of scenario runs chart the tables those runs have', () => {
  it('DEX TWAP: MEV loss and settlement delay per slice', async () => {
    const r = await runDexTwapScenario({ seed: 1, runsDir: root, runId: 'dex', route: 'public', slices: 4, totalEth: 20 });
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'dex.html') })).html, 'utf8');
    expect(titles(html)).toEqual(['MEV loss per slice', 'Settlement delay per slice (s, to finality)']);
    // one bar per slice in each chart
    const charts = html.split('<div class="chart">').slice(1);
    for (const c of charts) expect((c.split('</div>')[0]!.match(/<rect/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

});
