/**
 * Research notebook: how does a market maker's PnL depend on its quoted spread, and how much of
 * the answer is the queue model's assumption?
 *
 * Runs strategies/market-maker.ts on a seeded synthetic BTCUSDT dataset (calibrated on the real
 * capture) over a grid of spreads × queue models, then asks DuckDB across all runs at once.
 *   npx tsx notebooks/mm-spread-sweep.ts [--out <dir>] [--events <n>]
 * Writes <out>/runs/*, <out>/mm-spread-sweep.html (chart + table) and prints the table.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as Plot from '@observablehq/plot';
import { runBacktest } from '../src/backtest/run.ts';
import { formatTable } from '../src/cli/format.ts';
import { generateDataset } from '../src/data/synthetic/index.ts';
import { renderChart } from '../src/report/charts.ts';
import { queryRuns } from '../src/results/query.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'reports/notebooks/mm-spread-sweep' }, events: { type: 'string', default: '400000' } } });
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });

// 1. Data: a seeded, calibrated synthetic hour of BTCUSDT (cached between runs of the notebook).
const data = join(out, `dataset-${values.events}`);
if (!existsSync(join(data, 'manifest.json'))) generateDataset({ dir: data, seed: 2024, events: Number(values.events) });

// 2. The sweep: every run is deterministic, so the grid is reproducible bit for bit.
const spreads = [1, 2, 4, 8];
const queues = ['risk-averse', 'power:3'];
for (const q of queues) {
  for (const s of spreads) {
    await runBacktest({
      strategy: 'strategies/market-maker.ts',
      data,
      seed: 1,
      queue: q,
      fees: '-0.5:2.5',
      params: { spreadBps: String(s), sizeLots: '10' },
      runsDir: join(out, 'runs'),
      runId: `mm-${q.replace(':', '')}-s${s}`,
    });
  }
}

// 3. One SQL over all runs: PnL, its split, and maker fill counts per (queue model, spread).
const sql = `
  select r.run_id,
         regexp_extract(r.run_id, 'mm-(.*)-s', 1) as queue,
         cast(regexp_extract(r.run_id, '-s(\\d+)$', 1) as integer) as spread_bps,
         round(r.total_pnl, 2) as pnl,
         f.fills, round(f.qty, 3) as btc_traded,
         round(f.edge, 2) as spread_capture
  from runs r
  join (select run_id, count(*) as fills, sum(qty) as qty,
               sum(case when side = 'buy' then mid - price else price - mid end * qty) as edge
        from fills group by run_id) f using (run_id)
  order by queue, spread_bps`;
const res = await queryRuns([join(out, 'runs')], sql);
process.stdout.write(formatTable(res.columns, res.rows) + '\n');

// 4. Chart and a small self-contained page.
const rows = res.rows.map((r) => ({ queue: String(r[1]), spread: Number(r[2]), pnl: Number(r[3]) }));
const chart = renderChart({
  title: 'PnL by quoted spread',
  marks: [Plot.lineY(rows, { x: 'spread', y: 'pnl', stroke: 'queue', marker: 'dot' }), Plot.ruleY([0])],
  x: { type: 'log', label: 'quoted spread (bps)' },
  y: { label: 'PnL (USDT)' },
  color: { legend: true },
});
const table = `<table><tr>${res.columns.map((c) => `<th>${c}</th>`).join('')}</tr>${res.rows.map((r) => `<tr>${r.map((v) => `<td>${String(v)}</td>`).join('')}</tr>`).join('')}</table>`;
writeFileSync(
  join(out, 'mm-spread-sweep.html'),
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Market maker: PnL by spread</title></head><body style="font-family:system-ui;max-width:960px;margin:24px auto"><h1>Market maker: PnL by quoted spread</h1><p>${spreads.length * queues.length} deterministic runs on a calibrated synthetic BTCUSDT dataset; maker rebate 0.5 bps, taker 2.5 bps.</p>${chart.html}${table}</body></html>\n`,
);
process.stdout.write(`\nwrote ${join(out, 'mm-spread-sweep.html')}\n`);
