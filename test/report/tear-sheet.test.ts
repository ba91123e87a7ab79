import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { writeReport } from '../../src/report/report.ts';
import { money } from '../../src/report/summary-rows.ts';
import { buildCharts, RunTables } from '../../src/report/recipes.ts';
import { decade, tearSheet, waitChart, type TearSheetInstrument } from '../../src/report/tear-sheet.ts';
import { renderChart } from '../../src/report/charts.ts';
import { onGrid, samplingInterval } from '../../src/report/tear-sheet-stats.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { readManifest } from '../../src/data/catalog.ts';

/** A result table's columns as plain arrays. */
function columns(dir: string, table: string): Record<string, unknown[]> {
  const t = readArrow(join(dir, `${table}.arrow`));
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, Array.from(t.getChild(f.name)!)]));
}

const root = mkdtempSync(join(tmpdir(), 'primesim-tearsheet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sections = (html: string) => [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]!);
/** Every chart drew: each chart block has a non-trivial path, rect or circle. */
function allDrawn(html: string): void {
  const charts = html.split('<div class="chart">').slice(1);
  expect(charts.length).toBeGreaterThan(5);
  for (const c of charts) expect(/<path[^>]* d="M[^"]{20,}|<rect[^>]* height="[1-9]|<circle/.test(c.split('</div>')[0]!)).toBe(true);
}

describe('tear sheet', () => {
  it('a short tick run: returns, drawdowns, distribution and attribution, and no annualised figure (with the reason)', async () => {
    // 2.2 minutes of data: returns by the minute, two of them.
    writeTinyDataset(join(root, 'ds'), 9, 12000);
    const r = await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'market-maker.ts'), data: join(root, 'ds'), params: { spreadBps: '0.01', sizeLots: '5', requoteTicks: '1' }, runsDir: join(root, 'runs'), runId: 'short', seed: 1 });
    // The equity samples end with the data (the minute the run goes on for in-flight responses was
    // sampled every second: flat returns that diluted volatility and Sharpe), the last at its last
    // row as replayed (its local time: 500 µs after the exchange's in this dataset).
    const eqTs = columns(r.dir, 'equity').ts_us as number[];
    const dataEnd = readManifest(join(root, 'ds')).timeRange.endUs + 500;
    expect(Math.max(...eqTs)).toBe(dataEnd);
    expect(r.manifest.metrics.spanUs).toBe(dataEnd - Math.min(...eqTs));
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'short.html') })).html, 'utf8');
    const s = sections(html);
    for (const t of ['Tear sheet', 'Cumulative return (%)', 'Cumulative log return', 'Underwater (%)', 'PnL attribution over time (USDT)']) expect(s).toContain(t);
    expect(s.some((x) => x.startsWith('Return distribution'))).toBe(true);
    const sheet = html.slice(html.indexOf('<h2>Tear sheet</h2>'), html.indexOf('<h2>Cumulative return'));
    const table = sheet.slice(0, sheet.indexOf('</table>'));
    expect(table).not.toMatch(/annualised|CAGR|Calmar/);
    expect(sheet).toMatch(/No annualised figures .* under the 30 days/);
    // Nor anywhere else: the manifest's null (the annualised Sharpe it did not compute) is a dash, never "null" or "NaN".
    expect(html).not.toMatch(/<td>(null|NaN|undefined)<\/td>/);
    // Two minute returns give no probabilistic Sharpe (it printed 4.0% "from 2 1m returns, kurtosis 1.0").
    expect(html).toMatch(/<th>P\(true Sharpe &gt; 0\) \(probabilistic Sharpe\)<\/th><td>none: 2 1m returns, under the 30 it needs<\/td>/);
    expect(html).toMatch(/<th>sharpe<\/th><td><span title="not computed for this run[^"]*">—<\/span><\/td>/);
    // A market maker's PnL over time splits into spread capture and inventory, ending at the summary's.
    const a = tearSheet(new RunTables(r.dir), r.metrics as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!.attribution;
    expect(a['spread capture']!).toBeCloseTo(r.metrics.spreadCapture, 6);
    expect(a['inventory']!).toBeCloseTo(r.metrics.inventoryPnl, 6);
    allDrawn(html);
  });

  it('a 31-day bar run: annualised figures, monthly returns, worst drawdowns, trade statistics, and a yearly table (the data starts on 31 December)', async () => {
    const file = join(PACKAGE_ROOT, '..', 'shared', 'data', 'bars', 'btc-perp-20211231-20220201_1m.csv');
    const r = await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'), data: file, runsDir: join(root, 'runs'), runId: 'long', equityInterval: '1h', params: { fast: 50, slow: 200 } });
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'long.html') })).html, 'utf8');
    const s = sections(html);
    for (const t of ['Monthly returns (%)', 'Worst drawdowns', 'Trades (round trips: flat → position → flat)', 'Margin usage and distance to liquidation (%)']) expect(s).toContain(t);
    // The heatmap's columns are month names; the month at the scheme's dark end has its figure in white.
    const heat = html.split('<h2>Monthly returns (%)</h2>')[1]!.split('<h2>')[0]!;
    const cols = [...(heat.match(/<g aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(cols).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
    const figures = [...heat.matchAll(/<text[^>]*fill="(white|black)"[^>]*>(-?\d+\.\d)<\/text>/g)].map((m) => [m[1], Number(m[2])] as const);
    const worst = Math.max(...figures.map(([, v]) => Math.abs(v)));
    expect(figures.length).toBe(3);
    for (const [fill, v] of figures) expect(fill, String(v)).toBe(Math.abs(v) >= 0.6 * worst ? 'white' : 'black');
    expect(figures.filter(([f]) => f === 'white').length).toBeGreaterThan(0);
    // Inventory in BTC (the strategy holds 1 BTC = 1,000 lots of 0.001), not in lots.
    const inv = buildCharts(r.dir).find((c) => c.title === 'Inventory')!;
    expect(inv.y?.label).toBe('position (BTC)');
    const held = new Set(((inv.marks[0] as unknown as { data: { v: number }[] }).data).map((p) => p.v));
    expect([...held].sort()).toEqual([0, 1]);
    // The equity curve starts with the data, 2021-12-31 23:01: the run lies in two calendar years,
    // and 2021's hour is flat (the 200-bar average is not ready before 02:20).
    expect(html).toContain(`<h2>Yearly returns</h2><table><tr><th>year</th><th>return</th></tr><tr><td>2021</td><td>0.00%</td></tr><tr><td>2022</td><td>${(r.metrics.totalPnl / 1000).toFixed(2)}%</td></tr></table>`);
    expect(html).toMatch(/CAGR \(365 d\)/);
    expect(html).toMatch(/Sharpe \/ Sortino \(annualised, rf 0\) of the equity curve(?:'|&#39;)s return per \d/);
    // The attribution over time splits PnL as the summary does: spread capture and inventory end at
    // the run's figures, and the components add up to the equity's change.
    const sheet = tearSheet(new RunTables(r.dir), r.metrics as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!;
    const a = sheet.attribution;
    expect(Object.keys(a).sort()).toEqual(['fees', 'inventory', 'spread capture']);
    expect(a['spread capture']!).toBeCloseTo(r.metrics.spreadCapture, 6);
    expect(a['inventory']!).toBeCloseTo(r.metrics.inventoryPnl, 6);
    expect(a['fees']!).toBeCloseTo(-r.metrics.fees, 6);
    expect(a['spread capture']! + a['inventory']! + a['fees']!).toBeCloseTo(r.metrics.totalPnl, 6);
    // Rolling statistics of a month sampled hourly: one-day windows (24 returns on the sampling
    // grid), annualised by √(365 × 24) — not per-sample figures of a run the summary annualises.
    const rv = sheet.charts.find((c) => c.slug === 'rolling-volatility')!;
    expect(rv.title).toBe('Rolling 1-day volatility (annualised, %)');
    const eqc = columns(r.dir, 'equity');
    const ets = eqc.ts_us as number[];
    const g = onGrid(ets, eqc.equity as number[], samplingInterval(ets));
    expect(samplingInterval(ets)).toBe(3600e6);
    const gr = g.eq.slice(1).map((e, i) => e / g.eq[i]! - 1);
    const last = gr.slice(-24);
    const m = last.reduce((x, y) => x + y, 0) / 24;
    const sd = Math.sqrt(last.reduce((x, y) => x + (y - m) ** 2, 0) / 23);
    const pts = (rv.marks[0] as unknown as { data: { v: number }[] }).data;
    expect(pts.length).toBe(gr.length);
    expect(pts[pts.length - 1]!.v).toBeCloseTo(sd * Math.sqrt(365 * 24) * 100, 9);
    expect(html).toContain('Rolling statistics: one-day windows of the 1 h returns, annualised (√(365 × 24))');
    // One BTC on 100,000 USDT uses a fraction of a percent of the margin: no 0–100% axis with two
    // flat lines at its foot, but the usage on its own scale and the peak said.
    const mg = columns(r.dir, 'margin');
    const peak = Math.max(...(mg.im as number[]).map((v, i) => v / (mg.equity![i] as number)));
    expect(peak).toBeLessThan(0.25);
    expect(sheet.charts.find((c) => c.slug === 'margin-usage')!.marks.length).toBe(2);
    expect(html).toContain(`Margin usage peaked at ${(peak * 100).toFixed(3)}% of equity (initial margin)`);
    // The headline table has the terminal's labels and says which Sharpe it is; no cost reads −0.
    const head = html.slice(html.indexOf('<h2>Summary</h2>'), html.indexOf('All metrics (manifest keys)'));
    expect(head).toContain(`sharpe / sortino (annualised, 365 d; ${r.metrics.returnPeriod} PnL ÷ initial capital)`);
    expect(head).toContain(`<td>${r.metrics.sharpe.toFixed(2)} / ${r.metrics.sortino.toFixed(2)}</td>`);
    expect(head).not.toMatch(/<td>-0<\/td>/);
    // The trade table counts the strategy's round trips: every entry is closed by an exit except maybe the last.
    const fills = r.metrics.fills;
    const trips = Number(/<td>perp|<td>binance-futures<\/td><td>(\d+)<\/td>/.exec(html)?.[1] ?? NaN);
    expect(trips === Math.floor(fills / 2)).toBe(true);
    // The trades table against the fills it was made from: long only, size 1, so every trip is a
    // buy and the sell after it (entry and exit at those fills' prices, PnL their realized less
    // both fees); the last buy may still be open.
    const f = columns(r.dir, 'fills');
    const tr = columns(r.dir, 'trades');
    const buys = f.side!.flatMap((sd, i) => (sd === 'buy' ? [i] : []));
    const sells = f.side!.flatMap((sd, i) => (sd === 'sell' ? [i] : []));
    expect(tr.status!.filter((x) => x === 'closed').length).toBe(sells.length);
    expect(r.metrics.roundTrips).toBe(sells.length);
    sells.forEach((si, k) => {
      const bi = buys[k]!;
      expect([tr.direction![k], tr.exit![k], tr.open_ts_us![k], tr.close_ts_us![k], tr.entry_price![k], tr.exit_price![k], tr.max_qty![k]]).toEqual(['long', 'orders', f.ts_us![bi], f.ts_us![si], f.price![bi], f.price![si], 1]);
      expect(tr.realized_minor![k]).toBe((f.realized_minor![si] as bigint) + (f.realized_minor![bi] as bigint));
      expect(tr.fee_minor![k]).toBe((f.fee_minor![si] as bigint) + (f.fee_minor![bi] as bigint));
    });
    expect(tr.status!.length - sells.length).toBe(buys.length - sells.length);
    expect(html).toContain(`Trade list: the 10 best and 10 worst of ${sells.length.toLocaleString('en-US')} round trips`);
    // The benchmark is buying and holding BTCUSDT over the run: its return from the equity table's
    // mark column, and its line beside the strategy's.
    const mid = (columns(r.dir, 'equity').mid as number[]).filter((v) => Number.isFinite(v) && v > 0);
    expect(html).toContain(`buy and hold BTCUSDT: total return</th><td>${((mid[mid.length - 1]! / mid[0]! - 1) * 100).toFixed(2)}%</td>`);
    expect(html).toMatch(/beta \/ correlation to buy and hold BTCUSDT<\/th><td>0\.\d{3} \/ 0\.\d{3}<\/td>/);
    expect(html).toMatch(/alpha \(annualised\) \/ information ratio \(annualised\) vs buy and hold BTCUSDT/);
    allDrawn(html);
  });

  it('queue waits in the unit of their median; beyond two decades on log bins, waits of zero counted in a note', () => {
    // 20 quotes filled after 40 ms, one after 12 hours, three the instant they rested.
    const waits = [...Array<number>(20).fill(40_000), 12 * 3600e6, 0, 0, 0];
    const c = waitChart(waits)!;
    expect(c.spec.title).toBe('Queue wait of maker fills (ms, log scale)');
    expect(c.spec.x).toMatchObject({ type: 'log', label: 'ms from resting to fill' });
    const bin = c.spec.marks[0] as unknown as { data: { v: number }[] };
    expect(bin.data.map((d) => d.v).sort((x, y) => x - y)).toEqual([...Array<number>(20).fill(40), 43_200_000]);
    expect(c.note).toBe('Queue wait: 3 of 24 maker fills filled the instant they rested (no wait); the log-scale histogram shows the others.');
    // Its ticks are plain numbers at the powers of ten (D3's SI format wrote 0.01 ms as "10m").
    expect([0.001, 0.01, 0.02, 1, 5, 1000, 1e6].map(decade)).toEqual(['0.001', '0.01', '', '1', '', '1,000', '1,000,000']);
    // Every wait is in a bin: the 20 at the shortest wait were left out (the first edge rounded above it).
    const bins = renderChart(c.spec).svg.match(/<g aria-label="rect"[^>]*>(.*?)<\/g>/s)![1]!.match(/<rect /g)!.length;
    expect(bins).toBe(2);
    // Drawn: waits from 10 µs to 5 s, log-uniform.
    const spread = waitChart(Array.from({ length: 200 }, (_, i) => 10 * 10 ** ((i / 199) * 5.7)))!;
    const ticks = [...(renderChart(spread.spec).svg.match(/<g aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).filter((t) => t !== '');
    expect(ticks.length).toBeGreaterThan(3);
    for (const t of ticks) expect(t, t).toMatch(/^\d{1,3}(,\d{3})*$|^0\.0*1$/);
    // Within two decades: a linear histogram of every wait, in seconds (median 2 s).
    const lin = waitChart([1e6, 1.5e6, 2e6, 2e6, 2.5e6, 3e6, 3e6, 4e6, 5e6, 0])!;
    expect(lin.spec.title).toBe('Queue wait of maker fills (s)');
    expect(lin.spec.x).toMatchObject({ type: 'linear' });
    expect(lin.note).toBeUndefined();
    expect(waitChart([1, 2, 3])).toBeUndefined();
  });

  it('a coin-margined desk valued in USDT: its BTC collateral revalued is its own component, not inventory', async () => {
    const { runWorld } = await import('../../src/world/run.ts');
    const { RunSpecSchema } = await import('../../src/world/spec.ts');
    const { codeSource } = await import('../../src/world/spec-file.ts');
    const zip = join(PACKAGE_ROOT, '..', 'shared', 'data', 'lean', 'cryptofuture_binance_minute_btcusd_20221213_trade.zip');
    const spec = (withStrategy: boolean) =>
      RunSpecSchema.parse({
        valuation: 'USDT',
        venues: [{ id: 'binance', kind: 'perp', data: { bars: { file: zip, execution: 'bar' } } }],
        accounts: [{ id: 'desk', deposits: { BTC: 1 }, margin: 'cross' }],
        agents: withStrategy ? [{ strategy: join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'), account: 'desk', venues: ['binance'], params: { size: 0.5 } }] : [],
        record: { equityInterval: '1h' },
      });
    // The wallet prices BTC at the laid book's mid: the first bar's open and the last bar's close,
    // each plus half a tick (slippage 0 lays bid = price, ask = price + one tick). 1 BTC held
    // through the day is worth exactly the move between them more.
    const b = readBars(zip);
    const move = b.close[b.close.length - 1]! - b.open[0]!;
    const idle = (await runWorld(spec(false), codeSource(), { runsDir: join(root, 'runs'), runId: 'coin-idle' })).metrics;
    expect(idle.depositsPnl).toBeCloseTo(move, 6);
    expect(Math.abs(idle.depositsPnl)).toBeGreaterThan(100);
    // Nothing traded: the whole PnL is the collateral's (it was all called inventory).
    expect(idle.totalPnl).toBeCloseTo(move, 6);
    expect(idle.inventoryPnl).toBeCloseTo(0, 9);
    const r = await runWorld(spec(true), codeSource(), { runsDir: join(root, 'runs'), runId: 'coin-sma' });
    const m = r.metrics;
    expect(m.fills).toBeGreaterThan(10);
    expect(m.depositsPnl).toBeCloseTo(move, 6);
    expect(m.spreadCapture + m.inventoryPnl - m.fees - m.funding + m.liquidationTransfers + m.depositsPnl).toBeCloseTo(m.totalPnl, 6);
    // The trading PnL (realized, nothing open at the end) is spread capture + inventory.
    expect(m.unrealizedPnl).toBe(0);
    expect(m.spreadCapture + m.inventoryPnl).toBeCloseTo(m.realizedPnl, 6);
    const a = tearSheet(new RunTables(r.dir), m as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!.attribution;
    expect(a['deposits revalued']!).toBeCloseTo(m.depositsPnl, 6);
    const parts = Object.values(a).reduce((x, y) => x + y, 0);
    expect(parts).toBeCloseTo(m.totalPnl, 6);
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'coin.html') })).html, 'utf8');
    expect(html).toContain(`<th class="sub">deposits revalued</th><td>${money(m.depositsPnl)}</td>`);
  });

  it('an inverse contract valued in its coin: the buy-and-hold benchmark is a 1× long in BTC (1 − P0/P), not the price return', async () => {
    const zip = join(PACKAGE_ROOT, '..', 'shared', 'data', 'lean', 'cryptofuture_binance_minute_btcusd_20221213_trade.zip');
    const r = await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'), data: zip, runsDir: join(root, 'runs'), runId: 'coin-bench' });
    expect(r.metrics.settleAsset).toBe('BTC');
    const eq = columns(r.dir, 'equity');
    const mid = (eq.mid as number[]).filter((v) => v > 0);
    const [p0, p1] = [mid[0]!, mid[mid.length - 1]!];
    // Binance COIN-M: PnL in BTC = contracts × 100 USD × (1/entry − 1/exit); C BTC buys C·P0 USD of
    // contracts, so the return on C is 1 − P0/P1 (the price rose 3.3%: 3.2% in BTC).
    const expected = 1 - p0 / p1;
    expect(Math.abs(expected - (p1 / p0 - 1))).toBeGreaterThan(0.001);
    const sheet = tearSheet(new RunTables(r.dir), r.metrics as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!;
    const row = sheet.summary.find(([k]) => k.startsWith('buy and hold'))!;
    expect(row[0]).toBe('buy and hold BTCUSD_PERP (1× long, in BTC): total return');
    expect(row[1]).toBe(`${(expected * 100).toFixed(2)}%`);
  });

  it('a liquidated account: liquidation transfers are their own component, in the summary and over time, and the parts add up', async () => {
    const { specWithOverrides } = await import('../../src/sweep/spec-job.ts');
    const { runWorld } = await import('../../src/world/run.ts');
    const { spec, source } = specWithOverrides(join(PACKAGE_ROOT, 'scenarios', 'crash-50x.yaml'), {});
    const r = await runWorld(spec, source, { runsDir: join(root, 'runs'), runId: 'crash' });
    const m = r.metrics;
    expect(m.liquidations).toBeGreaterThan(0);
    expect(m.liquidationTransfers).toBeLessThan(0);
    expect(m.spreadCapture + m.inventoryPnl - m.fees - m.funding + m.liquidationTransfers).toBeCloseTo(m.totalPnl, 6);
    const a = tearSheet(new RunTables(r.dir), m as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!.attribution;
    expect(a['liquidation transfers']!).toBeCloseTo(m.liquidationTransfers, 6);
    expect(a['inventory']!).toBeCloseTo(m.inventoryPnl, 6);
    expect(a['spread capture']!).toBeCloseTo(m.spreadCapture, 6);
    const html = readFileSync((await writeReport(r.dir, { out: join(root, 'crash.html') })).html, 'utf8');
    expect(html).toContain(`<th class="sub">liquidation transfers</th><td>${money(m.liquidationTransfers)}</td>`);
    // The 50× long's trip ends where the liquidation engine closed it, at its steps' average price;
    // the trip's PnL and the penalties paid to the fund are the whole loss.
    const tr = columns(r.dir, 'trades');
    const lq = columns(r.dir, 'liquidations');
    expect(tr.status).toEqual(['closed']);
    expect(tr.exit).toEqual(['liquidation']);
    expect(tr.close_ts_us![0]).toBe(Math.max(...(lq.ts_us as number[])));
    const lots = (lq.size_lots as number[]).reduce((a, b) => a + b, 0);
    const vwap = (lq.size_lots as number[]).reduce((a, x, i) => a + x * (lq.price![i] as number), 0) / lots;
    expect(tr.exit_price![0]).toBeCloseTo(vwap, 6);
    expect((tr.pnl![0] as number) + m.liquidationTransfers - m.funding).toBeCloseTo(m.totalPnl, 6);
    expect(html).toMatch(/<td>liquidated<\/td>/);
    // Liquidated: usage reached 100% of maintenance, so the chart shows the liquidation line.
    const mu = tearSheet(new RunTables(r.dir), m as unknown as Record<string, unknown>, r.manifest.instrument as TearSheetInstrument)!.charts.find((c) => c.slug === 'margin-usage')!;
    expect(mu.marks.length).toBe(3);
    expect(html).not.toContain('Margin usage peaked at');
  });
});
