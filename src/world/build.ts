import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, PrimesimError } from '../errors.ts';
import { resolveShippedFile } from '../package-root.ts';
import type { CatalogManifest } from '../data/catalog.ts';
import type { EventHandler } from '../kernel/event-queue.ts';
import { PRIO_TIMER, Simulation } from '../kernel/simulation.ts';
import { Ledger } from '../ledger/ledger.ts';
import { Position } from '../ledger/portfolio.ts';
import { ASSETS, lotsToQty, type Instrument } from '../market/instrument.ts';
import { ConstantLatency, parseDurationUs, parseLatencyModel } from '../market/latency.ts';
import { parseQueueModel } from '../market/queue-model.ts';
import { BookExecutor } from '../risk/book-exec.ts';
import { LiquidationEngine } from '../risk/liquidation.ts';
import { CircuitBreaker } from '../risk/breaker.ts';
import { MarginEngine } from '../risk/margin-engine.ts';
import { CrossMargin, IsolatedMargin } from '../risk/models/cross.ts';
import { PortfolioMargin } from '../risk/models/portfolio.ts';
import { BINANCE_BTCUSD_COINM_TIERS, BINANCE_BTCUSDT_TIERS, DYDX_BTC_TIERS } from '../risk/tiers.ts';
import type { MarginModel, Tier } from '../risk/types.ts';
import { loadStrategy, ParamError, parseParams } from '../backtest/load-strategy.ts';
import { checkSeriesCovers, parseFunding } from '../backtest/funding.ts';
import { ReplaySource } from '../backtest/replay-source.ts';
import type { StrategyModule } from '../strategy/api.ts';
import { StrategyHost, subscriptionOf } from '../strategy/host.ts';
import { VenuePort } from '../strategy/venue-port.ts';
import { parseFees } from '../venues/clob/fees.ts';
import { ClobVenue, type ClobVenueConfig } from '../venues/clob/venue.ts';
import type { FundingRateSource } from '../venues/perp/funding-source.ts';
import { parseMarkModel } from '../venues/perp/mark.ts';
import { PerpVenue, type FundingSchedule } from '../venues/perp/venue.ts';
import { VenueDriver } from './driver.ts';
import { captureDepthProfile, PathBookSource } from './path-source.ts';
import { BarSource } from './bar-source.ts';
import { Population } from './population.ts';
import { Rng } from '../kernel/rng.ts';
import { prefetchBarsCatalog } from '../data/bars-catalog.ts';
import { WorldRecorder, type RecordedVenue } from './recorder.ts';
import { type RunSpec, type VenueSpec } from './spec.ts';
import { buildChainWorld, type CexPrice, type ChainWorld } from './chain-world.ts';
import { optionChainOf, WorldOptionsVenue, type Underlying } from './options-world.ts';
import { specError, type SpecSource } from './spec-file.ts';
import { checkReferences } from './spec-references.ts';
import { loadVenueData } from './venue-data.ts';
import { holdPoints, timeUs } from './build-path.ts';
import { RouterPort, type RouterBookVenue, type RouterChain, type RouterPoolVenue } from '../router/port.ts';
import { pricedAs, tokenDecimals } from '../chain/tokens.ts';
import { sameAsset } from './chain-world.ts';
import { AccountWallet, Prices, SpotBalanceEntry } from './wallet.ts';
import { OnchainHoldings, tokenPricer } from './onchain-leg.ts';
import { NATIVE } from '../mev/adversaries/chain-bank.ts';

/** Where a venue's market comes from: a catalog replay or a book laid around a price path. */
export type WorldSource = ReplaySource | PathBookSource | BarSource;

/** One venue as wired: its book and orders, its perp extras, its data source and the account on it. */
export interface WorldVenue extends RecordedVenue {
  spec: VenueSpec;
  dataset: CatalogManifest;
  catalogDir: string;
  source: WorldSource;
  driver: VenueDriver;
  /** Local (receive-time) span of its data. */
  startUs: number;
  endUs: number;
}

export interface WorldAgent {
  module: StrategyModule;
  file: string;
  params: unknown;
  account: string;
  host: StrategyHost;
}

/** A wired simulation: everything `run.ts` needs to run it and write its results. */
export interface World {
  spec: RunSpec;
  sim: Simulation;
  ledger: Ledger;
  prices: Prices;
  engine: MarginEngine | undefined;
  liquidation: LiquidationEngine | undefined;
  venues: WorldVenue[];
  wallets: AccountWallet[];
  agents: WorldAgent[];
  recorder: WorldRecorder;
  options: WorldOptionsVenue[];
  /** The chain and what lives on it, when the spec has a chain section. */
  chain: ChainWorld | undefined;
  populations: Population[];
  breakers: CircuitBreaker[];
  startUs: number;
  endUs: number;
  equityIntervalUs: number;
  /**
   * Checks of the inputs still running (a large bar catalog's hashes): a run awaits them before
   * it writes anything; one that rejects fails the run with the input's error.
   */
  checks: Promise<void>[];
  /** Start the agents and the equity clock (call once, before `sim.run`). */
  start(): void;
}

/** A funding source for a perp without funding: nothing is ever scheduled. */
const NO_FUNDING: FundingRateSource = { name: 'none', rateAt: () => 0 };

function tiersFor(v: VenueSpec, inst: Instrument): readonly Tier[] {
  if (v.tiers === 'dydx') return DYDX_BTC_TIERS;
  if (v.tiers === 'binance-coinm' || (v.tiers === undefined && inst.kind === 'inverse')) return BINANCE_BTCUSD_COINM_TIERS;
  return BINANCE_BTCUSDT_TIERS;
}

function marginModel(mode: 'cross' | 'isolated' | 'portfolio', leverage: number | undefined): MarginModel {
  if (mode === 'isolated') return new IsolatedMargin({ leverage });
  if (mode === 'portfolio') return new PortfolioMargin();
  return new CrossMargin({ leverage });
}

/**
 * The one builder: turns a run spec into a wired simulation. Every problem with the spec is a
 * ConfigError naming the spec file, line and field.
 */
export async function buildWorld(spec: RunSpec, src: SpecSource): Promise<World> {
  const at = (path: (string | number)[], msg: string, hint?: string) => specError(src, path, msg, hint);
  /** Input checks still running (see World.checks). */
  const checks: Promise<void>[] = [];

  // ---- references between sections ----
  const { venueIds, clobs, venueAccount } = checkReferences(spec, at);

  // ---- begun early ----
  // Each agent's strategy starts loading now and a bar-execution venue's catalog columns are read
  // on the thread pool, so compiling the one and reading the other overlap; each is waited for
  // where it is used, so a failure is reported there, in the order it always was.
  const strategyLoads = new Map<number, Promise<StrategyModule>>();
  spec.agents.forEach((g, i) => {
    if (!('strategy' in g)) return;
    const file = resolveShippedFile(g.strategy, src.baseDir);
    if (!existsSync(file)) return;
    const p = loadStrategy(file);
    p.catch(() => {}); // awaited under agents
    strategyLoads.set(i, p);
  });
  const barColumns = new Map<number, Promise<Map<string, Buffer>>>();
  for (const { v, i } of clobs) {
    if (!('bars' in v.data) || v.data.bars.execution !== 'bar') continue;
    const p = prefetchBarsCatalog(resolve(src.baseDir, v.data.bars.file));
    if (p !== undefined) barColumns.set(i, p);
  }

  // ---- data ----
  const { catalogs, manifests, pathOf, barsOf } = await loadVenueData(spec, src, { clobs, venueIds, barColumns, checks, at });
  const firstManifest = manifests[clobs[0]!.i]!;
  const valuation = spec.valuation ?? firstManifest.instrument.quote;
  if (!ASSETS[valuation]) throw at(['valuation'], `unknown valuation asset ${valuation}`);

  // ---- the kernel, the ledger, the margin engine ----
  const sim = new Simulation(spec.seed);
  const ledger = new Ledger();
  const prices = new Prices(valuation);
  const populations = spec.agents.flatMap((g, i) => ('population' in g ? [{ p: g.population, i }] : []));
  const needsEngine = spec.accounts.some((a) => a.margin !== 'cash') || populations.length > 0;
  const haircuts: Record<string, number> = {};
  for (const a of spec.accounts) Object.assign(haircuts, a.haircuts);
  // Margin is computed in a quote asset (coin-settled contracts are pools in their coin, converted
  // at the mark): the first venue's quote, which may differ from the valuation (e.g. BTC for COIN-M).
  const marginAsset = firstManifest.instrument.quote;
  const engine = needsEngine ? new MarginEngine({ ledger, settleAsset: marginAsset, haircuts }) : undefined;
  const wallets = spec.accounts.map((a) => new AccountWallet(a.id, a.margin, ledger, prices, a.margin === 'cash' ? undefined : engine));
  const walletOf = new Map(wallets.map((w) => [w.id, w]));
  if (engine) for (const a of spec.accounts) if (a.margin !== 'cash') engine.openAccount(a.id, marginModel(a.margin, a.leverage));

  // ---- venues ----
  const venues: WorldVenue[] = [];
  /** Order-book venues by id. */
  const venueById = new Map<string, WorldVenue>();
  const perpUnderlyings = new Set<string>();
  for (const { v, i } of clobs) {
    const m = manifests[i]!;
    const inst = m.instrument;
    const field = (k: string) => `venues[${i}].${k}`;
    let clobCfg: ClobVenueConfig;
    const barExec = 'bars' in v.data && v.data.bars.execution === 'bar';
    try {
      clobCfg = {
        instrument: inst,
        queue: parseQueueModel(v.queue),
        fees: parseFees(v.fees),
        // Bar execution: an order decided on a close reaches the venue at the next open.
        entryLatency: barExec ? new ConstantLatency(1) : parseLatencyModel(v.latency.entry, field('latency.entry')),
        responseLatency: parseLatencyModel(v.latency.response, field('latency.response')),
        feedLatencyFromData: v.latency.feed === 'data',
        clockOffsetUs: m.clockOffsetUs,
      };
    } catch (e) {
      if (e instanceof ConfigError) {
        const path: (string | number)[] = e.field?.includes('latency.') ? ['venues', i, 'latency', e.field.endsWith('entry') ? 'entry' : 'response'] : ['venues', i, e.field === 'fees' ? 'fees' : 'queue'];
        throw at(path, e.message.replace(/^field [^:]+: /, ''));
      }
      throw e;
    }
    const account = venueAccount.get(v.id) ?? `market:${v.id}`;
    const wallet = walletOf.get(account);
    const position = new Position(inst, account, ledger, `venue:${v.id}`, v.kind === 'spot' && wallet ? wallet.cashAccount : undefined);
    let perp: PerpVenue | undefined;
    let clob: ClobVenue;
    if (v.kind === 'perp') {
      let funding: FundingRateSource = NO_FUNDING;
      let schedule: FundingSchedule = { kind: 'fixed', intervalUs: 8 * 3600e6 };
      try {
        const f = await parseFunding(resolveFundingPath(v.funding, src.baseDir), inst.symbol);
        if (f) {
          funding = f.source;
          schedule = f.timesFromData ? { kind: 'data' } : { kind: 'fixed', intervalUs: f.intervalUs };
        }
      } catch (e) {
        if (e instanceof ConfigError && e.field === '--funding') throw at(['venues', i, 'funding'], e.message.replace(/^.*field --funding: /, ''));
        throw e;
      }
      let markModel;
      try {
        markModel = parseMarkModel(v.mark);
      } catch (e) {
        throw at(['venues', i, 'mark'], (e as Error).message.replace(/^field mark: /, ''));
      }
      perp = new PerpVenue(sim, { clob: clobCfg, mark: markModel, funding, schedule }, position);
      clob = perp.clob;
      if (engine && wallet && wallet.marginMode !== 'cash') {
        engine.registerInstrument({ id: v.id, market: inst, kind: 'perp', underlying: inst.base, tiers: tiersFor(v, inst) });
        perp.attachMargin(engine, v.id);
      }
      perpUnderlyings.add(inst.base);
    } else {
      clob = new ClobVenue(sim, clobCfg, position);
    }
    const driver = new VenueDriver(sim, v.id, clob, perp, v.kind === 'perp' && v.index === undefined, prices);
    const path = pathOf.get(i);
    let source: WorldSource;
    if (barExec && 'bars' in v.data) {
      source = new BarSource(sim, clob, driver, barsOf.get(i)!, inst, v.data.bars.slippageBps);
    } else if (path && ('bars' in v.data || 'path' in v.data)) {
      const b = 'bars' in v.data ? v.data.bars : v.data.path;
      let resilienceUs: number;
      try {
        resilienceUs = parseDurationUs(b.resilience, 'resilience', { positive: true });
      } catch (e) {
        throw at(['venues', i, 'data', 'bars' in v.data ? 'bars' : 'path', 'resilience'], (e as Error).message.replace(/^field [^:]+: /, ''));
      }
      const held = holdPoints(path, 60e6);
      const ps = new PathBookSource(sim, clob, driver, { tsUs: held.tsUs, price: held.price, depthAt: path.depthAt, profile: captureDepthProfile(b.depthScale, b.maxBps), impact: b.impact, resilienceUs }, inst);
      // Open interest with every point (the marks table): the longs of every account on this perp.
      if (perp && engine) {
        const id = v.id;
        const e = engine;
        ps.openInterest = () => lotsToQty(inst, e.openInterest(id));
      }
      source = ps;
    } else {
      source = new ReplaySource(sim, catalogs[i]!, clob, driver);
    }
    const first = source.peekTs();
    const startUs = Number.isFinite(first) ? first : m.timeRange.startUs;
    const endUs = startUs + (m.timeRange.endUs - m.timeRange.startUs);
    sim.addSource(source);
    const wv: WorldVenue = { id: v.id, kind: v.kind, account, clob, perp, spec: v, dataset: m, catalogDir: catalogs[i]!, source, driver, startUs, endUs };
    venues.push(wv);
    venueById.set(v.id, wv);
    if (wallet) wallet.venues.push({ id: v.id, kind: v.kind as 'spot' | 'perp', position, mark: perp ? () => perp.markTicks() : () => clob.book.midTicks(), ...(perp ? { orderMargin: () => perp.orderMargin() } : {}) });
  }
  // Index links (spot mid → perp index, converted between the two tick sizes).
  for (const { v } of clobs) {
    if (v.index === undefined) continue;
    const perpV = venueById.get(v.id)!;
    const spotV = venueById.get(v.index)!;
    spotV.driver.indexFor.push({ perp: perpV.perp!, ratio: Number(spotV.clob.instrument.tickSize) / Number(perpV.clob.instrument.tickSize) });
  }
  // One venue prices each base asset: the first spot venue of it, else the first perp (a perp with
  // an index takes its price from that spot venue, which is then the first spot of it).
  // After its data ends, the next in that order (see VenueDriver.pricePrior).
  for (const v of venues) {
    const source = v.source;
    const ended = (v.driver.ended = () => source.peekTs() === Infinity);
    const closed = `no market data at ${v.id} after ${new Date(v.dataset.timeRange.endUs / 1000).toISOString()}: its book is frozen there`;
    v.clob.noMarketData = () => (ended() ? closed : undefined);
    const same = (kinds: readonly string[]) => kinds.flatMap((k) => venues.filter((x) => x.kind === k && x.clob.instrument.base === v.clob.instrument.base));
    const order = same(['spot', 'perp']);
    v.driver.pricePrior = order.slice(0, order.indexOf(v)).map((x) => x.driver);
    const perps = same(['perp']);
    if (v.kind === 'perp') v.driver.perpPrior = perps.slice(0, perps.indexOf(v)).map((x) => x.driver);
  }
  // A spot market gives the margin engine the mark of its base asset when no perp does (collateral).
  if (engine) for (const v of venues) if (v.kind === 'spot' && !perpUnderlyings.has(v.clob.instrument.base)) v.driver.engineMark = engine;

  // ---- time ----
  const dataStart = Math.min(...venues.map((v) => v.startUs));
  const dataEnd = Math.max(...venues.map((v) => v.endUs));
  const tStart = timeUs(src, ['time', 'start'], spec.time.start);
  const tEnd = timeUs(src, ['time', 'end'], spec.time.end);
  const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();
  if (tStart !== undefined && (tStart >= dataEnd || tStart < dataStart - 3600e6)) throw at(['time', 'start'], `start ${iso(tStart)} is outside the data (${iso(dataStart)} to ${iso(dataEnd)})`);
  if (tEnd !== undefined && (tEnd <= dataStart || tEnd <= (tStart ?? dataStart))) throw at(['time', 'end'], `end ${iso(tEnd)} is outside the data or before the start (${iso(dataStart)} to ${iso(dataEnd)})`);
  const startUs = Math.max(dataStart, tStart ?? dataStart);
  // Path venues record their marks from the window's start (rows before it only warm the book up).
  if (tStart !== undefined) for (const v of venues) if (v.source instanceof PathBookSource) v.source.recordFromUs = startUs;
  // Tick data: a minute past the last row lets in-flight responses land. Bars: the run ends with
  // the last close, so an order decided on it (for a next open that never comes) never fills.
  const allBars = venues.every((v) => v.source instanceof BarSource);
  const endUs = tEnd ?? (allBars ? dataEnd : dataEnd + 60e6);
  const runEndUs = tEnd ?? dataEnd;
  let equityIntervalUs: number;
  try {
    const barsUs = allBars ? Math.max(...venues.map((v) => (v.source as BarSource).intervalUs)) : 1e6;
    equityIntervalUs = spec.record.equityInterval === undefined ? barsUs : parseDurationUs(spec.record.equityInterval, 'record.equityInterval', { positive: true });
  } catch (e) {
    throw at(['record', 'equityInterval'], (e as Error).message.replace(/^field [^:]+: /, ''));
  }

  // ---- funding schedules ----
  for (const [i, v] of venues.entries()) {
    if (!v.perp || v.perp.cfg.funding === NO_FUNDING) continue;
    try {
      if (v.perp.cfg.schedule.kind === 'data') checkSeriesCovers(v.perp.cfg.funding.timesUs?.() ?? [], startUs, runEndUs, v.perp.cfg.funding.name, v.clob.instrument.symbol);
    } catch (e) {
      if (e instanceof ConfigError) throw at(['venues', i, 'funding'], e.message.replace(/^.*field --funding: /, ''));
      throw e;
    }
    v.perp.scheduleFunding(startUs, runEndUs);
  }

  // ---- options venues (after the time window: the chain is snapshot at the start) ----
  const optionVenues = new Map<string, WorldOptionsVenue>();
  for (const [i, v] of spec.venues.entries()) {
    if (v.kind !== 'options') continue;
    const u = venueById.get(v.underlying)!;
    const uIdx = venueIds.get(v.underlying)!;
    const tick = Number(u.clob.instrument.tickSize);
    const inst = u.clob.instrument;
    const startPrice = 'generate' in v.optionChain ? v.optionChain.generate.price ?? pathOf.get(uIdx)?.price[0] : undefined;
    if ('generate' in v.optionChain && startPrice === undefined) throw at(['venues', i, 'optionChain', 'generate', 'price'], `give the price the generated strikes centre on (venue ${v.underlying} replays a catalog, its first price is not known before the run)`);
    const all = await optionChainOf(v, i, src, at, startUs, startPrice ?? NaN);
    // Only the options on the underlying venue's coin (a Tardis chain file lists BTC and ETH).
    const oc = { ...all, contracts: all.contracts.filter((c) => c.underlying === inst.base), quotes: all.quotes.filter((q) => q.contract.underlying === inst.base) };
    if (oc.quotes.length === 0) throw at(['venues', i, 'optionChain'], `no ${inst.base} options with quotes at the run's start (underlying ${v.underlying} trades ${inst.base})`);
    const perpU = u.perp;
    const underlying: Underlying = {
      base: inst.base,
      price: perpU ? () => perpU.markTicks() * tick : () => u.clob.book.midTicks() * tick,
      // The hedge: the account's linear/spot position on every order-book venue of the same coin.
      positionCoins: (account) => venues.reduce((s, x) => (x.account === account && x.clob.instrument.base === inst.base && x.clob.instrument.kind !== 'inverse' ? s + lotsToQty(x.clob.instrument, x.clob.position.lots) * x.clob.instrument.multiplier : s), 0),
    };
    let ov: WorldOptionsVenue;
    try {
      ov = new WorldOptionsVenue(v.id, v, oc.contracts, oc.quotes, oc.asOfUs, sim, ledger, underlying, engine);
    } catch (e) {
      if (e instanceof PrimesimError) throw at(['venues', i, 'optionChain'], e.message);
      throw e;
    }
    ov.scheduleExpiries(startUs, runEndUs);
    optionVenues.set(v.id, ov);
  }

  // ---- risk ----
  let liquidation: LiquidationEngine | undefined;
  if (engine && spec.risk.liquidation) {
    const books = new Map(venues.filter((v) => v.perp).map((v) => [v.id, v.clob.book] as const));
    let cooldownUs: number;
    try {
      cooldownUs = parseDurationUs(spec.risk.cooldown, 'risk.cooldown');
    } catch (e) {
      throw at(['risk', 'cooldown'], (e as Error).message.replace(/^field [^:]+: /, ''));
    }
    // Stalled steps (no liquidity, nobody to deleverage) retry after a minute, not every cooldown.
    liquidation = new LiquidationEngine(sim, engine, new BookExecutor(books), { stepShare: spec.risk.stepShare, cooldownUs, feeRate: spec.risk.feeRate, stallUs: Math.max(cooldownUs, 60e6) });
    // A liquidated account's resting orders on every venue it trades are cancelled by the exchange.
    const tradedBy = new Map<string, ClobVenue[]>();
    for (const v of venues) {
      const acct = venueAccount.get(v.id);
      if (acct !== undefined) tradedBy.set(acct, [...(tradedBy.get(acct) ?? []), v.clob]);
    }
    liquidation.onLiquidating = (account, tsUs) => {
      for (const c of tradedBy.get(account) ?? []) c.cancelAllResting(tsUs, 'cancelled by the exchange: the account is being liquidated');
    };
  }
  const breakers: CircuitBreaker[] = [];
  if (spec.risk.breaker) {
    if (!engine) throw at(['risk', 'breaker'], 'a circuit breaker needs a margin account or a population (it gates the margin engine)');
    const b = spec.risk.breaker;
    const dur = (k: 'window' | 'halt') => {
      try {
        return parseDurationUs(b[k], `risk.breaker.${k}`, { positive: k === 'window' });
      } catch (e) {
        throw at(['risk', 'breaker', k], (e as Error).message.replace(/^field [^:]+: /, ''));
      }
    };
    const cfg = { haltThreshold: b.haltThreshold, windowUs: dur('window'), haltUs: dur('halt'), bandPct: b.bandPct };
    for (const v of venues) {
      if (!v.perp) continue;
      const und = v.clob.instrument.base;
      const br = new CircuitBreaker(und, cfg);
      engine.setGate(und, br);
      const perp = v.perp;
      const tick = Number(v.clob.instrument.tickSize);
      v.driver.afterMark.unshift((ts) => void br.onMark(ts, perp.markTicks() * tick));
      breakers.push(br);
    }
    // One liquidation engine: it waits while the (first) breaker halts trading.
    if (liquidation) liquidation.breaker = breakers[0];
  }

  // ---- populations ----
  const pops: Population[] = [];
  for (const { p, i } of populations) {
    const v = venueById.get(p.venue)!;
    const perpV = v.perp!;
    try {
      engine!.instrument(v.id);
    } catch {
      engine!.registerInstrument({ id: v.id, market: v.clob.instrument, kind: 'perp', underlying: v.clob.instrument.base, tiers: tiersFor(v.spec, v.clob.instrument) });
    }
    perpV.feedMarksTo(engine!, v.id);
    // Entries begin no earlier than the venue's first price (no mark, no entry), nor before the
    // run's window (rows before it only warm the books up: strategies start at its start too).
    const first = Math.max(v.startUs, startUs);
    const from = Math.max(first, timeUs(src, ['agents', i, 'population', 'entry', 'from'], p.entry.from) ?? first);
    const to = timeUs(src, ['agents', i, 'population', 'entry', 'to'], p.entry.to) ?? first + (v.endUs - first) / 10;
    if (!(to > from)) throw at(['agents', i, 'population', 'entry'], 'the entry window is empty');
    const pop = new Population(sim, engine!, ledger, perpV, v.id, { id: p.id, count: p.count, longShare: p.longShare, leverage: p.leverage, notional: p.notional, fromUs: from, toUs: to, margin: p.margin, takerFeeBps: v.clob.cfg.fees.feeBps(false) }, sim.rng.split(`population:${p.id}`));
    v.driver.afterMark.push((ts) => pop.onMark(ts));
    pops.push(pop);
  }

  // ---- the chain: pools, lending markets, oracles, adversaries, borrowers ----
  let chainWorld: ChainWorld | undefined;
  if (spec.chain) {
    const cex = new Map<string, CexPrice>();
    for (const v of venues) {
      const tick = Number(v.clob.instrument.tickSize);
      const perp = v.perp;
      cex.set(v.id, { base: v.clob.instrument.base, price: perp ? () => perp.markTicks() * tick : () => v.clob.book.midTicks() * tick });
    }
    chainWorld = buildChainWorld({ spec, sim, ledger, rng: Rng.root(spec.seed).split('chain'), at, cex, baseDir: src.baseDir, recordEveryUs: equityIntervalUs, time: (p, v) => timeUs(src, p, v)! });
    // A CEX deposit and an on-chain balance of the same asset are separate ledger accounts
    // (\`<id>:cash\` and \`<id>\`): a desk holds ETH on an exchange and ETH for gas on chain.
  } else {
    const i = spec.accounts.findIndex((a) => Object.keys(a.onchain).length > 0);
    if (i >= 0) throw at(['accounts', i, 'onchain'], 'on-chain balances need a chain section');
  }

  // ---- the router each strategy reaches through ctx.route ----
  const gasTokenPrice = (() => {
    const v = venues.find((x) => sameAsset(x.clob.instrument.base, 'ETH'));
    if (!v) return () => 0;
    const tick = Number(v.clob.instrument.tickSize);
    return v.perp ? () => v.perp!.markTicks() * tick : () => v.clob.book.midTicks() * tick;
  })();
  const routerChain: RouterChain | undefined = chainWorld && {
    baseFeeWei: () => chainWorld!.chain.nextBaseFeeWei,
    finalityUs: chainWorld.profile.slotUs * (chainWorld.profile.finality.kind === 'l1' ? 1 + chainWorld.profile.finality.finalitySlots : 1) + (chainWorld.profile.finality.kind === 'l2' ? chainWorld.profile.finality.batchIntervalUs + chainWorld.profile.finality.l1InclusionDelayUs + chainWorld.profile.finality.l1FinalityUs : 0),
    gasTokenPrice,
    receipt: (h) => {
      const r = chainWorld!.chain.receipt(h);
      return r && { status: r.status, feeWei: r.feeWei };
    },
    amountOut: (h) => chainWorld!.chain.state.get<bigint>(`out:${h}`),
    finalTsUs: (h) => chainWorld!.chain.finalityTsUs(h),
    mevLoss: (h) => chainWorld!.mevLoss(h),
    afterBlock: (cb) => void chainWorld!.afterBlock.push(cb),
  };
  const routerFor = (name: string, ports: VenuePort[], venueIds: readonly string[], account: string): RouterPort => {
    const books: RouterBookVenue[] = ports.map((p) => {
      const v = venueById.get(p.id)!;
      const inst = v.clob.instrument;
      const perp = v.perp;
      return { id: p.id, port: p, feeRate: v.clob.cfg.fees.feeBps(false) / 1e4, notional: v.clob.position.notional, tick: Number(inst.tickSize), lot: Number(inst.lotSize) * inst.multiplier, quote: inst.quote, quoteDecimals: ASSETS[inst.settle]?.decimals ?? 8, ...(perp ? { fundingBetween: (a: number, b: number) => perp.fundingBetween(a, b) } : {}) };
    });
    const base = books[0] ? venueById.get(books[0].id)!.clob.instrument.base : undefined;
    const pools: RouterPoolVenue[] = [];
    if (chainWorld) {
      for (const vid of venueIds) {
        const pool = chainWorld.pools.get(vid);
        if (!pool) continue;
        const stable = (t: string) => /^(USDC|USDT|DAI|USD|BUSD)$/.test(t);
        const b = base ?? (stable(pool.token0) ? pool.token1 : pool.token0);
        const baseIsToken0 = sameAsset(pool.token0, b);
        if (!baseIsToken0 && !sameAsset(pool.token1, b)) continue; // a pool of other tokens: not this router's market
        const [bt, qt] = baseIsToken0 ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
        pools.push({ id: vid, port: chainWorld.port(account, vid), pool, base: bt, quote: qt, baseIsToken0, decimalsBase: tokenDecimals(bt), decimalsQuote: tokenDecimals(qt) });
      }
    }
    return new RouterPort({ sim, strategy: name, books, pools, chain: routerChain });
  };

  // ---- agents ----
  const agents: WorldAgent[] = [];
  for (const [i, g] of spec.agents.entries()) {
    if (!('strategy' in g)) continue;
    // `strategies/<example>.ts` names a shipped example when the spec's folder has no such file (as on the command line).
    const file = resolveShippedFile(g.strategy, src.baseDir);
    let module: StrategyModule;
    let params: unknown;
    try {
      module = await (strategyLoads.get(i) ?? loadStrategy(file));
      params = parseParams(module, g.params, g.strategy);
    } catch (e) {
      if (e instanceof ConfigError && src.file !== undefined && !(e.name === 'StrategySyntaxError')) throw at(['agents', i, e instanceof ParamError ? 'params' : 'strategy'], e.message);
      throw e;
    }
    const sub = subscriptionOf(module);
    const wallet = walletOf.get(g.account)!;
    const ports = g.venues.filter((vid) => venueById.has(vid)).map((vid) => {
      const v = venueById.get(vid)!;
      const entry = v.perp ?? new SpotBalanceEntry(v.clob, ledger, wallet.cashAccount, v.clob.cfg.fees.feeBps(false));
      const port = new VenuePort({ id: vid, kind: v.kind, clob: v.clob, entry, mark: v.perp ? () => v.perp!.markTicks() : () => v.clob.book.midTicks(), subscription: sub });
      if (v.perp) v.perp.setListener(port);
      else v.clob.setListener(port);
      if (v.source instanceof BarSource) {
        const src0 = v.source;
        try {
          port.setBarIntervals(src0.intervalUs, sub.bars.map((b) => parseDurationUs(b, 'subscribe.bars', { positive: true })));
        } catch (e) {
          throw at(['agents', i, 'strategy'], `${g.strategy}: ${(e as Error).message.replace(/^field [^:]+: /, '')}`);
        }
      }
      v.driver.port = port;
      return port;
    });
    const pools = chainWorld ? g.venues.filter((vid) => chainWorld!.pools.has(vid)).map((vid) => chainWorld!.port(g.account, vid)) : [];
    const optionCtxs = g.venues.filter((vid) => optionVenues.has(vid)).map((vid) => {
      const ov = optionVenues.get(vid)!;
      if (!wallet.legs.some((l) => l.id === vid)) wallet.legs.push(ov.leg(wallet));
      return ov.context(wallet);
    });
    const host = new StrategyHost(sim, ports, module, wallet, pools, optionCtxs);
    host.router = routerFor(module.name, ports, g.venues, g.account);
    agents.push({ module, file, params, account: g.account, host });
  }

  // ---- on-chain holdings in the accounts' equity ----
  // An account funded on chain, or whose strategies trade pools, holds tokens in its chain
  // account: a leg of its equity valued at the run's prices (see OnchainHoldings).
  const legIds = [...optionVenues.keys()];
  if (chainWorld) {
    const cw = chainWorld;
    const onchainId = venueIds.has('onchain') || optionVenues.has('onchain') ? 'onchain_holdings' : 'onchain';
    const cexAssets = new Set(venues.map((v) => v.clob.instrument.base));
    spec.accounts.forEach((a, i) => {
      const where = new Map<string, (string | number)[]>(Object.keys(a.onchain).map((t) => [t, ['accounts', i, 'onchain', t]]));
      spec.agents.forEach((g, j) => {
        if (!('strategy' in g) || g.account !== a.id) return;
        for (const vid of g.venues) {
          const pool = cw.pools.get(vid);
          if (!pool) continue;
          for (const t of [pool.token0, pool.token1, NATIVE]) if (!where.has(t)) where.set(t, ['agents', j, 'venues']);
        }
      });
      if (where.size === 0) return;
      const tokens = [...where].map(([token, path]) => {
        const price = tokenPricer(token, { prices, cexAssets, oracles: cw.oracles, nowUs: () => sim.nowUs });
        if (price === undefined) throw at(path, `nothing in the spec prices ${token}, which account ${a.id} holds on chain: its equity could not value it`, `add a venue trading ${pricedAs(token)}, or an oracle ${pricedAs(token)}/USD to the chain section (fixed: 1 for a stablecoin)`);
        return { token, funded: a.onchain[token] ?? 0, price };
      });
      wallets[i]!.legs.push(new OnchainHoldings(onchainId, a.id, ledger, tokens));
      if (!legIds.includes(onchainId)) legIds.push(onchainId);
    });
  }

  const recorder = new WorldRecorder(wallets, venues, ledger, engine, legIds);
  venues.forEach((v, i) => v.clob.setFillObserver((tsUs, f) => recorder.onFill(i, tsUs, f)));

  let started = false;
  const world: World = {
    spec,
    sim,
    ledger,
    prices,
    engine,
    liquidation,
    venues,
    wallets,
    agents,
    recorder,
    chain: chainWorld,
    options: [...optionVenues.values()],
    populations: pops,
    breakers,
    startUs,
    endUs,
    equityIntervalUs,
    checks,
    start() {
      if (started) throw new ConfigError('world already started');
      started = true;
      sim.nowUs = Math.min(dataStart, startUs);
      spec.accounts.forEach((a, i) => {
        for (const [asset, units] of Object.entries(a.deposits)) wallets[i]!.deposit(sim.nowUs, asset, units);
      });
      chainWorld?.start(startUs, endUs);
      if (engine && spec.risk.insuranceFund > 0 && liquidation) {
        ledger.transfer(sim.nowUs, 'external:deposits', liquidation.cfg.fundAccount, engine.settleAsset, BigInt(Math.round(spec.risk.insuranceFund * engine.settleScale)), 'deposit');
      }
      if (tStart === undefined) {
        // From the first row: strategies start before any data, as they see the book build.
        for (const ag of agents) ag.host.start(ag.params, endUs);
        // The equity curve starts at the start (after the first data at that time: data wins ties),
        // not at the first fill or timer: the capital is valued at the first prices, so BTC
        // collateral valued in USDT counts its move from there. (No price yet for an asset the
        // account holds: that sample is skipped, as every unpriced one.)
        sim.schedule(startUs, PRIO_TIMER, recorder);
      } else {
        // A window: rows before it only warm the books up; strategies start at its start.
        const begin: EventHandler = {
          onEvent(ts) {
            for (const ag of agents) ag.host.start(ag.params, endUs);
            recorder.sample(ts);
          },
        };
        sim.schedule(startUs, PRIO_TIMER, begin);
      }
      // Samples on the interval through the run's last instant — its data's end (or time.end) — and
      // at that instant. The minute a tick run goes on after its data (in-flight responses land) is
      // not sampled: nothing can trade or move a price then, and its 60 flat one-second samples were
      // 14% of a 6-minute run's returns (volatility and Sharpe diluted, the charts a minute too long).
      // The run's end adds a sample only where something still moved (see run.ts).
      if (startUs + equityIntervalUs <= runEndUs) {
        sim.every(startUs + equityIntervalUs, equityIntervalUs, runEndUs, recorder);
        for (const ov of optionVenues.values()) sim.every(startUs + equityIntervalUs, equityIntervalUs, runEndUs, { onEvent: (ts) => ov.sample(ts) });
      }
      if (runEndUs > startUs && (runEndUs - startUs) % equityIntervalUs !== 0) {
        sim.schedule(runEndUs, PRIO_TIMER, recorder);
        for (const ov of optionVenues.values()) sim.schedule(runEndUs, PRIO_TIMER, { onEvent: (ts) => ov.sample(ts) });
      }
    },
  };
  return world;
}

/** `lean:<file>` / `tardis:<file>` paths in a spec resolve against the spec's folder. */
export function resolveFundingPath(spec: string, baseDir: string): string {
  const m = /^(lean|tardis):([^@]+)(@.*)?$/.exec(spec);
  return m ? `${m[1]}:${resolve(baseDir, m[2]!)}${m[3] ?? ''}` : spec;
}
