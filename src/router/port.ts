/**
 * The smart order router as a strategy reaches it (`ctx.route(parent)`): each call is one routing
 * decision for part of a parent order. It reads the live state of the venues the strategy may use
 * (the replayed book, the pools after the last sealed block, the base fee), builds each venue's
 * all-in cost curve, splits at equal marginal cost (`splitOrder`), sends the children — an IOC
 * limit order per book venue at the deepest price the split walks to, an exact-input swap per
 * pool with its slippage limit, on the public mempool or the private relay — and records every
 * decision (`routes`). A child that comes back short (an IOC that met a book that moved during
 * its latency, a reverted swap) has its remainder routed again, until the deadline.
 *
 * When the run ends it settles the transaction-cost analysis (`tca`, one row per parent) in
 * integer minor units of the reporting quote so the terms add up exactly: per executed piece,
 * with A = quantity × arrival mid, D = × decision mid, T = × touch price at the decision:
 *   timing = A − D, spread = D − T, impact = T − proceeds − MEV − fees (sells; mirrored for
 *   buys), fees, gas, MEV — whose sum is A − net proceeds + gas, the implementation shortfall.
 * USDT and USDC are both counted as the same dollar (documented in the table).
 */
import { toMinor } from '../chain/tokens.ts';
import { ConfigError } from '../errors.ts';
import type { Simulation } from '../kernel/simulation.ts';
import type { Notional } from '../ledger/notional.ts';
import type { ChainPool } from '../mev/adversaries/index.ts';
import { SWAP_GAS_USED } from '../mev/adversaries/chain-amm.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import type { ParentOrder, RouteDecision } from '../strategy/api.ts';
import type { PoolPort } from '../strategy/pool-port.ts';
import type { VenuePort } from '../strategy/venue-port.ts';
import type { Fill, OrderView } from '../venues/clob/order.ts';
import { AmmCurve, ClobCurve, type CostCurve, type CostTerms, type RouteSide } from './cost-curve.ts';
import { splitOrder } from './split.ts';
import { v2State, v3State } from './venue-state.ts';

const BID = 0;
const ASK = 1;
const YEAR_US = 365 * 86_400e6;
const LEVELS = 200;

export interface RouterBookVenue {
  id: string;
  port: VenuePort;
  /** Taker fee as a fraction of notional. */
  feeRate: number;
  notional: Notional;
  tick: number;
  lot: number;
  quote: string;
  quoteDecimals: number;
  /** Perp venues: Σ funding rates a long pays over (from, to] (the hedge leg's carry). */
  fundingBetween?: (fromUs: number, toUs: number) => number;
}

export interface RouterPoolVenue {
  id: string;
  port: PoolPort;
  pool: ChainPool;
  base: string;
  quote: string;
  baseIsToken0: boolean;
  decimalsBase: number;
  decimalsQuote: number;
}

export interface RouterChain {
  baseFeeWei(): bigint;
  /** Time from submission to finality, µs (inclusion + finality slots). */
  finalityUs: number;
  /** Price of the gas token in the router's quote (e.g. USD per ETH), now. */
  gasTokenPrice(): number;
  receipt(hash: string): { status: 'success' | 'reverted'; feeWei: bigint } | undefined;
  amountOut(hash: string): bigint | undefined;
  finalTsUs(hash: string): number | undefined;
  /** Output lost to sandwiches by this tx (its output token's minor units). */
  mevLoss(hash: string): bigint;
  /** Register a callback after every sealed block. */
  afterBlock(cb: (tsUs: number) => void): void;
}

export interface RouterConfig {
  sim: Simulation;
  strategy: string;
  books: RouterBookVenue[];
  pools: RouterPoolVenue[];
  chain: RouterChain | undefined;
  /** Annual cost of capital for value locked until finality (default 5%). */
  capitalRatePerYear?: number;
  /** Re-routes of one remainder (a child's child's …) before giving up on it. */
  maxReroutes?: number;
}

interface Piece {
  qtyBase: number;
  /** A, D, T, proceeds (sell) or spend (buy), fee, mev, gas — integer minor units of the reporting quote. */
  a: bigint;
  d: bigint;
  t: bigint;
  cash: bigint;
  fee: bigint;
  mev: bigint;
  gas: bigint;
}

interface Child {
  parent: Parent;
  decision: number;
  id: string;
  venue: string;
  kind: 'book' | 'pool';
  route: 'book' | 'public' | 'private';
  /** 0 for a child of a strategy's call; n for the n-th re-route of a remainder. */
  generation: number;
  tsUs: number;
  midAtDecision: number;
  touch: number;
  qty: number;
  expected: CostTerms;
  // book
  lots?: number;
  book?: RouterBookVenue;
  fills: Fill[];
  done: boolean;
  // pool
  pool?: RouterPoolVenue;
  amountIn?: bigint;
  amountOutMin?: bigint;
  gasTokenPrice?: number;
  status: string;
  pieces: Piece[];
}

interface Parent {
  id: string;
  side: RouteSide;
  asked: number;
  arrivalUs: number;
  arrivalMid: number;
  /** Arrival mid in ticks of the first book venue (exact A for book pieces), NaN without one. */
  arrivalMidTicks: number;
  decisions: number;
  reroutes: number;
  order: ParentOrder;
  children: Child[];
  lastUs: number;
}

export class RouterPort {
  private readonly cfg: RouterConfig;
  private readonly parents = new Map<string, Parent>();
  private readonly childrenByOrder = new Map<number, Child>();
  private readonly pendingSwaps: Child[] = [];
  private autoId = 0;
  /** Reporting unit: 10^decimals per quote unit (the finest quote of the venues). */
  private readonly unitDecimals: number;
  /** Market trades on the book venues (for interval VWAPs), recorded once routing starts. */
  private tapping = false;
  private readonly trades: { ts: number[]; px: number[]; qty: number[] } = { ts: [], px: [], qty: [] };
  private readonly pxBuf = new Float64Array(LEVELS);
  private readonly szBuf = new Float64Array(LEVELS);

  constructor(cfg: RouterConfig) {
    this.cfg = cfg;
    this.unitDecimals = Math.max(0, ...cfg.books.map((b) => b.quoteDecimals), ...cfg.pools.map((p) => p.decimalsQuote));
    cfg.chain?.afterBlock(() => this.settleSwaps());
  }

  /** Venue ids the router may use for this strategy. */
  get venueIds(): string[] {
    return [...this.cfg.books.map((b) => b.id), ...this.cfg.pools.map((p) => p.id)];
  }

  // ---- hooks from the strategy host ----

  onFill(port: VenuePort, f: Fill): void {
    const c = this.childrenByOrder.get(f.orderId);
    if (!c || c.book?.port !== port) return;
    c.fills.push({ ...f });
    let lots = 0;
    for (const x of c.fills) lots += x.sizeLots;
    c.parent.lastUs = this.cfg.sim.nowUs;
    // A child filled in full is done here: the port reports no status update after its last fill.
    if (lots >= c.lots! && !c.done) {
      c.done = true;
      c.status = 'filled';
    }
  }

  onOrderUpdate(port: VenuePort, v: OrderView): void {
    const c = this.childrenByOrder.get(v.id);
    if (!c || c.book?.port !== port || c.done) return;
    if (v.status === 'open' || v.status === 'pending') return;
    c.done = true;
    c.status = v.status === 'filled' ? 'filled' : v.filledLots > 0 ? 'partial' : v.status;
    c.parent.lastUs = this.cfg.sim.nowUs;
    const left = (c.lots! - v.filledLots) * c.book.lot;
    if (left > 1e-12) this.reroute(c.parent, left, c.generation + 1);
  }

  onTrade(tsUs: number, priceTicks: number, sizeLots: number, b: RouterBookVenue): void {
    this.trades.ts.push(tsUs);
    this.trades.px.push(priceTicks * b.tick);
    this.trades.qty.push(sizeLots * b.lot);
  }

  // ---- routing ----

  route(order: ParentOrder): RouteDecision {
    const now = this.cfg.sim.nowUs;
    const id = order.id ?? `parent-${++this.autoId}`;
    const side = this.validate(order, id, now);
    let parent = this.parents.get(id);
    const mid = this.mid();
    if (!parent) {
      const b0 = this.cfg.books[0];
      parent = { id, side, asked: 0, arrivalUs: now, arrivalMid: mid, arrivalMidTicks: b0 ? b0.port.book.midTicks() : NaN, decisions: 0, reroutes: 0, order, children: [], lastUs: now };
      this.parents.set(id, parent);
    }
    parent.asked += order.qty;
    if (!this.tapping) {
      // From the first parent on, the book venues' market trades feed the interval VWAPs.
      this.tapping = true;
      for (const b of this.cfg.books) b.port.tradeTap = (ts, px, sz) => this.onTrade(ts, px, sz, b);
    }
    return this.decide(parent, order, order.qty, 0);
  }

  private validate(o: ParentOrder, id: string, now: number): RouteSide {
    const bad = (msg: string, field: string, hint?: string) => new ConfigError(`ctx.route (${this.cfg.strategy}, parent ${id}): ${msg}`, { field, ...(hint ? { hint } : {}) });
    if (o.side !== 'buy' && o.side !== 'sell') throw bad(`side must be 'buy' or 'sell', got ${String(o.side)}`, 'side');
    if (!(typeof o.qty === 'number' && Number.isFinite(o.qty) && o.qty > 0)) throw bad(`qty must be a positive number of base units, got ${String(o.qty)}`, 'qty');
    const allowed = this.venueIds;
    for (const v of o.venues ?? []) if (!allowed.includes(v)) throw bad(`venue "${v}" is not one this strategy may use`, 'venues', `its venues: ${allowed.join(', ') || '(none)'}`);
    if (o.venues !== undefined && o.venues.length === 0) throw bad('venues is empty', 'venues');
    if (allowed.length === 0) throw bad('the strategy has no venue to route to', 'venues');
    if (o.deadlineUs !== undefined && !(o.deadlineUs >= now)) throw bad(`the deadline ${o.deadlineUs} is in the past (now ${now})`, "deadlineUs");
    for (const [v, cap] of Object.entries(o.caps ?? {})) {
      if (!allowed.includes(v)) throw bad(`cap for venue "${v}", which this strategy may not use`, 'caps');
      if (!(cap >= 0)) throw bad(`cap for ${v} must be ≥ 0, got ${cap}`, 'caps');
    }
    if (o.holdUs !== undefined && !(o.holdUs >= 0)) throw bad(`holdUs must be ≥ 0, got ${o.holdUs}`, 'holdUs');
    if (o.slippageBps !== undefined && !(o.slippageBps >= 0 && o.slippageBps < 10_000)) throw bad(`slippageBps must be in [0, 10000), got ${o.slippageBps}`, 'slippageBps');
    if (o.route !== undefined && !['public', 'private', 'auto'].includes(o.route)) throw bad(`route must be public, private or auto, got ${String(o.route)}`, 'route');
    if (o.limitPrice !== undefined) {
      if (!(Number.isFinite(o.limitPrice) && o.limitPrice > 0)) throw bad(`limitPrice must be a positive price, got ${o.limitPrice}`, 'limitPrice');
      const mid = this.mid();
      if (o.side === 'sell' ? o.limitPrice > mid : o.limitPrice < mid) {
        throw bad(`a ${o.side} limit ${o.side === 'sell' ? 'above' : 'below'} the mid (${o.limitPrice} vs ${mid.toFixed(6)}) is on the wrong side: the router only takes liquidity`, 'limitPrice', 'rest a passive order with ctx.venue(id).submit instead');
      }
    }
    const prev = this.parents.get(id);
    if (prev && prev.side !== o.side) throw bad(`this parent is a ${prev.side}; a ${o.side} needs another parent id`, 'side');
    return o.side;
  }

  /** The reference mid: the first book venue's, else the first pool's price in quote per base. */
  private mid(): number {
    const b = this.cfg.books[0];
    if (b) return b.port.book.midTicks() * b.tick;
    const p = this.cfg.pools[0]!;
    const px = p.port.price(); // token1 per token0
    return p.baseIsToken0 ? px : 1 / px;
  }

  private reroute(p: Parent, qty: number, generation: number): void {
    const now = this.cfg.sim.nowUs;
    if (p.order.deadlineUs !== undefined && now >= p.order.deadlineUs) return;
    if (generation > (this.cfg.maxReroutes ?? 10)) return;
    p.reroutes++;
    this.decide(p, p.order, qty, generation);
  }

  private curvesFor(p: Parent, order: ParentOrder, routeFor: ReadonlyMap<string, 'public' | 'private'>): CostCurve[] {
    const side = p.side;
    const mid = this.mid();
    const allowed = order.venues;
    const curves: CostCurve[] = [];
    for (const b of this.cfg.books) {
      if (allowed && !allowed.includes(b.id)) continue;
      const bookSide = side === 'sell' ? BID : ASK;
      const n = b.port.book.levels(bookSide, LEVELS, this.pxBuf, this.szBuf);
      const prices = new Float64Array(n);
      const sizes = new Float64Array(n);
      let k = 0;
      for (let j = 0; j < n; j++) {
        const px = this.pxBuf[j]! * b.tick;
        if (order.limitPrice !== undefined && (side === 'sell' ? px < order.limitPrice : px > order.limitPrice)) break;
        prices[k] = px;
        sizes[k] = this.szBuf[j]! * b.lot;
        k++;
      }
      // A perp leg held for holdUs carries its funding: a long pays Σ rates, a short receives them.
      const now = this.cfg.sim.nowUs;
      const carry = b.fundingBetween && (order.holdUs ?? 0) > 0 ? b.fundingBetween(now, now + order.holdUs!) * (side === 'buy' ? 1 : -1) : 0;
      curves.push(new ClobCurve({ venue: b.id, side, mid, prices, sizes, levels: k, feeRate: b.feeRate, fundingToHorizon: carry, ...(order.caps?.[b.id] !== undefined ? { cap: order.caps[b.id] } : {}) }));
    }
    const chain = this.cfg.chain;
    for (const pv of this.cfg.pools) {
      if (allowed && !allowed.includes(pv.id) || !chain) continue;
      const [d0, d1] = pv.baseIsToken0 ? [pv.decimalsBase, pv.decimalsQuote] : [pv.decimalsQuote, pv.decimalsBase];
      const pool = pv.pool;
      const state = pool.kind === 'v2' ? v2State(...pool.reserves(), Number(pool.feeBps), d0, d1) : v3State(pool.pool(), d0, d1);
      const tip = BigInt(Math.round((order.tipGwei ?? 1) * 1e9));
      const gasCost = (Number(chain.baseFeeWei() + tip) * SWAP_GAS_USED * chain.gasTokenPrice()) / 1e18;
      const route = routeFor.get(pv.id) ?? 'public';
      const capitalRate = ((this.cfg.capitalRatePerYear ?? 0.05) * chain.finalityUs) / YEAR_US;
      let cap = order.caps?.[pv.id];
      const curve = new AmmCurve({ venue: pv.id, side, mid, state, baseIsToken0: pv.baseIsToken0, gasCost, slippage: (order.slippageBps ?? 50) / 1e4, route, capitalRate, ...(cap !== undefined ? { cap } : {}) });
      if (order.limitPrice !== undefined) {
        cap = Math.min(cap ?? Infinity, curve.qtyAtPrice(order.limitPrice));
        curves.push(new AmmCurve({ venue: pv.id, side, mid, state, baseIsToken0: pv.baseIsToken0, gasCost, slippage: (order.slippageBps ?? 50) / 1e4, route, capitalRate, cap }));
      } else curves.push(curve);
    }
    return curves;
  }

  private decide(p: Parent, order: ParentOrder, qty: number, generation: number): RouteDecision {
    const now = this.cfg.sim.nowUs;
    const decision = ++p.decisions;
    // Routes per pool: as asked, or (auto) the cheaper combination of public/private.
    const poolIds = this.cfg.pools.filter((x) => !order.venues || order.venues.includes(x.id)).map((x) => x.id);
    const options: Map<string, 'public' | 'private'>[] = [];
    if ((order.route ?? 'public') === 'auto' && poolIds.length > 0) {
      for (let m = 0; m < 1 << poolIds.length; m++) options.push(new Map(poolIds.map((id, k) => [id, m & (1 << k) ? 'private' : 'public'])));
    } else options.push(new Map(poolIds.map((id) => [id, (order.route ?? 'public') as 'public' | 'private'])));
    let best: { split: ReturnType<typeof splitOrder>; curves: CostCurve[]; routes: Map<string, 'public' | 'private'> } | undefined;
    for (const routes of options) {
      const curves = this.curvesFor(p, order, routes);
      const split = splitOrder(curves, qty);
      if (!best || split.qty > best.split.qty * (1 + 1e-12) || (split.qty >= best.split.qty * (1 - 1e-12) && split.cost < best.split.cost)) best = { split, curves, routes };
    }
    const { split, curves, routes } = best!;
    const mid = this.mid();
    const out: RouteDecision = { parent: p.id, decision, legs: [], expectedCost: split.cost, qty: 0 };
    // Book legs first (integer lots; the rounding remainder goes to a pool leg when there is one).
    let carry = 0;
    const poolLegs: { i: number; qty: number }[] = [];
    split.legs.forEach((leg, i) => {
      const curve = curves[i]!;
      const b = this.cfg.books.find((x) => x.id === leg.venue);
      if (!b) {
        if (leg.qty > 0) poolLegs.push({ i, qty: leg.qty });
        return;
      }
      const lots = Math.floor(leg.qty / b.lot + 1e-9);
      carry += leg.qty - lots * b.lot;
      if (lots <= 0) return;
      const q = lots * b.lot;
      const worst = this.worstTicks(b, p.side, lots);
      const touch = (p.side === 'sell' ? b.port.book.bestBid : b.port.book.bestAsk) * b.tick;
      const v = b.port.submit({ side: p.side === 'sell' ? ASK : BID, type: 'limit', tif: 'IOC', priceTicks: worst, sizeLots: lots, tag: `route:${p.id}:${decision}` });
      const c: Child = { parent: p, decision, id: String(v.id), venue: b.id, kind: 'book', route: 'book', generation, tsUs: now, midAtDecision: mid, touch, qty: q, expected: curve.terms(q), lots, book: b, fills: [], done: false, status: 'pending', pieces: [] };
      p.children.push(c);
      this.childrenByOrder.set(v.id, c);
      out.legs.push({ venue: b.id, child: c.id, qty: q, expectedCost: termsSum(c.expected) });
      out.qty += q;
    });
    // Pool legs (the carry goes to the largest).
    poolLegs.sort((x, y) => y.qty - x.qty);
    poolLegs.forEach(({ i, qty: q0 }, k) => {
      const curve = curves[i] as AmmCurve;
      const pv = this.cfg.pools.find((x) => x.id === curve.venue)!;
      const q = k === 0 ? q0 + carry : q0;
      const chain = this.cfg.chain!;
      const zeroForOne = curve.zeroForOne;
      let amountIn: bigint;
      if (p.side === 'sell') amountIn = toMinor(q, pv.decimalsBase);
      else amountIn = toMinorUp(curve.amounts(q)[0], pv.decimalsQuote);
      if (amountIn <= 0n) return;
      const quote = pv.port.quote(amountIn, zeroForOne);
      const slip = order.slippageBps ?? 50;
      let amountOutMin = (quote * BigInt(10_000 - slip)) / 10_000n;
      if (order.limitPrice !== undefined) {
        // The swap reverts rather than trade worse than the limit on average.
        const lim = p.side === 'sell' ? toMinorUp(q * order.limitPrice, pv.decimalsQuote) : toMinor(Number(amountIn) / 10 ** pv.decimalsQuote / order.limitPrice, pv.decimalsBase);
        if (lim > amountOutMin) amountOutMin = lim;
      }
      const route = routes.get(pv.id) ?? 'public';
      const hash = pv.port.swap({ amountIn, zeroForOne, amountOutMin, route, tipGwei: order.tipGwei ?? 1, label: `route:${p.id}:${decision}` });
      const touch = curve.priceAt0();
      const c: Child = { parent: p, decision, id: hash, venue: pv.id, kind: 'pool', route, generation, tsUs: now, midAtDecision: mid, touch, qty: q, expected: curve.terms(q), pool: pv, amountIn, amountOutMin, gasTokenPrice: chain.gasTokenPrice(), fills: [], done: false, status: 'pending', pieces: [] };
      p.children.push(c);
      this.pendingSwaps.push(c);
      out.legs.push({ venue: pv.id, child: hash, qty: q, expectedCost: termsSum(c.expected) });
      out.qty += q;
    });
    return out;
  }

  /** Deepest price (ticks) a walk of `lots` reaches on the touched side. */
  private worstTicks(b: RouterBookVenue, side: RouteSide, lots: number): number {
    const n = b.port.book.levels(side === 'sell' ? BID : ASK, LEVELS, this.pxBuf, this.szBuf);
    let left = lots;
    for (let j = 0; j < n; j++) {
      left -= this.szBuf[j]!;
      if (left <= 0) return this.pxBuf[j]!;
    }
    return n > 0 ? this.pxBuf[n - 1]! : side === 'sell' ? b.port.book.bestBid : b.port.book.bestAsk;
  }

  /** After each block: settle included swaps, re-route reverted ones. */
  private settleSwaps(): void {
    const chain = this.cfg.chain!;
    for (let i = 0; i < this.pendingSwaps.length; i++) {
      const c = this.pendingSwaps[i]!;
      const r = chain.receipt(c.id);
      if (!r) continue;
      this.pendingSwaps.splice(i--, 1);
      c.done = true;
      c.status = r.status;
      c.parent.lastUs = this.cfg.sim.nowUs;
      if (r.status === 'reverted') this.reroute(c.parent, c.qty, c.generation + 1);
    }
  }

  // ---- results ----

  private unit(): bigint {
    return 10n ** BigInt(this.unitDecimals);
  }

  /** Whole quote units × 10^unitDecimals, rounded half away from zero. */
  private toUnit(x: number): bigint {
    return BigInt(Math.round(x * 10 ** this.unitDecimals));
  }

  /** Fill in the pieces of every child (run end). */
  private settle(): void {
    const chain = this.cfg.chain;
    for (const p of this.parents.values()) {
      for (const c of p.children) {
        c.pieces = [];
        if (c.kind === 'book') {
          const b = c.book!;
          const scale = 10n ** BigInt(this.unitDecimals - b.quoteDecimals);
          let filled = 0;
          for (const f of c.fills) {
            filled += f.sizeLots;
            const qtyBase = f.sizeLots * b.lot;
            const midTicks = c.midAtDecision / b.tick;
            const touchTicks = c.touch / b.tick;
            const arrivalTicks = Number.isFinite(p.arrivalMidTicks) && b === this.cfg.books[0] ? p.arrivalMidTicks : p.arrivalMid / b.tick;
            c.pieces.push({
              qtyBase,
              a: b.notional.value(arrivalTicks, f.sizeLots) * scale,
              d: b.notional.value(midTicks, f.sizeLots) * scale,
              t: b.notional.value(touchTicks, f.sizeLots) * scale,
              cash: b.notional.value(f.priceTicks, f.sizeLots) * scale,
              fee: f.fee * scale,
              mev: 0n,
              gas: 0n,
            });
          }
          if (c.status === 'pending') c.status = filled >= (c.lots ?? 0) ? 'filled' : filled > 0 ? 'partial' : 'pending';
        } else if (chain) {
          const pv = c.pool!;
          const r = chain.receipt(c.id);
          if (!r) continue;
          const gasWei = r.feeWei;
          const gas = (gasWei * BigInt(Math.round(c.gasTokenPrice! * 10 ** this.unitDecimals))) / 10n ** 18n;
          if (r.status !== 'success') {
            c.pieces.push({ qtyBase: 0, a: 0n, d: 0n, t: 0n, cash: 0n, fee: 0n, mev: 0n, gas });
            continue;
          }
          const out = chain.amountOut(c.id) ?? 0n;
          const mevOut = chain.mevLoss(c.id);
          const feeRate = pv.pool.kind === 'v2' ? Number(pv.pool.feeBps) / 1e4 : pv.pool.config.fee / 1e6;
          const qScale = 10n ** BigInt(this.unitDecimals - pv.decimalsQuote);
          if (p.side === 'sell') {
            const qtyBase = Number(c.amountIn!) / 10 ** pv.decimalsBase;
            c.pieces.push({
              qtyBase,
              a: this.toUnit(qtyBase * p.arrivalMid),
              d: this.toUnit(qtyBase * c.midAtDecision),
              t: this.toUnit(qtyBase * c.touch),
              cash: out * qScale,
              fee: this.toUnit(qtyBase * feeRate * c.touch),
              mev: mevOut * qScale,
              gas,
            });
          } else {
            const qtyBase = Number(out) / 10 ** pv.decimalsBase;
            c.pieces.push({
              qtyBase,
              a: this.toUnit(qtyBase * p.arrivalMid),
              d: this.toUnit(qtyBase * c.midAtDecision),
              t: this.toUnit(qtyBase * c.touch),
              cash: c.amountIn! * qScale,
              fee: (c.amountIn! * qScale * BigInt(Math.round(feeRate * 1e6))) / 1_000_000n,
              mev: this.toUnit((Number(mevOut) / 10 ** pv.decimalsBase) * c.midAtDecision),
              gas,
            });
          }
        }
      }
    }
  }

  /** `routes` (one row per child) and `tca` (one row per parent); empty when nothing was routed. */
  tables(): Record<string, Record<string, ColumnData>> {
    if (this.parents.size === 0) return {};
    this.settle();
    const U = Number(this.unit());
    const r = {
      parent: [] as string[], decision: [] as number[], child: [] as string[], venue: [] as string[], kind: [] as string[], route: [] as string[], side: [] as string[],
      ts_us: [] as number[], decision_mid: [] as number[], touch: [] as number[], qty: [] as number[],
      exp_price: [] as number[], exp_fees: [] as number[], exp_gas: [] as number[], exp_mev: [] as number[], exp_capital: [] as number[], exp_funding: [] as number[], exp_total: [] as number[],
      status: [] as string[], qty_filled: [] as number[], realised_total: [] as number[], mev_loss: [] as number[], gas_paid: [] as number[], gas_token_price: [] as number[], final_ts_us: [] as number[],
    };
    const t = {
      parent: [] as string[], side: [] as string[], asked: [] as number[], filled: [] as number[], fill_rate: [] as number[], decisions: [] as number[], children: [] as number[],
      arrival_ts_us: [] as number[], end_ts_us: [] as number[], arrival_mid: [] as number[], interval_vwap: [] as number[], avg_price: [] as number[],
      arrival_value: [] as bigint[], net_cash: [] as bigint[],
      shortfall: [] as bigint[], timing: [] as bigint[], spread: [] as bigint[], impact: [] as bigint[], fees: [] as bigint[], gas: [] as bigint[], mev: [] as bigint[],
      shortfall_bps: [] as number[], timing_bps: [] as number[], spread_bps: [] as number[], impact_bps: [] as number[], fees_bps: [] as number[], gas_bps: [] as number[], mev_bps: [] as number[],
      venue_split: [] as string[], time_to_final_s: [] as number[],
    };
    const sv = { parent: [] as string[], venue: [] as string[], qty: [] as number[], share: [] as number[] };
    const chain = this.cfg.chain;
    for (const p of this.parents.values()) {
      const sign = p.side === 'sell' ? 1n : -1n;
      let filled = 0;
      let a = 0n, d = 0n, tt = 0n, cash = 0n, fee = 0n, mev = 0n, gas = 0n;
      let lastFinal = p.arrivalUs;
      const byVenue = new Map<string, number>();
      for (const c of p.children) {
        let q = 0;
        let cost = 0n;
        let cMev = 0n;
        let cGas = 0n;
        for (const x of c.pieces) {
          q += x.qtyBase;
          a += x.a; d += x.d; tt += x.t; cash += x.cash; fee += x.fee; mev += x.mev; gas += x.gas;
          // Realised cost against the decision mid: sell D − cash + fee (CLOB) / + gas; buy cash − D.
          cost += (p.side === 'sell' ? x.d - x.cash : x.cash - x.d) + (c.kind === 'book' ? x.fee : 0n) + x.gas;
          cMev += x.mev;
          cGas += x.gas;
        }
        filled += q;
        byVenue.set(c.venue, (byVenue.get(c.venue) ?? 0) + q);
        const fin = c.kind === 'pool' ? chain?.finalTsUs(c.id) : c.fills.length > 0 ? c.fills[c.fills.length - 1]!.tsUs : undefined;
        if (fin !== undefined && fin > lastFinal) lastFinal = fin;
        r.parent.push(p.id); r.decision.push(c.decision); r.child.push(c.id); r.venue.push(c.venue); r.kind.push(c.kind); r.route.push(c.route); r.side.push(p.side);
        r.ts_us.push(c.tsUs); r.decision_mid.push(c.midAtDecision); r.touch.push(c.touch); r.qty.push(c.qty);
        r.exp_price.push(c.expected.price); r.exp_fees.push(c.expected.fees); r.exp_gas.push(c.expected.gas); r.exp_mev.push(c.expected.mev); r.exp_capital.push(c.expected.capital); r.exp_funding.push(c.expected.funding); r.exp_total.push(termsSum(c.expected));
        r.status.push(c.status); r.qty_filled.push(q); r.realised_total.push(Number(cost) / U); r.mev_loss.push(Number(cMev) / U); r.gas_paid.push(Number(cGas) / U); r.gas_token_price.push(c.gasTokenPrice ?? NaN); r.final_ts_us.push(fin ?? NaN);
      }
      // Shortfall terms, exact integers. Book fees are paid on top of the notional; a pool's LP
      // fee and any sandwich loss are inside its output (so they come out of impact):
      //   sell: impact = T − cash − poolFee − MEV;  buy: impact = cash − T − poolFee − MEV.
      const bookFee = this.bookFeesOf(p);
      const poolFee = fee - bookFee;
      const timing = sign * (a - d);
      const spread = sign * (d - tt);
      const impact = p.side === 'sell' ? tt - cash - poolFee - mev : cash - tt - poolFee - mev;
      const shortfall = timing + spread + impact + fee + gas + mev;
      const netCash = p.side === 'sell' ? cash - bookFee : cash + bookFee;
      // The same shortfall measured directly: A − net proceeds + gas (sell), net spend − A + gas (buy).
      const direct = p.side === 'sell' ? a - netCash + gas : netCash - a + gas;
      if (direct !== shortfall) throw new Error(`router TCA for ${p.id}: terms ${shortfall} ≠ shortfall ${direct}`);
      const notional = Number(a) > 0 ? Number(a) : NaN;
      const bps = (x: bigint) => (Number(x) / notional) * 1e4;
      let vq = 0, vn = 0;
      for (let i = 0; i < this.trades.ts.length; i++) {
        const ts = this.trades.ts[i]!;
        if (ts < p.arrivalUs || ts > p.lastUs) continue;
        vq += this.trades.qty[i]!;
        vn += this.trades.qty[i]! * this.trades.px[i]!;
      }
      t.parent.push(p.id); t.side.push(p.side); t.asked.push(p.asked); t.filled.push(filled); t.fill_rate.push(p.asked > 0 ? filled / p.asked : 0);
      t.decisions.push(p.decisions); t.children.push(p.children.length); t.arrival_ts_us.push(p.arrivalUs); t.end_ts_us.push(p.lastUs);
      t.arrival_mid.push(p.arrivalMid); t.interval_vwap.push(vq > 0 ? vn / vq : NaN); t.avg_price.push(filled > 0 ? Number(netCash) / U / filled : NaN);
      t.arrival_value.push(a); t.net_cash.push(netCash);
      t.shortfall.push(shortfall); t.timing.push(timing); t.spread.push(spread); t.impact.push(impact); t.fees.push(fee); t.gas.push(gas); t.mev.push(mev);
      t.shortfall_bps.push(bps(shortfall)); t.timing_bps.push(bps(timing)); t.spread_bps.push(bps(spread)); t.impact_bps.push(bps(impact)); t.fees_bps.push(bps(fee)); t.gas_bps.push(bps(gas)); t.mev_bps.push(bps(mev));
      t.venue_split.push([...byVenue].map(([v, q]) => `${v}:${filled > 0 ? ((100 * q) / filled).toFixed(1) : '0'}%`).join(' '));
      t.time_to_final_s.push((lastFinal - p.arrivalUs) / 1e6);
      for (const [v, q] of byVenue) { sv.parent.push(p.id); sv.venue.push(v); sv.qty.push(q); sv.share.push(filled > 0 ? q / filled : 0); }
    }
    const f64 = (x: number[]) => Float64Array.from(x);
    const i64 = (x: bigint[]) => BigInt64Array.from(x);
    return {
      routes: {
        parent: r.parent, decision: Int32Array.from(r.decision), child: r.child, venue: r.venue, kind: r.kind, route: r.route, side: r.side,
        ts_us: f64(r.ts_us), decision_mid: f64(r.decision_mid), touch: f64(r.touch), qty: f64(r.qty),
        exp_price: f64(r.exp_price), exp_fees: f64(r.exp_fees), exp_gas: f64(r.exp_gas), exp_mev: f64(r.exp_mev), exp_capital: f64(r.exp_capital), exp_funding: f64(r.exp_funding), exp_total: f64(r.exp_total),
        status: r.status, qty_filled: f64(r.qty_filled), realised_total: f64(r.realised_total), mev_loss: f64(r.mev_loss), gas_paid: f64(r.gas_paid), gas_token_price: f64(r.gas_token_price), final_ts_us: f64(r.final_ts_us),
      },
      tca: {
        parent: t.parent, side: t.side, asked: f64(t.asked), filled: f64(t.filled), fill_rate: f64(t.fill_rate), decisions: Int32Array.from(t.decisions), children: Int32Array.from(t.children),
        arrival_ts_us: f64(t.arrival_ts_us), end_ts_us: f64(t.end_ts_us), arrival_mid: f64(t.arrival_mid), interval_vwap: f64(t.interval_vwap), avg_price: f64(t.avg_price),
        // Exact integer terms in 10^-unit_decimals quote units; *_bps of the arrival value.
        unit_decimals: Int32Array.from(t.parent.map(() => this.unitDecimals)),
        arrival_value: i64(t.arrival_value), net_cash: i64(t.net_cash),
        shortfall: i64(t.shortfall), timing: i64(t.timing), spread: i64(t.spread), impact: i64(t.impact), fees: i64(t.fees), gas: i64(t.gas), mev: i64(t.mev),
        shortfall_bps: f64(t.shortfall_bps), timing_bps: f64(t.timing_bps), spread_bps: f64(t.spread_bps), impact_bps: f64(t.impact_bps), fees_bps: f64(t.fees_bps), gas_bps: f64(t.gas_bps), mev_bps: f64(t.mev_bps),
        venue_split: t.venue_split, time_to_final_s: f64(t.time_to_final_s),
      },
      tca_venues: { parent: sv.parent, venue: sv.venue, qty: f64(sv.qty), share: f64(sv.share) },
    };
  }

  private bookFeesOf(p: Parent): bigint {
    let f = 0n;
    for (const c of p.children) if (c.kind === 'book') for (const x of c.pieces) f += x.fee;
    return f;
  }
}

function termsSum(t: CostTerms): number {
  return t.price + t.fees + t.gas + t.mev + t.capital + t.funding;
}

/** Up to the next micro-unit, then the chain's own conversion (a buy's input must not fall short). */
function toMinorUp(x: number, decimals: number): bigint {
  return toMinor(Math.ceil(x * 1e6 - 1e-6) / 1e6, decimals);
}
