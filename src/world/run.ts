import { f64Of } from '../results/columns.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { computeMetrics, positionUnit, rejectReason, type RunMetrics } from '../results/metrics.ts';
import { lotsToQty } from '../market/instrument.ts';
import { closedTrips, tripStats } from '../results/round-trips.ts';
import { writeRunFolder } from '../results/run-writer.ts';
import { checkRunId, runTarget } from '../results/safe-output.ts';
import type { ResultFile } from '../results/recorder.ts';
import { NO_STRATEGY } from '../results/run-store.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import { buildWorld, type World } from './build.ts';
import { PathBookSource } from './path-source.ts';
import { breakersTable } from '../risk/recorder.ts';
import type { RunSpec } from './spec.ts';
import type { ChainMetrics } from './chain-results.ts';
import type { SpecSource } from './spec-file.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { concatColumns } from '../results/spool.ts';
import { collectNow, markLive } from '../results/memory.ts';
import { SpillThread } from '../results/spill-thread.ts';

export interface RunWorldOptions {
  runsDir: string;
  runId?: string;
  force?: boolean;
  /** Recorded in the manifest as `config` (default: the spec). */
  config?: Record<string, unknown> & { seed: number };
  /** Extra deterministic manifest fields (e.g. a sweep's id and grid point). */
  extra?: Record<string, unknown>;
  onProgress?(events: number, nowUs: number, startUs: number, endUs: number): void;
  /** Wall clock for the manifest's timing section only (injected so the engine never reads it). */
  clock?: () => number;
  /** Rows per spilled chunk of the long result tables (default SPILL_ROWS); tests set it low. */
  spillRows?: number;
  /** Encode spilled chunks (Arrow files, Parquet copies) on a second thread (default: in the main thread, unless PRIMESIM_SPILL_THREAD=0). */
  spillThread?: boolean;
  /** Keep spilled chunks in memory, not in files (a short run; the files written are the same). */
  spillInMemory?: boolean;
  /**
   * Full garbage collections that keep a long run's memory flat: after spills when the heap has
   * grown, and once before the result files are written (default true). Many short runs in one
   * worker (Monte Carlo paths) turn them off: there they cost ~9 % of the time and V8's own
   * collector bounds the heap of a short run anyway.
   */
  collectGarbage?: boolean;
}

/**
 * Rows per chunk of a long result table (orders, fills, positions, equity, margin, ledger) moved
 * out of memory during a run: ~2 MB of row objects; each becomes a record batch of its Arrow file.
 */
export const SPILL_ROWS = 8192;
/** Data rows from which a run starts its spill thread before the replay (see SpillThread.prestart). */
const PRESTART_ROWS = 100_000;

/** What a run adds to the shared RunMetrics: the risk outcome. */
export interface WorldMetrics extends RunMetrics, Partial<ChainMetrics> {
  /** Liquidation steps of the strategy's account. */
  liquidations: number;
  /** Liquidation steps of every account (populations included), and accounts liquidated. */
  liquidationsAll: number;
  accountsLiquidated: number;
  adlEvents: number;
  /** Circuit-breaker halts. */
  halts: number;
  badDebt: number;
  insuranceFund: number;
  rejectedOrders: number;
  /** Parent orders the strategies routed (`ctx.route`), when any. */
  routedParents?: number;
  /**
   * Their implementation shortfall in bps of their arrival value, all parents together (Σ shortfall ÷
   * Σ arrival value, sums exact in minor units; the tca table has each parent's split): an execution
   * sweep's figure.
   */
  shortfallBps?: number;
  /**
   * The account's PnL per venue and non-CLOB leg (options) in the valuation asset, when it has
   * more than one: which leg of a hedge or a basis trade made or lost the money (the equity
   * table's pnl_<venue> columns at the end).
   */
  venuePnl?: Record<string, number>;
  /** For an account on several venues: its final position on each (the headline figure is the first venue's). */
  venuePosition?: Record<string, { qty: number; unit: string; lots: number }>;
  /**
   * Net liquidation transfers of the strategy's account in the valuation asset (liquidation fees
   * paid to the fund negative, insurance cover positive): a PnL component of its own, so
   * total = spread capture + inventory − fees − funding + liquidation transfers.
   */
  liquidationTransfers: number;
  /**
   * The account's deposits revalued (valuation asset): their value at the final prices less their
   * value at the first sample (the initial capital). Nonzero when the account deposits an asset
   * other than the valuation asset whose price moved — BTC collateral of a coin-margined desk
   * valued in USDT, the ETH an execution desk starts with and sells: the PnL of what it held at the
   * start, not of its trading, so its own component and not part of inventory: total = spread
   * capture + inventory − fees − funding + liquidation transfers + deposits revalued.
   */
  depositsPnl: number;
  /**
   * Path venues (bars): the path is what the mark does with no impact (the counterfactual); the
   * laid mid is the mark with liquidations' impact. Peak-to-trough drawdowns of both (%), how many
   * points further the impacted mark fell, and the deepest displacement with its time.
   */
  pathLow?: number;
  markLow?: number;
  pathDrawdownPct?: number;
  markDrawdownPct?: number;
  impactFurtherPct?: number;
  maxDisplacementPct?: number;
  maxDisplacementAt?: string;
  populationAccounts?: number;
}

export interface WorldResult {
  dir: string;
  runId: string;
  manifest: Record<string, unknown> & { counts: Record<string, number>; files: ResultFile[]; resultsSha256: string; timing: Record<string, number | string> };
  metrics: WorldMetrics;
  world: World;
}

export function specHash(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 8);
}

/**
 * The one metrics function for every run: equity statistics on the first account's equity,
 * fill statistics over every venue it trades (each venue's fills valued in its own instrument,
 * converted to the valuation asset at the final prices), and the risk outcome.
 */
export function worldMetrics(w: World, routerTables: readonly Record<string, Record<string, ColumnData>>[] = []): WorldMetrics {
  const wallet = w.wallets.find((x) => w.agents.some((a) => a.account === x.id)) ?? w.wallets[0]!;
  const eq = w.recorder.equitySeries(wallet.id);
  const initial = Number.isFinite(w.recorder.initialCapital(wallet.id)) ? w.recorder.initialCapital(wallet.id) : wallet.depositsValue();
  const finalEquity = wallet.equity();
  const mine = w.venues.filter((v) => v.account === wallet.id);
  const primary = mine[0] ?? w.venues[0]!;
  const base = computeMetrics({
    inst: primary.clob.instrument,
    orders: [] as OwnOrder[],
    fills: [] as Fill[],
    equityTs: eq.ts,
    equity: eq.equity,
    initialCapital: initial,
    realized: 0,
    unrealized: 0,
    fees: 0,
    finalEquity,
    finalPositionLots: primary.clob.position.lots,
    sampleIntervalUs: w.equityIntervalUs,
  });
  let spread = 0;
  let notional = 0;
  let realized = 0;
  let unrealized = 0;
  let fees = 0;
  let funding = 0;
  let orders = 0;
  let fills = 0;
  let maker = 0;
  let submitted = 0;
  let filled = 0;
  let slipNum = 0;
  let slipDen = 0;
  let rejected = 0;
  const rejectKinds = new Map<string, number>();
  const waits: number[] = [];
  for (const v of mine) {
    const t = w.recorder.tradeStats(v);
    const m = computeMetrics({ inst: v.clob.instrument, trades: t, equityTs: new Float64Array(0), equity: new Float64Array(0), initialCapital: initial, realized: 0, unrealized: 0, fees: 0, finalEquity: initial, finalPositionLots: 0, sampleIntervalUs: w.equityIntervalUs });
    const p = v.clob.position;
    const n = p.notional;
    const px = w.prices.get(v.clob.instrument.settle);
    spread += m.spreadCapture * px;
    notional += m.tradedNotional * px;
    const mark = v.perp ? v.perp.markTicks() : v.clob.book.midTicks();
    realized += n.toUnits(p.realized) * px;
    unrealized += (p.lots === 0 ? 0 : n.toUnits(p.unrealized(mark))) * px;
    fees += n.toUnits(p.fees) * px;
    funding += n.toUnits(p.funding) * px;
    orders += m.orders;
    fills += m.fills;
    maker += m.makerFills;
    submitted += t.submittedLots - t.rejectedLots; // the fill ratio is of accepted orders
    filled += t.filledLots;
    rejected += t.rejected;
    for (const [k, n] of t.rejectKinds) rejectKinds.set(k, (rejectKinds.get(k) ?? 0) + n);
    const tw = t.waits.view();
    for (let i = 0; i < tw.length; i++) waits.push(tw[i]! / 1000);
    if (m.takerFills > 0) {
      slipNum += m.takerSlippageBps * t.takerQty;
      slipDen += t.takerQty;
    }
  }
  waits.sort((a, b) => a - b);
  // The account's closed round trips, from the `trades` table the recorder writes.
  const trips = tripStats(closedTrips(w.recorder.tradesTable(), wallet.id));
  const liq = w.liquidation;
  const totalPnl = finalEquity - initial;
  const liquidationTransfers = wallet.liquidationValue();
  // (Deposits of the valuation asset alone: the same sum at the same prices, exactly 0.)
  const depositsPnl = wallet.depositsValue() - initial;
  return {
    ...base,
    settleAsset: w.prices.valuation,
    realizedPnl: realized,
    unrealizedPnl: unrealized,
    fees,
    funding,
    spreadCapture: spread,
    inventoryPnl: totalPnl - spread + fees + funding - liquidationTransfers - depositsPnl,
    liquidationTransfers,
    depositsPnl,
    turnover: initial > 0 ? notional / initial : 0,
    tradedNotional: notional,
    orders,
    fills,
    makerFills: maker,
    takerFills: fills - maker,
    fillRatio: submitted > 0 ? filled / submitted : 0,
    takerSlippageBps: slipDen > 0 ? slipNum / slipDen : 0,
    meanQueueWaitMs: waits.length ? waits.reduce((s, x) => s + x, 0) / waits.length : 0,
    medianQueueWaitMs: waits.length ? waits[Math.floor(waits.length / 2)]! : 0,
    roundTrips: trips?.trips ?? 0,
    exitsByTag: w.recorder.exitsByTag(wallet.id),
    tripHitRate: trips?.hitRate ?? NaN,
    tripAvgHoldingUs: trips?.avgHoldingUs ?? NaN,
    liquidations: liq ? liq.records.filter((r) => r.account === wallet.id).length : 0,
    liquidationsAll: liq ? liq.records.length : 0,
    accountsLiquidated: liq ? new Set(liq.records.map((r) => r.account)).size : 0,
    adlEvents: liq ? liq.adl.length : 0,
    halts: w.breakers.reduce((s, b) => s + b.events.filter((e) => e.kind === 'halt').length, 0),
    badDebt: liq ? liq.records.reduce((s, r) => s + r.badDebt, 0) : 0,
    insuranceFund: liq ? Number(liq.fundBalance) / 10 ** 8 : 0,
    rejectedOrders: rejected,
    ...(rejected > 0 ? { rejectReason: rejectReason(rejectKinds) } : {}),
    ...(wallet.venues.length > 1 ? { venuePosition: Object.fromEntries(wallet.venues.map((v) => [v.id, { qty: lotsToQty(v.position.inst, v.position.lots), unit: positionUnit(v.position.inst), lots: v.position.lots }] as const)) } : {}),
    ...(wallet.venues.length + wallet.legs.length > 1 ? { venuePnl: Object.fromEntries([...wallet.venues.map((v) => [v.id, wallet.venuePnl(v)] as const), ...wallet.legs.map((l) => [l.id, l.pnl()] as const)]) } : {}),
    ...pathLows(w),
    ...(w.chain ? w.chain.metrics() : {}),
    ...routedShortfall(routerTables),
  };
}

/** The strategies' routed parent orders, their shortfall together (see WorldMetrics.shortfallBps). */
function routedShortfall(routerTables: readonly Record<string, Record<string, ColumnData>>[]): Partial<WorldMetrics> {
  let parents = 0;
  let shortfall = 0n;
  let arrival = 0n;
  const decimals = new Set<number>();
  for (const tables of routerTables) {
    const t = tables.tca;
    if (!t) continue;
    const sf = t.shortfall as BigInt64Array;
    const av = t.arrival_value as BigInt64Array;
    const dec = t.unit_decimals as Int32Array;
    for (let i = 0; i < sf.length; i++) {
      parents++;
      shortfall += sf[i]!;
      arrival += av[i]!;
      decimals.add(dec[i]!);
    }
  }
  if (parents === 0) return {};
  // One quote unit across the parents, else a sum would mix currencies.
  return { routedParents: parents, shortfallBps: decimals.size === 1 && arrival !== 0n ? (Number(shortfall) / Number(arrival)) * 1e4 : NaN };
}

/** For the first path venue: the no-impact path against the impacted mark (see WorldMetrics). */
function pathLows(w: World): Partial<WorldMetrics> {
  const src = w.venues.map((v) => v.source).find((s): s is PathBookSource => s instanceof PathBookSource);
  if (!src || src.marks.ts.length === 0) return {};
  const dd = (x: Float64Array) => {
    let peak = -Infinity;
    let worst = 0;
    let low = Infinity;
    for (let i = 0; i < x.length; i++) {
      if (x[i]! > peak) peak = x[i]!;
      if (x[i]! < low) low = x[i]!;
      worst = Math.max(worst, (peak - x[i]!) / peak);
    }
    return { low, ddPct: worst * 100 };
  };
  const p = dd(src.marks.path.view());
  const m = dd(src.marks.mid.view());
  const imp = src.marks.impact.view();
  let k = 0;
  for (let i = 1; i < imp.length; i++) if (imp[i]! < imp[k]!) k = i;
  return {
    pathLow: p.low,
    markLow: m.low,
    pathDrawdownPct: p.ddPct,
    markDrawdownPct: m.ddPct,
    impactFurtherPct: m.ddPct - p.ddPct,
    maxDisplacementPct: -imp[k]! * 100,
    maxDisplacementAt: new Date(src.marks.ts.view()[k]! / 1000).toISOString(),
    populationAccounts: w.populations.reduce((s, x) => s + x.accounts.length, 0),
  };
}

/** Build, run and write one run folder from a spec. */
export async function runWorld(spec: RunSpec, src: SpecSource, opts: RunWorldOptions): Promise<WorldResult> {
  const clock = opts.clock ?? (() => 0);
  const wall0 = clock();
  const world = await buildWorld(spec, src);
  const first = world.agents[0];
  const defaultId = `${spec.name ?? (first ? basename(first.file).replace(/\.[mc]?[jt]s$/, '') : 'run')}-${world.venues[0]!.dataset.name}-s${spec.seed}-${specHash(opts.config ?? spec)}`.replace(/[^\w.-]/g, '_');
  const runId = checkRunId(opts.runId ?? defaultId);
  // The output target is checked before the run, and again when it is written.
  const target = runTarget(opts.runsDir, runId, opts.force ?? false);
  // Long tables spill here in chunks while the run goes (flat memory); removed when written.
  const spillDir = `${target.tmp}.spill`;
  rmSync(spillDir, { recursive: true, force: true });
  mkdirSync(spillDir);
  // Chunks kept in memory go to no thread (it writes chunks as they spill).
  const thread = !opts.spillInMemory && (opts.spillThread ?? SpillThread.wanted) ? new SpillThread(spillDir) : undefined;
  try {
    // A replay of this many rows spills (its equity samples alone fill chunks): the thread loads
    // its modules while the replay begins, ready before the first chunk.
    if (thread !== undefined && world.venues.reduce((n, v) => n + v.dataset.rows, 0) >= PRESTART_ROWS) thread.prestart();
    return await runAndWrite(world, spec, opts, runId, spillDir, thread, clock, wall0);
  } finally {
    await thread?.close();
    rmSync(spillDir, { recursive: true, force: true });
  }
}

async function runAndWrite(world: World, spec: RunSpec, opts: RunWorldOptions, runId: string, spillDir: string, thread: SpillThread | undefined, clock: () => number, wall0: number): Promise<WorldResult> {
  const first = world.agents[0];
  const collect = opts.collectGarbage ?? true;
  world.recorder.spill(spillDir, opts.spillRows ?? SPILL_ROWS, { ...(thread ? { thread: { thread, runId } } : {}), collect, inMemory: opts.spillInMemory ?? false });
  const sim = world.sim;
  world.start();
  // Spilled chunks collect garbage when the heap has grown since here (see collectIfGrown).
  if (collect) markLive();
  const replay0 = clock();
  // The replay runs in slices of 4,096 events with a turn of the event loop between them (and a
  // progress report), so a signal handler (Ctrl-C: remove the unfinished output) runs within a
  // fraction of a second instead of after the whole replay; a slice costs one setImmediate. The
  // kernel resumes exactly where it paused: the results do not depend on the slicing.
  const hooks = {
    progressEvery: 4096,
    onProgress: (ev: number, now: number) => {
      opts.onProgress?.(ev, now, world.startUs, world.endUs);
      sim.stop();
    },
  };
  while (sim.run(world.endUs, hooks)) await new Promise<void>((r) => setImmediate(r));
  const replaySeconds = (clock() - replay0) / 1000;
  // The inputs' checks that ran beside the replay: a failed one is the run's error, before anything is written.
  await Promise.all(world.checks);
  for (const a of world.agents) a.host.end();
  for (const v of world.venues) v.source.close();
  world.recorder.sampleIfMoved(sim.nowUs);
  world.recorder.endRun();
  // Routed parent orders' tables (routes, tca, tca_venues per agent), built once: written below, summed in the metrics.
  const routerTables = world.agents.map((a) => a.host.router?.tables() ?? {});
  const metrics = worldMetrics(world, routerTables);
  const liquidations = world.liquidation?.records ?? [];
  const extra: Record<string, Record<string, ColumnData>> = {};
  // Every path venue's marks, one venue after the other (e.g. BTC and the ETH that follows it).
  const pathVenues = world.venues.filter((v) => v.source instanceof PathBookSource);
  if (pathVenues.length > 0) {
    const marks = pathVenues.map((v) => ({ id: v.id, mk: (v.source as PathBookSource).marks }));
    const cat = (pick: (mk: PathBookSource['marks']) => { view(): Float64Array }): Float64Array => {
      const parts = marks.map((x) => pick(x.mk).view());
      const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    extra.marks = { ts_us: cat((m) => m.ts), venue: marks.flatMap((x) => Array.from({ length: x.mk.ts.length }, () => x.id)), path: cat((m) => m.path), mark: cat((m) => m.mid), impact: cat((m) => m.impact), open_interest: cat((m) => m.openInterest) };
  }
  if (world.chain) Object.assign(extra, world.chain.tables());
  // Routed parent orders: routes (per child), tca (per parent), tca_venues; agents append in order.
  for (const tables of routerTables) for (const [name, cols] of Object.entries(tables)) extra[name] = extra[name] ? appendRows(extra[name]!, cols) : cols;
  for (const a of world.agents) {
    for (const [name, t] of a.host.recorded) {
      const cols: Record<string, ColumnData> = {};
      t.columns.forEach((c, i) => (cols[c] = t.kinds[i] === 'num' ? f64Of(t.rows, (r) => r[i] as number) : t.rows.map((r) => r[i] as string)));
      // Several agents writing one table: their rows are appended in agent order.
      extra[`strategy_${name}`] = extra[`strategy_${name}`] ? appendRows(extra[`strategy_${name}`]!, cols) : cols;
    }
  }
  for (const ov of world.options) {
    for (const [name, cols] of Object.entries(ov.tables())) extra[name] = extra[name] ? appendRows(extra[name]!, cols) : cols;
  }
  if (world.breakers.length > 0) extra.breakers = breakersTable(world.breakers.flatMap((b) => b.events).sort((a, b) => a.tsUs - b.tsUs));
  // The replay's garbage goes before the result files are written (their peak adds to it).
  if (collect) collectNow();
  const tables = world.recorder.tables(liquidations, extra);
  const v0 = world.venues[0]!;
  const res = await writeRunFolder({
    runsDir: opts.runsDir,
    runId,
    force: opts.force ?? false,
    strategy: first ? { name: first.module.name, file: first.file, params: first.params } : { name: NO_STRATEGY, params: {} },
    dataset: { name: v0.dataset.name, dir: v0.catalogDir, rows: v0.dataset.rows, columnsSha256: Object.fromEntries(v0.dataset.columns.map((c) => [c.name, c.sha256])) },
    config: opts.config ?? spec,
    counts: {
      events: sim.events,
      rows: world.venues.reduce((s, v) => s + v.source.rows, 0),
      orders: world.venues.reduce((s, v) => s + v.clob.orderCount, 0),
      fills: world.venues.reduce((s, v) => s + v.clob.fillCount, 0),
      transfers: world.ledger.transferCount,
      liquidations: liquidations.length,
      ...(world.chain ? { blocks: world.chain.blocks.length, txs: world.chain.blocks.reduce((s, b) => s + b.txs.length, 0) } : {}),
    },
    metrics: metrics as unknown as Record<string, number | string>,
    tables,
    extra: {
      spec,
      // The equity sampling interval the run used (the spec may leave it to the default).
      equityIntervalUs: world.equityIntervalUs,
      instrument: v0.clob.instrument,
      models: { queue: v0.clob.cfg.queue.name, fees: v0.clob.cfg.fees.name, entryLatency: v0.clob.cfg.entryLatency.name, responseLatency: v0.clob.cfg.responseLatency.name, ...(v0.perp ? { mark: v0.perp.cfg.mark.name } : {}), ...leverageOf(spec, v0.account) },
      venues: world.venues.map((v) => ({
        id: v.id,
        kind: v.kind,
        account: v.account,
        instrument: `${v.clob.instrument.venue}:${v.clob.instrument.symbol}`,
        dataset: v.dataset.name,
        queue: v.clob.cfg.queue.name,
        fees: v.clob.cfg.fees.name,
        entryLatency: v.clob.cfg.entryLatency.name,
        responseLatency: v.clob.cfg.responseLatency.name,
        ...(v.perp ? { mark: v.perp.cfg.mark.name, funding: v.perp.cfg.funding.name } : {}),
      })),
      ...(world.chain ? { chain: { profile: world.chain.profile.name, pools: [...world.chain.pools.values()].map((p) => ({ id: p.id, kind: p.kind, token0: p.token0, token1: p.token1 })), lending: [...world.chain.lending.keys()], oracles: [...world.chain.oracles.keys()] } } : {}),
      ...(opts.extra ?? {}),
    },
    timing: { startedAt: new Date(wall0 || 0).toISOString(), wallSeconds: (clock() - wall0) / 1000, replaySeconds, eventsPerSecond: replaySeconds > 0 ? sim.events / replaySeconds : 0 },
  });
  // A JSON round trip: callers get the manifest exactly as written (NaN → null, as on disk).
  const manifest = JSON.parse(JSON.stringify(res.manifest)) as WorldResult['manifest'];
  return { dir: res.dir, runId, manifest, metrics, world };
}

/** Rows of `b` after the rows of `a` (same columns): the recorder's column concatenation. */
function appendRows(a: Record<string, ColumnData>, b: Record<string, ColumnData>): Record<string, ColumnData> {
  return concatColumns([a, b]);
}

/** The chosen leverage of a venue's account, for the runs table (`model_leverage`), when the spec sets one. */
function leverageOf(spec: RunSpec, account: string): { leverage?: number } {
  const l = spec.accounts.find((a) => a.id === account)?.leverage;
  return l === undefined ? {} : { leverage: l };
}
