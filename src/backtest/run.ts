import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { readManifest } from '../data/catalog.ts';
import { Simulation } from '../kernel/simulation.ts';
import { Ledger } from '../ledger/ledger.ts';
import { Position } from '../ledger/portfolio.ts';
import { parseDurationUs, parseLatencyModel } from '../market/latency.ts';
import { parseQueueModel } from '../market/queue-model.ts';
import { computeMetrics, type RunMetrics } from '../results/metrics.ts';
import { Recorder, type ResultFile } from '../results/recorder.ts';
import { versions } from '../results/versions.ts';
import { writeParquetCopies } from '../results/run-store.ts';
import { checkRunId, commitOutput, runTarget } from '../results/safe-output.ts';
import { StrategyHost } from '../strategy/host.ts';
import { parseFees } from '../venues/clob/fees.ts';
import { ClobVenue } from '../venues/clob/venue.ts';
import { loadStrategy, parseParams } from './load-strategy.ts';
import { ReplaySource } from './replay-source.ts';
import { FundingSettler, parseFunding } from './funding.ts';

export const BacktestConfigSchema = z.strictObject({
  strategy: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  data: z.string().min(1),
  seed: z.number().int().default(1),
  latencyEntry: z.string().default('1ms'),
  latencyResponse: z.string().default('1ms'),
  feedLatency: z.enum(['data', 'none']).default('data'),
  queue: z.string().default('risk-averse'),
  fees: z.string().default('2:5'),
  funding: z.string().default('none'),
  capital: z.number().positive().default(100_000),
  equityInterval: z.string().default('1s'),
  runsDir: z.string().default('runs'),
  runId: z.string().min(1).optional(),
  /** Replace a non-run folder at runsDir/runId (never the current or home folder). */
  force: z.boolean().default(false),
  /** Set by `primesim sweep`: the sweep's id and this run's grid point (shown in the runs table). */
  sweep: z.strictObject({ id: z.string(), point: z.record(z.string(), z.string()) }).optional(),
});
export type BacktestConfig = z.input<typeof BacktestConfigSchema>;

export interface BacktestResult {
  dir: string;
  runId: string;
  manifest: RunManifest;
  metrics: RunMetrics;
}

export interface RunManifest {
  format: 'primesim-run/1';
  runId: string;
  config: z.output<typeof BacktestConfigSchema>;
  strategy: { name: string; file: string; params: unknown };
  dataset: { name: string; dir: string; rows: number; columnsSha256: Record<string, string> };
  instrument: unknown;
  versions: Record<string, string>;
  counts: { events: number; rows: number; orders: number; fills: number; transfers: number };
  models: { queue: string; fees: string; entryLatency: string; responseLatency: string };
  sweep?: { id: string; point: Record<string, string> };
  files: ResultFile[];
  /** sha256 over the per-file hashes: equal across repeated runs of the same inputs. */
  resultsSha256: string;
  metrics: RunMetrics;
  /** Wall-clock figures: the only part that differs between repeated runs. */
  timing: { startedAt: string; wallSeconds: number; replaySeconds: number; eventsPerSecond: number };
}

export interface BacktestHooks {
  onProgress?(events: number, nowUs: number, startUs: number, endUs: number): void;
  /** Wall clock for the manifest's timing section only (injected so the engine never reads it). */
  clock?: () => number;
}

function configHash(c: unknown): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 8);
}

export async function runBacktest(input: BacktestConfig, hooks: BacktestHooks = {}): Promise<BacktestResult> {
  const parsed = BacktestConfigSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(i.message, { field: i.path.join('.') || '(config)' });
  }
  const cfg = parsed.data;
  const module = await loadStrategy(cfg.strategy);
  const params = parseParams(module, cfg.params, cfg.strategy);
  const ds = readManifest(cfg.data);
  const inst = ds.instrument;
  // Output target checked before any work, so a bad --run-id or --runs fails at once.
  const { force: _force, sweep: _sweep, ...hashed } = cfg;
  const runId = checkRunId(cfg.runId ?? `${basename(cfg.strategy).replace(/\.[mc]?[jt]s$/, '')}-${ds.name}-s${cfg.seed}-${configHash(hashed)}`.replace(/[^\w.-]/g, '_'));
  runTarget(cfg.runsDir, runId, cfg.force);
  const clock = hooks.clock ?? (() => 0);
  const wall0 = clock();

  const sim = new Simulation(cfg.seed);
  const ledger = new Ledger();
  const account = 'desk';
  const venueName = `venue:${inst.venue}`;
  const position = new Position(inst, account, ledger, venueName);
  const venue = new ClobVenue(
    sim,
    {
      instrument: inst,
      queue: parseQueueModel(cfg.queue),
      fees: parseFees(cfg.fees),
      entryLatency: parseLatencyModel(cfg.latencyEntry, 'latency-entry'),
      responseLatency: parseLatencyModel(cfg.latencyResponse, 'latency-response'),
      feedLatencyFromData: cfg.feedLatency === 'data',
      clockOffsetUs: ds.clockOffsetUs,
    },
    position,
  );
  const host = new StrategyHost(sim, venue, module);
  const recorder = new Recorder(position, venue.book, ledger);
  const unit = 10n ** BigInt(position.notional.settleDecimals);
  const capitalMinor = BigInt(Math.round(cfg.capital * 1e6)) * unit / 1_000_000n;
  const source = new ReplaySource(sim, cfg.data, venue, host);
  sim.addSource(source);

  const startUs = source.peekTs();
  const endUs = ds.rows > 0 ? startUs + (ds.timeRange.endUs - ds.timeRange.startUs) + 60e6 : startUs;
  const fundingSpec = await parseFunding(cfg.funding, inst.symbol);
  const funding = fundingSpec ? new FundingSettler(fundingSpec, position, venue.book) : undefined;
  // Funding times are on the exchange clock; the replay runs on receive time, so settle at the
  // data's last receive time at or before each funding time (end of data: no settlement after).
  funding?.schedule(sim, startUs, startUs + (ds.timeRange.endUs - ds.timeRange.startUs));
  sim.nowUs = startUs;
  ledger.transfer(startUs, 'external:deposits', position.cashAccount, inst.settle, capitalMinor, 'deposit');
  const intervalUs = parseDurationUs(cfg.equityInterval, '--equity-interval', { positive: true });
  host.start(params, endUs);
  venue.setFillObserver((tsUs) => recorder.sampleEquity(tsUs));
  sim.every(startUs + intervalUs, intervalUs, endUs, recorder);
  const replay0 = clock();
  sim.run(Infinity, {
    progressEvery: 1 << 18,
    onProgress: (ev, now) => hooks.onProgress?.(ev, now, startUs, ds.timeRange.endUs - ds.timeRange.startUs + startUs),
  });
  const replaySeconds = (clock() - replay0) / 1000;
  host.end();
  source.close();
  recorder.sampleEquity(sim.nowUs);

  // Re-checked at the end: the folder may have changed while the run was replaying.
  const { final, tmp } = runTarget(cfg.runsDir, runId, cfg.force);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const files = recorder.write(tmp, venue.orders, venue.fills, funding?.rows);
    const n = position.notional;
    const eq = recorder.equitySeries();
    const mid = venue.book.midTicks();
    const finalEquity = n.toUnits(position.equity(mid));
    const metrics = computeMetrics({
      inst,
      orders: venue.orders,
      fills: venue.fills,
      equityTs: eq.ts,
      equity: eq.equity,
      initialCapital: n.toUnits(capitalMinor),
      realized: n.toUnits(position.realized),
      unrealized: n.toUnits(position.unrealized(mid)),
      fees: n.toUnits(position.fees),
      funding: n.toUnits(position.funding),
      finalEquity,
      finalPositionLots: position.lots,
      sampleIntervalUs: intervalUs,
    });
    const wallSeconds = (clock() - wall0) / 1000;
    const manifest: RunManifest = {
      format: 'primesim-run/1',
      runId,
      config: cfg,
      strategy: { name: module.name, file: cfg.strategy, params },
      dataset: { name: ds.name, dir: cfg.data, rows: ds.rows, columnsSha256: Object.fromEntries(ds.columns.map((c) => [c.name, c.sha256])) },
      instrument: inst,
      versions: versions(),
      counts: { events: sim.events, rows: source.rows, orders: venue.orders.length, fills: venue.fills.length, transfers: ledger.transferCount },
      models: { queue: venue.cfg.queue.name, fees: venue.cfg.fees.name, entryLatency: venue.cfg.entryLatency.name, responseLatency: venue.cfg.responseLatency.name },
      ...(cfg.sweep ? { sweep: cfg.sweep } : {}),
      files,
      resultsSha256: createHash('sha256').update(files.map((f) => `${f.file}:${f.sha256}`).join('\n')).digest('hex'),
      metrics,
      timing: { startedAt: new Date(wall0 || 0).toISOString(), wallSeconds, replaySeconds, eventsPerSecond: replaySeconds > 0 ? sim.events / replaySeconds : 0 },
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    await writeParquetCopies({ dir: tmp, runId, manifest: manifest as unknown as Parameters<typeof writeParquetCopies>[0]['manifest'] });
    commitOutput(tmp, final);
    return { dir: final, runId, manifest, metrics };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
