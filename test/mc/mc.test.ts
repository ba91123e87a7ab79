/**
 * Monte Carlo on the one world (scenarios/mc-cascade.yaml, shrunk: 300 traders, 50 borrowers,
 * 4-hour bootstrapped paths): the pool's paths equal a serial run's and a path rerun alone;
 * contagion needs the CEX–oracle link; every lending liquidation is below HF 1; the CLI prints
 * the risk figures and the summary reads in DuckDB.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { runMc } from '../../src/mc/run-mc.ts';
import { runPath } from '../../src/mc/path-run.ts';
import { pathSpec } from '../../src/world/mc-paths.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { runWorld } from '../../src/world/run.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-mc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SPEC = join(PACKAGE_ROOT, 'scenarios', 'mc-cascade.yaml');
const SMALL = { 'agents.1.population.count': '300', 'agents.2.borrowers.count': '50', 'mc.generate.0.bootstrap.length': '240', 'mc.generate.1.jumpDiffusionFrom.length': '4h' };

describe('Monte Carlo paths', () => {
  it('path specs: historical first, then seeded bootstraps and calibrated jump-diffusions in turn at each shock, all on one clock and price', () => {
    if (!sharedDataAvailable()) return;
    const { spec } = specWithOverrides(SPEC, SMALL);
    const labels = [0, 1, 2, 3, 4, 5, 6].map((k) => pathSpec(spec, k).label);
    expect(labels).toEqual(['historical:btc-2022-01-21', 'historical:eth-oracle-2021-05-19', 'bootstrap ×1', 'jumpDiffusionFrom ×1', 'bootstrap ×1.5', 'jumpDiffusionFrom ×1.5', 'bootstrap ×2']);
    const seeds = new Set(Array.from({ length: 50 }, (_, k) => pathSpec(spec, k).seed));
    expect(seeds.size).toBe(50);
    expect(pathSpec(spec, 7).seed).toBe(pathSpec(spec, 7).seed);
  });

  it('the pool\'s paths equal a serial run\'s, and a path rerun alone gives the same bytes', async () => {
    if (!sharedDataAvailable()) return;
    const pool = await runMc({ file: SPEC, overrides: SMALL, paths: 4, runsDir: join(root, 'pool'), workers: 2 });
    const serial = await runMc({ file: SPEC, overrides: SMALL, paths: 4, runsDir: join(root, 'serial'), workers: 0 });
    expect(pool.rows.map((r) => r.resultsSha256)).toEqual(serial.rows.map((r) => r.resultsSha256));
    expect(pool.summary).toEqual(serial.summary);
    const alone = await runMc({ file: SPEC, overrides: SMALL, paths: 4, only: [3], runsDir: join(root, 'alone'), workers: 0 });
    expect(alone.rows[0]!.resultsSha256).toBe(pool.rows[3]!.resultsSha256);
    // The same files, byte for byte.
    for (const f of ['equity.arrow', 'liquidations.arrow', 'lending_liquidations.arrow', 'ledger.arrow']) {
      expect(readFileSync(join(alone.dir, 'path-00003', f)).equals(readFileSync(join(pool.dir, 'path-00003', f)))).toBe(true);
    }
    // Resume: a second call reuses every complete path.
    const again = await runMc({ file: SPEC, overrides: SMALL, paths: 4, runsDir: join(root, 'pool'), workers: 2 });
    expect([again.ran, again.reused]).toEqual([0, 4]);
    // The summary is a run folder DuckDB reads, with the figures as its metrics.
    const r = await queryRuns([pool.summaryDir], 'select count(*), sum(fund_exhausted), min(desk_pnl) from paths');
    expect(Number(r.rows[0]![0])).toBe(4);
    expect(Number(r.rows[0]![2])).toBe(Math.min(...pool.rows.map((x) => x.deskPnl)));
    expect(pool.summary.var99).toBe(-Math.min(...pool.rows.map((x) => x.deskPnl)));
    // Each path's peak base fee is its blocks table's highest; the summary takes the quantiles as VaR does (the 2nd and 4th of 4).
    for (const row of pool.rows) {
      const b = await queryRuns([join(pool.dir, row.dir)], 'select max(base_fee) from blocks');
      expect(row.baseFeeMaxGwei).toBe(Number(b.rows[0]![0]) / 1e9);
    }
    const fees = pool.rows.map((x) => x.baseFeeMaxGwei!).sort((a, b) => a - b);
    expect(pool.summary.baseFeeMax50).toBe(fees[1]);
    expect(pool.summary.baseFeeMax99).toBe(fees[3]);
    // The risk report of the MC folder: the table, the PnL distribution, the fans, the worst path's waterfall.
    const { writeMcReport } = await import('../../src/report/mc-report.ts');
    const rep = await writeMcReport(pool.dir, { out: join(root, 'mc-report.html') });
    const html = readFileSync(rep.html, 'utf8');
    expect(html).toContain('peak base fee: median / 99% (gwei)');
    for (const h of ['VaR 95% / 99% (desk loss)', 'Desk PnL across paths, with VaR (solid) and ES (dashed) at 95% and 99%', '</svg>ES 99%</span>', 'Mark across paths', 'Insurance fund across paths', 'Open interest across paths', 'Liquidation waterfall of the worst path']) expect(html).toContain(h);
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(5);
    // Fans and the waterfall are drawn against hours into the path: every path starts at the MC's
    // own start date, which a date axis showed as if the replayed crash happened then.
    for (const title of ['Insurance fund across paths', 'Liquidation waterfall of the worst path']) {
      const chart = html.split(`<h2>${title}`)[1]!.split('<h2>')[0]!;
      expect(chart).toContain('hours into the path');
      const ticks = [...(chart.match(/<g aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
      expect(ticks.length, title).toBeGreaterThan(2);
      for (const t of ticks) expect(Number(t), `${title}: tick ${t}`).toBeGreaterThanOrEqual(0);
    }
    // The waterfall is the worst path's liquidated notional (the summary's figure: its partial and
    // closeout steps, ADL apart), over the whole path from hour 0.
    const { waterfall } = await import('../../src/report/mc-report.ts');
    const byLar = [...pool.rows].sort((a, b) => b.liquidatedNotional - a.liquidatedNotional || a.k - b.k)[0]!;
    const span = (await queryRuns([join(pool.dir, byLar.dir)], 'select (select min(ts_us) from marks), (select max(ts_us) from equity)')).rows[0]!.map(Number);
    const w = waterfall(join(pool.dir, byLar.dir), span[0]!)!;
    const sum = w.rows.filter((r) => r.kind !== 'adl').reduce((a, r) => a + r.v, 0);
    expect(Math.abs(sum - byLar.liquidatedNotional)).toBeLessThan(1e-6 * byLar.liquidatedNotional);
    expect(w.endH).toBeCloseTo((span[1]! - span[0]!) / 3.6e9, 9);
    const wchart = html.split('<h2>Liquidation waterfall of the worst path')[1]!.split('<h2>')[0]!;
    expect([...(wchart.match(/<g aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s)?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)[0]).toBe('0');
    // Probabilities read as percentages; a second report replaces the first (it is a primesim report).
    expect(html).toMatch(/ADL incidence<\/th><td>\d+\.\d% \(95% CI [\d.]+% – [\d.]+%, exact\)/);
    // Four paths bound neither VaR's loss side: the interval rows say so, and the convergence
    // chart (VaR of the first n paths) ends at the summary's VaR.
    expect(html).toContain('VaR 95% of the first n paths (solid)');
    expect(html).toMatch(/95% CI \(distribution-free\)<\/th><td>[\d,-]+ – \? \/ [\d,-]+ – \?/);
    expect(html).toContain('more paths needed: ≥ 72 bound a 95% figure, ≥ 368 a 99% one');
    const { convergence } = await import('../../src/report/mc-report.ts');
    const byK = [...pool.rows].sort((a, b) => a.k - b.k).map((x) => x.deskPnl);
    expect(convergence(byK).map((c) => c.n)).toEqual([1, 2, 3, 4]);
    expect(convergence(byK).at(-1)!.var).toBe(pool.summary.var95);
    // Where the tail comes from: of 4 paths the 95% tail is the worst one; its source has it.
    const worst = [...pool.rows].sort((a, b) => a.deskPnl - b.deskPnl || a.k - b.k)[0]!;
    const src = html.split('<h2>Where the 95% tail comes from</h2>')[1]!.split('<h2>')[0]!;
    expect(src).toContain('<p>The worst path by desk PnL, by the source of their path.</p>');
    expect(src).toContain(`<tr><td>${worst.label.replace(/&/g, '&amp;')}</td><td>${pool.rows.filter((r) => r.label === worst.label).length}</td><td>1</td>`);
    expect((await writeMcReport(pool.dir, { out: join(root, 'mc-report.html') })).html).toBe(rep.html);
    // PNGs under names that say what the chart is, whatever the worst path was.
    const pngs = (await writeMcReport(pool.dir, { out: join(root, 'mc-png.html'), png: true })).pngs.map((p) => p.slice(p.lastIndexOf('/') + 1));
    for (const n of ['pnl-distribution', 'var-convergence', 'mark-fan', 'insurance-fund-fan', 'open-interest-fan', 'liquidation-waterfall-worst-path']) expect(pngs).toContain(`mc-png-${n}.png`);
  }, 600_000);

  it('contagion: the 2021-05-19 path liquidates on-chain borrowers through the oracle; cut the link and it does not; every liquidation below HF 1', async () => {
    if (!sharedDataAvailable()) return;
    const linked = await runPath({ file: SPEC, overrides: SMALL, k: 1, dir: join(root, 'linked') });
    // The same spec with the ETH/USD oracle fixed instead of following the perp (absolute paths: the copy lives in a temp folder).
    const text = readFileSync(SPEC, 'utf8').replace('{ id: ETH/USD, venue: perp, blend: { pool: uni, weight: 0.2 }, deviationBps: 50, heartbeat: 1h }', '{ id: ETH/USD, fixed: 3000 }').replaceAll('../../shared/data', SHARED).replaceAll('../strategies', join(PACKAGE_ROOT, 'strategies'));
    expect(text).toContain('fixed: 3000');
    const cut = join(root, 'cut.yaml');
    writeFileSync(cut, text);
    const unlinked = await runPath({ file: cut, overrides: SMALL, k: 1, dir: join(root, 'unlinked') });
    expect(linked.lendingLiquidations).toBeGreaterThan(0);
    expect(unlinked.lendingLiquidations).toBeLessThan(linked.lendingLiquidations);
    expect(unlinked.lendingLiquidations).toBe(0);
    // The CEX side is the same path either way.
    expect(unlinked.pathLow).toBe(linked.pathLow);
    const hf = await queryRuns([join(root, 'linked', 'path-00001')], 'select count(*), max(hf_before) from lending_liquidations');
    expect(Number(hf.rows[0]![0])).toBe(linked.lendingLiquidations);
    expect(Number(hf.rows[0]![1])).toBeLessThan(1);
  }, 600_000);

  it('an oracle with update latency: its answer at the start is on chain at once (lending opens against it); later rounds wait the latency', async () => {
    if (!sharedDataAvailable()) return;
    await runPath({ file: SPEC, overrides: { ...SMALL, 'chain.oracles.0.latency': '60s' }, k: 1, dir: join(root, 'latency') });
    const rounds = await queryRuns([join(root, 'latency', 'path-00001')], "select reason, published_ts_us - triggered_ts_us from oracle_rounds where feed = 'ETH/USD' order by round");
    expect(rounds.rows[0]).toEqual(['first', 0]);
    expect(rounds.rows.length).toBeGreaterThan(10);
    for (const r of rounds.rows.slice(1)) expect(Number(r[1])).toBe(60e6);
  }, 600_000);

  it('feedback: searchers sell seized collateral into the pool (sandwichable) and the oracle blends in its price — liquidations on the crash path grow', async () => {
    if (!sharedDataAvailable()) return;
    const more = { ...SMALL, 'agents.2.borrowers.count': '200' };
    const fed = await runPath({ file: SPEC, overrides: more, k: 1, dir: join(root, 'fed') });
    const text = readFileSync(SPEC, 'utf8').replace(', blend: { pool: uni, weight: 0.2 }', '').replace(', sell: { pool: uni, slippageBps: 100 }', '').replaceAll('../../shared/data', SHARED).replaceAll('../strategies', join(PACKAGE_ROOT, 'strategies'));
    expect(text).not.toContain('blend:');
    expect(text).not.toContain('sell:');
    const plain = join(root, 'no-feedback.yaml');
    writeFileSync(plain, text);
    const cut = await runPath({ file: plain, overrides: more, k: 1, dir: join(root, 'nofeed') });
    expect(fed.lendingLiquidations).toBeGreaterThan(cut.lendingLiquidations);
    // One sale per liquidation, of exactly what the liquidator received (seized − protocol fee), in order.
    const dir = join(root, 'fed', 'path-00001');
    const liq = await queryRuns([dir], 'select collateral_seized - protocol_fee from lending_liquidations order by ts_us');
    // The health-factor panel: all 200 borrowers each hour; between, only the accounts liquidated in that block.
    const partial = 'select ts_us from lending group by 1 having count(*) < 200';
    const panel = await queryRuns([dir], `select ts_us, account from lending where ts_us in (${partial}) order by 1, 2`);
    const liquidated = await queryRuns([dir], `select distinct ts_us, "user" from lending_liquidations where ts_us in (${partial}) order by 1, 2`);
    expect(panel.rows.length).toBeGreaterThan(0);
    expect(panel.rows).toEqual(liquidated.rows);
    const sales = await queryRuns([dir], 'select amount_in, tx, status, mev_loss from collateral_sales order by ts_us');
    expect(sales.rows.length).toBe(liq.rows.length);
    sales.rows.forEach((r, i) => expect(Number(r[0])).toBeCloseTo(Number(liq.rows[i]![0]), 9));
    // Sales went through the public mempool: sandwiched ones show their loss in both tables.
    const joined = await queryRuns([dir], "select count(*), sum(abs(s.mev_loss - m.victim_loss)) from collateral_sales s join mev m on m.victim_tx = s.tx where m.kind = 'sandwich'");
    expect(Number(joined.rows[0]![0])).toBeGreaterThan(0);
    expect(Number(joined.rows[0]![1])).toBeLessThan(1e-6);
  }, 600_000);

  it('a sensitivity grid runs the MC at every point; its report draws the heatmaps', async () => {
    if (!sharedDataAvailable()) return;
    const { runMcGrid } = await import('../../src/mc/grid.ts');
    const g = await runMcGrid({ file: SPEC, overrides: { ...SMALL, 'mc.historical': '[]' }, axes: [['shock', ['1', '3']], ['agents.1.population.leverage.max', ['10', '50']]], paths: 2, runsDir: join(root, 'grid'), workers: 2 });
    expect(g.points.map((p) => `${p.point.shock}/${p.point['agents.1.population.leverage.max']}`)).toEqual(['1/10', '1/50', '3/10', '3/50']);
    // Each point is an ordinary MC folder; the grid table repeats its figures.
    const r = await queryRuns([g.dir], 'select axis0_shock, axis1_agents_1_population_leverage_max, lar95 from grid order by 1, 2');
    expect(r.rows.map((x) => Number(x[2]))).toEqual(g.points.map((p) => p.summary.lar95));
    // A ×3 shock liquidates at least as much as ×1 at the same leverage cap (same seeds, bigger moves).
    expect(g.points[2]!.summary.lar95).toBeGreaterThanOrEqual(g.points[0]!.summary.lar95);
    const { writeReport } = await import('../../src/report/report.ts');
    const rep = await writeReport(g.dir, { out: join(root, 'grid.html') });
    const html = readFileSync(rep.html, 'utf8');
    // The axes as given (the table's column names have their dots replaced), the y axis's name
    // across the top (down the left margin a field path was cut off).
    expect(html).toContain('liquidations-at-risk 95% by shock × agents.1.population.leverage.max');
    expect(html).not.toContain('agents_1_population');
  }, 600_000);

  it('the CLI prints VaR, ES, liquidations-at-risk and P(fund exhausted)', async () => {
    if (!sharedDataAvailable()) return;
    const r = await primesim(['mc', SPEC, '--paths', '2', '--workers', '1', '--runs', join(root, 'cli'), ...Object.entries(SMALL).flatMap(([k, v]) => ['--set', `${k}=${v}`])], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/VaR 95% \/ 99% \(desk loss\)/);
    expect(r.stdout).toMatch(/ES 95% \/ 99% \(desk loss\)/);
    expect(r.stdout).toMatch(/liquidations-at-risk 95% \/ 99%/);
    expect(r.stdout).toMatch(/P\(insurance fund exhausted\)\s+\d/);
    expect(r.stdout).toMatch(/peak base fee: median \/ 99% \(gwei\)\s+[\d.]+ \/ [\d.]+/);
    // Of 2 paths the 95% tail is the worse one: its source, 1 of 1.
    const dir = /^mc:\s+(.+)$/m.exec(r.stdout)![1]!;
    const rows = readdirSync(join(dir, 'rows')).map((f) => JSON.parse(readFileSync(join(dir, 'rows', f), 'utf8')) as { k: number; label: string; deskPnl: number });
    const worst = rows.sort((a, b) => a.deskPnl - b.deskPnl || a.k - b.k)[0]!;
    expect(r.stdout).toContain(`95% tail by path source`);
    expect(r.stdout.split('\n').find((l) => l.startsWith('95% tail by path source'))!.replace(/^95% tail by path source\s+/, '')).toBe(`${worst.label}: 1 (of 1)`);
    const help = await primesim(['mc', '--help'], root);
    expect(help.stdout).toMatch(/--queue <redis-url>/);
  }, 600_000);

  it('never replaces a folder of someone\'s files in the MC folder: refused before any path runs, replaced only with --force', async () => {
    if (!sharedDataAvailable()) return;
    const runs = join(root, 'mine');
    const mcDir = join(runs, 'mc', 'victim');
    mkdirSync(join(mcDir, 'summary'), { recursive: true });
    writeFileSync(join(mcDir, 'summary', 'notes.txt'), 'years of work\n');
    const args = ['mc', SPEC, '--paths', '3', '--only', '2', '--workers', '0', '--name', 'victim', '--runs', runs, ...Object.entries(SMALL).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
    let r = await primesim(args, root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/field --name: .*victim[\\/]summary already exists and holds files that primesim did not write.*--force/);
    // Refused before the path ran: nothing written, the notes intact.
    expect(readdirSync(mcDir).sort()).toEqual(['summary']);
    expect(readFileSync(join(mcDir, 'summary', 'notes.txt'), 'utf8')).toBe('years of work\n');
    // A path folder of someone's files likewise.
    rmSync(join(mcDir, 'summary'), { recursive: true });
    mkdirSync(join(mcDir, 'path-00002'));
    writeFileSync(join(mcDir, 'path-00002', 'notes.txt'), 'x');
    r = await primesim(args, root);
    expect(r.stderr).toMatch(/path-00002 already exists and holds files that primesim did not write/);
    expect(readFileSync(join(mcDir, 'path-00002', 'notes.txt'), 'utf8')).toBe('x');
    r = await primesim([...args, '--force'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(mcDir, 'path-00002'))).toContain('manifest.json');
    // Run again: its own run folders are replaced (or reused) without --force.
    r = await primesim(args, root);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it("a desk auto-deleveraged in the cascade: its trip ends where ADL took its position, at the bankruptcy prices", async () => {
    if (!sharedDataAvailable()) return;
    // Path 0 at full size (8,000 traders): bankrupt shorts' positions are taken from the most
    // profitable longs, the desk's 3× long among them.
    const { spec, source } = specWithOverrides(SPEC, {});
    const r = await runWorld(pathSpec(spec, 0).spec, source, { runsDir: join(root, 'adl'), runId: 'p0', collectGarbage: false, spillThread: false });
    const hits = (r.world.liquidation?.adl ?? []).flatMap((a) => a.hits.filter((h) => h.account === 'desk').map((h) => ({ ts: a.tsUs, lots: h.lots, price: a.bankruptcyPrice })));
    expect(hits.length).toBeGreaterThan(0);
    const t = readArrow(join(r.dir, 'trades.arrow')).toArray().map((x) => x.toJSON() as Record<string, unknown>);
    expect(t).toHaveLength(1);
    const trip = t[0]!;
    expect([trip.direction, trip.status, trip.exit]).toEqual(['long', 'closed', 'adl']);
    expect(trip.close_ts_us).toBe(Math.max(...hits.map((h) => h.ts)));
    const lots = hits.reduce((a, h) => a + h.lots, 0);
    const inst = r.world.venues[0]!.clob.instrument;
    expect(lots * Number(inst.lotSize)).toBeCloseTo(trip.max_qty as number, 9);
    expect(trip.exit_price as number).toBeCloseTo(hits.reduce((a, h) => a + h.lots * h.price, 0) / lots, 6);
  }, 120_000);
});

