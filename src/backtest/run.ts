import { basename, resolve } from 'node:path';
import { USD_ASSETS } from '../market/instrument.ts';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { CatalogReader, readManifest } from '../data/catalog.ts';
import { isBarsData } from '../data/bars-catalog.ts';
import { resolveBarsInstrument } from '../data/bars-instrument.ts';
import { peekBarsIntervalUs, readBars } from '../data/readers/bars.ts';
import { formatDurationUs } from '../market/latency.ts';
import type { ResultFile } from '../results/recorder.ts';
import { checkRunId } from '../results/safe-output.ts';
import { codeSource, validateSpec } from '../world/spec-file.ts';
import { Duration, FeesString, Latency, QueueString, type RunSpec, type RunSpecInput } from '../world/spec.ts';
import { runWorld, specHash, type WorldMetrics } from '../world/run.ts';
import { resolveFundingPath } from '../world/build.ts';
import { resolveShippedFile } from '../package-root.ts';

export const BacktestConfigSchema = z.strictObject({
  strategy: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  data: z.string().min(1),
  seed: z.number().int().default(1),
  latencyEntry: Latency.default('1ms'),
  latencyResponse: Latency.default('1ms'),
  feedLatency: z.enum(['data', 'none']).default('data'),
  queue: QueueString.default('risk-averse'),
  fees: FeesString.default('2:5'),
  funding: z.string().default('none'),
  /** Default: 100,000 of a USD-stable settlement asset; a coin settlement asset (COIN-M), the coin worth 100,000 USD at the data's first price. */
  capital: z.number().positive().optional(),
  /** Perp data: the account's chosen leverage (initial margin ≥ notional / leverage; default the bracket's maximum). */
  leverage: z.number().min(1).optional(),
  /** Default: 1s, and 1m for bars (a 1 s clock over a month of minute bars is 2.7M rows of equity). */
  equityInterval: Duration.optional(),
  /**
   * Bars data (`--data` an OHLCV CSV or LEAN zip): the instrument they price (default: the one a
   * LEAN file names, else binance-futures:BTCUSDT; see barsInstrument) and the fill slippage.
   */
  instrument: z.string().optional(),
  slippageBps: z.number().min(0).default(0),
  /** Bars data: the part of the file to run on, [from, to) — an in-sample / out-of-sample split, a walk-forward window. */
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  runsDir: z.string().default('runs'),
  runId: z.string().min(1).optional(),
  /** Replace a non-run folder at runsDir/runId (never the current or home folder). */
  force: z.boolean().default(false),
  /** Set by `primesim sweep`: the sweep's id and this run's grid point (shown in the runs table). */
  sweep: z.strictObject({ id: z.string(), point: z.record(z.string(), z.string()) }).optional(),
});
export type BacktestConfig = z.input<typeof BacktestConfigSchema>;
/** A parsed config: every default filled in, including the equity interval that depends on the data. */
export type ParsedBacktestConfig = Omit<z.output<typeof BacktestConfigSchema>, 'equityInterval'> & { equityInterval: string };

export interface BacktestResult {
  dir: string;
  runId: string;
  manifest: RunManifest;
  metrics: WorldMetrics;
}

export interface RunManifest {
  format: 'primesim-run/1';
  runId: string;
  config: ParsedBacktestConfig;
  strategy: { name: string; file: string; params: unknown };
  dataset: { name: string; dir: string; rows: number; columnsSha256: Record<string, string> };
  instrument: unknown;
  versions: Record<string, string>;
  counts: { events: number; rows: number; orders: number; fills: number; transfers: number };
  models: { queue: string; fees: string; entryLatency: string; responseLatency: string; mark?: string };
  /** The run spec the backtest flags stand for (`primesim backtest --print-spec`). */
  spec: RunSpec;
  sweep?: { id: string; point: Record<string, string> };
  files: ResultFile[];
  /** sha256 over the per-file hashes: equal across repeated runs of the same inputs. */
  resultsSha256: string;
  metrics: WorldMetrics;
  /**
   * Wall-clock figures: the only part that differs between repeated runs. `wallSeconds` runs from
   * building the world (data and strategy loaded) to the end of the replay and its metrics: the
   * manifest is written with the result files, so their writing is not in it.
   */
  timing: { startedAt: string; wallSeconds: number; replaySeconds: number; eventsPerSecond: number };
}

export interface BacktestHooks {
  onProgress?(events: number, nowUs: number, startUs: number, endUs: number): void;
  /** Wall clock for the manifest's timing section only (injected so the engine never reads it). */
  clock?: () => number;
  /** Rows per spilled chunk of the long result tables (see SPILL_ROWS). */
  spillRows?: number;
  /** Encode spilled chunks on a second thread (see SpillThread; default SpillThread.wanted). */
  spillThread?: boolean;
  /** Keep spilled chunks in memory, not in files (see SpoolOptions.inMemory). */
  spillInMemory?: boolean;
}

export function parseBacktestConfig(input: BacktestConfig): ParsedBacktestConfig {
  const parsed = BacktestConfigSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(i.message, { field: i.path.join('.') || '(config)' });
  }
  // Here, not in a front end: a sweep or a script running bars gets the same default as the CLI.
  // Bars: the bars' own interval (hourly bars sampled each minute gave 60 returns an hour, 56 of
  // them zero: a Sharpe and a PSR of nothing; second bars sampled each minute lost 59 in 60).
  return { ...parsed.data, equityInterval: parsed.data.equityInterval ?? (isBarsData(parsed.data.data) ? barsEquityInterval(parsed.data.data) : '1s') };
}

/** The default equity interval of a bar run: the bars' interval as a duration (`1s`, `1h`, `1d`); `1m` when it cannot be read. */
export function barsEquityInterval(data: string): string {
  const us = peekBarsIntervalUs(data);
  return us === undefined ? '1m' : formatDurationUs(us);
}

/**
 * `backtest` is a shorthand: the one-venue run spec its flags stand for. The venue is the
 * catalog's instrument (spot → a spot venue; linear or inverse → a perp with Binance's mark
 * rule and the given funding); one account `desk` holds the capital in the settlement asset —
 * cash for spot (no sale beyond holdings), cross margin for perps — and the strategy trades it.
 */

export function backtestSpec(cfg: ParsedBacktestConfig): RunSpecInput {
  if (isBarsData(cfg.data)) {
    const { id: instrument, inst } = resolveBarsInstrument(cfg.instrument, cfg.data, { field: '--instrument', fix: 'pass --instrument' });
    const spot = inst.kind === 'spot';
    refuseSpotLeverage(inst, cfg.leverage);
    return {
      seed: cfg.seed,
      valuation: inst.settle,
      // The response latency (acks and fills back to the strategy) applies to bars too; the entry is the next open.
      venues: [{ id: inst.venue, kind: spot ? 'spot' : 'perp', data: { bars: { file: resolve(cfg.data), ...(cfg.from !== undefined ? { from: cfg.from } : {}), ...(cfg.to !== undefined ? { to: cfg.to } : {}), instrument, execution: 'bar', slippageBps: cfg.slippageBps } }, fees: cfg.fees, latency: { response: cfg.latencyResponse }, ...(spot ? {} : { mark: 'mid', funding: resolveFundingPath(cfg.funding, process.cwd()) }) }],
      accounts: [{ id: 'desk', deposits: { [inst.settle]: cfg.capital ?? defaultCapital(inst, () => readBars(cfg.data).open[0]) }, margin: spot ? 'cash' : 'cross', ...(cfg.leverage !== undefined ? { leverage: cfg.leverage } : {}) }],
      agents: [{ strategy: resolveShippedFile(cfg.strategy), params: cfg.params, account: 'desk', venues: [inst.venue] }],
      record: { equityInterval: cfg.equityInterval },
    };
  }
  if (cfg.from !== undefined || cfg.to !== undefined) {
    throw new ConfigError('a time window applies to bars data; a catalog is replayed whole (its book is built from its first snapshot)', { field: cfg.from !== undefined ? '--from' : '--to', hint: 'import the part you want (`primesim data import` of a shorter capture), or run a spec' });
  }
  const ds = readManifest(cfg.data);
  const inst = ds.instrument;
  const id = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(inst.venue) ? inst.venue : 'venue';
  const spot = inst.kind === 'spot';
  refuseSpotLeverage(inst, cfg.leverage);
  return {
    seed: cfg.seed,
    valuation: inst.settle,
    venues: [
      {
        id,
        kind: spot ? 'spot' : 'perp',
        data: { catalog: resolve(cfg.data) },
        fees: cfg.fees,
        queue: cfg.queue,
        latency: { entry: cfg.latencyEntry, response: cfg.latencyResponse, feed: cfg.feedLatency },
        ...(spot ? {} : { funding: resolveFundingPath(cfg.funding, process.cwd()), mark: 'median' }),
      },
    ],
    accounts: [{ id: 'desk', deposits: { [inst.settle]: cfg.capital ?? defaultCapital(inst, () => firstCatalogPrice(cfg.data)) }, margin: spot ? 'cash' : 'cross', ...(cfg.leverage !== undefined ? { leverage: cfg.leverage } : {}) }],
    agents: [{ strategy: resolveShippedFile(cfg.strategy), params: cfg.params, account: 'desk', venues: [id] }],
    record: { equityInterval: cfg.equityInterval },
  };
}

/** The default starting capital: 100,000 in the settlement asset. */
export const DEFAULT_CAPITAL = 100_000;

/**
 * Capital when none is given: 100,000 of a USD-stable settlement asset; in a coin (a COIN-M
 * contract settles in BTC) the coin worth 100,000 USD at the data's first price, to three
 * significant figures — 100,000 BTC made every return read 0.00%.
 */
export function defaultCapital(inst: { settle: string }, firstPrice: () => number | undefined): number {
  if (USD_ASSETS.has(inst.settle)) return DEFAULT_CAPITAL;
  const p = firstPrice();
  if (p === undefined || !(p > 0)) throw new ConfigError(`no price in the data to size the default capital in ${inst.settle}`, { field: '--capital', hint: `give the capital in ${inst.settle}, e.g. --capital 5` });
  return Number((DEFAULT_CAPITAL / p).toPrecision(3));
}

/** A catalog's first price: its first trade's, else its first book level's (a default capital's sizing, not a mark). */
function firstCatalogPrice(dir: string): number | undefined {
  const r = new CatalogReader(dir);
  try {
    const tick = Number(r.manifest.instrument.tickSize);
    let level: number | undefined;
    while (r.next()) {
      const c = r.chunk;
      for (let i = 0; i < c.length; i++) {
        if (c.kind[i] === 2) return c.priceTicks[i]! * tick;
        if (level === undefined && c.kind[i] === 0 && c.sizeLots[i]! > 0) level = c.priceTicks[i]! * tick;
      }
      if (level !== undefined) return level;
    }
    return level;
  } finally {
    r.close();
  }
}

/** A spot instrument trades from a cash account: no leverage to choose (said for the flag, not the spec field). */
function refuseSpotLeverage(inst: { kind: string; venue: string; symbol: string }, leverage: number | undefined): void {
  if (inst.kind === 'spot' && leverage !== undefined) throw new ConfigError(`applies to perp data; ${inst.venue}:${inst.symbol} is spot, traded from a cash account that cannot borrow`, { field: '--leverage' });
}

/** Errors from the spec a backtest built name the flag, not a spec field. */
const FLAG_OF: [RegExp, string][] = [
  [/latency\.entry/, '--latency-entry'],
  [/latency\.response/, '--latency-response'],
  [/fees/, '--fees'],
  [/leverage/, '--leverage'],
  [/queue/, '--queue'],
  [/funding/, '--funding'],
  [/equityInterval/, '--equity-interval'],
  [/bars\.from/, '--from'],
  [/bars\.to/, '--to'],
];

export async function runBacktest(input: BacktestConfig, hooks: BacktestHooks = {}): Promise<BacktestResult> {
  const cfg = parseBacktestConfig(input);
  const dsName = isBarsData(cfg.data) ? basename(resolve(cfg.data)).replace(/\.(csv|zip)$/i, '') : readManifest(cfg.data).name;
  const { force: _force, sweep: _sweep, ...hashed } = cfg;
  const runId = checkRunId(cfg.runId ?? `${basename(cfg.strategy).replace(/\.[mc]?[jt]s$/, '')}-${dsName}-s${cfg.seed}-${specHash(hashed)}`.replace(/[^\w.-]/g, '_'));
  // Checked as a spec file is: a problem is a ConfigError naming its field, never zod's raw list.
  const spec = validateSpec(backtestSpec(cfg), codeSource());
  try {
    const r = await runWorld(spec, codeSource(), {
      runsDir: cfg.runsDir,
      runId,
      force: cfg.force,
      config: cfg,
      ...(cfg.sweep ? { extra: { sweep: cfg.sweep } } : {}),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.clock ? { clock: hooks.clock } : {}),
      ...(hooks.spillRows !== undefined ? { spillRows: hooks.spillRows } : {}),
      ...(hooks.spillThread !== undefined ? { spillThread: hooks.spillThread } : {}),
      ...(hooks.spillInMemory !== undefined ? { spillInMemory: hooks.spillInMemory } : {}),
    });
    return { dir: r.dir, runId: r.runId, manifest: r.manifest as unknown as RunManifest, metrics: r.metrics };
  } catch (e) {
    if (e instanceof ConfigError && e.field !== undefined) {
      const flag = FLAG_OF.find(([re]) => re.test(e.field!));
      if (flag && !e.field.startsWith('--')) throw new ConfigError(e.message.replace(/^field [^:]+: /, ''), { field: flag[1] });
    }
    throw e;
  }
}
