import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCharts, RunTables } from '../../src/report/recipes.ts';
import { writeReport } from '../../src/report/report.ts';
import { writeArrow } from '../../src/results/arrow-io.ts';
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
    expect(titles(html)).toEqual(expect.arrayContaining(['MEV loss per swap (USDC)', 'Time to finality per swap (s)']));
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
    // A count axis: whole numbers only (one sandwich a block read 0.0, 0.2, … 1.0).
    // (The x axis's block numbers are whole too: every number drawn must be.)
    const numbers = [...mev!.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!).filter((x) => /^[\d.,]+$/.test(x));
    expect(numbers).toContain('0');
    for (const x of numbers) expect(x).toMatch(/^\d+$/);
  });

  it('DEX TWAP through the private relay: nothing sandwiched, the MEV chart says none (not full-height bars on a [0, 0] axis)', async () => {
    const { spec, source } = specWithOverrides(join(PACKAGE_ROOT, 'scenarios', 'dex-twap.yaml'), { slices: '3', amount: '15', route: 'private' });
    const r = await runWorld(spec, source, { runsDir: root, runId: 'dex-private' });
    const chart = buildCharts(r.dir).find((c) => c.title.startsWith('MEV loss per swap'))!;
    expect(chart.title).toBe('MEV loss per swap (USDC): none on any swap');
    expect(chart.y?.domain).toEqual([0, 1]);
    const bars = (chart.marks[0] as unknown as { data: { v: number }[] }).data;
    expect(bars.map((b) => b.v)).toEqual([0, 0, 0]);
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
    // The header's counts tell the perp engine's liquidation steps from the lending liquidations.
    expect(html).toMatch(new RegExp(`<th>counts</th><td>[^<]*liquidation steps 0, [^<]*lending liquidations ${r.metrics.lendingLiquidations}</td>`));
    // The oracle against the perp it follows, each lending liquidation on the answer then in force;
    // the fixed USDC/USD feed is not drawn; the base fee per block.
    expect(titles(html)).toEqual(expect.arrayContaining(['Oracle ETH/USD: published answers against the mark it follows, lending liquidations as dots', 'Base fee per block (gwei)']));
    expect(titles(html).some((x) => x!.includes('USDC/USD'))).toBe(false);
    const oracle = buildCharts(r.dir).find((c) => c.title.startsWith('Oracle ETH/USD'))!;
    const data = (k: string) => oracle.marks.flatMap((m) => ((m as { data?: { t: Date; v: number; k: string }[] }).data ?? []).filter((d) => d.k === k));
    const t = new RunTables(r.dir);
    const liq = t.nums('lending_liquidations', 'ts_us');
    expect(liq.length).toBe(r.metrics.lendingLiquidations);
    const dots = data('lending liquidation');
    expect(dots.map((d) => d.t.getTime() * 1000)).toEqual(liq);
    const [feed, answer, pub] = [t.strs('oracle_rounds', 'feed'), t.nums('oracle_rounds', 'answer'), t.nums('oracle_rounds', 'published_ts_us')];
    for (const d of dots) {
      let inForce = NaN;
      feed.forEach((f, i) => {
        if (f === 'ETH/USD' && pub[i]! <= d.t.getTime() * 1000) inForce = answer[i]!;
      });
      expect(d.v).toBe(inForce);
    }
    expect(data('mark (cex)').length).toBe(t.nums('marks', 'ts_us').length);
  });

  it('a run with two perps (BTC and ETH) charts each venue\'s mark, liquidations, fills and inventory apart', () => {
    // A hand-made run folder: two venues on different price scales, interleaved in time.
    const dir = join(root, 'two-venues');
    mkdirSync(dir, { recursive: true });
    const ts = [1, 2, 3, 4].map((s) => 1.7e15 + s * 1e6);
    const f64 = (xs: number[]) => Float64Array.from(xs);
    writeArrow(join(dir, 'marks.arrow'), { ts_us: f64([ts[0]!, ts[0]!, ts[1]!, ts[1]!, ts[2]!, ts[2]!]), venue: ['btc', 'eth', 'btc', 'eth', 'btc', 'eth'], path: f64([40000, 2500, 39900, 2490, 39800, 2480]), mark: f64([40000, 2500, 39800, 2480, 39700, 2470]), impact: f64([0, 0, -0.005, -0.008, -0.0025, -0.004]) });
    writeArrow(join(dir, 'liquidations.arrow'), { ts_us: f64([ts[1]!, ts[1]!, ts[2]!]), instrument: ['eth', 'btc', 'eth'], price: f64([2481, 39810, NaN]), size_lots: f64([10, 3, 0]) });
    writeArrow(join(dir, 'equity.arrow'), { ts_us: f64(ts), equity: f64([100, 101, 99, 98]), mid: f64([40000, 39800, 39700, 39700]), position_lots: f64([1, 1, 1, 1]) });
    writeArrow(join(dir, 'fills.arrow'), { ts_us: f64([ts[0]!, ts[0]!]), venue: ['btc', 'eth'], price: f64([40001, 2501]), side: ['buy', 'buy'] });
    writeArrow(join(dir, 'positions.arrow'), { ts_us: f64([ts[0]!, ts[0]!]), venue: ['btc', 'eth'], position_qty: f64([1, 20]) });
    const charts = buildCharts(dir);
    const byTitle = new Map(charts.map((c) => [c.title, c]));
    // Each series once (an area and its edge line share their data).
    const values = (title: string, pick: (d: { v: number; k?: string }) => boolean = () => true) => [...new Set((byTitle.get(title)?.marks ?? []).map((m) => (m as { data?: { v: number; k?: string }[] }).data ?? []))].flatMap((data) => data.filter((d) => typeof d === 'object' && pick(d)).map((d) => d.v));
    expect(values('Mark with liquidation impact vs the no-impact path: btc', (d) => d.k === 'mark (with impact)')).toEqual([40000, 39800, 39700]);
    expect(values('Mark with liquidation impact vs the no-impact path: eth', (d) => d.k === 'mark (with impact)')).toEqual([2500, 2480, 2470]);
    expect(values('Displacement of the mark by liquidations (%): eth')).toEqual([0, -0.8, -0.4]);
    // Each venue's liquidations against its own mark; the step that filled nothing is not a dot.
    expect(values('Liquidations (dots, sized by lots) against the mark: eth')).toEqual([2500, 2480, 2470, 2481]);
    expect(values('Liquidations (dots, sized by lots) against the mark: btc')).toEqual([40000, 39800, 39700, 39810]);
    expect(values('Fills against the mark: eth')).toEqual([2500, 2480, 2470, 2501]);
    expect(values('Inventory: eth')).toEqual([20, 20]);
    expect(values('Inventory: btc')).toEqual([1, 1]);
    expect(charts.some((c) => c.title === 'Fills against mid' || c.title === 'Inventory')).toBe(false);
  });
});
