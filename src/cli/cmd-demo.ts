import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readManifest } from '../data/catalog.ts';
import { backtestWithProgress, metricsTable } from './cmd-backtest.ts';
import { manifestSummary } from './cmd-data.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

export const DEMO_DATASET = join('datasets', 'demo-btcusdt');

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate the seeded demo dataset, backtest strategies/market-maker.ts on it, print a summary and write a run and an HTML report.')
    .option('--seed <n>', 'seed for the dataset and the run', (v) => Number.parseInt(v, 10), 7)
    .option('--events <n>', 'rows in the demo dataset', (v) => Number(v), 2_000_000)
    .action(async (o: { seed: number; events: number }) => {
      const dir = `${DEMO_DATASET}-s${o.seed}-${o.events}`;
      if (!existsSync(join(dir, 'manifest.json'))) {
        process.stdout.write(`generating ${dir} …\n`);
        const { generateDataset } = await import('../data/synthetic/dataset.ts');
        await generateDataset({ dir, seed: o.seed, events: o.events, profile: 'calm' });
      }
      process.stdout.write(`${manifestSummary(readManifest(dir), dir)}\n\n`);
      const res = await backtestWithProgress({ strategy: join(PACKAGE_ROOT, 'strategies', 'market-maker.ts'), data: dir, seed: o.seed, queue: 'power:3', latencyEntry: '2ms', latencyResponse: '2ms' });
      const { writeReport } = await import('../report/report.ts');
      const rep = await writeReport(res.dir, { png: false });
      const t = res.manifest.timing;
      process.stdout.write(
        `${metricsTable(res.metrics)}\n\nrun:    ${res.dir}\nreport: ${rep.html}\nevents: ${res.manifest.counts.events.toLocaleString('en-US')} replayed in ${t.replaySeconds.toFixed(2)} s (${Math.round(t.eventsPerSecond).toLocaleString('en-US')} events/s; ${t.wallSeconds.toFixed(2)} s including strategy load and Arrow output)\n` +
          `next:   npx primesim query ${res.dir} "select side, liquidity, count(*), sum(qty) from fills group by all"\n`,
      );
    });
}
