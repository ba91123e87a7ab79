import { lotsToQty, type Instrument } from '../market/instrument.ts';
import { formatDurationUs } from '../market/latency.ts';
import type { Fill, OwnOrder } from '../venues/clob/order.ts';
import { F64Column } from './columns.ts';
import { probabilisticSharpe, returnShape } from './sharpe-inference.ts';

export interface RunMetrics {
  settleAsset: string;
  initialCapital: number;
  finalEquity: number;
  totalPnl: number;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  /** Funding paid (positive) or received (negative). */
  funding: number;
  spreadCapture: number;
  inventoryPnl: number;
  /** Annualised (365 days) Sharpe; NaN when the run spans less than MIN_ANNUALISE_US of data. */
  sharpe: number;
  sortino: number;
  /** Sharpe and Sortino of one return period (not annualised), and that period: always given. */
  sharpePerPeriod: number;
  sortinoPerPeriod: number;
  returnPeriod: string;
  /**
   * The returns the per-period Sharpe is read from: how many, their skewness and kurtosis, and the
   * probabilistic Sharpe ratio — the probability that the true Sharpe is above 0 given those
   * (Bailey & López de Prado; results/sharpe-inference.ts). NaN when the returns do not vary.
   */
  returnCount?: number;
  returnSkew?: number;
  returnKurtosis?: number;
  psr?: number;
  /** Simulated time the equity series spans, µs. */
  spanUs: number;
  maxDrawdown: number;
  maxDrawdownPct: number;
  turnover: number;
  tradedNotional: number;
  orders: number;
  /** Orders the venue or the risk checks refused (runs written before: absent). */
  rejectedOrders?: number;
  /** The commonest kind of those refusals (e.g. `insufficient margin`; with several kinds its count and how many others), when there were any. */
  rejectReason?: string;
  fills: number;
  makerFills: number;
  takerFills: number;
  fillRatio: number;
  takerSlippageBps: number;
  meanQueueWaitMs: number;
  medianQueueWaitMs: number;
  finalPositionLots: number;
  /** The final position in the instrument's quantity (base units; contracts of an inverse perp) and their name. */
  finalPositionQty?: number;
  positionUnit?: string;
  /**
   * Round trips (flat → position → flat) the account closed on its venues, the share with a
   * positive PnL (realized less fees) and their mean holding time: the `trades` table's closed rows.
   */
  roundTrips?: number;
  tripHitRate?: number;
  tripAvgHoldingUs?: number;
  /** Those trips by the tag of the order that closed them (liquidation and ADL apart): how many, how many won. */
  exitsByTag?: Record<string, { trips: number; won: number }>;
}

/** Value in the settle asset of `qty` at `price` (quote notional for linear, coin for inverse). */
function value(inst: Pick<Instrument, 'kind' | 'multiplier'>, price: number, qty: number): number {
  return inst.kind === 'inverse' ? (qty * inst.multiplier) / price : price * qty * inst.multiplier;
}

/**
 * Spread capture of one fill in the settle asset: the edge of its price over the mid at the fill
 * (a buy below the mid, a sell above it, gain), the part of PnL that is not inventory. `side` 0
 * buy, 1 sell. The run's `spreadCapture` is the sum over its fills; the tear sheet draws it over time.
 */
export function fillSpreadCapture(inst: Pick<Instrument, 'kind' | 'multiplier'>, side: number, price: number, mid: number, qty: number): number {
  if (!Number.isFinite(mid)) return 0;
  const sgn = side === 0 ? 1 : -1;
  return sgn * (inst.kind === 'inverse' ? value(inst, price, qty) - value(inst, mid, qty) : value(inst, mid, qty) - value(inst, price, qty));
}

/**
 * An equity curve on a regular grid: t0, t0 + p, … up to the last sample, each point the last
 * sample at or before it (the timer's own samples where the grid meets them). Returns between grid
 * points are over equal times, as quantstats' and pyfolio's daily returns are; returns between raw
 * samples mixed the timer's intervals with the moments between a fill and the next tick.
 */
export function onGrid(ts: ArrayLike<number>, eq: ArrayLike<number>, periodUs: number): { ts: number[]; eq: number[] } {
  const out = { ts: [] as number[], eq: [] as number[] };
  if (ts.length === 0 || !(periodUs > 0)) return out;
  const end = ts[ts.length - 1]!;
  let j = 0;
  for (let k = 0; ; k++) {
    const g = ts[0]! + k * periodUs;
    if (g > end) break;
    while (j + 1 < ts.length && ts[j + 1]! <= g) j++;
    out.ts.push(g);
    out.eq.push(eq[j]!);
  }
  return out;
}

/**
 * Annualising a ratio from a few minutes of returns extrapolates noise (a five-minute demo once
 * printed −2,564): ratios are annualised only when the run spans at least 30 days of data; shorter
 * runs report the per-period ratio and say which period.
 */
export const MIN_ANNUALISE_US = 30 * 24 * 3600e6;

/** What a position of an instrument is counted in: its base coin, or an inverse contract's size. */
export function positionUnit(inst: Instrument): string {
  return inst.kind === 'inverse' ? `contracts of ${inst.multiplier} ${inst.quote}` : inst.base;
}
/**
 * The probabilistic Sharpe ratio (and the skew and kurtosis it rests on) needs at least this many
 * returns: it is an asymptotic result, and the sample kurtosis of two returns is 1 whatever they are.
 */
export const MIN_PSR_RETURNS = 30;

/**
 * Run metrics. PnL split: total = spread capture (fill price vs the mid at the fill, the edge a
 * maker earns) + inventory PnL (everything the position did afterwards) − fees − funding.
 * Sharpe/Sortino use per-minute returns on capital (per sample for runs under two minutes),
 * annualised over 365 days.
 */
export function computeMetrics(a: {
  inst: Instrument;
  /** The run's orders and fills, or their statistics accumulated as they were made (`trades`). */
  orders?: readonly OwnOrder[];
  fills?: readonly Fill[];
  trades?: TradeStats;
  equityTs: Float64Array;
  equity: Float64Array;
  initialCapital: number;
  realized: number;
  unrealized: number;
  fees: number;
  funding?: number;
  finalEquity: number;
  finalPositionLots: number;
  sampleIntervalUs: number;
}): RunMetrics {
  const t = a.trades ?? new TradeStats(a.inst).addOrders(a.orders ?? []).addFills(a.fills ?? []);
  const spread = t.spread;
  const notional = t.notional;
  const slipNum = t.slipNum;
  const slipDen = t.slipDen;
  const maker = t.makerFills;
  const waits = Array.from(t.waits.view(), (w) => w / 1000);
  const totalPnl = a.finalEquity - a.initialCapital;
  let peak = -Infinity;
  let mdd = 0;
  let mddPct = 0;
  // Returns per minute (per sample when the run is shorter): second-level returns of a market
  // maker are dominated by bid/ask bounce and would inflate an annualised ratio.
  const spanUs = a.equityTs.length > 1 ? a.equityTs[a.equityTs.length - 1]! - a.equityTs[0]! : 0;
  const perMinute = Math.round(60e6 / a.sampleIntervalUs);
  const step = spanUs / a.sampleIntervalUs + 1 > 2 * perMinute ? Math.max(1, perMinute) : 1;
  for (let i = 0; i < a.equity.length; i++) {
    const e = a.equity[i]!;
    if (e > peak) peak = e;
    if (peak - e > mdd) {
      mdd = peak - e;
      mddPct = peak > 0 ? mdd / peak : 0;
    }
  }
  // Returns over equal times (the curve also has a sample at every fill, so every step-th sample
  // was not every minute).
  const grid = onGrid(a.equityTs, a.equity, a.sampleIntervalUs * step).eq;
  const rets: number[] = [];
  for (let i = 1; i < grid.length; i++) rets.push((grid[i]! - grid[i - 1]!) / a.initialCapital);
  const mean = rets.length ? rets.reduce((s, r) => s + r, 0) / rets.length : 0;
  const sd = rets.length > 1 ? Math.sqrt(rets.reduce((s, r) => s + (r - mean) ** 2, 0) / (rets.length - 1)) : 0;
  const dd = rets.length > 1 ? Math.sqrt(rets.reduce((s, r) => s + Math.min(0, r) ** 2, 0) / (rets.length - 1)) : 0;
  const periodsPerYear = (365 * 24 * 3600e6) / (a.sampleIntervalUs * step);
  const annualise = spanUs >= MIN_ANNUALISE_US;
  const sharpeP = sd > 0 ? mean / sd : 0;
  const shape = returnShape(rets);
  const sortinoP = dd > 0 ? mean / dd : 0;
  const periodUs = a.sampleIntervalUs * step;
  // In the largest whole unit, as a person writes it ("1h", not "60m").
  const returnPeriod = formatDurationUs(periodUs);
  const submittedLots = t.submittedLots;
  const filledLots = t.filledLots;
  waits.sort((x, y) => x - y);
  return {
    settleAsset: a.inst.settle,
    initialCapital: a.initialCapital,
    finalEquity: a.finalEquity,
    totalPnl,
    realizedPnl: a.realized,
    unrealizedPnl: a.unrealized,
    fees: a.fees,
    funding: a.funding ?? 0,
    spreadCapture: spread,
    inventoryPnl: totalPnl - spread + a.fees + (a.funding ?? 0),
    sharpe: annualise ? sharpeP * Math.sqrt(periodsPerYear) : NaN,
    sortino: annualise ? sortinoP * Math.sqrt(periodsPerYear) : NaN,
    sharpePerPeriod: sharpeP,
    sortinoPerPeriod: sortinoP,
    returnPeriod,
    returnCount: rets.length,
    returnSkew: shape.skew,
    returnKurtosis: shape.kurtosis,
    psr: sd > 0 && rets.length >= MIN_PSR_RETURNS ? probabilisticSharpe(sharpeP, rets.length, shape.skew, shape.kurtosis) : NaN,
    spanUs,
    maxDrawdown: mdd,
    maxDrawdownPct: mddPct,
    turnover: a.initialCapital > 0 ? notional / a.initialCapital : 0,
    tradedNotional: notional,
    orders: t.orders,
    rejectedOrders: t.rejected,
    ...(t.rejected > 0 ? { rejectReason: rejectReason(t.rejectKinds) } : {}),
    fills: t.fills,
    makerFills: maker,
    takerFills: t.fills - maker,
    // Of the orders the venue accepted: a refused order was never on the book to be filled.
    fillRatio: submittedLots - t.rejectedLots > 0 ? filledLots / (submittedLots - t.rejectedLots) : 0,
    takerSlippageBps: slipDen > 0 ? slipNum / slipDen : 0,
    meanQueueWaitMs: waits.length ? waits.reduce((s, w) => s + w, 0) / waits.length : 0,
    medianQueueWaitMs: waits.length ? waits[Math.floor(waits.length / 2)]! : 0,
    finalPositionLots: a.finalPositionLots,
    // Lots mean nothing without the lot size: 891,508 lots of ETHUSDT are 891.508 ETH.
    finalPositionQty: lotsToQty(a.inst, a.finalPositionLots),
    positionUnit: positionUnit(a.inst),
  };
}

/**
 * The commonest kind of refusal (the first seen among equals), with its count and how many other
 * kinds when there are several: `insufficient margin`, or `9 insufficient margin; 1 other reason`.
 */
export function rejectReason(kinds: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const [k, n] of kinds) if (n > most) [best, most] = [k, n];
  const others = kinds.size - 1;
  return best === undefined ? undefined : others > 0 ? `${most} ${best}; ${others} other reason${others > 1 ? 's' : ''}` : best;
}

/**
 * Order and fill statistics of one instrument, accumulated in order as orders and fills are
 * handed over (a long run drains them from memory as it goes): the sums computeMetrics reports.
 */
export class TradeStats {
  orders = 0;
  fills = 0;
  makerFills = 0;
  rejected = 0;
  submittedLots = 0;
  /** Lots of the refused orders (never on the book: not in the fill ratio). */
  rejectedLots = 0;
  filledLots = 0;
  spread = 0;
  notional = 0;
  slipNum = 0;
  slipDen = 0;
  /** Σ taker fill quantity (lots × lot size), the weight of the taker slippage. */
  takerQty = 0;
  /** Queue waits of maker fills, µs, in fill order. */
  readonly waits = new F64Column();
  /** Refusals by kind (the reason up to its first colon: `insufficient margin`, not its amounts). */
  readonly rejectKinds = new Map<string, number>();
  private readonly tick: number;
  private readonly lot: number;

  constructor(private readonly inst: Instrument) {
    this.tick = Number(inst.tickSize);
    this.lot = Number(inst.lotSize);
  }

  addFills(fills: readonly Fill[]): this {
    const inst = this.inst;
    for (const f of fills) {
      const qty = f.sizeLots * this.lot;
      const px = f.priceTicks * this.tick;
      const mid = f.midTicks * this.tick;
      const sgn = f.side === 0 ? 1 : -1;
      this.fills++;
      this.spread += fillSpreadCapture(inst, f.side, px, mid, qty);
      this.notional += value(inst, px, qty);
      if (f.maker) {
        this.makerFills++;
        this.waits.push(f.queueWaitUs);
      } else {
        this.takerQty += qty;
        if (Number.isFinite(f.decisionMidTicks) && f.decisionMidTicks > 0) {
          this.slipNum += (sgn * (f.priceTicks - f.decisionMidTicks)) / f.decisionMidTicks * 1e4 * qty;
          this.slipDen += qty;
        }
      }
    }
    return this;
  }

  /** A copy (to add what is still in memory without counting it twice later). */
  clone(): TradeStats {
    const c = new TradeStats(this.inst);
    for (const k of ['orders', 'fills', 'makerFills', 'rejected', 'rejectedLots', 'submittedLots', 'filledLots', 'spread', 'notional', 'slipNum', 'slipDen', 'takerQty'] as const) c[k] = this[k];
    const w = this.waits.view();
    for (let i = 0; i < w.length; i++) c.waits.push(w[i]!);
    for (const [k, n] of this.rejectKinds) c.rejectKinds.set(k, n);
    return c;
  }


  addOrders(orders: readonly OwnOrder[]): this {
    for (const o of orders) {
      this.orders++;
      this.submittedLots += o.sizeLots;
      this.filledLots += o.filledLots;
      if (o.status === 'rejected') {
        this.rejected++;
        this.rejectedLots += o.sizeLots;
        // The kind is what comes before ': ' (a reason may hold a time, 2024-01-03T00:00:00Z).
        const kind = (o.reason.split(': ')[0] ?? '').trim() || 'no reason given';
        this.rejectKinds.set(kind, (this.rejectKinds.get(kind) ?? 0) + 1);
      }
    }
    return this;
  }
}
