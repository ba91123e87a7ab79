/**
 * The all-in cost of trading the next unit on one venue, from the venue's frozen state: what the
 * router equalises across venues. Every curve measures cost in quote units relative to the
 * arrival mid (selling q base for less than q·mid, or buying it for more, is cost), split into
 * named terms so the routing record shows each one — nothing is a hidden constant.
 *
 * Two shapes cover the venues:
 * - `ClobCurve`: a book walk over the touched side's levels, fee on notional. Marginal cost is a
 *   step function (one step per level), so it has a range [lo, hi] of quantities at a level's λ.
 * - `AmmCurve`: a constant-function market maker as segments of constant liquidity in √price
 *   space. Uniswap v3 is its initialized-tick ranges; Uniswap v2 is one full-range segment with
 *   L = √(x·y) (a v2 pair with the fee on input is exactly a v3 full-range position). Costs add
 *   gas (paid once if the pool is used), the most a sandwich can take on the public mempool
 *   (the slippage limit times the expected output — zero through the private relay) and the cost
 *   of capital locked until finality.
 *
 * Floats are fine here: these are expectations for a decision; what executes is exact (the
 * pools' bigint math, the book's integer ticks and lots) and the TCA measures that.
 */

export type RouteSide = 'buy' | 'sell';

/** Expected cost of one leg by term (quote units; their sum is the leg's all-in cost). */
export interface CostTerms {
  /** Price paid relative to the arrival mid: spread plus impact (AMM: excluding the LP fee). */
  price: number;
  /** Exchange fee (CLOB taker fee; AMM LP fee valued at the mid). */
  fees: number;
  /** Gas at the current base fee plus tip, in quote units. */
  gas: number;
  /** What a sandwich can take within the slippage limit (public mempool), 0 on the private relay. */
  mev: number;
  /** Interest on the capital locked until settlement is final. */
  capital: number;
  /** Funding to the horizon on a perp hedge leg (negative when the leg receives it). */
  funding: number;
}

export function termsTotal(t: CostTerms): number {
  return t.price + t.fees + t.gas + t.mev + t.capital + t.funding;
}

export interface CostCurve {
  readonly venue: string;
  readonly side: RouteSide;
  /** Cost paid once when the venue takes any quantity (gas), quote units. */
  readonly fixedCost: number;
  /** Most base units the venue can take (depth, pool capacity, the caller's cap). */
  readonly capacity: number;
  /** Marginal all-in cost per base unit at quantity q (right derivative), quote per base. */
  marginal(q: number): number;
  /** Base units whose marginal cost is strictly below λ (the start of a flat step at λ). */
  qBelow(lambda: number): number;
  /** Base units whose marginal cost is at most λ (the end of a flat step at λ). */
  qAtMost(lambda: number): number;
  /** Variable cost of q (no fixed cost), quote units. */
  cost(q: number): number;
  terms(q: number): CostTerms;
}

// ---------------------------------------------------------------- CLOB

export interface ClobCurveInput {
  venue: string;
  side: RouteSide;
  /** Arrival mid, quote per base. */
  mid: number;
  /** The side a market order touches (sell: bids best first; buy: asks best first), price per base and size in base. */
  prices: ArrayLike<number>;
  sizes: ArrayLike<number>;
  /** Levels to use (defaults to all). */
  levels?: number;
  /** Taker fee as a fraction of notional (0.0004 = 4 bps). */
  feeRate: number;
  /** Perp hedge leg: funding paid per unit of notional until the horizon (signed, for this side). */
  fundingToHorizon?: number;
  /** The caller's cap on this venue, base units. */
  cap?: number;
}

export class ClobCurve implements CostCurve {
  readonly venue: string;
  readonly side: RouteSide;
  readonly fixedCost = 0;
  readonly capacity: number;
  private readonly n: number;
  /** The caller's levels (read, never copied: a curve lives for one decision). */
  private readonly px: ArrayLike<number>;
  private readonly sz: ArrayLike<number>;
  /** Marginal cost per base at each level (non-decreasing), then the cumulative sizes (cum[k] = sizes of levels 0…k−1). */
  private readonly buf: Float64Array;
  private readonly mid: number;
  private readonly fee: number;
  private readonly fund: number;

  constructor(i: ClobCurveInput) {
    this.venue = i.venue;
    this.side = i.side;
    this.mid = i.mid;
    this.fee = i.feeRate;
    this.fund = i.fundingToHorizon ?? 0;
    const n = Math.min(i.levels ?? i.prices.length, i.prices.length, i.sizes.length);
    this.n = n;
    this.px = i.prices;
    this.sz = i.sizes;
    // One allocation: n marginal costs, then n + 1 cumulative sizes. Levels with no size add nothing.
    const buf = new Float64Array(2 * n + 1);
    for (let j = 0; j < n; j++) {
      const sz = i.sizes[j]!;
      buf[j] = this.unitCost(i.prices[j]!);
      buf[n + j + 1] = buf[n + j]! + (sz > 0 ? sz : 0);
    }
    this.buf = buf;
    this.capacity = Math.min(buf[2 * n]!, i.cap ?? Infinity);
  }

  private unitCost(p: number): number {
    const carry = this.fund * p;
    return this.side === 'sell' ? this.mid - p * (1 - this.fee) + carry : p * (1 + this.fee) - this.mid + carry;
  }

  marginal(q: number): number {
    for (let j = 0; j < this.n; j++) if (q < this.buf[this.n + j + 1]!) return this.buf[j]!;
    return Infinity;
  }

  /** Levels whose marginal cost is below λ (strict) or at most λ: binary search on the sorted costs. */
  private count(lambda: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      const c = this.buf[m]!;
      if (inclusive ? c <= lambda : c < lambda) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  qBelow(lambda: number): number {
    return Math.min(this.buf[this.n + this.count(lambda, false)]!, this.capacity);
  }

  qAtMost(lambda: number): number {
    return Math.min(this.buf[this.n + this.count(lambda, true)]!, this.capacity);
  }

  /** Gross notional of walking q base units (quote units). */
  notional(q: number): number {
    let left = q;
    let gross = 0;
    for (let j = 0; j < this.n && left > 0; j++) {
      const sz = this.sz[j]!;
      if (!(sz > 0)) continue;
      const take = Math.min(left, sz);
      gross += take * this.px[j]!;
      left -= take;
    }
    return left > 1e-12 * q ? NaN : gross;
  }

  cost(q: number): number {
    if (q <= 0) return 0;
    const t = this.terms(q);
    return t.price + t.fees + t.funding;
  }

  terms(q: number): CostTerms {
    const gross = q > 0 ? this.notional(q) : 0;
    const price = this.side === 'sell' ? q * this.mid - gross : gross - q * this.mid;
    return { price, fees: gross * this.fee, gas: 0, mev: 0, capital: 0, funding: gross * this.fund };
  }
}

// ---------------------------------------------------------------- AMM

/** A constant-function pool as constant-liquidity segments in √price (token1 minor per token0 minor). */
export interface AmmState {
  /** Current √price. */
  sqrtPrice: number;
  /** Active liquidity (√(minor0·minor1)). */
  liquidity: number;
  /** Initialized tick boundaries as √prices ascending, with the liquidity added when crossing each upwards. */
  boundaries: ArrayLike<number>;
  liquidityNet: ArrayLike<number>;
  /** How many boundaries are at or below the current tick (already crossed upwards: their net is in \`liquidity\`). */
  crossed: number;
  /** Fee on input (0.003 = 30 bps). */
  feeRate: number;
  decimals0: number;
  decimals1: number;
}

export interface AmmCurveInput {
  venue: string;
  side: RouteSide;
  mid: number;
  state: AmmState;
  /** Whether the base asset is the pool's token0. */
  baseIsToken0: boolean;
  /** Gas of one swap in quote units (units × (base fee + tip) × the gas token's price). */
  gasCost: number;
  /** Slippage limit (fraction): a sandwich can take up to this share of the output on the public mempool. */
  slippage: number;
  route: 'public' | 'private';
  /** Capital cost rate × time to finality (fraction of the locked value). */
  capitalRate: number;
  cap?: number;
}

export class AmmCurve implements CostCurve {
  readonly venue: string;
  readonly side: RouteSide;
  readonly fixedCost: number;
  readonly capacity: number;
  /** Whether the swap sells token0 (price falls). */
  readonly zeroForOne: boolean;
  private readonly mid: number;
  private readonly gamma: number;
  private readonly mevShare: number;
  private readonly capRate: number;
  /** ν: the share of the expected output kept after MEV and capital costs. */
  private readonly nu: number;
  /** Whole-unit scale of in/out amounts. */
  private readonly inScale: number;
  private readonly outScale: number;
  /** Segments along the swap's direction: start √p, end √p, liquidity, cumulative gross input and output at the start. */
  private readonly sStart: Float64Array;
  private readonly sEnd: Float64Array;
  private readonly liq: Float64Array;
  private readonly cumIn: Float64Array;
  private readonly cumOut: Float64Array;
  private readonly nSeg: number;
  private readonly s0: number;
  private readonly feeRate: number;

  constructor(i: AmmCurveInput) {
    this.venue = i.venue;
    this.side = i.side;
    this.mid = i.mid;
    this.feeRate = i.state.feeRate;
    this.gamma = 1 - i.state.feeRate;
    this.fixedCost = i.gasCost;
    this.mevShare = i.route === 'public' ? i.slippage : 0;
    this.capRate = i.capitalRate;
    this.nu = 1 - this.mevShare - this.capRate;
    // sell base = put base in; buy base = put quote in.
    const baseIn = i.side === 'sell';
    const token0In = baseIn === i.baseIsToken0;
    this.zeroForOne = token0In;
    const d0 = 10 ** i.state.decimals0;
    const d1 = 10 ** i.state.decimals1;
    this.inScale = token0In ? d0 : d1;
    this.outScale = token0In ? d1 : d0;
    const st = i.state;
    this.s0 = st.sqrtPrice;
    const seg = segmentsOf(st, token0In);
    this.nSeg = seg.n;
    this.sStart = seg.sStart;
    this.sEnd = seg.sEnd;
    this.liq = seg.liq;
    this.cumIn = seg.cumIn;
    this.cumOut = seg.cumOut;
    const n = seg.n;
    // Capacity: everything up to the last finite segment end (a full-range segment is unbounded).
    const capBase = baseIn ? this.cumIn[n]! / this.inScale : this.cumOut[n]! / this.outScale;
    this.capacity = Math.min(Number.isFinite(capBase) ? capBase * (1 - 1e-9) : Infinity, i.cap ?? Infinity);
  }

  /** Gross input and output (minor units) of moving from the start of segment k to √price s inside it. */
  private segAmounts(k: number, s: number): [number, number] {
    return segAmounts(this.zeroForOne, this.gamma, this.sStart[k]!, this.liq[k]!, s);
  }

  /** Marginal output per gross input (whole units) at √price s. */
  private rateAt(s: number): number {
    const r = this.zeroForOne ? this.gamma * s * s : this.gamma / (s * s);
    return (r * this.inScale) / this.outScale;
  }

  /** √price where the marginal rate (whole units) equals r; beyond s0 means "none". */
  private sqrtAtRate(r: number): number {
    const minor = (r * this.outScale) / this.inScale;
    return this.zeroForOne ? Math.sqrt(minor / this.gamma) : Math.sqrt(this.gamma / minor);
  }

  /** (gross input, output) in minor units to move the price to s (monotone along the direction). */
  private amountsTo(s: number): [number, number] {
    // The first segment whose end is beyond s along the direction (ends are monotone): binary search.
    let lo = 0;
    let hi = this.nSeg;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      const end = this.sEnd[m]!;
      if (this.zeroForOne ? s >= end : s <= end) hi = m;
      else lo = m + 1;
    }
    if (lo >= this.nSeg) return [this.cumIn[this.nSeg]!, this.cumOut[this.nSeg]!];
    const [din, dout] = this.segAmounts(lo, s);
    return [this.cumIn[lo]! + din, this.cumOut[lo]! + dout];
  }

  /** √price after trading q base units. */
  private sqrtAfter(q: number): number {
    const baseIn = this.side === 'sell';
    const target = q * (baseIn ? this.inScale : this.outScale);
    const cum = baseIn ? this.cumIn : this.cumOut;
    for (let k = 0; k < this.nSeg; k++) {
      if (target <= cum[k + 1]!) {
        const rem = target - cum[k]!;
        const a = this.sStart[k]!;
        const L = this.liq[k]!;
        if (baseIn) {
          const net = rem * this.gamma;
          return this.zeroForOne ? 1 / (1 / a + net / L) : a + net / L;
        }
        return this.zeroForOne ? a - rem / L : 1 / (1 / a - rem / L);
      }
    }
    return this.sEnd[this.nSeg - 1] ?? this.s0;
  }

  marginal(q: number): number {
    const rate = this.rateAt(this.sqrtAfter(q));
    return this.side === 'sell' ? this.mid - this.nu * rate : 1 / rate - this.nu * this.mid;
  }

  private quantityAt(lambda: number): number {
    // The marginal output rate (whole units) the last unit must still get.
    let r: number;
    if (this.side === 'sell') r = (this.mid - lambda) / this.nu;
    else {
      const maxIn = lambda + this.nu * this.mid;
      if (!(maxIn > 0)) return 0;
      r = 1 / maxIn;
    }
    if (!(r > 0)) return this.capacity;
    if (r >= this.rateAt(this.s0)) return 0;
    const [gin, out] = this.amountsTo(this.sqrtAtRate(r));
    const q = this.side === 'sell' ? gin / this.inScale : out / this.outScale;
    return Math.min(q, this.capacity);
  }

  qBelow(lambda: number): number {
    return this.quantityAt(lambda);
  }

  /** The pool's marginal price before its fee (quote per base): the touch a swap starts from. */
  priceAt0(): number {
    const r = this.rateAt(this.s0) / this.gamma;
    return this.side === 'sell' ? r : 1 / r;
  }

  /** Base units until the marginal execution price (fee included) reaches \`price\` (quote per base). */
  qtyAtPrice(price: number): number {
    const r = this.side === 'sell' ? price : 1 / price;
    if (!(r > 0)) return this.capacity;
    if (r >= this.rateAt(this.s0)) return 0;
    const [gin, out] = this.amountsTo(this.sqrtAtRate(r));
    return Math.min(this.side === 'sell' ? gin / this.inScale : out / this.outScale, this.capacity);
  }

  qAtMost(lambda: number): number {
    return this.quantityAt(lambda);
  }

  /** Expected (gross input, output) in whole units for q base units. */
  amounts(q: number): [number, number] {
    if (q <= 0) return [0, 0];
    const [gin, out] = this.amountsTo(this.sqrtAfter(q));
    return [gin / this.inScale, out / this.outScale];
  }

  cost(q: number): number {
    if (q <= 0) return 0;
    const t = this.terms(q);
    return t.price + t.fees + t.mev + t.capital;
  }

  terms(q: number): CostTerms {
    const [gin, out] = this.amounts(q);
    // The LP fee is the fee share of the input, valued at the mid (sell: base in; buy: quote in).
    const fees = this.side === 'sell' ? this.feeRate * gin * this.mid : this.feeRate * gin;
    // Value given up vs received at the mid; MEV and capital on the output's value.
    const outValue = this.side === 'sell' ? out : q * this.mid;
    const price = this.side === 'sell' ? q * this.mid - out - fees : gin - q * this.mid - fees;
    return { price, fees, gas: q > 0 ? this.fixedCost : 0, mev: this.mevShare * outValue, capital: this.capRate * outValue, funding: 0 };
  }
}

function segAmounts(zeroForOne: boolean, gamma: number, a: number, L: number, s: number): [number, number] {
  if (zeroForOne) return [(L * (1 / s - 1 / a)) / gamma, L * (a - s)];
  return [(L * (s - a)) / gamma, L * (1 / a - (s === Infinity ? 0 : 1 / s))];
}

interface Segments {
  n: number;
  sStart: Float64Array;
  sEnd: Float64Array;
  liq: Float64Array;
  cumIn: Float64Array;
  cumOut: Float64Array;
}

/**
 * A pool state's constant-liquidity segments walking away from the current price in one
 * direction, with cumulative gross input and output at each segment's start. Built once per
 * (state, direction): the state objects are cached per pool state, so per block in a run.
 */
const segmentCache = new WeakMap<AmmState, { down?: Segments; up?: Segments }>();

function segmentsOf(st: AmmState, zeroForOne: boolean): Segments {
  let e = segmentCache.get(st);
  if (!e) {
    e = {};
    segmentCache.set(st, e);
  }
  const hit = zeroForOne ? e.down : e.up;
  if (hit) return hit;
  const gamma = 1 - st.feeRate;
  const b = st.boundaries;
  const net = st.liquidityNet;
  const nb = b.length;
  const starts: number[] = [];
  const ends: number[] = [];
  const ls: number[] = [];
  let s = st.sqrtPrice;
  let L = st.liquidity;
  if (zeroForOne) {
    // Down: crossing a boundary downwards removes its net.
    for (let j = st.crossed - 1; ; j--) {
      const next = j >= 0 ? b[j]! : 0;
      if (L > 0 && next < s) { starts.push(s); ends.push(next); ls.push(L); }
      if (j < 0) break;
      s = next;
      L -= net[j]!;
    }
  } else {
    for (let j = st.crossed; ; j++) {
      const next = j < nb ? b[j]! : Infinity;
      if (L > 0 && next > s) { starts.push(s); ends.push(next); ls.push(L); }
      if (j >= nb) break;
      s = next;
      L += net[j]!;
    }
  }
  const n = starts.length;
  const seg: Segments = { n, sStart: Float64Array.from(starts), sEnd: Float64Array.from(ends), liq: Float64Array.from(ls), cumIn: new Float64Array(n + 1), cumOut: new Float64Array(n + 1) };
  for (let k = 0; k < n; k++) {
    const [din, dout] = segAmounts(zeroForOne, gamma, seg.sStart[k]!, seg.liq[k]!, seg.sEnd[k]!);
    seg.cumIn[k + 1] = seg.cumIn[k]! + din;
    seg.cumOut[k + 1] = seg.cumOut[k]! + dout;
  }
  if (zeroForOne) e.down = seg;
  else e.up = seg;
  return seg;
}
