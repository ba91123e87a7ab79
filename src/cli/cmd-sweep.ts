import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { checkOutputTarget, checkRunId, watchOutputFolder, writeFileWhole } from '../results/safe-output.ts';
import type { Command } from 'commander';
import { parseParamPairs } from '../backtest/load-strategy.ts';
import { ConfigError } from '../errors.ts';
import { resolveShippedFile, resolveSpecArg } from '../package-root.ts';
import { isBarsData } from '../data/bars-catalog.ts';
import { readBars } from '../data/readers/bars.ts';
import { refuseBarSettings, refuseTickSettings } from './cmd-backtest.ts';
import { checkAxes, expandGrid, parseGridAxis } from '../sweep/grid.ts';
import { flagOf, formatTable, intArg, numArg } from './format.ts';
import { Progress } from './progress.ts';
import { sweepDeflation } from '../sweep/deflation.ts';
import { metricLabel, SELECT_METRICS, selectMetric, walkForward, walkForwardTable } from '../sweep/walk-forward.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('Run a strategy backtest or a run spec over a grid (parameters, seeds, any spec field) on a local pool of worker processes, then summarise all runs with DuckDB.')
    .argument('<strategy|spec>', 'strategy module file (with --data), or a run spec (.yaml/.json, or a scenario\'s name)')
    .option('--data <dir|file>', 'dataset catalog folder, or an OHLCV bars CSV / LEAN bar zip (minute, hour or daily) (strategy sweeps)')
    .requiredOption('--grid <name=v1,v2>', 'an axis (repeatable): a strategy parameter, `seed=1..8`, `queue=…`, on bars `dates=<from>/<to>,…` (walk-forward windows); for a spec any field path, e.g. venues.perp.fees=2:5,0:4 or agents.0.params.spreadBps=1,2 (a bare name is a parameter of the first agent)', collect, [] as string[])
    .option('--param <key=value>', 'fixed strategy parameter (repeatable)', collect, [] as string[])
    .option('--queue <model>', 'queue model (or put queue=… on a --grid axis)', 'risk-averse')
    .option('--latency-entry <spec>', 'order entry latency', '1ms')
    .option('--latency-response <spec>', 'response latency (acks and fills back to the strategy)', '1ms')
    .option('--feed-latency <mode>', 'data: add the feed latency measured from the data timestamps to order arrival; none', 'data')
    .option('--fees <maker:taker>', 'fees in bps', '2:5')
    .option('--funding <spec>', 'perp funding: none, <rate>[@interval], lean:<file> or tardis:<file>', 'none')
    .option('--capital <amount>', 'starting capital in the settlement asset (default: 100000; in a coin — a COIN-M contract — the coin worth 100,000 USD at the first price)', numArg('--capital'))
    .option('--leverage <x>', 'perp data: the account\'s chosen leverage (initial margin ≥ notional / leverage; default: the bracket\'s maximum). To sweep it, sweep a spec: --grid accounts.0.leverage=5,10,20', numArg('--leverage'))
    .option('--equity-interval <dur>', 'equity sampling interval (default: 1s; for bars data the bars\' interval)')
    .option('--instrument <venue:symbol>', 'bars data: the instrument they price (default: the one a LEAN file names by its market and symbol, else binance-futures:BTCUSDT)')
    .option('--slippage-bps <n>', 'bars data: fills at open/limit ± this many bps', numArg('--slippage-bps'), 0)
    .option('--from <time>', 'bars data: start at this time (UTC)')
    .option('--to <time>', 'bars data: stop before this time (UTC)')
    .option('--select <metric>', 'walk-forward (a dates axis with other axes): choose each window\'s point by total_pnl, sharpe_per_period, sortino_per_period, psr, trip_hit_rate or max_drawdown (lowest)', 'total_pnl')
    .option('--workers <n>', 'worker processes (default: one per core)', intArg('--workers'))
    .option('--runs <dir>', 'folder for the sweep (one sub-folder per run)', join('runs', 'sweeps'))
    .option('--name <name>', 'sweep id and folder under --runs (default: <strategy>-<hash of the sweep settings>, so different sweeps never share a folder)')
    .option('--force', 'replace --runs/<name> even if it is not a sweep folder')
    .action(async (strategy: string, o: { data?: string; grid: string[]; param: string[]; queue: string; latencyEntry: string; latencyResponse: string; feedLatency: 'data' | 'none'; fees: string; funding: string; capital?: number; leverage?: number; equityInterval?: string; instrument?: string; slippageBps: number; from?: string; to?: string; select: string; workers?: number; runs: string; name?: string; force?: boolean }, cmd: Command) => {
      if (o.grid.length === 0) throw new ConfigError('give at least one --grid axis', { field: '--grid' });
      // A bare scenario name (`sweep crash-50x`) is that scenario's spec, as for run and mc.
      const spec = resolveSpecArg(strategy);
      if (/\.(ya?ml|json)$/i.test(spec)) strategy = spec;
      const select = selectMetric(o.select);
      if (select === undefined) throw new ConfigError(`${o.select} is not a figure to choose by`, { field: '--select', hint: `one of ${Object.keys(SELECT_METRICS).map(metricLabel).join(', ')}` });
      const axes = checkAxes(o.grid.map(parseGridAxis));
      const fixed = parseParamPairs(o.param);
      const points = expandGrid(axes);
      // A dates window's from/to read as `from--to` in its run id.
      const pointId = (p: Record<string, string>) => Object.entries(p).map(([k, v]) => `${k.split('.').pop()}-${v.replace(/\//g, '--').replace(/[^\w.-]/g, '')}`).join('_');
      // Two points whose folder names agree (venues.a.fees and venues.b.fees, values equal once punctuation goes) would overwrite each other.
      const byId = new Map<string, Record<string, string>>();
      for (const p of points) {
        const id = pointId(p);
        const first = byId.get(id);
        const show = (x: Record<string, string>) => Object.entries(x).map(([k, v]) => `${k}=${v}`).join(' ');
        if (first) throw new ConfigError(`grid points ${show(first)} and ${show(p)} would share the run folder ${id}`, { field: '--grid', hint: 'give values that differ once punctuation is dropped' });
        byId.set(id, p);
      }
      if (/\.(ya?ml|json)$/i.test(strategy)) {
        // The backtest settings belong to strategy sweeps: a spec says them itself (or a --grid axis does).
        const backtestOnly = ['data', 'param', 'queue', 'latencyEntry', 'latencyResponse', 'feedLatency', 'fees', 'funding', 'capital', 'leverage', 'equityInterval', 'instrument', 'slippageBps', 'from', 'to'];
        const given = backtestOnly.find((k) => cmd.getOptionValueSource(k) === 'cli');
        if (given) {
          const flag = flagOf(given);
          throw new ConfigError('applies to strategy sweeps; a spec sets it in its own fields', { field: flag, hint: 'set the spec field, or sweep it with --grid, e.g. --grid venues.perp.fees=2:5,0:4' });
        }
        // A sweep over a run spec: every point is the spec with its axes set.
        const { specWithOverrides } = await import('../sweep/spec-job.ts');
        const specFile = resolveShippedFile(strategy);
        for (const p of points) specWithOverrides(specFile, p); // every point must be a valid spec before anything runs
        const settings = { spec: specFile, grid: o.grid };
        const sweepId = checkRunId(o.name ?? `${basename(strategy).replace(/\.(ya?ml|json)$/i, '')}-${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8)}`, '--name');
        const dir = join(o.runs, sweepId);
        const done = prepareSweepFolder(dir, settings, o.force ?? false, select);
        const jobs = points.map((p) => ({ kind: 'spec' as const, file: specFile, overrides: p, runsDir: dir, runId: pointId(p), sweep: { id: sweepId, point: p } }));
        await runAndSummarise(jobs, dir, o.workers, done, select);
        return;
      }
      if (!o.data) throw new ConfigError('a strategy sweep needs --data <dir>', { field: '--data' });
      const data = o.data;
      // As for a bar backtest: the next open and a whole fill leave no entry latency or queue to set.
      if (isBarsData(data)) {
        const queueAxis = axes.some(([k]) => k === 'queue');
        refuseBarSettings((k) => cmd.getOptionValueSource(k) === 'cli' || (k === 'queue' && queueAxis && '--grid queue'));
      } else refuseTickSettings((k) => cmd.getOptionValueSource(k) === 'cli');
      // Every run's settings but the grid's: what a backtest of one point would be given.
      const common = { latencyEntry: o.latencyEntry, latencyResponse: o.latencyResponse, feedLatency: o.feedLatency, fees: o.fees, funding: o.funding, ...(o.capital !== undefined ? { capital: o.capital } : {}), ...(o.leverage !== undefined ? { leverage: o.leverage } : {}), ...(o.equityInterval !== undefined ? { equityInterval: o.equityInterval } : {}), ...(o.instrument !== undefined ? { instrument: o.instrument } : {}), slippageBps: o.slippageBps, ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}) };
      const settings = { strategy: basename(strategy), data: basename(resolve(data)), grid: o.grid, param: o.param, queue: o.queue, ...common };
      const sweepId = checkRunId(o.name ?? `${basename(strategy).replace(/\.[mc]?[jt]s$/, '')}-${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8)}`, '--name');
      const dir = join(o.runs, sweepId);
      const cfgs = points.map((p) => {
        const { seed, queue, dates, ...params } = p;
        const id = pointId(p);
        return { strategy, data, seed: seed ? Number(seed) : 1, queue: queue ?? o.queue, ...common, ...(dates !== undefined ? barWindow(dates, data, o) : {}), params: { ...fixed, ...params }, runsDir: dir, runId: id, sweep: { id: sweepId, point: p } };
      });
      // Every point's settings (a bad --capital failed every run, one by one) and parameters checked
      // before anything runs (a bad grid value used to fail its own run after the others had run).
      const { checkBacktestSettings } = await import('./cmd-backtest.ts');
      for (const c of cfgs) await checkBacktestSettings(c, (k) => (c.sweep.point[k] !== undefined ? `--grid ${k}=${c.sweep.point[k]}` : cmd.getOptionValueSource(k) === 'cli'));
      const { loadStrategy, parseParams, ParamError } = await import('../backtest/load-strategy.ts');
      const mod = await loadStrategy(resolveShippedFile(strategy));
      for (const c of cfgs) {
        try {
          parseParams(mod, c.params, strategy);
        } catch (e) {
          if (e instanceof ParamError && axes.some(([k]) => k === e.param)) throw new ConfigError(e.reason, { field: `--grid ${e.param}=${c.params[e.param]}` });
          throw e;
        }
      }
      const done = prepareSweepFolder(dir, settings, o.force ?? false, select);
      const seedAxis = axes.find(([k]) => k === 'seed');
      const queues = axes.find(([k]) => k === 'queue')?.[1] ?? [o.queue];
      if (seedAxis && seedAxis[1].length > 1 && !o.latencyEntry.startsWith('empirical:') && queues.every((q) => q === 'risk-averse')) {
        process.stderr.write('primesim: note: with a constant --latency-entry and the risk-averse queue nothing draws from the RNG, so every seed gives the same result (use --latency-entry empirical:… or a probabilistic queue)\n');
      }
      await runAndSummarise(cfgs, dir, o.workers, done, select);
    });
}

async function runAndSummarise(jobs: (import('../backtest/run.ts').BacktestConfig | import('../sweep/spec-job.ts').SpecJob)[], dir: string, workers: number | undefined, done: (runDirs: readonly string[]) => void, select: string): Promise<void> {
  const { runPool } = await import('../sweep/pool.ts');
  const { queryRuns } = await import('../results/query.ts');
  const bar = new Progress('sweep', jobs.length, 'runs');
  const results = await runPool(jobs, { ...(workers ? { workers } : {}), onResult: (_r, done) => bar.update(done) });
  bar.stop();
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) if (!f.ok) process.stderr.write(`primesim: run ${jobs[f.id]!.runId}: ${f.error}\n`);
  if (failed.length === results.length) throw new ConfigError('every run of the sweep failed', { field: '--grid' });
  const dirs = results.flatMap((r) => (r.ok ? [r.dir] : []));
  done(dirs);
  // Runs with round trips, chain runs (swaps, lending) and runs with liquidations add their headline figures, read from
  // the metrics the pool returned (no extra pass over the runs).
  const ms = results.flatMap((r) => (r.ok ? [r.metrics as unknown as Record<string, unknown>] : []));
  const any = (k: string) => ms.some((m) => typeof m[k] === 'number' && (m[k] as number) > 0);
  // Deposits of another asset than the valuation's (BTC collateral valued in USDT) revalue with its
  // price: in every run's total alike, so the PnL of the trading itself is told apart.
  const revalued = ms.some((m) => typeof m.depositsPnl === 'number' && m.depositsPnl !== 0);
  const extra = [
    ...(revalued ? ['round(total_pnl - deposits_pnl, 4) as trading_pnl', 'round(deposits_pnl, 4) as deposits_revalued'] : []),
    // A strategy that opens and closes positions (a bar strategy): how many trips, how many won.
    ...(any('roundTrips') ? ['round_trips', 'round(trip_hit_rate, 3) as trip_hit_rate'] : []),
    ...(any('swaps') ? ['swaps_filled', 'swaps_sandwiched', 'round(swap_mev_loss, 4) as swap_mev_loss', 'round(swap_avg_price, 4) as swap_avg_price'] : []),
    ...(ms.some((m) => 'lendingLiquidations' in m) ? ['lending_liquidations', 'round(lending_bad_debt_usd, 2) as lending_bad_debt_usd'] : []),
    ...(any('liquidationsAll') ? ['liquidations_all'] : []),
    // Execution runs: what the routed orders cost against their arrival mid.
    ...(any('routedParents') ? ['round(shortfall_bps, 2) as shortfall_bps'] : []),
  ];
  // One Sharpe per table, named for what it is: annualised when every run spans the 30 days that
  // needs, else per return period (a column mixing the two could not be read).
  const annual = ms.length > 0 && ms.every((m) => typeof m.sharpe === 'number' && Number.isFinite(m.sharpe));
  const sharpe = annual ? 'round(sharpe, 2) as sharpe_annualised' : 'round(sharpe_per_period, 4) as sharpe_per_period, return_period';
  const q = await queryRuns(dirs, `select run_id, round(total_pnl, 4) as total_pnl, ${sharpe}, round(max_drawdown, 4) as max_drawdown, fills${extra.map((x) => `, ${x}`).join('')} from runs order by total_pnl desc, run_id`);
  const ids = dirs.map((d) => basename(d));
  const points = results.flatMap((r) => (r.ok ? [jobs[r.id]!.sweep?.point ?? {}] : []));
  // The best of many runs looks better than it is: each run's deflated Sharpe ratio is the
  // probability its Sharpe beats the best that this many skill-less runs would show.
  // Runs with the same results (a seed nothing draws from) are one trial: told apart by resultsSha256.
  const shas = results.flatMap((r) => (r.ok ? [r.resultsSha256] : []));
  const deflation = sweepDeflation(ids, points, ms, shas);
  const dsr = new Map(deflation.flatMap((d) => [...d.dsr]));
  const note = deflation.map((d) => `dsr${d.window ? ` in ${d.window}` : ''}: deflated Sharpe — P(the run's Sharpe beats ${d.threshold.toFixed(4)} per ${d.period} return, the best that ${d.trials} ${d.repeats.length > 0 ? 'distinct ' : ''}runs without skill would show)\n`).join('');
  const repeats = deflation.flatMap((d) => d.repeats);
  const repeatNote = repeats.length > 0 ? `note: ${repeats.length} of ${ids.length} runs repeat another run's results byte for byte (${repeats.slice(0, 2).map(([a, b]) => `${a} = ${b}`).join(', ')}${repeats.length > 2 ? ', …' : ''}): what differs between them changes nothing this run draws on${points.some((p) => 'seed' in p) ? ' (a seed matters only where something draws from the RNG)' : ''}; they count once in the deflated Sharpe\n` : '';
  if (dsr.size > 0) {
    const col = q.columns.indexOf('run_id');
    q.columns.push('dsr');
    for (const row of q.rows) {
      const v = dsr.get(String(row[col]));
      row.push(v !== undefined && Number.isFinite(v) ? v.toFixed(3) : '');
    }
  }
  const revaluedNote = revalued ? 'deposits_revalued: the deposits of another asset than the valuation\'s, at the final prices less at the first — in total_pnl (and its Sharpe); trading_pnl leaves it out\n' : '';
  process.stdout.write(`${formatTable(q.columns, q.rows)}\n${note}${revaluedNote}${repeatNote}`);
  // Walk-forward: each window's best point, traded in the next window.
  const wf = walkForward(points.map((p, i) => ({ id: ids[i]!, point: p, value: Number(ms[i]![select]), pnl: Number(ms[i]!.totalPnl) })), select);
  if (wf) {
    const t = walkForwardTable(wf, select);
    process.stdout.write(`\nwalk-forward: ${t.title}\n${formatTable(t.header, t.rows)}\n${t.summary}\n`);
  }
  process.stdout.write(`\n${results.length - failed.length} run${results.length - failed.length === 1 ? '' : 's'} in ${dir}\nnext: npx primesim query ${dir} "select * from runs"\n`);
  if (failed.length) process.exitCode = 1;
}

/**
 * A `dates=<from>/<to>` grid value: the part of a bars file one run covers (walk-forward and
 * out-of-sample sweeps: `--grid dates=2022-01-01/2022-01-11,2022-01-11/2022-01-21`). Checked before
 * anything runs. Like `seed` and `queue`, the name is reserved: not a strategy parameter (`window`
 * would have been one, a moving-average length).
 */
function barWindow(w: string, data: string, o: { from?: string; to?: string }): { from: string; to: string } {
  const field = `--grid dates=${w}`;
  if (!isBarsData(data)) throw new ConfigError('a window applies to bars data; a catalog is replayed whole', { field });
  if (o.from !== undefined || o.to !== undefined) throw new ConfigError('give the window either as a grid axis or as --from/--to, not both', { field });
  const m = /^([^/]+)\/([^/]+)$/.exec(w);
  if (!m) throw new ConfigError(`${w} is not <from>/<to>`, { field, hint: 'e.g. --grid dates=2022-01-01/2022-01-11,2022-01-11/2022-01-21' });
  const [from, to] = [m[1]!, m[2]!];
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new ConfigError(`"${Number.isFinite(a) ? to : from}" is not a time`, { field, hint: 'an ISO-8601 time such as 2022-01-15 or 2022-01-15T12:00:00Z' });
  if (!(b > a)) throw new ConfigError(`${to} is not after ${from}`, { field });
  // A window with no bar failed its runs after the others had run: refused before any runs.
  const ts = barTimes(data);
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! < a * 1000) lo = mid + 1;
    else hi = mid;
  }
  if (!(lo < ts.length && ts[lo]! < b * 1000)) {
    const iso = (us: number) => new Date(us / 1000).toISOString().replace('.000Z', 'Z');
    throw new ConfigError('no bars in this window', { field, hint: ts.length ? `the data has bars from ${iso(ts[0]!)} to ${iso(ts[ts.length - 1]!)}` : 'the data has no bars' });
  }
  return { from, to };
}

/** The bar open times of a bars file, read once per sweep (the windows are checked against them). */
const BAR_TIMES = new Map<string, Float64Array>();
function barTimes(data: string): Float64Array {
  let ts = BAR_TIMES.get(data);
  if (ts === undefined) BAR_TIMES.set(data, (ts = readBars(data).tsUs));
  return ts;
}

/**
 * A sweep owns its folder: `sweep.json` records the settings. Rerunning a sweep replaces each
 * run as its new one is whole; runs that are not part of the new sweep (points no longer in the
 * grid, points that failed this time) and the old settings go only once it has run, so an
 * interrupted rerun leaves the earlier sweep's runs in place. A folder that is not a sweep is
 * refused unless --force. Returns what to call when the runs are done (the folders written).
 */
function prepareSweepFolder(dir: string, settings: unknown, force: boolean, select: string): (runDirs: readonly string[]) => void {
  checkOutputTarget(dir, 'sweep', { force, field: '--name' });
  mkdirSync(dir, { recursive: true });
  watchOutputFolder(dir);
  const file = join(dir, 'sweep.json');
  const write = () => {
    // `select` (how a walk-forward chooses) beside the settings, not in them: it does not change the runs, so not the sweep's id.
    writeFileWhole(file, JSON.stringify({ format: 'primesim-sweep/1', settings, select }, null, 2) + '\n');
  };
  // A new folder is a sweep from the start (a rerun after an interrupt finds it so).
  if (!existsSync(file)) write();
  return (runDirs) => {
    const keep = new Set(runDirs.map((d) => resolve(d)));
    for (const k of readdirSync(dir)) {
      const p = join(dir, k);
      if (!keep.has(resolve(p)) && existsSync(join(p, 'manifest.json'))) rmSync(p, { recursive: true, force: true });
    }
    write();
  };
}
