import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatTable, intArg } from './format.ts';
import { chainPnlRows, chainRows, riskRows, tcaRows } from '../report/summary-rows.ts';
import { metricsTable } from './cmd-backtest.ts';
import { setPairs } from './cmd-stress.ts';
import { Progress } from './progress.ts';
import { resolveSpecArg } from '../package-root.ts';
import type { WorldResult } from '../world/run.ts';
import { duration } from '../report/tear-sheet-stats.ts';

/**
 * What a spec run prints, the same for `run` and `stress`: the strategy's summary (when a strategy
 * trades a venue), the chain's figures (when there is a chain), the risk outcome (when there is
 * margin, or no chain).
 */
export async function worldSummary(r: WorldResult): Promise<string> {
  const m = r.metrics;
  const chainOnly = r.world.agents.length > 0 && r.world.agents.every((a) => a.host.venueIds.length === 0);
  // A strategy on chain alone: what its holdings made (the order-book figures would all be 0).
  const head = r.world.agents.length === 0 ? '' : chainOnly ? `${formatTable(['metric', 'value'], chainPnlRows(m))}\n\n` : `${metricsTable(m)}\n\n`;
  const routed = await routingSummary(r.dir);
  const chain = r.world.chain ? `${formatTable(['chain', 'value'], chainRows(m))}\n\n` : '';
  const risk = !r.world.chain || r.world.engine !== undefined ? `${formatTable(['risk', 'value'], riskRows(m))}\n\n` : '';
  return `${head}${routed}${chain}${risk}${dataEndNotes(r.world)}`;
}

/**
 * Venues whose data ends more than a minute before the run does (two files of unequal length):
 * from then their book and mark stand still and orders there are rejected — said, not left to be
 * found in the orders table.
 */
export function dataEndNotes(w: WorldResult['world']): string {
  const runEnd = Math.min(w.endUs, Math.max(...w.venues.map((v) => v.endUs)));
  const early = w.venues.filter((v) => v.endUs < runEnd - 60e6);
  const lines = early.map((v) => `note: ${v.id}'s data ends at ${new Date(v.dataset.timeRange.endUs / 1000).toISOString()}, ${duration(runEnd - v.endUs)} before the run's: from then its book and mark stand still and orders (and amends) there are refused\n`);
  return lines.length > 0 ? `${lines.join('')}\n` : '';
}

/** Routed parent orders (a run's `tca` table): what each cost against its arrival mid, and where it went. */
export async function routingSummary(dir: string): Promise<string> {
  const file = join(dir, 'tca.arrow');
  if (!existsSync(file)) return '';
  const { readArrow } = await import('../results/arrow-io.ts');
  const t = readArrow(file);
  const col = (name: string) => t.getChild(name);
  const num = (name: string, i: number) => Number(col(name)?.get(i) ?? NaN);
  const str = (name: string, i: number) => String(col(name)?.get(i) ?? '');
  const parents = Array.from({ length: t.numRows }, (_, i) => ({
    parent: str('parent', i), side: str('side', i), asked: num('asked', i), filled: num('filled', i), decisions: num('decisions', i), children: num('children', i),
    shortfallBps: num('shortfall_bps', i), timingBps: num('timing_bps', i), spreadBps: num('spread_bps', i), impactBps: num('impact_bps', i), feesBps: num('fees_bps', i), gasBps: num('gas_bps', i), mevBps: num('mev_bps', i),
    venueSplit: str('venue_split', i),
  }));
  // Parents are in the run's instrument's base units (ETH of ETHUSDT and of the WETH pool alike).
  let unit: string | undefined;
  try {
    unit = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { instrument?: { base?: string } }).instrument?.base;
  } catch {
    unit = undefined;
  }
  return parents.length > 0 ? `${formatTable(['routing', 'value'], tcaRows(parents, unit))}\n\n` : '';
}

/** `primesim run <spec>`: build the world a run spec describes, run it, summarise, report. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a run spec (YAML/JSON): venues, accounts, strategies and risk wired by one builder; writes a run folder and a report.')
    .argument('<spec>', 'run spec file, e.g. scenarios/basis-20240808.yaml, or a scenario\'s name (basis-20240808: see stress --list)')
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name (default: <name or strategy>-<dataset>-s<seed>-<spec hash>)')
    .option('--force', 'replace --runs/<run-id> even if it is not a run folder (never the current or home folder)')
    .option('--seed <n>', 'override the spec seed', intArg('--seed'))
    .option('--set <path=value>', 'override a spec field or a strategy parameter, e.g. venues.perp.fees=0:4 or spreadBps=2 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-report', 'do not write the HTML report')
    .option('--json', 'print the manifest as JSON instead of a table')
    .addHelpText(
      'after',
      `
Spec sections: name, seed, time {start, end}, valuation;
  venues [{id, kind: spot | perp | options | amm-v2 | amm-v3 | lending,
           data: {catalog} | {generate} | {bars} | {path: {source, transforms}},
           fees, queue, latency {entry, response, feed}, mark, index, funding, tiers, …}];
  accounts [{id, deposits, margin: cash | cross | isolated | portfolio, haircuts, onchain}];
  agents [{strategy, params, account, venues} | {population} | {adversary} | {borrowers}];
  chain {profile, gas, oracles, …}; risk {liquidation, stepShare, cooldown, feeRate, …};
  record {equityInterval}; mc {paths, …} (for primesim mc).
Relative paths resolve against the spec's folder. See scenarios/ for examples (primesim stress --list).`,
    )
    .action(async (file: string, o: RunSpecOptions) => runSpecFile(resolveSpecArg(file), o));
}

/** What `run` and `stress` take: output, overrides, report, JSON. */
export interface RunSpecOptions {
  runs: string;
  runId?: string;
  force?: boolean;
  seed?: number;
  set: string[];
  report: boolean;
  json?: boolean;
}

/** Run a spec file with progress, write its report (unless --no-report), print its summary: `run` and `stress` alike. */
export async function runSpecFile(file: string, o: RunSpecOptions): Promise<void> {
  const { specWithOverrides } = await import('../sweep/spec-job.ts');
  const { runWorld } = await import('../world/run.ts');
  const { spec, source } = specWithOverrides(file, setPairs(o.set), '--set');
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
  let report = '';
  if (o.report) {
    const { writeReport } = await import('../report/report.ts');
    report = `\nreport: ${(await writeReport(res.dir, { png: false })).html}`;
  }
  const t = res.manifest.timing;
  process.stdout.write(`${await worldSummary(res)}run:    ${res.dir}${report}\nevents: ${(res.manifest.counts.events ?? 0).toLocaleString('en-US')} in ${Number(t.replaySeconds).toFixed(2)} s (${Math.round(Number(t.eventsPerSecond)).toLocaleString('en-US')} events/s)\n`);
}
