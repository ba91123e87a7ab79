import type { Command } from 'commander';
import { formatTable } from './format.ts';
import { riskRows } from '../report/summary-rows.ts';
import { metricsTable } from './cmd-backtest.ts';
import { Progress } from './progress.ts';

/** `primesim run <spec>`: build the world a run spec describes, run it, summarise, report. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a run spec (YAML/JSON): venues, accounts, strategies and risk wired by one builder; writes a run folder and a report.')
    .argument('<spec>', 'run spec file, e.g. scenarios/basis-20240808.yaml')
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name (default: <name or strategy>-<dataset>-s<seed>-<spec hash>)')
    .option('--force', 'replace --runs/<run-id> even if it is not a run folder (never the current or home folder)')
    .option('--seed <n>', 'override the spec seed', (v) => Number.parseInt(v, 10))
    .option('--no-report', 'do not write the HTML report')
    .option('--json', 'print the manifest as JSON instead of a table')
    .addHelpText(
      'after',
      `
Spec sections: seed, time {start, end}, valuation, venues [{id, kind: spot|perp, data: {catalog} | {generate},
fees, queue, latency {entry, response, feed}, mark, index, funding, tiers}], accounts [{id, deposits,
margin: cash|cross|isolated|portfolio, haircuts}], agents [{strategy, params, account, venues}],
risk {liquidation, stepShare, cooldown, feeRate}, record {equityInterval}. Relative paths resolve
against the spec's folder. See scenarios/ for examples.`,
    )
    .action(async (file: string, o: { runs: string; runId?: string; force?: boolean; seed?: number; report: boolean; json?: boolean }) => {
      const { loadSpecFile } = await import('../world/spec-file.ts');
      const { runWorld } = await import('../world/run.ts');
      const { spec, source } = loadSpecFile(file);
      if (o.seed !== undefined) spec.seed = o.seed;
      const bar = new Progress('run', 1, 'time');
      let res;
      try {
        res = await runWorld(spec, source, {
          runsDir: o.runs,
          ...(o.runId ? { runId: o.runId } : {}),
          force: o.force ?? false,
          onProgress: (ev, now, start, end) => bar.updateTime(ev, now, start, end),
          clock: () => Date.now(),
        });
      } finally {
        bar.stop();
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(res.manifest, null, 2) + '\n');
        return;
      }
      const m = res.metrics;
      const risk = formatTable(['risk', 'value'], riskRows(m));
      let report = '';
      if (o.report) {
        const { writeReport } = await import('../report/report.ts');
        report = `\nreport: ${(await writeReport(res.dir, { png: false })).html}`;
      }
      const t = res.manifest.timing;
      process.stdout.write(`${res.world.agents.length > 0 ? `${metricsTable(m)}\n\n` : ''}${risk}\n\nrun:    ${res.dir}${report}\nevents: ${(res.manifest.counts.events ?? 0).toLocaleString('en-US')} in ${Number(t.replaySeconds).toFixed(2)} s (${Math.round(Number(t.eventsPerSecond)).toLocaleString('en-US')} events/s)\n`);
    });
}
