import type { Command } from 'commander';
import type { BacktestConfig } from '../backtest/run.ts';
import { parseParamPairs } from '../backtest/load-strategy.ts';
import { ConfigError } from '../errors.ts';
import { readManifest } from '../data/catalog.ts';
import { isBarsData } from '../data/bars-catalog.ts';
import type { RunMetrics } from '../results/metrics.ts';
import { flagOf, formatTable, intArg, numArg } from './format.ts';
import { summaryRows } from '../report/summary-rows.ts';
import { Progress } from './progress.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

export function metricsTable(m: RunMetrics): string {
  return formatTable(['metric', 'value'], summaryRows(m));
}

/**
 * Bar execution fixes when an order arrives (the next open) and fills it whole: an entry latency,
 * feed latency or queue model given for bars would be ignored, so it is refused (the response
 * latency does apply). `given` says whether a setting was given: true (its flag is named) or the
 * field to name (e.g. a sweep's grid axis).
 */
export function refuseBarSettings(given: (setting: 'latencyEntry' | 'queue' | 'feedLatency') => boolean | string): void {
  for (const k of ['latencyEntry', 'queue', 'feedLatency'] as const) {
    const g = given(k);
    if (g === false) continue;
    const field = g === true ? flagOf(k) : g;
    throw new ConfigError('does not apply to bars: an order decided on a close reaches the venue at the next open and fills there whole', { field, hint: 'slippage and fees do apply: --slippage-bps, --fees' });
  }
}

/**
 * The converse: the instrument and slippage of bar execution given for a catalog (whose manifest
 * names its instrument and whose book sets every fill price) would be ignored, so they are refused.
 */
export function refuseTickSettings(given: (setting: 'instrument' | 'slippageBps') => boolean): void {
  for (const k of ['instrument', 'slippageBps'] as const) {
    if (!given(k)) continue;
    throw new ConfigError(k === 'instrument' ? "applies to bars data: a catalog's instrument is in its manifest" : 'applies to bars data: on a catalog, fills take the book as it is (its depth, the queue model)', { field: flagOf(k) });
  }
}

/**
 * Check backtest settings before anything runs, naming the flag a bad value came from (the
 * library's check names its config key: `capital`, `slippageBps`). `given` says whether a
 * setting was given on the command line (its flag is named), or names the field it came from (a
 * sweep's grid axis); settings from a --config file were checked with their line when it was read.
 */
export async function checkBacktestSettings(cfg: BacktestConfig, given: (key: string) => boolean | string): Promise<void> {
  // The schema alone (parseBacktestConfig would also read the data for the default equity interval).
  const { BacktestConfigSchema } = await import('../backtest/run.ts');
  const r = BacktestConfigSchema.safeParse(cfg);
  if (r.success) return;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const g = key in cfg ? given(key) : false;
  const field = g === false ? issue.path.join('.') || '(config)' : typeof g === 'string' ? g : key === 'runsDir' ? '--runs' : flagOf(key);
  throw new ConfigError(issue.message, { field });
}

/** A strategy's parameters as a table: what `--param key=value` (or a sweep's `--grid key=…`) takes. */
export async function paramsTable(strategy: string): Promise<string> {
  const { loadStrategy } = await import('../backtest/load-strategy.ts');
  const { describeKeys } = await import('../world/spec-keys.ts');
  const { resolveShippedFile } = await import('../package-root.ts');
  const m = await loadStrategy(resolveShippedFile(strategy));
  const rows = describeKeys(m.params).map((k) => [k.key, k.kind, k.required ? '(required)' : k.default === undefined ? '(none)' : typeof k.default === 'string' ? k.default : JSON.stringify(k.default), k.rules, k.description ?? '']);
  const head = `${m.name}${m.description ? `: ${m.description}` : ''}\n`;
  if (rows.length === 0) return `${head}no parameters\n`;
  const showDesc = rows.some((r) => r[4] !== '');
  return `${head}${formatTable(['parameter', 'kind', 'default', 'bounds', ...(showDesc ? ['about'] : [])], rows.map((r) => (showDesc ? r : r.slice(0, 4))))}\nset with --param <name>=<value> (a sweep: --grid <name>=v1,v2)\n`;
}

export async function backtestWithProgress(cfg: BacktestConfig) {
  const bars = isBarsData(cfg.data);
  // Bars: four events per bar; the total is not known before reading the file.
  const bar = new Progress('backtest', bars ? 0 : readManifest(cfg.data).rows, bars ? 'events' : 'rows');
  try {
    const { runBacktest } = await import('../backtest/run.ts');
    return await runBacktest(cfg, {
      onProgress: (ev, now) => bar.update(ev, now),
      clock: () => Date.now(),
    });
  } finally {
    bar.stop();
  }
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('Replay a dataset through a strategy and write a run folder: a shorthand for a one-venue run spec (see --print-spec and `primesim run`).')
    .argument('[strategy]', 'strategy module file, e.g. strategies/market-maker.ts (or `strategy:` in --config)')
    .option('--config <file>', 'YAML or JSON run config with the same settings (flags given on the command line win)')
    .option('--data <dir|file>', 'dataset catalog folder (from `primesim data import` or `data generate`), or an OHLCV bars CSV / LEAN bar zip (minute, hour or daily) (bar execution: orders on a close fill at the next open)')
    .option('--instrument <venue:symbol>', 'bars data: the instrument they price (default: the one a LEAN file names by its market and symbol, e.g. bybit:BTCUSDT, else binance-futures:BTCUSDT)')
    .option('--slippage-bps <n>', 'bars data: fills at open/limit ± this many bps', numArg('--slippage-bps'), 0)
    .option('--from <time>', 'bars data: start at this time (UTC, e.g. 2022-01-15 or 2022-01-15T12:00:00Z): an out-of-sample or walk-forward window')
    .option('--to <time>', 'bars data: stop before this time (UTC)')
    .option('--seed <n>', 'run seed (RNG tree root)', intArg('--seed'), 1)
    .option('--param <key=value>', 'strategy parameter (repeatable)', collect, [] as string[])
    .option('--latency-entry <spec>', 'order entry latency: 2ms, 500us, empirical:1ms,3ms or empirical:<file>', '1ms')
    .option('--latency-response <spec>', 'response latency (acks and fills back to the strategy)', '1ms')
    .option('--feed-latency <mode>', 'data: add the feed latency measured from the data timestamps to order arrival; none', 'data')
    .option('--queue <model>', 'queue model: risk-averse, power:<n>, log', 'risk-averse')
    .option('--fees <maker:taker>', 'fees in bps, negative maker = rebate', '2:5')
    .option('--funding <spec>', 'perp funding: none, <rate>[@interval] (e.g. 0.0001@8h), lean:<file> or tardis:<derivative_ticker.csv> (real series, settled at their funding times)', 'none')
    .option('--capital <amount>', 'starting capital in the settlement asset (default: 100000; in a coin — a COIN-M contract — the coin worth 100,000 USD at the first price)', numArg('--capital'))
    .option('--leverage <x>', 'perp data: the account\'s chosen leverage, e.g. 10 (initial margin ≥ notional / leverage: an order beyond it is rejected; default: the bracket\'s maximum, 125× on BTCUSDT)', numArg('--leverage'))
    .option('--equity-interval <dur>', 'equity sampling interval (default: 1s; for bars data the bars\' interval)')
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name, one plain segment (default: strategy-dataset-seed-confighash); an existing run of that name is replaced')
    .option('--force', 'replace --runs/<run-id> even if it is not a run folder (never the current or home folder)')
    .option('--json', 'print the manifest as JSON instead of a table')
    .option('--print-spec', 'print the run spec these settings stand for (YAML, for `primesim run`) and exit')
    .option('--list-params', "print the strategy's parameters (kind, default, bounds: what --param takes) and exit")
    .addHelpText('after', '\nExample config (YAML):\n  strategy: strategies/market-maker.ts\n  data: datasets/btcusdt-20240808\n  seed: 7\n  latencyEntry: 2ms\n  queue: power:3\n  params: { spreadBps: 2 }')
    .action(async (strategy: string | undefined, o: Record<string, unknown>, cmd: Command) => {
      const fromFile = o.config ? (await import('../backtest/config-file.ts')).loadBacktestConfig(o.config as string) : {};
      const cli = (name: string) => cmd.getOptionValueSource(name) === 'cli';
      const pick = <T>(name: string, key: keyof typeof fromFile, value: T): T => (cli(name) || fromFile[key] === undefined ? value : (fromFile[key] as T));
      const params = { ...((fromFile.params as Record<string, string | number | boolean> | undefined) ?? {}), ...parseParamPairs(o.param as string[]) };
      const equityInterval = pick('equityInterval', 'equityInterval', o.equityInterval as string | undefined);
      const from = pick('from', 'from', o.from as string | undefined);
      const to = pick('to', 'to', o.to as string | undefined);
      // Unset: what a LEAN file names by its market and symbol, else the default (see backtestSpec).
      const instrument = pick('instrument', 'instrument', o.instrument as string | undefined);
      const leverage = pick('leverage', 'leverage', o.leverage as number | undefined);
      const cfg = {
        strategy: strategy ?? fromFile.strategy,
        data: (o.data as string | undefined) ?? fromFile.data,
        seed: pick('seed', 'seed', o.seed as number),
        params,
        latencyEntry: pick('latencyEntry', 'latencyEntry', o.latencyEntry as string),
        latencyResponse: pick('latencyResponse', 'latencyResponse', o.latencyResponse as string),
        feedLatency: pick('feedLatency', 'feedLatency', o.feedLatency as 'data' | 'none'),
        queue: pick('queue', 'queue', o.queue as string),
        fees: pick('fees', 'fees', o.fees as string),
        funding: pick('funding', 'funding', o.funding as string),
        capital: pick('capital', 'capital', o.capital as number | undefined),
        ...(leverage !== undefined ? { leverage } : {}),
        // Unset: the config's default (1s, 1m for bars).
        ...(equityInterval !== undefined ? { equityInterval } : {}),
        ...(instrument !== undefined ? { instrument } : {}),
        slippageBps: pick('slippageBps', 'slippageBps', o.slippageBps as number),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        runsDir: pick('runs', 'runsDir', o.runs as string),
        force: o.force === true,
        ...((o.runId ?? fromFile.runId) ? { runId: (o.runId ?? fromFile.runId) as string } : {}),
      };
      if (!cfg.strategy) throw new ConfigError('no strategy: give a strategy file or `strategy:` in --config', { field: 'strategy' });
      if (o.listParams) {
        process.stdout.write(await paramsTable(cfg.strategy));
        return;
      }
      if (!cfg.data) throw new ConfigError('no dataset: give --data <dir> or `data:` in --config', { field: '--data' });
      if (isBarsData(cfg.data)) refuseBarSettings((k) => cli(k) || fromFile[k] !== undefined);
      else refuseTickSettings((k) => cli(k) || fromFile[k] !== undefined);
      if (o.printSpec) {
        const { backtestSpec, parseBacktestConfig } = await import('../backtest/run.ts');
        const { stringify } = await import('yaml');
        process.stdout.write(stringify(backtestSpec(parseBacktestConfig({ ...cfg, strategy: cfg.strategy, data: cfg.data }))));
        return;
      }
      await checkBacktestSettings({ ...cfg, strategy: cfg.strategy, data: cfg.data }, (k) => cli(k === 'runsDir' ? 'runs' : k));
      const t0 = performance.now();
      const res = await backtestWithProgress({ ...cfg, strategy: cfg.strategy, data: cfg.data }).catch(async (e: unknown) => {
        // A bad parameter that came from --config (not a --param flag) is the config file's line.
        const { ParamError } = await import('../backtest/load-strategy.ts');
        const fileParams = (fromFile.params ?? {}) as Record<string, unknown>;
        if (!(e instanceof ParamError) || !o.config || !(e.param in fileParams) || e.param in parseParamPairs(o.param as string[])) throw e;
        const { readSpecDocument } = await import('../world/spec-file.ts');
        const line = readSpecDocument(o.config as string).source.line(['params', e.param]);
        throw new ConfigError(e.reason, { file: o.config as string, ...(line !== undefined ? { line } : {}), field: `params.${e.param}` });
      });
      const totalSeconds = (performance.now() - t0) / 1000;
      if (o.json) {
        process.stdout.write(JSON.stringify(res.manifest, null, 2) + '\n');
        return;
      }
      const t = res.manifest.timing;
      const c = res.manifest.counts;
      const n = (x: number) => Math.round(x).toLocaleString('en-US');
      // A bar run counts bars, as a bar backtester does (each bar is two to four events in the kernel).
      const replayed = isBarsData(res.manifest.config.data)
        ? `bars: ${n(c.rows)} replayed in ${t.replaySeconds.toFixed(2)} s (${n(t.replaySeconds > 0 ? c.rows / t.replaySeconds : 0)} bars/s; ${n(c.events)} events)`
        : `events: ${n(c.events)} replayed in ${t.replaySeconds.toFixed(2)} s (${n(t.eventsPerSecond)} events/s)`;
      const routed = await (await import('./cmd-run.ts')).routingSummary(res.dir);
      process.stdout.write(`${metricsTable(res.metrics)}\n\n${routed}run: ${res.dir}\n${replayed}; ${totalSeconds.toFixed(2)} s in all, with loading the data and strategy and writing the Arrow files and Parquet copies\n`);
    });
}
