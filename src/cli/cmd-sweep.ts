import { join } from 'node:path';
import type { Command } from 'commander';
import { parseParamPairs } from '../backtest/load-strategy.ts';
import { ConfigError } from '../errors.ts';
import { queryRuns } from '../results/query.ts';
import { expandGrid, parseGridAxis } from '../sweep/grid.ts';
import { runPool } from '../sweep/pool.ts';
import { formatTable } from './format.ts';
import { Progress } from './progress.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('Backtest a strategy over a grid of parameters (and seeds) on a local pool of worker processes, then summarise all runs with DuckDB.')
    .argument('<strategy>', 'strategy module file')
    .requiredOption('--data <dir>', 'dataset catalog folder')
    .requiredOption('--grid <name=v1,v2>', 'a parameter axis (repeatable); `seed=1..8` varies the run seed', collect, [] as string[])
    .option('--param <key=value>', 'fixed strategy parameter (repeatable)', collect, [] as string[])
    .option('--queue <model>', 'queue model (or put queue=… on a --grid axis)', 'risk-averse')
    .option('--latency-entry <spec>', 'order entry latency', '1ms')
    .option('--fees <maker:taker>', 'fees in bps', '2:5')
    .option('--workers <n>', 'worker processes (default: one per core)', (v) => Number.parseInt(v, 10))
    .option('--runs <dir>', 'folder for the sweep (one sub-folder per run)', join('runs', 'sweeps'))
    .option('--name <name>', 'sweep name (folder under --runs)', 'sweep')
    .action(async (strategy: string, o: { data: string; grid: string[]; param: string[]; queue: string; latencyEntry: string; fees: string; workers?: number; runs: string; name: string }) => {
      if (o.grid.length === 0) throw new ConfigError('give at least one --grid axis', { field: '--grid' });
      const axes = o.grid.map(parseGridAxis);
      const fixed = parseParamPairs(o.param);
      const points = expandGrid(axes);
      const dir = join(o.runs, o.name);
      const cfgs = points.map((p) => {
        const { seed, queue, ...params } = p;
        const id = Object.entries(p).map(([k, v]) => `${k}-${v.replace(/[^\w.-]/g, '')}`).join('_');
        return { strategy, data: o.data, seed: seed ? Number(seed) : 1, queue: queue ?? o.queue, latencyEntry: o.latencyEntry, fees: o.fees, params: { ...fixed, ...params }, runsDir: dir, runId: id };
      });
      const bar = new Progress('sweep', cfgs.length, 'runs');
      const results = await runPool(cfgs, { ...(o.workers ? { workers: o.workers } : {}), onResult: (_r, done) => bar.update(done) });
      bar.stop();
      const failed = results.filter((r) => !r.ok);
      for (const f of failed) if (!f.ok) process.stderr.write(`primesim: run ${cfgs[f.id]!.runId}: ${f.error}\n`);
      if (failed.length === results.length) throw new ConfigError('every run of the sweep failed', { field: '--grid' });
      const q = await queryRuns([dir], 'select run_id, round(total_pnl, 4) as total_pnl, round(sharpe, 2) as sharpe, round(max_drawdown, 4) as max_drawdown, fills from runs order by total_pnl desc');
      process.stdout.write(`${formatTable(q.columns, q.rows)}\n\n${results.length - failed.length} runs in ${dir}\nnext: npx primesim query ${dir} "select * from runs"\n`);
      if (failed.length) process.exitCode = 1;
    });
}
