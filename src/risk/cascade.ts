import { Simulation } from '../kernel/index.ts';
import { Ledger } from '../ledger/ledger.ts';
import { ASK, BID, L2Book } from '../market/book.ts';
import { KNOWN_INSTRUMENTS } from '../market/instrument.ts';
import { writeRunFolder } from '../results/run-writer.ts';
import { BookExecutor, type ExecFill, type LiquidationExecutor } from './book-exec.ts';
import { CircuitBreaker, type BreakerConfig, type BreakerEvent } from './breaker.ts';
import { LiquidationEngine, type LiquidationConfig, type LiquidationRecord } from './liquidation.ts';
import { MarginEngine } from './margin-engine.ts';
import { CrossMargin } from './models/cross.ts';
import { breakersTable, liquidationsTable, marginTable, snapshotMargin, type MarginRow } from './recorder.ts';
import { BINANCE_BTCUSDT_TIERS } from './tiers.ts';

export interface CascadeOptions {
  seed: number;
  runsDir: string;
  runId?: string;
  /** Leveraged longs (default 200) and profitable-when-it-falls shorts (default 20). */
  longs?: number;
  shorts?: number;
  startPrice?: number;
  /** Exogenous fall (default 20%) over dropUs (default 5 min), then flat until durationUs (10 min). */
  dropPct?: number;
  dropUs?: number;
  durationUs?: number;
  /** Maker requote interval (default 1 s). */
  tickUs?: number;
  /** Thin book: levels per side, spacing (USD) and size (lots of 0.001 BTC) per level. */
  levels?: number;
  levelSpacingUsd?: number;
  levelLots?: number;
  /** Initial insurance fund (USDT, default 20,000). */
  fundUsd?: number;
  /** Circuit breaker on the mark: false (default) or its config. */
  breaker?: false | Partial<BreakerConfig>;
  /** false: liquidation orders fill at the touch without removing liquidity (counterfactual). */
  impact?: boolean;
  liquidation?: Partial<LiquidationConfig>;
  /** Write the run folder (default true). */
  write?: boolean;
}

export interface CascadeResult {
  dir: string;
  metrics: Record<string, number>;
  liquidations: LiquidationRecord[];
  breakerEvents: BreakerEvent[];
  marks: { tsUs: number; mark: number; source: 'maker' | 'liquidation' }[];
  ledgerTotal: bigint;
}

const T0 = 1_700_000_000_000_000;
const INST = 'binance-futures:BTCUSDT-PERP';

/** Fills at the touch and leaves the book alone: the no-impact counterfactual. */
class TouchExecutor implements LiquidationExecutor {
  constructor(private readonly book: L2Book) {}
  execute(_ts: number, _id: string, lots: number, limitTicks?: number): ExecFill[] {
    const p = lots < 0 ? this.book.bestBid : this.book.bestAsk;
    if (limitTicks !== undefined && (lots < 0 ? p < limitTicks : p > limitTicks)) return [];
    return [{ priceTicks: p, lots }];
  }
  quote(_id: string, lots: number): { vwapTicks: number; lots: number } {
    return { vwapTicks: lots < 0 ? this.book.bestBid : this.book.bestAsk, lots: Math.abs(lots) };
  }
}

/**
 * A liquidation cascade: leveraged longs on a BTCUSDT perp, an exogenous 20% fall, a thin book
 * that a market maker requotes around the last mid each second. Liquidation sales walk the bids,
 * the mid (= mark) falls, more accounts breach: the feedback loop the risk engine must survive.
 */
export async function runCascadeScenario(opts: CascadeOptions): Promise<CascadeResult> {
  const o = {
    longs: 200, shorts: 20, startPrice: 60_000, dropPct: 0.2, dropUs: 300_000_000, durationUs: 600_000_000, tickUs: 1_000_000,
    levels: 300, levelSpacingUsd: 10, levelLots: 400, fundUsd: 20_000, impact: true, write: true, ...opts,
  };
  const sim = new Simulation(o.seed);
  const rng = sim.rng.split('cascade');
  const ledger = new Ledger();
  const market = { ...KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!, symbol: 'BTCUSDT-PERP' };
  const tick = Number(market.tickSize);
  const engine = new MarginEngine({ ledger, settleAsset: 'USDT' });
  engine.registerInstrument({ id: INST, market, kind: 'perp', underlying: 'BTC', tiers: BINANCE_BTCUSDT_TIERS });
  const book = new L2Book(1 << 17);
  const quote = (centerTicks: number) => {
    book.clear();
    const sp = Math.round(o.levelSpacingUsd / tick);
    for (let j = 0; j < o.levels; j++) {
      const size = Math.round(o.levelLots * (0.5 + rng.next()));
      book.setLevel(BID, Math.round(centerTicks - sp / 2 - j * sp), size);
      book.setLevel(ASK, Math.round(centerTicks + sp / 2 + j * sp), size);
    }
  };
  quote(o.startPrice / tick);
  const breaker = o.breaker === false || o.breaker === undefined ? undefined : new CircuitBreaker('BTC', o.breaker);
  if (breaker) engine.setGate('BTC', breaker);
  const marks: CascadeResult['marks'] = [];
  const updateMark = (ts: number, source: 'maker' | 'liquidation') => {
    const mid = book.midTicks() * tick;
    if (!Number.isFinite(mid)) return;
    if (breaker && (breaker.onMark(ts, mid) || breaker.isHalted(ts))) return; // mark frozen while halted
    engine.setMark('BTC', mid, ts);
    marks.push({ tsUs: ts, mark: mid, source });
  };
  const inner: LiquidationExecutor = o.impact ? new BookExecutor(new Map([[INST, book]])) : new TouchExecutor(book);
  const exec: LiquidationExecutor = {
    execute(ts, id, lots, limit) {
      const f = inner.execute(ts, id, lots, limit);
      updateMark(ts, 'liquidation');
      return f;
    },
    quote: (id, lots, limit) => inner.quote(id, lots, limit),
  };
  engine.setMark('BTC', o.startPrice, T0);
  marks.push({ tsUs: T0, mark: o.startPrice, source: 'maker' });
  const liq = new LiquidationEngine(sim, engine, exec, o.liquidation ?? {});
  liq.breaker = breaker;
  const fundStart = BigInt(Math.round(o.fundUsd * 1e8));
  ledger.transfer(T0, 'external:deposits', liq.cfg.fundAccount, 'USDT', fundStart, 'deposit');

  // Population: leverage lognormal around 10x (3x…50x), notional 10k…150k USD.
  const entryTicks = Math.round(o.startPrice / tick);
  const open = (id: string, side: number, lev: number, notional: number) => {
    engine.openAccount(id, new CrossMargin());
    const lots = Math.max(1, Math.round(notional / (o.startPrice * 0.001)));
    ledger.transfer(T0, 'external:deposits', `${id}:cash`, 'USDT', BigInt(Math.round((notional / lev) * 1e8)), 'deposit');
    engine.applyFill(id, INST, T0, side * lots, entryTicks, 0);
  };
  for (let i = 0; i < o.longs; i++) {
    const lev = Math.min(50, Math.max(3, Math.exp(Math.log(10) + 0.6 * rng.normal())));
    open(`long${String(i).padStart(3, '0')}`, 1, lev, 10_000 + 140_000 * rng.next());
  }
  for (let i = 0; i < o.shorts; i++) open(`short${String(i).padStart(3, '0')}`, -1, 2 + 6 * rng.next(), 20_000 + 80_000 * rng.next());

  const fair = (ts: number) => o.startPrice * (1 - o.dropPct * Math.min(1, (ts - T0) / o.dropUs));
  let lastFair = o.startPrice;
  sim.every(T0 + o.tickUs, o.tickUs, T0 + o.durationUs, {
    onEvent(ts) {
      const f = fair(ts) * (1 + 0.0005 * rng.normal());
      const mid = book.midTicks();
      quote((Number.isFinite(mid) ? mid : f / tick) * (f / lastFair));
      lastFair = f;
      updateMark(ts, 'maker');
    },
  });
  const marginRows: MarginRow[] = [];
  snapshotMargin(engine, T0, marginRows);
  sim.every(T0 + 10_000_000, 10_000_000, T0 + o.durationUs, { onEvent: (ts) => snapshotMargin(engine, ts, marginRows) });
  sim.run(T0 + o.durationUs);

  const recs = liq.records;
  const liquidated = new Set(recs.map((r) => r.account));
  const halts = breaker?.events.filter((e) => e.kind === 'halt') ?? [];
  const firstHalt = halts[0];
  const inHalt = firstHalt ? recs.filter((r) => r.tsUs > firstHalt.tsUs && r.tsUs < firstHalt.tsUs + breaker!.cfg.haltUs).length : 0;
  const sum = (f: (r: LiquidationRecord) => number) => recs.reduce((s, r) => s + f(r), 0);
  const metrics: Record<string, number> = {
    liquidation_steps: recs.length,
    accounts_liquidated: liquidated.size,
    closeouts: recs.filter((r) => r.kind !== 'partial').length,
    adl_events: liq.adl.length,
    fees_to_fund: sum((r) => r.fee),
    bad_debt: sum((r) => r.badDebt),
    fund_start: o.fundUsd,
    fund_end: Number(liq.fundBalance) / 1e8,
    uncovered_bad_debt: -Number(ledger.balance(liq.cfg.uncoveredAccount, 'USDT')) / 1e8,
    min_mark: Math.min(...marks.map((m) => m.mark)),
    final_mark: marks[marks.length - 1]!.mark,
    halts: halts.length,
    first_halt_us: firstHalt?.tsUs ?? -1,
    liquidations_during_first_halt: inHalt,
  };
  let dir = '';
  if (o.write) {
    const runId = o.runId ?? `cascade-seed${o.seed}${breaker ? '-breaker' : ''}`;
    const res = await writeRunFolder({
      runsDir: o.runsDir,
      runId,
      strategy: { name: 'risk/cascade', params: { ...o, runsDir: undefined } },
      dataset: { name: 'synthetic-cascade', instrument: INST },
      config: { seed: o.seed, breaker: breaker?.cfg ?? null, liquidation: liq.cfg },
      counts: { accounts: o.longs + o.shorts, marks: marks.length, liquidations: recs.length, breaker_events: breaker?.events.length ?? 0 },
      metrics,
      tables: {
        margin: marginTable(marginRows),
        liquidations: liquidationsTable(recs),
        breakers: breakersTable(breaker?.events ?? []),
        marks: { ts_us: Float64Array.from(marks, (m) => m.tsUs), mark: Float64Array.from(marks, (m) => m.mark), source: marks.map((m) => m.source) },
      },
    });
    dir = res.dir;
  }
  return { dir, metrics, liquidations: recs, breakerEvents: breaker?.events ?? [], marks, ledgerTotal: ledger.total('USDT') };
}
