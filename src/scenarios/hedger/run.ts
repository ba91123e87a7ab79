import { ConfigError } from '../../errors.ts';
import { PRIO_DATA, PRIO_TIMER, Simulation } from '../../kernel/simulation.ts';
import type { EventHandler } from '../../kernel/event-queue.ts';
import { Ledger } from '../../ledger/ledger.ts';
import { Position } from '../../ledger/portfolio.ts';
import { ASK, BID } from '../../market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../market/instrument.ts';
import { ConstantLatency } from '../../market/latency.ts';
import { parseQueueModel } from '../../market/queue-model.ts';
import { US_PER_YEAR } from '../../pricing/index.ts';
import { writeRunFolder } from '../../results/run-writer.ts';
import { MakerTakerFees } from '../../venues/clob/fees.ts';
import type { OwnOrder } from '../../venues/clob/order.ts';
import { OptionsVenue, SviSurfaceVols, markOption, type OptionContract } from '../../venues/options/index.ts';
import { MedianMark, PerpVenue, PremiumFunding } from '../../venues/perp/index.ts';
import { DEFAULT_HEDGER_PARAMS, hedgeLots, pickStrangle, type HedgerParams } from '../../strategy/lib/options-hedge.ts';
import { syntheticChain } from './chain.ts';
import { BasisProcess, JumpDiffusionPath, refreshSyntheticBook } from './market.ts';
import { DeskMargin } from './margin.ts';
import { HedgerRecorder } from './recorder.ts';

export interface HedgerScenarioOptions extends Partial<HedgerParams> {
  seed: number;
  runsDir: string;
  runId?: string;
  /** Simulated hours (default 48: six 8h funding settlements). */
  hours?: number;
  /** Start time, µs since epoch (default 2024-01-01T00:00Z). */
  startUs?: number;
  s0?: number;
  /** Annual vol of the underlying diffusion (default 0.6) — also the surface's ATM vol. */
  vol?: number;
  jumpsPerYear?: number;
  jumpMean?: number;
  jumpStd?: number;
  /** Option expiries in days from the start at 08:00 UTC (default [7, 14]); the strip is sold on the first. */
  expiryDays?: number[];
  /** Market step (book refresh, index, premium sample), seconds (default 60). */
  stepSeconds?: number;
  /** Hedge check period, minutes (default 15). */
  hedgeEveryMinutes?: number;
  fundingIntervalHours?: number;
  /** Perp taker fee, bps (default 5) and option fee on premium, bps (default 3). */
  perpTakerBps?: number;
  optionFeeBps?: number;
  /** Options are sold this fraction below the surface mark (default 0.02 = 2 %). */
  optionHalfSpread?: number;
  entryLatencyUs?: number;
  responseLatencyUs?: number;
  /** Haircut on the BTC pool (cash + inverse option value) counted as margin equity (default 0.05). */
  btcHaircut?: number;
}

const PERP = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const LOT_COINS = 0.001;
const TICK = 0.1;
const USDT = 100_000_000n;

/**
 * A short-options book hedged with a linear perp on a seeded jump-diffusion market.
 *
 * The kernel drives everything: a PRIO_DATA market step moves the underlying (Merton jump
 * diffusion), the perp basis (OU) and a synthetic L2 perp book around index × (1 + basis); the
 * perp venue marks (median mode) and samples the premium index each step and settles funding every
 * 8h from the premium model; the options venue marks inverse BTC options from an SVI surface
 * fitted at the start to a chain generated from a known smile; the hedger sells a strangle and
 * checks delta on a timer, hedging with market orders that go through the CLOB with latency.
 *
 * Portfolio delta (BTC) = Σ option premium-adjusted coin delta (the premium sits in BTC cash, so
 * this is the USD-value delta of options plus their cash) + perp lots × 0.001. The desk's initial
 * 1,000,000 USDT deposit is the only external money. Margin (table `margin`) comes from the
 * shared `src/risk` MarginEngine with portfolio margin on the desk's own ledger and positions:
 * inverse options margined in BTC, the perp in USDT, BTC counted at the mark less `btcHaircut`.
 *
 * Tables: greeks (ts_us, phase check|pre_hedge|post_hedge, delta, option_delta, perp_delta, gamma,
 * vega, theta, underlying, band), funding, equity, fills, hedges, ledger (every transfer), margin.
 */
export async function runHedgerScenario(opts: HedgerScenarioOptions): Promise<{ dir: string; metrics: Record<string, number>; resultsSha256: string }> {
  const params: HedgerParams = {
    bandCoins: opts.bandCoins ?? DEFAULT_HEDGER_PARAMS.bandCoins,
    legDelta: opts.legDelta ?? DEFAULT_HEDGER_PARAMS.legDelta,
    legLots: opts.legLots ?? DEFAULT_HEDGER_PARAMS.legLots,
    targetDelta: opts.targetDelta ?? DEFAULT_HEDGER_PARAMS.targetDelta,
  };
  const hours = opts.hours ?? 48;
  if (!(hours > 0)) throw new ConfigError(`hours must be > 0, got ${hours}`, { field: 'hours' });
  if (!(params.bandCoins > 0)) throw new ConfigError(`band must be > 0 BTC, got ${params.bandCoins}`, { field: 'bandCoins' });
  const t0 = opts.startUs ?? Date.UTC(2024, 0, 1) * 1000;
  const tEnd = t0 + Math.round(hours * 3600e6);
  const stepUs = Math.round((opts.stepSeconds ?? 60) * 1e6);
  const checkUs = Math.round((opts.hedgeEveryMinutes ?? 15) * 60e6);
  const s0 = opts.s0 ?? 40_000;
  const vol = opts.vol ?? 0.6;
  const expiries = (opts.expiryDays ?? [7, 14]).map((d) => t0 + Math.round(d * 86400e6) + 8 * 3600e6);

  const sim = new Simulation(opts.seed);
  const ledger = new Ledger();
  const rec = new HedgerRecorder();
  rec.attachLedger(ledger);
  ledger.transfer(t0, 'external:deposit', 'desk:cash', 'USDT', 1_000_000n * USDT, 'deposit');

  // ---- market ----
  const path = new JumpDiffusionPath(sim.rng.split('underlying'), {
    s0,
    vol,
    drift: 0,
    jumpsPerYear: opts.jumpsPerYear ?? 25,
    jumpMean: opts.jumpMean ?? -0.005,
    jumpStd: opts.jumpStd ?? 0.02,
  });
  const basis = new BasisProcess(sim.rng.split('basis'), 0.0003, 30, 0.03);
  const bookRng = sim.rng.split('book');

  // ---- venues ----
  const perpPos = new Position(PERP, 'desk', ledger, 'venue:binance-futures');
  const perp = new PerpVenue(
    sim,
    {
      clob: {
        instrument: PERP,
        queue: parseQueueModel('risk-averse'),
        fees: new MakerTakerFees(2, opts.perpTakerBps ?? 5),
        entryLatency: new ConstantLatency(opts.entryLatencyUs ?? 2000),
        responseLatency: new ConstantLatency(opts.responseLatencyUs ?? 1000),
        feedLatencyFromData: false,
        clockOffsetUs: 0,
      },
      mark: new MedianMark(),
      funding: new PremiumFunding(),
      schedule: { kind: 'fixed', intervalUs: Math.round((opts.fundingIntervalHours ?? 8) * 3600e6) },
    },
    perpPos,
  );
  const chain = syntheticChain(s0, t0, expiries, vol);
  const surface = new SviSurfaceVols(chain.quotes, t0);
  const options = new OptionsVenue(ledger, 'venue:deribit', surface, opts.optionFeeBps ?? 3);
  for (const c of chain.contracts) options.list(c);
  options.scheduleExpiries(sim, t0, tEnd, () => path.price);
  perp.scheduleFunding(t0, tEnd);
  const btcHaircut = opts.btcHaircut ?? 0.05;
  if (!(btcHaircut >= 0 && btcHaircut <= 1)) throw new ConfigError(`btcHaircut must be in [0, 1], got ${btcHaircut}`, { field: 'btcHaircut' });
  const margin = new DeskMargin(ledger, PERP, perpPos, options, btcHaircut);

  perp.onFunding((e) => {
    if (e.account !== 'desk') return;
    rec.funding.push({
      ts_us: e.tsUs,
      instrument: e.symbol,
      asset: PERP.settle,
      rate: e.rate,
      position: e.positionLots * LOT_COINS,
      mark: e.markTicks * TICK,
      payment: Number(e.payment) / 1e8,
      payment_minor: e.payment,
    });
  });

  // ---- market step (PRIO_DATA: before venue events and timers at the same time) ----
  const step: EventHandler = {
    onEvent(ts) {
      if (ts > t0) {
        path.step(stepUs / US_PER_YEAR);
        basis.step(stepUs / US_PER_YEAR);
      }
      const index = path.price / TICK;
      refreshSyntheticBook(perp.clob, index * (1 + basis.basis), { levels: 20, halfSpreadTicks: 1, stepTicks: 5, meanLots: 2000 }, bookRng);
      perp.setIndex(ts, index);
      perp.samplePremium(ts);
      if (ts + stepUs <= tEnd) sim.schedule(ts + stepUs, PRIO_DATA, step);
    },
  };
  sim.schedule(t0, PRIO_DATA, step);

  // ---- hedger ----
  const portfolio = (ts: number) => {
    const F = path.price;
    const g = options.greeks('desk', ts, () => F);
    const perpDelta = perpPos.lots * LOT_COINS;
    return { ...g, optionDelta: g.delta, perpDelta, delta: g.delta + perpDelta, F };
  };
  const greeksRow = (ts: number, phase: string) => {
    const p = portfolio(ts);
    rec.greeks.push({ ts_us: ts, phase, delta: p.delta, option_delta: p.optionDelta, perp_delta: p.perpDelta, gamma: p.gamma, vega: p.vega, theta: p.theta, underlying: p.F, band: params.bandCoins });
    return p;
  };
  const equityRow = (ts: number) => {
    const p = portfolio(ts);
    const cashUsdt = ledger.balance('desk:cash', 'USDT');
    const upnl = perpPos.unrealized(perp.markTicks());
    const cashBtc = ledger.balance('desk:cash', 'BTC');
    const equity = Number(cashUsdt + upnl) / 1e8 + (Number(cashBtc) / 1e8 + p.value) * p.F;
    rec.equity.push({
      ts_us: ts,
      equity,
      cash_usdt: Number(cashUsdt) / 1e8,
      perp_upnl_usdt: Number(upnl) / 1e8,
      cash_btc: Number(cashBtc) / 1e8,
      options_value_btc: p.value,
      perp_position: perpPos.lots * LOT_COINS,
      underlying: p.F,
      perp_mark: perp.markTicks() * TICK,
    });
    return equity;
  };

  const hedgeInfo = new Map<number, { ts: number; deltaBefore: number; lots: number }>();
  perp.clob.setListener({
    onFill(f) {
      rec.fills.push({ ts_us: f.tsUs, venue: 'binance-futures', instrument: PERP.symbol, side: f.side === BID ? 'buy' : 'sell', asset: 'USDT', price: f.priceTicks * TICK, qty: f.sizeLots * LOT_COINS, fee: Number(f.fee) / 1e8, fee_minor: f.fee });
    },
    onOrderUpdate(o: OwnOrder) {
      const h = hedgeInfo.get(o.id);
      if (!h || o.status === 'open' || o.status === 'pending') return;
      hedgeInfo.delete(o.id);
      const after = greeksRow(sim.nowUs, 'post_hedge');
      let notional = 0;
      for (const f of perp.clob.fills) if (f.orderId === o.id) notional += f.priceTicks * f.sizeLots;
      rec.hedges.push({
        ts_us: h.ts,
        done_ts_us: sim.nowUs,
        status: o.status,
        delta_before: h.deltaBefore,
        delta_after: after.delta,
        order_qty: h.lots * LOT_COINS,
        filled_qty: Math.sign(h.lots) * o.filledLots * LOT_COINS,
        avg_price: o.filledLots > 0 ? (notional / o.filledLots) * TICK : NaN,
        underlying: after.F,
      });
    },
  });

  let premiumBtc = 0;
  const sellStrip: EventHandler = {
    onEvent(ts) {
      const F = path.price;
      const cands = chain.contracts
        .filter((c) => c.expiryUs === expiries[0])
        .map((c) => ({ contract: c, kind: c.kind, delta: markOption(c, surface, F, ts).deltaUsd }));
      const { call, put } = pickStrangle(cands, params.legDelta);
      for (const c of [call, put]) {
        const m = options.mark(c.symbol, F, ts);
        const t = options.trade(ts, 'desk', c.symbol, -params.legLots, options.priceToTicks(c.symbol, m.price * (1 - (opts.optionHalfSpread ?? 0.02))));
        premiumBtc += Number(-t.premium) / 1e8;
        rec.fills.push({ ts_us: ts, venue: 'deribit', instrument: c.symbol, side: 'sell', asset: c.settle, price: t.priceTicks * Number(c.tickSize), qty: params.legLots * Number(c.lotSize), fee: Number(t.fee) / 1e8, fee_minor: t.fee });
      }
    },
  };
  sim.schedule(t0, PRIO_TIMER, sellStrip);

  // Margin through src/risk on the real books: reprice (surface vols of live options), snapshot.
  const marginSnapshot = (ts: number) => {
    const vols: [OptionContract, number][] = [];
    for (const p of options.positions.values()) if (p.account === 'desk' && p.contract.expiryUs > ts) vols.push([p.contract, markOption(p.contract, surface, path.price, ts).vol]);
    margin.setMarket(ts, 'desk', 'BTC', path.price, perp.markTicks() * TICK, vols);
    margin.snapshot(ts);
  };

  let checks = 0;
  const check: EventHandler = {
    onEvent(ts) {
      checks++;
      equityRow(ts);
      marginSnapshot(ts);
      const p = portfolio(ts);
      const lots = hedgeLots(p.delta, LOT_COINS, params);
      if (lots === 0) {
        greeksRow(ts, 'check');
        return;
      }
      greeksRow(ts, 'pre_hedge');
      const o = perp.clob.submit({ side: lots > 0 ? BID : ASK, type: 'market', sizeLots: Math.abs(lots), tag: 'hedge' }, perp.clob.book.midTicks());
      hedgeInfo.set(o.id, { ts, deltaBefore: p.delta, lots });
    },
  };
  sim.every(t0, checkUs, tEnd, check);

  sim.run(tEnd + 60e6);
  const finalEquity = equityRow(sim.nowUs);
  marginSnapshot(sim.nowUs);

  const fundingTotal = rec.funding.columns().payment_minor as BigInt64Array;
  let fundingMinor = 0n;
  for (const v of fundingTotal) fundingMinor += v;
  const g = rec.greeks.columns();
  const phase = g.phase as string[];
  const delta = g.delta as Float64Array;
  let maxPost = 0;
  for (let i = 0; i < phase.length; i++) if (phase[i] !== 'pre_hedge') maxPost = Math.max(maxPost, Math.abs(delta[i]!));
  const metrics: Record<string, number> = {
    totalPnl: finalEquity - 1_000_000,
    finalEquity,
    hedges: rec.hedges.rows,
    hedgeChecks: checks,
    fills: rec.fills.rows,
    fundingEvents: rec.funding.rows,
    fundingPaidUsdt: Number(fundingMinor) / 1e8,
    premiumSoldBtc: premiumBtc,
    maxAbsDeltaAfterCheck: maxPost,
    bandCoins: params.bandCoins,
    jumps: path.jumps,
    finalUnderlying: path.price,
  };
  const runId = opts.runId ?? `hedger-seed${opts.seed}`;
  const out = await writeRunFolder({
    runsDir: opts.runsDir,
    runId,
    strategy: { name: 'delta-hedged-options', file: 'strategies/delta-hedged-options.ts', params },
    dataset: { name: 'synthetic:jump-diffusion+svi-chain' },
    config: { seed: opts.seed, hours, startUs: t0, s0, vol, stepUs, checkUs, expiries, btcHaircut },
    counts: { events: sim.events, transfers: ledger.transferCount },
    metrics,
    tables: { ...rec.tables(), margin: margin.table() },
    extra: {
      models: { mark: perp.cfg.mark.name, funding: perp.cfg.funding.name, surface: surface.name, path: 'merton-jump-diffusion' },
      margin: `src/risk MarginEngine + PortfolioMargin on the desk ledger: inverse options in BTC, perp in USDT, BTC pool haircut ${btcHaircut} (see src/scenarios/hedger/margin.ts)`,
      surfaceFit: surface.rmse,
    },
  });
  return { dir: out.dir, metrics, resultsSha256: out.resultsSha256 };
}
