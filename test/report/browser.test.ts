import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { writeReport } from '../../src/report/report.ts';
import { generateDataset } from '../../src/data/synthetic/dataset.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-logging=stderr', '--v=0'];

function chromium(args: string[], profile: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((res, rej) => {
    const c = spawn(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('error', rej);
    c.on('close', (code) => res({ stdout, stderr, code: code ?? -1 }));
  });
}

let root: string;
let html: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'primesim-browser-'));
  // The demo's run (`primesim demo`: its generator, seed, strategy and settings) on a tenth of its data.
  generateDataset({ dir: join(root, 'ds'), seed: 7, events: 200_000, profile: 'calm' });
  const run = await runBacktest({ strategy: 'strategies/market-maker.ts', data: join(root, 'ds'), seed: 7, queue: 'power:3', latencyEntry: '2ms', latencyResponse: '2ms', params: { spreadBps: 2 }, runsDir: join(root, 'runs') });
  html = (await writeReport(run.dir, { out: join(root, 'report.html'), png: true })).html;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('report in headless Chromium', () => {
  it('the demo run: opens offline with no console errors and every chart drawn', async () => {
    if (!CHROMIUM) {
      if (process.env.CI === 'true') throw new Error('chromium is missing: .ci/run installs Debian chromium for this test');
      console.warn('skipping browser test: no chromium installed');
      return;
    }
    const url = `file://${html}`;
    const dom = await chromium(['--dump-dom', url], join(root, 'profile1'));
    expect(dom.code).toBe(0);
    expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|net::ERR/);
    // The tear sheet's charts, then the run's (equity, drawdown, inventory, fills; margin, since a
    // perp backtest is margined), each with drawn marks: lines/areas have path data, dots are
    // circles, histograms rects of non-zero height.
    const charts = dom.stdout.split('class="chart"').slice(1);
    const titles = [...dom.stdout.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    for (const t of ['Tear sheet', 'Cumulative return (%)', 'Cumulative log return', 'Underwater (%)', 'PnL attribution over time (USDT)', 'Equity', 'Drawdown', 'Fills against mid', 'Margin']) expect(titles).toContain(t);
    // A market maker's inventory changes thousands of times: drawn as its mean per bucket.
    expect(titles.some((x) => x === 'Inventory' || x!.startsWith('Inventory: time-weighted mean per '))).toBe(true);
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const c of charts) expect(/<path[^>]* d="M[^"]{20,}|<circle|<rect[^>]* height="[1-9]/.test(c.split('</div>')[0]!)).toBe(true);
    const shot = join(root, 'shot.png');
    const s = await chromium([`--screenshot=${shot}`, '--window-size=1000,1600', url], join(root, 'profile2'));
    expect(s.code).toBe(0);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });

  it('the 31-day bar run: every tear-sheet section and chart drawn in the browser (monthly returns, benchmark, trade list)', async () => {
    if (!CHROMIUM) {
      if (process.env.CI === 'true') throw new Error('chromium is missing: .ci/run installs Debian chromium for this test');
      return;
    }
    if (!sharedDataAvailable()) return;
    const run = await runBacktest({ strategy: 'strategies/sma-cross.ts', data: join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'), equityInterval: '1h', runsDir: join(root, 'runs'), runId: 'bars-31d' });
    const page = (await writeReport(run.dir, { out: join(root, 'bars.html'), png: false })).html;
    const dom = await chromium(['--dump-dom', `file://${page}`], join(root, 'profile3'));
    expect(dom.code).toBe(0);
    expect(dom.stderr).not.toMatch(/CONSOLE|Uncaught|net::ERR/);
    const titles = [...dom.stdout.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]!);
    for (const t of ['Tear sheet', 'Cumulative return (%)', 'Cumulative log return', 'Underwater (%)', 'Monthly returns (%)', 'Worst drawdowns', 'Margin usage and distance to liquidation (%)', 'Trades (round trips: flat → position → flat)', 'Fills against mid']) expect(titles).toContain(t);
    for (const p of ['Return distribution', 'Rolling 1-day volatility (annualised', 'Rolling 1-day Sharpe (annualised', 'Trade list']) expect(titles.some((x) => x.startsWith(p)), p).toBe(true);
    // The benchmark's line is drawn beside the strategy's, with its legend.
    expect(dom.stdout).toContain('buy and hold BTCUSDT');
    const charts = dom.stdout.split('class="chart"').slice(1);
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const c of charts) expect(/<path[^>]* d="M[^"]{20,}|<circle|<rect[^>]* height="[1-9]/.test(c.split('</div>')[0]!)).toBe(true);
  });

  it('writes PNG copies of the charts that are real images', () => {
    const png = html.replace(/\.html$/, '-equity.png');
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(5_000);
    writeFileSync(join(root, 'ok'), '');
  });
});
