import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { mcRiskRows, percent, wholeAmount } from '../report/summary-rows.ts';
import { formatTable, intArg } from './format.ts';
import { tailBySource, tailCount } from '../mc/stats.ts';
import { Progress } from './progress.ts';
import { setPairs } from './cmd-stress.ts';
import { resolveSpecArg } from '../package-root.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

function indices(s: string | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  return s.split(',').flatMap((x) => {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(x.trim());
    if (!m) throw new ConfigError(`--only ${s}: expected indices like 3 or 0..9,12`, { field: '--only' });
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

export function registerMc(program: Command): void {
  program
    .command('mc')
    .description('Monte Carlo stress: run N paths of a spec with an mc section (historical, bootstrapped and shocked price paths) on a local worker pool or a Redis job queue; print VaR, ES, liquidations-at-risk and P(insurance fund exhausted).')
    .argument('<spec>', 'run spec with an mc section, e.g. scenarios/mc-cascade.yaml (or its name, mc-cascade)')
    .option('--paths <n>', 'number of paths (default: the spec\'s mc.paths)', intArg('--paths'))
    .option('--only <k,…>', 'run only these paths (e.g. 7 or 0..9): a path rerun alone gives the same files')
    .option('--set <path=value>', 'override a spec field (repeatable), e.g. agents.1.population.count=2000', collect, [] as string[])
    .option('--workers <n>', 'worker threads (default: one per core; 0 = in this process, one by one)', intArg('--workers'))
    .option('--runs <dir>', 'folder for outputs (the MC goes to <runs>/mc/<name>)', 'runs')
    .option('--name <name>', 'MC folder name (default <spec name>-s<seed>-<hash of the spec and --set>)')
    .option('--queue <redis-url>', 'enqueue the paths on a BullMQ queue at this Redis (workers: primesim worker --queue …) and wait for them')
    .option('--grid <field=v1,v2>', 'sensitivity grid (repeatable): the MC at every point, e.g. shock=1,2,3 (generated paths\' return scale) or agents.1.population.leverage.max=10,25,50; the report draws heatmaps', collect, [] as string[])
    .option('--force', 'replace path and summary folders in the MC folder even if they hold files primesim did not write (checked before any path runs)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nEach path is a run folder <runs>/mc/<name>/path-<k>; <runs>/mc/<name>/summary holds the paths table\n(query: primesim query <runs>/mc/<name>/summary "select * from paths"). Paths already complete are reused\n(when written by the same primesim code; others are run again).')
    .action(async (specArg: string, o: { paths?: number; only?: string; set: string[]; workers?: number; runs: string; name?: string; queue?: string; force?: boolean; json?: boolean; grid: string[] }) => {
      const spec = resolveSpecArg(specArg);
      const overrides = setPairs(o.set);
      // A --set path the spec lacks is named as --set (the grid's own axes as --grid, below).
      if (o.set.length > 0) (await import('../sweep/spec-job.ts')).specWithOverrides(spec, overrides, '--set');
      if (o.grid.length > 0) {
        const { checkAxes, parseGridAxis } = await import('../sweep/grid.ts');
        const { runMcGrid } = await import('../mc/grid.ts');
        const axes = checkAxes(o.grid.map(parseGridAxis));
        const t0 = performance.now();
        const g = await runMcGrid({ file: spec, overrides, axes, ...(o.paths !== undefined ? { paths: o.paths } : {}), runsDir: o.runs, ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(o.force ? { force: true } : {}), onPoint: (p, _r, d, n) => process.stderr.write(`mc grid ${d}/${n}: ${Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ')}\n`) });
        const names = axes.map(([n]) => n);
        const cols = ['var95', 'es95', 'lar95', 'pFundExhausted'] as const;
        process.stdout.write(formatTable([...names, 'VaR 95%', 'ES 95%', 'LaR 95%', 'P(fund exhausted)'], g.points.map((p) => [...names.map((n) => p.point[n]!), ...cols.map((c) => (c === 'pFundExhausted' ? percent(p.summary[c]) : wholeAmount(p.summary[c])))])) + '\n');
        process.stdout.write(`\ngrid: ${g.dir} (${g.points.length} points in ${((performance.now() - t0) / 1000).toFixed(1)} s; primesim report ${g.dir} draws the heatmaps)\n`);
        return;
      }
      const only = indices(o.only);
      let res: { dir: string; summary: import('../mc/stats.ts').McSummary; summaryDir: string; ran: number; reused: number; rows: import('../mc/stats.ts').McRow[] };
      const t0 = performance.now();
      const { runMc, mcFolder } = await import('../mc/run-mc.ts');
      const n = only?.length ?? mcFolder({ file: spec, overrides, ...(o.paths !== undefined ? { paths: o.paths } : {}), runsDir: o.runs, ...(o.name ? { name: o.name } : {}) }).n;
      // One bar either way: paths done here, or by workers that may be on other machines.
      const bar = new Progress('mc', n, 'paths');
      const common = { file: spec, overrides, ...(o.paths !== undefined ? { paths: o.paths } : {}), ...(only ? { only } : {}), runsDir: o.runs, ...(o.name ? { name: o.name } : {}), ...(o.force ? { force: true } : {}), onPath: (_r: unknown, done: number) => bar.update(done) };
      try {
        res = o.queue ? await (await import('../mc/queue.ts')).enqueueMc({ ...common, url: o.queue }) : await runMc({ ...common, ...(o.workers !== undefined ? { workers: o.workers } : {}) });
      } finally {
        bar.stop();
      }
      const secs = (performance.now() - t0) / 1000;
      const s = res.summary;
      if (o.json) {
        process.stdout.write(JSON.stringify({ dir: res.dir, ...s, ran: res.ran, reused: res.reused, seconds: secs }, null, 2) + '\n');
        return;
      }
      // Which sources the 95% tail is made of (the report has the whole table).
      const tail = tailBySource(res.rows).filter((g) => g.inTail > 0);
      const shown = tail.slice(0, 4).map((g) => `${g.label}: ${g.inTail}`).join(' · ');
      process.stdout.write(formatTable(['risk across paths', 'value'], [
        ['paths', `${s.paths} (${res.ran} run, ${res.reused} reused)`],
        ...mcRiskRows(s),
        ...(tail.length ? [['95% tail by path source', `${shown}${tail.length > 4 ? ` · ${tail.length - 4} more sources` : ''} (of ${tailCount(res.rows.length, 0.95)})`] as [string, string]] : []),
      ]) + '\n');
      process.stdout.write(`\nmc:      ${res.dir}\nsummary: ${res.summaryDir}\n${res.ran} path${res.ran === 1 ? '' : 's'} in ${secs.toFixed(1)} s (${(res.ran / secs).toFixed(2)} paths/s)\n`);
    });
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Take Monte Carlo paths from a BullMQ queue on Redis and run them into the shared runs folder (run as many as you like, on any machine that sees the same folder).')
    .requiredOption('--queue <redis-url>', 'Redis of the queue, e.g. redis://10.0.0.5:6379')
    .option('--concurrency <n>', 'paths at once in this worker', intArg('--concurrency'), 1)
    .option('--lock <ms>', 'job lock: a worker that dies is noticed after this long and its path re-run elsewhere', intArg('--lock'), 15_000)
    .action(async (o: { queue: string; concurrency: number; lock: number }) => {
      const { startWorker } = await import('../mc/queue.ts');
      const w = await startWorker({
        url: o.queue, concurrency: o.concurrency, lockMs: o.lock,
        onRedisError: (e) => process.stderr.write(`primesim worker: Redis at ${o.queue}: ${e.message} (retrying)\n`),
        onStart: (j) => process.stdout.write(`start path ${j.k} → ${j.dir}\n`),
        onDone: (r) => process.stdout.write(`done path ${r.k} ${r.resultsSha256.slice(0, 12)}\n`),
      });
      w.on('failed', (job, err) => process.stderr.write(`primesim worker: path ${(job?.data as { k?: number } | undefined)?.k}: ${err.message.split('\n')[0]}\n`));
      process.stdout.write(`worker ${process.pid} on ${o.queue}, queue primesim-mc\n`);
      // The first signal lets the paths in progress finish (a path is acknowledged only once its
      // folder is whole); a second quits at once — the lock expires and another worker runs it again.
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          process.stderr.write(`primesim worker: ${signal} again: quitting now; the path in progress goes back to the queue when its lock expires\n`);
          process.exit(signal === 'SIGINT' ? 130 : 143);
        }
        stopping = true;
        process.stderr.write(`primesim worker: ${signal}: finishing the path in progress, taking no new one (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again quits at once)\n`);
        await w.close();
        process.stderr.write('primesim worker: stopped\n');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      await new Promise(() => {});
    });
}
