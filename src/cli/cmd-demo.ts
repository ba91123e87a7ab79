import { intArg } from './format.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readManifest } from '../data/catalog.ts';
import { backtestWithProgress, metricsTable } from './cmd-backtest.ts';
import { money, percent, wholeAmount } from '../report/summary-rows.ts';
import { manifestSummary } from './cmd-data.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

export const DEMO_DATASET = join('datasets', 'demo-btcusdt');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate the seeded demo dataset, backtest strategies/market-maker.ts on it at two spreads side by side, print the summary and write the runs and an HTML report.')
    .option('--seed <n>', 'seed for the dataset and the run', intArg('--seed'), 7)
    .option('--events <n>', 'rows in the demo dataset', intArg('--events'), 2_000_000)
    .action(async (o: { seed: number; events: number }) => {
      const dir = `${DEMO_DATASET}-s${o.seed}-${o.events}`;
      if (!existsSync(join(dir, 'manifest.json'))) {
        process.stdout.write(`generating ${dir} …\n`);
        const { generateDataset } = await import('../data/synthetic/dataset.ts');
        await generateDataset({ dir, seed: o.seed, events: o.events, profile: 'calm' });
      }
      process.stdout.write(`${manifestSummary(readManifest(dir), dir)}\n\n`);
      // The same market maker twice, one parameter apart: how far from the mid it quotes.
      const base = { strategy: join(PACKAGE_ROOT, 'strategies', 'market-maker.ts'), data: dir, seed: o.seed, queue: 'power:3', latencyEntry: '2ms', latencyResponse: '2ms' };
      const res = await backtestWithProgress({ ...base, params: { spreadBps: 2 } });
      const alt = await backtestWithProgress({ ...base, params: { spreadBps: 0.5 } });
      const { writeReport } = await import('../report/report.ts');
      const rep = await writeReport(res.dir, { png: false });
      const t = res.manifest.timing;
      const { formatTable } = await import('./format.ts');
      const a = res.metrics;
      const b = alt.metrics;
      const row = (k: string, f: (m: typeof a) => number | string): [string, string | number, string | number] => [k, f(a), f(b)];
      const cmp = formatTable(['same strategy, same data', 'spread 2 bps', 'spread 0.5 bps'], [
        row('total PnL (USDT)', (m) => money(m.totalPnl, m.settleAsset)),
        row('maker fills', (m) => wholeAmount(m.makerFills)),
        row('fill ratio', (m) => percent(m.fillRatio)),
        row('spread capture (USDT)', (m) => money(m.spreadCapture, m.settleAsset)),
        row('mean queue wait (ms)', (m) => m.meanQueueWaitMs.toFixed(1)),
        row('max drawdown (USDT)', (m) => money(m.maxDrawdown, m.settleAsset)),
      ]);
      process.stdout.write(
        `${metricsTable(res.metrics)}\n\n${cmp}\n` +
          `Quoting closer to the mid buys fills at the price of adverse selection: compare fills, spread capture and PnL. Explore it: npx primesim sweep strategies/market-maker.ts --data ${dir} --grid spreadBps=0.5,1,2,4 --grid queue=risk-averse,power:3\n\n` +
          `run:    ${res.dir} (and ${alt.dir})\nreport: ${rep.html}  ← open it: tear sheet, equity, fills on the price chart\nevents: ${res.manifest.counts.events.toLocaleString('en-US')} replayed in ${t.replaySeconds.toFixed(2)} s (${Math.round(t.eventsPerSecond).toLocaleString('en-US')} events/s)\n` +
          `next:   npx primesim query ${res.dir} ${alt.dir} "select run_id, param_spread_bps, total_pnl, fills from runs"\n`,
      );
    });
}
