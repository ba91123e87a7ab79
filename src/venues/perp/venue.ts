import { ConfigError, DataError } from '../../errors.ts';
import type { EventHandler } from '../../kernel/event-queue.ts';
import { PRIO_VENUE, type Simulation } from '../../kernel/simulation.ts';
import { ASK, BID, NO_ASK, NO_BID, type Side } from '../../market/book.ts';
import type { Position } from '../../ledger/portfolio.ts';
import type { MarginEngine } from '../../risk/margin-engine.ts';
import { checkAmend, checkOrderRequest, type OrderRequest, type OwnOrder } from '../clob/order.ts';
import { ClobVenue, type ClobVenueConfig, type VenueListener } from '../clob/venue.ts';
import { LiveOrders } from '../clob/own-orders.ts';
import { FundingCalculator } from './funding-math.ts';
import { fixedFundingTimes, isoUs, type FundingRateSource } from './funding-source.ts';
import type { MarkInputs, MarkPriceModel } from './mark.ts';

/** When funding settles: every `intervalUs` from `anchorUs` (UTC midnight by default), or the data's own times. */
export type FundingSchedule = { kind: 'fixed'; intervalUs: number; anchorUs?: number } | { kind: 'data' };

export interface PerpVenueConfig {
  clob: ClobVenueConfig;
  mark: MarkPriceModel;
  funding: FundingRateSource;
  schedule: FundingSchedule;
}

/** One funding settlement of one account. */
export interface FundingEvent {
  tsUs: number;
  symbol: string;
  account: string;
  rate: number;
  positionLots: number;
  /** Mark used, in ticks (half ticks allowed). */
  markTicks: number;
  /** Settle minor units, positive = the account paid. */
  payment: bigint;
}

const EV_FUNDING = 1;

/** A margin engine consulted before orders reach the CLOB (see `PerpVenue.attachMargin`). */
export interface PerpMarginGate {
  engine: MarginEngine;
  /** The perp's instrument id in the engine. */
  instrumentId: string;
  /** Push index and mark into the engine on every mark update (default true). */
  feedMarks: boolean;
  /** The instrument's tick in the engine (looked up at the first mark). */
  tick?: number;
}

/**
 * A perpetual swap venue: a `ClobVenue` for the book and the desk's own orders (composed, not
 * copied), plus an index price, a mark price model, open interest and funding settlement.
 * Funding is a `Position.applyFunding` ledger transfer per account at each funding time; the
 * venue's `:funding` account is the counterparty, so the ledger stays balanced.
 */
export class PerpVenue implements EventHandler {
  readonly clob: ClobVenue;
  readonly fundingLog: FundingEvent[] = [];
  readonly calc: FundingCalculator;
  /** Accounts funded at each funding time: the desk's position first, then any others (other desks, noise agents). */
  readonly accounts: Position[];
  indexTicks = NaN;
  lastTicks = NaN;
  private mark = NaN;
  /** Market-wide open interest from data (lots), when a feed provides it. */
  externalOpenInterestLots = 0;
  private readonly fundingListeners: ((e: FundingEvent) => void)[] = [];
  private gate: PerpMarginGate | undefined;

  constructor(
    private readonly sim: Simulation,
    readonly cfg: PerpVenueConfig,
    position: Position,
  ) {
    if (cfg.clob.instrument.kind === 'spot') throw new ConfigError(`perp venue: ${cfg.clob.instrument.symbol} is a spot instrument`, { field: 'kind' });
    this.clob = new ClobVenue(sim, cfg.clob, position);
    this.calc = new FundingCalculator(cfg.clob.instrument);
    this.accounts = [position];
  }

  get symbol(): string {
    return this.cfg.clob.instrument.symbol;
  }
  get position(): Position {
    return this.accounts[0]!;
  }

  addAccount(p: Position): void {
    if (p.inst !== this.cfg.clob.instrument) throw new ConfigError(`account ${p.account} holds ${p.inst.symbol}, not ${this.symbol}`, { field: 'instrument' });
    this.accounts.push(p);
  }

  onFunding(fn: (e: FundingEvent) => void): void {
    this.fundingListeners.push(fn);
  }

  /** Order reports and fills of the CLOB, plus the margin gate's rejections. */
  setListener(l: VenueListener): void {
    this.clob.setListener(l);
  }

  /**
   * Attach a margin engine: `submit` then asks `engine.canPlace` before an order goes to the CLOB.
   * The desk's Position (this venue's first account) is tracked by the engine, which reads its
   * lots and cost basis; cash comes from the engine's ledger (the same ledger the Position books on).
   */
  attachMargin(engine: MarginEngine, instrumentId: string, opts: { feedMarks?: boolean } = {}): void {
    const spec = engine.instrument(instrumentId).spec;
    if (spec.market !== this.cfg.clob.instrument && spec.market.symbol !== this.symbol) {
      throw new ConfigError(`margin instrument ${instrumentId} is ${spec.market.symbol}, this venue trades ${this.symbol}`, { field: 'instrument' });
    }
    engine.trackPosition(this.position.account, instrumentId, this.position);
    this.gate = { engine, instrumentId, feedMarks: opts.feedMarks ?? true };
  }

  private markFeed: { engine: MarginEngine; instrumentId: string; tick?: number } | undefined;

  /** Push index and mark into a margin engine on every mark update, without tracking the desk's position. */
  feedMarksTo(engine: MarginEngine, instrumentId: string): void {
    engine.instrument(instrumentId);
    this.markFeed = { engine, instrumentId };
  }

  /**
   * Submit through the margin gate (when attached): an order that is not reduce-only and would
   * leave IM above equity (at its limit price, or the touch for a market order) is rejected here,
   * never reaching the CLOB; its report reaches the listener at the same time with the reason.
   * Reduce-only orders always pass: they cannot add risk (the CLOB trims them to the position).
   */
  submit(req: OrderRequest, decisionMidTicks: number): OwnOrder {
    const g = this.gate;
    if (!g || req.reduceOnly) return this.clob.submit(req, decisionMidTicks);
    // Checked once, before the margin gate reads its side and size.
    checkOrderRequest(req);
    const account = this.position.account;
    g.engine.revalue(account, this.sim.nowUs);
    const lots = req.side === BID ? req.sizeLots : -req.sizeLots;
    const book = this.clob.book;
    let priceTicks = req.priceTicks;
    if ((req.type ?? 'limit') === 'market') {
      const touch = req.side === BID ? book.bestAsk : book.bestBid;
      priceTicks = touch === NO_ASK || touch === NO_BID ? undefined : touch;
    }
    // (priceTicks undefined: a market order into an empty side, priced at the mark.)
    const check = g.engine.canPlace(account, { instrument: g.instrumentId, lots, priceTicks, restingLots: this.restingLots(req.side, undefined) });
    if (!check.ok) return this.rejectAtGate(req, decisionMidTicks, check.reason);
    const o = this.clob.submitChecked(req, decisionMidTicks);
    this.active.add(o);
    return o;
  }

  /**
   * Initial margin the open orders hold (an exchange's order margin): what all resting buys, or
   * all resting sells, would add to the account's requirement if they filled, the larger; 0
   * without a margin gate.
   */
  orderMargin(): number {
    const g = this.gate;
    if (!g) return 0;
    const account = this.position.account;
    const im = g.engine.state(account).im;
    let worst = 0;
    for (const side of [BID, ASK] as const) {
      const resting = this.restingLots(side, undefined);
      if (resting !== 0) worst = Math.max(worst, g.engine.canPlace(account, { instrument: g.instrumentId, lots: 0, restingLots: resting }).imAfter - im);
    }
    return worst;
  }

  /** Orders this gate let through that may still fill. */
  private readonly active = new LiveOrders();

  /**
   * Signed remaining lots of the open and in-flight orders on `side` (reduce-only ones apart: they
   * cannot add to the position), but `exclude`: what the margin must carry besides a new order.
   */
  private restingLots(side: Side, exclude: OwnOrder | undefined): number {
    let lots = 0;
    this.active.live((o) => {
      if (o !== exclude && o.side === side && !o.reduceOnly) lots += o.sizeLots - o.filledLots;
    });
    return side === BID ? lots : -lots;
  }

  /**
   * An amend through the margin gate: the order at its new price and remaining size must pass as
   * a new order would (a one-lot limit amended to a thousand lots used to skip the check). A
   * refused amend leaves the order as it was, with the reason in its report; a stop is checked at
   * its trigger price.
   */
  amend(orderId: number, priceTicks: number, sizeLots: number): void {
    const g = this.gate;
    const o = this.clob.orderById(orderId);
    if (g && o && !o.reduceOnly && (o.status === 'open' || o.status === 'pending') && sizeLots > o.filledLots) {
      checkAmend(priceTicks, sizeLots);
      const account = this.position.account;
      g.engine.revalue(account, this.sim.nowUs);
      const left = sizeLots - o.filledLots;
      const check = g.engine.canPlace(account, { instrument: g.instrumentId, lots: o.side === BID ? left : -left, priceTicks, restingLots: this.restingLots(o.side, o) });
      if (!check.ok) return this.clob.refuseAmend(orderId, check.reason);
    }
    this.clob.amend(orderId, priceTicks, sizeLots);
  }

  private rejectAtGate(req: OrderRequest, decisionMidTicks: number, reason: string): OwnOrder {
    return this.clob.rejectAtSubmit(req, decisionMidTicks, reason);
  }

  // ---- market inputs ----

  setIndex(tsUs: number, indexTicks: number): void {
    this.indexTicks = indexTicks;
    this.updateMark(tsUs);
  }

  /** A market trade: own resting orders may fill (ClobVenue rules) and the last price moves. */
  applyTrade(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    this.clob.applyTrade(tsUs, aggressor, priceTicks, sizeLots);
    this.lastTicks = priceTicks;
    this.updateMark(tsUs);
  }

  /** Reused for every mark update (the hot path allocates nothing per event). */
  private readonly markInputs: MarkInputs = { indexTicks: NaN, midTicks: NaN, lastTicks: NaN, fundingBasis: 0 };

  /** Last settled funding rate (none before the first settlement: no look-ahead into the series). */
  lastFundingRate = NaN;

  /**
   * The funding leg of Binance's mark: last funding rate × time until the next funding ÷ the
   * funding interval (0 until a rate is known). A constant-rate source is known from the start.
   */
  fundingBasis(tsUs: number): number {
    const known = Number.isFinite(this.lastFundingRate) ? this.lastFundingRate : (this.cfg.funding.knownRate?.() ?? NaN);
    if (!Number.isFinite(known)) return 0;
    const s = this.cfg.schedule;
    if (s.kind === 'fixed') {
      const anchor = s.anchorUs ?? 0;
      const next = anchor + Math.floor((tsUs - anchor) / s.intervalUs + 1) * s.intervalUs;
      return (known * (next - tsUs)) / s.intervalUs;
    }
    const times = this.cfg.funding.timesUs?.() ?? [];
    let i = 0;
    while (i < times.length && times[i]! <= tsUs) i++;
    if (i === 0 || i >= times.length) return 0;
    return (known * (times[i]! - tsUs)) / (times[i]! - times[i - 1]!);
  }

  /**
   * Whether this perp's index is the margin engine's mark of its underlying (true unless another
   * perp on the same asset gives it: see VenueDriver). Either way its own mark is its own.
   */
  drivesUnderlying = true;

  /** Recompute the mark (call after a book update) and feed the funding model a premium sample. */
  updateMark(tsUs: number): number {
    const inp = this.markInputs;
    inp.indexTicks = this.indexTicks;
    inp.midTicks = this.clob.book.midTicks();
    inp.lastTicks = this.lastTicks;
    inp.fundingBasis = this.fundingBasis(tsUs);
    this.mark = this.cfg.mark.update(tsUs, inp);
    const g = this.markFeed ?? (this.gate?.feedMarks ? this.gate : undefined);
    if (g && this.indexTicks > 0 && this.mark > 0) {
      // The underlying's price: the index in ticks × the instrument's tick (the engine's entry).
      g.engine.markInstrument(g.instrumentId, this.mark / this.indexTicks - 1, this.indexTicks * (g.tick ??= g.engine.instrument(g.instrumentId).tick), tsUs, this.drivesUnderlying);
    }
    return this.mark;
  }

  /** Premium index sample for the funding model (the runner calls this on its sampling clock). */
  samplePremium(tsUs: number): void {
    this.cfg.funding.observe?.(tsUs, this.indexTicks, this.clob.book.midTicks());
  }

  /** Current mark in ticks, rounded to the half tick that ledger notionals use. */
  markTicks(): number {
    return Math.round(this.mark * 2) / 2;
  }

  /** Lots held long across tracked accounts (= short lots when every side is tracked) plus the data's figure. */
  openInterestLots(): number {
    let oi = 0;
    for (const p of this.accounts) if (p.lots > 0) oi += p.lots;
    return oi + this.externalOpenInterestLots;
  }

  // ---- funding ----

  /** Schedule funding settlements in (fromUs, toUs] per the configured schedule; returns the times. */
  /** Σ funding rates (fraction of notional a long pays) over the funding times in (from, to]: a hedge leg's carry. */
  fundingBetween(fromUs: number, toUs: number): number {
    const s = this.cfg.schedule;
    const times = s.kind === 'fixed' ? fixedFundingTimes(fromUs, toUs, s.intervalUs, s.anchorUs ?? 0) : (this.cfg.funding.timesUs?.() ?? []).filter((x) => x > fromUs && x <= toUs);
    let r = 0;
    for (const t of times) r += this.cfg.funding.rateAt(t, this.symbol);
    return r;
  }

  scheduleFunding(fromUs: number, toUs: number): number[] {
    const s = this.cfg.schedule;
    let times: number[];
    if (s.kind === 'fixed') times = fixedFundingTimes(fromUs, toUs, s.intervalUs, s.anchorUs ?? 0);
    else {
      const t = this.cfg.funding.timesUs?.();
      if (!t) throw new ConfigError(`funding schedule "data" needs a funding series, ${this.cfg.funding.name} has no times`, { field: 'schedule' });
      times = t.filter((x) => x > fromUs && x <= toUs);
    }
    for (const t of times) this.sim.schedule(t, PRIO_VENUE, this, EV_FUNDING, 0);
    return times;
  }

  onEvent(tsUs: number, kind: number): void {
    if (kind === EV_FUNDING) this.settleFunding(tsUs);
  }

  /** Settle one funding period for every tracked account at the current mark. */
  settleFunding(tsUs: number): FundingEvent[] {
    const rate = this.cfg.funding.rateAt(tsUs, this.symbol);
    this.lastFundingRate = rate;
    const mark = this.markTicks();
    if (!(mark > 0)) throw new DataError(`no mark price for ${this.symbol} at funding time ${isoUs(tsUs)} (${tsUs} µs)`, { field: 'mark', hint: 'set the index (and book) before the first funding time' });
    const out: FundingEvent[] = [];
    for (const p of this.accounts) {
      const payment = p.lots === 0 ? 0n : this.calc.payment(p.lots, mark, rate);
      if (payment !== 0n) p.applyFunding(tsUs, payment, this.fundingLog.length);
      const e: FundingEvent = { tsUs, symbol: this.symbol, account: p.account, rate, positionLots: p.lots, markTicks: mark, payment };
      this.fundingLog.push(e);
      out.push(e);
      for (const l of this.fundingListeners) l(e);
    }
    return out;
  }
}
