import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { checkAxes, expandGrid, parseGridAxis } from '../../src/sweep/grid.ts';
import { runPool } from '../../src/sweep/pool.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';
import { primesim } from '../helpers/cli.ts';

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
    // The same point twice wrote one run folder twice and counted as two trials in the deflated Sharpe.
    expect(() => parseGridAxis('leverage=2,5,2')).toThrow(/^field --grid: grid axis leverage gives 2 twice$/);
    expect(() => parseGridAxis('seed=1..3,2')).toThrow(/gives 2 twice/);
    expect(() => checkAxes([parseGridAxis('fast=5'), parseGridAxis('fast=10')])).toThrow(/^field --grid: grid axis fast is given twice/);
  });

  it('a sweep whose points would share a run folder is refused before anything runs', async () => {
    const r = await primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'venues.perp.fees=2:5,25', '--runs', join(root, 'clash')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('primesim: ConfigError: field --grid: grid points venues.perp.fees=2:5 and venues.perp.fees=25 would share the run folder fees-25 (give values that differ once punctuation is dropped)');
    expect(existsSync(join(root, 'clash'))).toBe(false);
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

describe('sweeps over run specs', () => {
  it('any spec field or strategy parameter is an axis; pooled runs equal solo runs; the runs table shows each point', async () => {
    const { applyOverride, specWithOverrides } = await import('../../src/sweep/spec-job.ts');
    const { runWorld } = await import('../../src/world/run.ts');
    const { queryRuns } = await import('../../src/results/query.ts');
    const file = join(root, 'mm.yaml');
    writeFileSync(file, `seed: 3\nvenues:\n  - { id: perp, kind: perp, data: { catalog: ${data} }, queue: power:2 }\naccounts:\n  - { id: desk, deposits: { USDT: 100000 } }\nagents:\n  - strategy: ${join(process.cwd(), 'strategies', 'market-maker.ts')}\n    account: desk\n    venues: [perp]\n    params: { sizeLots: 5, requoteTicks: 1 }\n`);
    // paths: by index or id; a bare name is a parameter of the first agent
    const raw: Record<string, unknown> = { venues: [{ id: 'perp', fees: '2:5' }], agents: [{ params: {} }] };
    applyOverride(raw, 'venues.perp.fees', '0:4');
    applyOverride(raw, 'spreadBps', '0.5');
    expect(raw).toEqual({ venues: [{ id: 'perp', fees: '0:4' }], agents: [{ params: { spreadBps: 0.5 } }] });
    expect(() => specWithOverrides(file, { 'venues.spot.fees': '1:1' })).toThrow(/field --grid: venues\.spot\.fees: no venues\.spot in the spec/);
    // stress and mc name the flag the path came from
    expect(() => specWithOverrides(file, { 'venues.spot.fees': '1:1' }, '--set')).toThrow(/field --set: venues\.spot\.fees: no venues\.spot in the spec/);
    // A model's string is checked with the schema (it was left to the builder, in each run): the flag and value named.
    expect(() => specWithOverrides(file, { 'venues.perp.queue': 'fifo' })).toThrow(/^field --grid venues\.perp\.queue=fifo: unknown queue model "fifo"/);
    const points = expandGrid([parseGridAxis('venues.perp.queue=risk-averse,power:3'), parseGridAxis('spreadBps=0.01,0.05')]);
    const jobs = points.map((p, i) => ({ kind: 'spec' as const, file, overrides: p, runsDir: join(root, 'specpool'), runId: `p${i}`, sweep: { id: 'mm-sweep', point: p } }));
    const pooled = await runPool(jobs, { workers: 2 });
    expect(pooled.every((r) => r.ok)).toBe(true);
    for (const [i, j] of jobs.entries()) {
      const { spec, source } = specWithOverrides(file, j.overrides);
      const solo = await runWorld(spec, source, { runsDir: join(root, 'specsolo'), runId: `p${i}` });
      const p = pooled[i]!;
      if (!p.ok) throw new Error(p.error);
      expect(JSON.parse(readFileSync(join(p.dir, 'manifest.json'), 'utf8')).resultsSha256).toBe(solo.manifest.resultsSha256);
    }
    const q = await queryRuns([join(root, 'specpool')], 'select sweep, model_queue, param_spread_bps from runs order by run_id');
    expect(q.rows).toEqual([
      ['mm-sweep', 'risk-averse', 0.01],
      ['mm-sweep', 'risk-averse', 0.05],
      ['mm-sweep', 'power:3', 0.01],
      ['mm-sweep', 'power:3', 0.05],
    ]);
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
    // `report <folder> --png` wrote no PNG (the option only reached a single run's report).
    const { writeComparison } = await import('../../src/report/compare.ts');
    const c = writeComparison(runs, { out: join(root, 'cmp2.html'), png: true });
    expect(c.pngs.map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(['cmp2-equity-change.png', 'cmp2-total-pnl.png']);
    for (const p of c.pngs) expect(readFileSync(p).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });
});

describe('sweep flags', () => {
  it('BTC deposits valued in USDT: the table tells the trading PnL from the deposits revalued', async () => {
    const zip = join(PACKAGE_ROOT, '..', 'shared', 'data', 'lean', 'cryptofuture_binance_minute_btcusd_20221213_trade.zip');
    const spec = join(root, 'coin.yaml');
    writeFileSync(spec, [
      'valuation: USDT',
      'venues:',
      `  - { id: binance, kind: perp, data: { bars: { file: ${zip}, execution: bar } } }`,
      'accounts:',
      '  - { id: desk, deposits: { BTC: 1 }, margin: cross }',
      'agents:',
      `  - { strategy: ${join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts')}, account: desk, venues: [binance], params: { size: 0.5 } }`,
    ].join('\n') + '\n');
    const r = await primesim(['sweep', spec, '--grid', 'fast=5,10', '--runs', join(root, 'coin-runs')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines[0]!.trim().split(/\s+/);
    expect(header).toEqual(expect.arrayContaining(['total_pnl', 'trading_pnl', 'deposits_revalued']));
    // 1 BTC held through the day: the last close less the first open, the same in every run.
    const b = readBars(zip);
    const move = b.close[b.close.length - 1]! - b.open[0]!;
    for (const id of ['fast-5', 'fast-10']) {
      const cells = lines.find((l) => l.startsWith(`${id} `))!.trim().split(/\s+/);
      const at = (c: string) => Number(cells[header.indexOf(c)]);
      expect(at('deposits_revalued')).toBeCloseTo(move, 4);
      expect(at('trading_pnl')).toBeCloseTo(at('total_pnl') - move, 3);
    }
    expect(r.stdout).toMatch(/deposits_revalued: the deposits of another asset than the valuation's/);
    // The comparison page draws the trading PnL beside the total, one bar per run.
    const dir = /(\d+) runs in (\S+)/.exec(r.stdout)![2]!;
    const rep = await primesim(['report', dir, '--out', join(root, 'coin-compare.html')]);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(root, 'coin-compare.html'), 'utf8');
    const chart = html.split('<h2>Trading PnL by run (total less deposits revalued)</h2>')[1]!.split('<h2>')[0]!;
    expect(chart.match(/<rect[^>]* width="[1-9]/g)?.length).toBe(2);
  });

  // A fees or queue string a venue's model refuses was found by its own run (the other points ran
  // and "1 run" was printed); a key under a --grid/--set path was named at its section's file line.
  it('a grid or --set value a model refuses stops everything before any run, naming the flag and the value', async () => {
    const out = join(root, 'refused');
    const [fees, queue, key, set, seed] = await Promise.all([
      primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'venues.perp.fees=2:5,abc', '--runs', out]),
      primesim(['sweep', 'strategies/market-maker.ts', '--data', data, '--grid', 'queue=log,power:0', '--runs', out]),
      primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'risk.foo=1,2', '--runs', out]),
      primesim(['stress', 'crash-50x', '--set', 'venues.perp.queue=fifo', '--runs', out]),
      primesim(['sweep', 'strategies/market-maker.ts', '--data', data, '--grid', 'seed=1,2.5', '--runs', out]),
    ]);
    expect(fees.stderr.trim()).toBe('primesim: ConfigError: field --grid venues.perp.fees=abc: fees "abc" are not maker:taker bps (e.g. 2:5 or -0.5:2.5)');
    expect(queue.stderr.trim()).toBe('primesim: ConfigError: field --grid queue=power:0: power queue exponent must be > 0, got 0');
    expect(key.stderr.trim()).toBe('primesim: ConfigError: field --grid risk.foo=1: unknown setting foo');
    expect(set.stderr.trim()).toBe('primesim: ConfigError: field --set venues.perp.queue=fifo: unknown queue model "fifo" (use risk-averse, power:<n> or log)');
    expect(seed.stderr.trim()).toBe('primesim: ConfigError: field --grid seed=2.5: Invalid input: expected int, received number');
    for (const r of [fees, queue, key, set, seed]) expect(r.code).not.toBe(0);
    // A mark rule too (the sweep ran its good point first).
    const mark = await primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'venues.perp.mark=median,bogus', '--runs', out]);
    expect(mark.stderr.trim()).toBe('primesim: ConfigError: field --grid venues.perp.mark=bogus: unknown mark price model "bogus" (index, mid or median[:tauUs])');
    expect(existsSync(out)).toBe(false);
  });

  // The builder's own checks (a time, the data's span, a strategy file) named the file line of the
  // section the value landed in (crash-50x.yaml:5, the spec's name line, for a time.start it lacks).
  it('a --set value the builder refuses names the flag too', async () => {
    const out = join(root, 'refused-build');
    const [time, span, strategy] = await Promise.all([
      primesim(['stress', 'crash-50x', '--set', 'time.start=yesterday', '--runs', out, '--no-report']),
      primesim(['stress', 'crash-50x', '--set', 'time.start=2020-01-01T00:00:00Z', '--runs', out, '--no-report']),
      primesim(['stress', 'crash-50x', '--set', 'agents.0.strategy=nope.ts', '--runs', out, '--no-report']),
    ]);
    expect(time.stderr.trim()).toBe('primesim: ConfigError: field --set time.start=yesterday: "yesterday" is not a time (an ISO-8601 time such as 2024-08-08T23:55:00Z, or µs since the epoch)');
    expect(span.stderr.trim()).toMatch(/^primesim: ConfigError: field --set time\.start=2020-01-01T00:00:00Z: start 2020-01-01T00:00:00\.000Z is outside the data \(/);
    expect(strategy.stderr.trim()).toMatch(/^primesim: ConfigError: field --set agents\.0\.strategy=nope\.ts: .*nope\.ts: unknown strategy: file not found/);
    for (const r of [time, span, strategy]) expect(r.code).not.toBe(0);
  });

  it('a backtest flag given to a spec sweep is an error naming it, not silently ignored', async () => {
    const { primesim, ROOT: ROOT_DIR } = await import('../helpers/cli.ts');
    const r = await primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'leverage=2,10', '--slippage-bps', '3', '--runs', join(root, 'never')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/field --slippage-bps: applies to strategy sweeps/);
    expect(existsSync(join(root, 'never'))).toBe(false);
    // A bar sweep has no entry latency or queue to vary.
    if (!existsSync(join(ROOT_DIR, '..', 'shared', 'data', 'bars'))) return;
    const bars = join(ROOT_DIR, '..', 'shared', 'data', 'bars', 'btc-perp-20211231-20220201_1m.csv');
    const q = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'queue=risk-averse,power:3', '--runs', join(root, 'never')]);
    expect(q.stderr).toMatch(/field --grid queue: does not apply to bars/);
    const l = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'fast=5,10', '--latency-entry', '5ms', '--runs', join(root, 'never')]);
    expect(l.stderr).toMatch(/field --latency-entry: does not apply to bars/);
    // A grid value the strategy refuses stops the sweep before any point runs (it failed its own
    // run after the others had run), naming the axis and the value.
    const g = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'fast=5,a', '--runs', join(root, 'never')]);
    expect(g.code).toBe(1);
    expect(g.stderr.trim()).toBe('primesim: ConfigError: field --grid fast=a: bad parameter fast: Invalid input: expected number, received NaN');
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

describe('sweeps over bars', () => {
  it('a bar strategy sweeps with the backtest settings (slippage, capital, fees), each run equal to its backtest, equity once a minute', async () => {
    const { writeFileSync } = await import('node:fs');
    const { primesim } = await import('../helpers/cli.ts');
    // Two days of hand-made minute bars: a sine wave, so the crossover trades.
    const lines = ['timestamp,open,high,low,close,volume'];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    let prev = 100;
    for (let i = 0; i < 2 * 1440; i++) {
      const c = 100 + 5 * Math.sin(i / 90) + Math.sin(i / 7);
      lines.push(`${new Date(t0 + i * 60_000).toISOString().replace('T', ' ').replace('Z', '')},${prev.toFixed(2)},${(Math.max(prev, c) + 0.3).toFixed(2)},${(Math.min(prev, c) - 0.3).toFixed(2)},${c.toFixed(2)},10`);
      prev = c;
    }
    const bars = join(root, 'sine.csv');
    writeFileSync(bars, lines.join('\n'));
    const runs = join(root, 'bar-sweeps');
    const r = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'fast=10,5', '--grid', 'slow=30,40', '--slippage-bps', '3', '--capital', '5000000', '--fees', '1:4', '--runs', runs, '--name', 'sine']);
    expect(r.code, r.stderr).toBe(0);
    const pnl = new Map<string, number>();
    for (const fast of [5, 10]) {
      for (const slow of [30, 40]) {
        const m = JSON.parse(readFileSync(join(runs, 'sine', `fast-${fast}_slow-${slow}`, 'manifest.json'), 'utf8')) as { resultsSha256: string; config: { slippageBps: number; capital: number; equityInterval: string }; counts: { fills: number }; metrics: { totalPnl: number } };
        expect(m.config).toMatchObject({ slippageBps: 3, capital: 5_000_000, equityInterval: '1m' });
        expect(m.counts.fills).toBeGreaterThan(10);
        pnl.set(`${fast}/${slow}`, m.metrics.totalPnl);
        if (fast !== 5 || slow !== 30) continue;
        const solo = await runBacktest({ strategy: 'strategies/sma-cross.ts', data: bars, params: { fast: '5', slow: '30' }, slippageBps: 3, capital: 5_000_000, fees: '1:4', runsDir: join(root, 'bar-solo'), runId: 'f5' });
        expect(m.resultsSha256).toBe(solo.manifest.resultsSha256);
        expect(solo.manifest.config.equityInterval).toBe('1m');
      }
    }
    // The comparison page of a two-axis sweep: a heatmap of total PnL over fast × slow, one cell
    // per run at its grid point (axes in numeric order), labelled with the run's figure.
    const { writeComparisonReport } = await import('../../src/report/compare.ts');
    const { findRuns } = await import('../../src/results/run-store.ts');
    const html = readFileSync(writeComparisonReport(findRuns([join(runs, 'sine')]), join(root, 'sine.html')), 'utf8');
    const heat = html.split('<h2>Total PnL by fast × slow</h2>')[1]!.split('<h2>')[0]!;
    expect((heat.match(/<rect/g) ?? []).length).toBe(4);
    const labels = [...heat.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);
    for (const v of pnl.values()) expect(labels).toContain(Math.round(v).toLocaleString('en-US'));
    // fast was given as 10,5: the axis reads 5, 10.
    const xTicks = /aria-label="x-axis tick label"[^]*?<\/g>/.exec(heat)?.[0] ?? '';
    expect([...xTicks.matchAll(/>(\d+)</g)].map((m) => m[1])).toEqual(['5', '10']);
    expect(html).toContain('<th>fast</th><th>slow</th>');
    // The best of four runs is deflated: SR*₀ from the four per-minute Sharpe ratios (their sample
    // variance), each run's DSR = its PSR of SR*₀ — in the terminal table and on the page.
    const { expectedMaxSharpe, probabilisticSharpe } = await import('../../src/results/sharpe-inference.ts');
    type M = { metrics: { sharpePerPeriod: number; returnCount: number; returnSkew: number; returnKurtosis: number } };
    const ms = new Map([5, 10].flatMap((fast) => [30, 40].map((slow) => [`fast-${fast}_slow-${slow}`, (JSON.parse(readFileSync(join(runs, 'sine', `fast-${fast}_slow-${slow}`, 'manifest.json'), 'utf8')) as M).metrics] as const)));
    const srs = [...ms.values()].map((m) => m.sharpePerPeriod);
    const mu = srs.reduce((a, b) => a + b, 0) / 4;
    const thr = expectedMaxSharpe(4, srs.reduce((a, b) => a + (b - mu) ** 2, 0) / 3);
    expect(r.stdout).toContain(`beats ${thr.toFixed(4)} per 1m return, the best that 4 runs without skill would show`);
    const header = r.stdout.split('\n')[0]!.trim().split(/\s+/);
    const dsrCol = header.indexOf('dsr');
    expect(dsrCol).toBeGreaterThan(0);
    const defl = html.split('<h2>Deflated Sharpe ratio</h2>')[1]!.split('<h2>')[0]!;
    for (const [id, m] of ms) {
      const dsr = probabilisticSharpe(m.sharpePerPeriod, m.returnCount, m.returnSkew, m.returnKurtosis, thr);
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${id} `))!.trim().split(/\s+/);
      expect(line[dsrCol]).toBe(dsr.toFixed(3));
      expect(defl).toContain(`<tr><th>${id}</th><td>${m.sharpePerPeriod.toFixed(4)}</td><td>${(probabilisticSharpe(m.sharpePerPeriod, m.returnCount, m.returnSkew, m.returnKurtosis) * 100).toFixed(1)}%</td><td>${(dsr * 100).toFixed(1)}%</td></tr>`);
    }
    // And how often each point's round trips paid, from each run's trades.
    const hit = html.split('<h2>Hit rate of round trips by fast × slow</h2>')[1]!.split('<h2>')[0]!;
    const hitLabels = [...hit.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);
    for (const fast of [5, 10]) {
      for (const slow of [30, 40]) {
        const m = JSON.parse(readFileSync(join(runs, 'sine', `fast-${fast}_slow-${slow}`, 'manifest.json'), 'utf8')) as { metrics: { tripHitRate: number } };
        expect(hitLabels).toContain(`${(m.metrics.tripHitRate * 100).toFixed(1)}%`);
      }
    }
  });

  it('walk-forward: a dates axis runs each window of the bars file, checked before anything runs', async () => {
    const { writeFileSync } = await import('node:fs');
    const { primesim } = await import('../helpers/cli.ts');
    // Three days of hand-made minute bars (a sine wave: the crossover trades in every window).
    const lines = ['timestamp,open,high,low,close,volume'];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    let prev = 100;
    for (let i = 0; i < 3 * 1440; i++) {
      const c = 100 + 5 * Math.sin(i / 90) + Math.sin(i / 7);
      lines.push(`${new Date(t0 + i * 60_000).toISOString().replace('T', ' ').replace('Z', '')},${prev.toFixed(2)},${(Math.max(prev, c) + 0.3).toFixed(2)},${(Math.min(prev, c) - 0.3).toFixed(2)},${c.toFixed(2)},10`);
      prev = c;
    }
    const bars = join(root, 'sine3.csv');
    writeFileSync(bars, lines.join('\n'));
    const runs = join(root, 'walk');
    const windows = ['2024-01-01/2024-01-02T12:00:00Z', '2024-01-02T12:00:00Z/2024-01-04'];
    const r = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', `dates=${windows.join(',')}`, '--grid', 'fast=5,10', '--runs', runs, '--name', 'wf']);
    expect(r.code, r.stderr).toBe(0);
    for (const [k, w] of windows.entries()) {
      for (const fast of [5, 10]) {
        const id = `dates-${w.replace('/', '--').replace(/[^\w.-]/g, '')}_fast-${fast}`;
        const m = JSON.parse(readFileSync(join(runs, 'wf', id, 'manifest.json'), 'utf8')) as { counts: { rows: number }; config: { from: string; to: string } };
        // 36 h of minute bars in each window, the first and the second half of the file.
        expect([k, m.counts.rows, m.config.from, m.config.to]).toEqual([k, 36 * 60, w.split('/')[0], w.split('/')[1]]);
      }
    }
    // The runs table says which window each run covered: out-of-sample results group by it in SQL.
    const q = await primesim(['query', join(runs, 'wf'), 'select data_from, data_to, count(*) as n from runs group by 1, 2 order by 1', '-f', 'csv']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout.trim().split('\n')).toEqual(['data_from,data_to,n', ...windows.map((w) => `${w.split('/')[0]},${w.split('/')[1]},2`)]);
    // Walk-forward: the first window's best fast (by total PnL, from the manifests) and that
    // point's PnL in the second window; the deflated Sharpe per window (each its own trials).
    const pnlOf = (w: string, fast: number) => (JSON.parse(readFileSync(join(runs, 'wf', `dates-${w.replace('/', '--').replace(/[^\w.-]/g, '')}_fast-${fast}`, 'manifest.json'), 'utf8')) as { metrics: { totalPnl: number } }).metrics.totalPnl;
    // A tie goes to the first point as text ('fast=10' before 'fast=5').
    const chosen = pnlOf(windows[0]!, 5) > pnlOf(windows[0]!, 10) ? 5 : 10;
    const oos = pnlOf(windows[1]!, chosen);
    const fig = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(4)).toString());
    expect(r.stdout).toContain("walk-forward: each window's best point by total_pnl, traded in the next window");
    const step = r.stdout.split('\n').find((l) => l.startsWith(windows[0]!))!.trim().split(/\s{2,}/);
    expect(step.slice(0, 5)).toEqual([windows[0], `fast=${chosen}`, fig(pnlOf(windows[0]!, chosen)), windows[1], fig(oos)]);
    expect(r.stdout).toContain(`out of sample over 1 window: chosen ${fig(oos)}; a point at random ${fig((pnlOf(windows[1]!, 5) + pnlOf(windows[1]!, 10)) / 2)} on average; the best in hindsight ${fig(Math.max(pnlOf(windows[1]!, 5), pnlOf(windows[1]!, 10)))}`);
    for (const w of windows) expect(r.stdout).toContain(`dsr in ${w}: deflated Sharpe — P(the run's Sharpe beats`);
    const { writeComparisonReport } = await import('../../src/report/compare.ts');
    const { findRuns } = await import('../../src/results/run-store.ts');
    const page = readFileSync(writeComparisonReport(findRuns([join(runs, 'wf')]), join(root, 'wf.html')), 'utf8');
    for (const w of windows) expect(page).toContain(`<p><b>${w}</b>: 2 runs: without skill`);
    // The page's walk-forward chooses as the sweep was told (its sweep.json: total PnL here).
    expect((JSON.parse(readFileSync(join(runs, 'wf', 'sweep.json'), 'utf8')) as { select: string }).select).toBe('totalPnl');
    expect(page).toContain(`<h2>Walk-forward</h2><p>Each window's best point by total_pnl, traded in the next window. Out of sample over 1 window: chosen ${fig(oos)};`);
    expect(page).toContain(`<tr><td>${windows[0]}</td><td>fast=${chosen}</td><td>${fig(pnlOf(windows[0]!, chosen))}</td><td>${windows[1]}</td><td>${fig(oos)}</td>`);
    const sel = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'fast=5', '--select', 'fills', '--runs', runs, '--name', 'bad']);
    expect(sel.stderr.trim()).toBe('primesim: ConfigError: field --select: fills is not a figure to choose by (one of total_pnl, sharpe_per_period, sortino_per_period, psr, trip_hit_rate, max_drawdown)');
    expect(existsSync(join(runs, 'bad'))).toBe(false);
    for (const [grid, msg] of [
      ['dates=2024-01-02', /field --grid dates=2024-01-02: 2024-01-02 is not <from>\/<to>/],
      ['dates=2024-01-03/2024-01-02', /field --grid dates=2024-01-03\/2024-01-02: 2024-01-02 is not after 2024-01-03/],
      ['dates=someday/2024-01-02', /"someday" is not a time/],
      // A window outside the data failed its runs after the others had run.
      ['dates=2030-01-01/2030-01-02', /field --grid dates=2030-01-01\/2030-01-02: no bars in this window \(the data has bars from /],
      // A constraint between parameters is in the strategy's schema, so it too is checked first.
      ['fast=20', /field --grid fast=20: bad parameter fast: fast must be shorter than slow/],
    ] as const) {
      const bad = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', grid, '--runs', runs, '--name', 'bad']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(msg);
      expect(existsSync(join(runs, 'bad'))).toBe(false);
    }
  });
  it('a walk-forward over two parameters: heatmaps of the two, one panel per window; runs in grid order (5 before 10); past ten runs, each window’s best and worst over grey', async () => {
    const { writeFileSync } = await import('node:fs');
    const { primesim } = await import('../helpers/cli.ts');
    const lines = ['timestamp,open,high,low,close,volume'];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    let prev = 100;
    for (let i = 0; i < 2 * 1440; i++) {
      const c = 100 + 5 * Math.sin(i / 90) + Math.sin(i / 7);
      lines.push(`${new Date(t0 + i * 60_000).toISOString().replace('T', ' ').replace('Z', '')},${prev.toFixed(2)},${(Math.max(prev, c) + 0.3).toFixed(2)},${(Math.min(prev, c) - 0.3).toFixed(2)},${c.toFixed(2)},10`);
      prev = c;
    }
    const bars = join(root, 'sine2.csv');
    writeFileSync(bars, lines.join('\n'));
    const runs = join(root, 'walk2');
    const r = await primesim(['sweep', 'strategies/sma-cross.ts', '--data', bars, '--grid', 'fast=5,10,15', '--grid', 'slow=30,60', '--grid', 'dates=2024-01-01/2024-01-02,2024-01-02/2024-01-03', '--runs', runs, '--name', 'wf2']);
    expect(r.code, r.stderr).toBe(0);
    const { writeComparison } = await import('../../src/report/compare.ts');
    const { findRuns } = await import('../../src/results/run-store.ts');
    const found = findRuns([join(runs, 'wf2')]);
    const page = readFileSync(writeComparison(found, { out: join(root, 'wf2.html') }).html, 'utf8');
    expect(page).toContain('<h2>Total PnL by fast × slow, each dates window</h2>');
    // Each cell carries its run's total PnL, in its window's panel.
    const heat = page.split('<h2>Total PnL by fast × slow, each dates window</h2>')[1]!.split('<h2>')[0]!;
    for (const w of ['2024-01-01/2024-01-02', '2024-01-02/2024-01-03']) expect(heat).toContain(`>${w}</text>`);
    for (const run of found) expect(heat).toContain(`>${Math.round((run.manifest as unknown as { metrics: { totalPnl: number } }).metrics.totalPnl).toLocaleString('en-US')}</text>`);
    // The bars of total PnL in grid order: fast 5 (then 10), within it slow 30 (then 60), within it the windows.
    const bar = page.split('<h2>Total PnL by run</h2>')[1]!.split('<h2>')[0]!;
    const labels = [...bar.matchAll(/>(fast-[^<]+)<\/text>/g)].map((m) => m[1]!);
    // Twelve runs are more than the palette tells apart: grey, with each window's best and worst
    // by total PnL drawn over them and named.
    const pnlOf = (id: string) => (found.find((x) => x.runId === id)!.manifest as unknown as { metrics: { totalPnl: number } }).metrics.totalPnl;
    const eq = page.split('<h2>Equity change</h2>')[1]!.split('<h2>')[0]!;
    for (const w of ['2024-01-01/2024-01-02', '2024-01-02/2024-01-03']) {
      const ids = found.map((x) => x.runId).filter((id) => id.endsWith(w.replace('/', '--')));
      expect(ids.length).toBe(6);
      const best = ids.reduce((a, b) => (pnlOf(b) > pnlOf(a) ? b : a));
      const worst = ids.reduce((a, b) => (pnlOf(b) < pnlOf(a) ? b : a));
      expect(eq).toContain(`<li>${w}: best ${best} (${Math.round(pnlOf(best)).toLocaleString('en-US')}), worst ${worst} (${Math.round(pnlOf(worst)).toLocaleString('en-US')}), of 6 runs</li>`);
    }
    expect(eq).toContain('best by total PnL');
    expect(labels).toEqual(['5', '10', '15'].flatMap((f) => ['30', '60'].flatMap((sl) => ['2024-01-01--2024-01-02', '2024-01-02--2024-01-03'].map((d) => `fast-${f}_slow-${sl}_dates-${d}`))));
  });
});

