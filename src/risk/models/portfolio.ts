import { ConfigError, ModelError } from '../../errors.ts';
import { black76Greeks, black76Price, inverseGreeks } from '../../pricing/index.ts';
import type { GroupRequirement, GroupView, Leg, MarginModel, Scenario, WorstScenario } from '../types.ts';

/** Parameters of the scenario grid; defaults in the style of Deribit portfolio margin for BTC. */
export interface PortfolioParams {
  /** Relative price moves of the main table (Deribit BTC: ±16%). */
  priceMoves: readonly number[];
  /** Relative vol shocks at 30 days to expiry, scaled by (30/days)^volPower (Deribit: power 0.3). */
  volUp: number;
  volDown: number;
  volPower: number;
  /** Down-shock never takes more than this share of the vol (keeps vol > 0 for short expiries). */
  volDownCap: number;
  /** Extended tail moves, loss divided by extendedDampener (Deribit's extended table). */
  extendedMoves: readonly number[];
  extendedDampener: number;
  /** Per net short option contract per strike, as a fraction of the underlying (Deribit 0.01 BTC). */
  optionContingency: number;
  /** On offsetting delta-one legs (long one future, short another), fraction of underlying (Deribit 1%). */
  futuresContingency: number;
  /** On |net delta| × S (primesim's delta add-on, not an exchange rule). */
  deltaAddOn: number;
  /** MM = mmFraction × IM (Deribit PM: initial margin is 1.25× maintenance). */
  mmFraction: number;
}

export function defaultPortfolioParams(): PortfolioParams {
  const priceMoves: number[] = [];
  for (let i = -8; i <= 8; i++) priceMoves.push(i / 50);
  return {
    priceMoves,
    volUp: 0.45,
    volDown: 0.3,
    volPower: 0.3,
    volDownCap: 0.9,
    extendedMoves: [-0.33, 0.33],
    extendedDampener: 3,
    optionContingency: 0.01,
    futuresContingency: 0.01,
    deltaAddOn: 0.005,
    mmFraction: 0.8,
  };
}

const VOLS = ['up', 'same', 'down'] as const;

/** Scenario list: main table (every price move × vol up/same/down) then the extended table. */
export function scenarioGrid(p: PortfolioParams): Scenario[] {
  const out: Scenario[] = [];
  for (const m of p.priceMoves) for (const v of VOLS) out.push({ priceMove: m, vol: v, extended: false });
  for (const m of p.extendedMoves) for (const v of VOLS) out.push({ priceMove: m, vol: v, extended: true });
  return out;
}

/** The shocked vol of an option with `days` to expiry under a vol scenario. */
export function shockedVol(p: PortfolioParams, vol: number, days: number, which: 'up' | 'same' | 'down'): number {
  if (which === 'same') return vol;
  const scale = Math.pow(30 / Math.max(days, 1), p.volPower);
  return which === 'up' ? vol * (1 + p.volUp * scale) : vol * (1 - Math.min(p.volDown * scale, p.volDownCap));
}

/** Value of one leg (quote units) at underlying `s` and option vol `vol`; intrinsic at/after expiry. */
export function legValue(l: Leg, s: number, vol: number, spot0: number): number {
  const inst = l.inst;
  if (inst.kind !== 'option') return l.qty * l.mark * (s / spot0);
  const o = inst.option!;
  const t = l.t ?? 0;
  if (t <= 0) return l.qty * Math.max(0, o.kind === 'call' ? s - o.strike : o.strike - s);
  return l.qty * black76Price({ kind: o.kind, forward: s, strike: o.strike, t, vol });
}

/**
 * Value in coin of one coin-settled leg at underlying `s` (up to a constant: only differences are
 * used). Inverse delta-one: −face / mark with the mark moving with `s`; inverse option: premium in
 * coin = Black-76 / s (intrinsic / s at or after expiry).
 */
export function legValueCoin(l: Leg, s: number, vol: number, spot0: number): number {
  const inst = l.inst;
  if (inst.kind !== 'option') return -l.qty / (l.mark * (s / spot0));
  const o = inst.option!;
  const t = l.t ?? 0;
  if (t <= 0) return (l.qty * Math.max(0, o.kind === 'call' ? s - o.strike : o.strike - s)) / s;
  // = inversePrice (Black-76 / F), without the greeks inversePrice computes on the way: the grid calls this 57× per leg.
  return (l.qty * black76Price({ kind: o.kind, forward: s, strike: o.strike, t, vol })) / s;
}

/**
 * Portfolio margin by scenario grid: revalue every leg of the underlying under price × vol
 * scenarios (Black-76, sticky strike), IM = worst loss + contingency add-ons, MM = a fraction.
 */
export class PortfolioMargin implements MarginModel {
  readonly name = 'portfolio';
  readonly isolated = false;
  readonly params: PortfolioParams;
  readonly scenarios: readonly Scenario[];
  private pnl: Float64Array;

  constructor(params: Partial<PortfolioParams> = {}) {
    this.params = { ...defaultPortfolioParams(), ...params };
    const p = this.params;
    for (const [k, v] of Object.entries(p)) {
      const vals = Array.isArray(v) ? v : [v];
      for (const x of vals) if (!Number.isFinite(x)) throw new ConfigError(`portfolio margin: ${k} must be finite, got ${x}`, { field: k });
    }
    if (!(p.extendedDampener > 0)) throw new ConfigError(`portfolio margin: extendedDampener must be > 0, got ${p.extendedDampener}`, { field: 'extendedDampener' });
    if (!(p.mmFraction > 0 && p.mmFraction <= 1)) throw new ConfigError(`portfolio margin: mmFraction must be in (0, 1], got ${p.mmFraction}`, { field: 'mmFraction' });
    if (p.priceMoves.some((m) => m <= -1) || p.extendedMoves.some((m) => m <= -1)) {
      throw new ConfigError('portfolio margin: a price move must be > -100%', { field: 'priceMoves' });
    }
    this.scenarios = scenarioGrid(p);
    this.pnl = new Float64Array(this.scenarios.length);
  }

  groupRequirement(g: GroupView): GroupRequirement {
    const p = this.params;
    const sc = this.scenarios;
    const pnl = this.pnl;
    pnl.fill(0);
    const s0 = g.spot;
    let netDelta = 0;
    let longD1 = 0;
    let shortD1 = 0;
    const shortByStrike = new Map<number, number>();
    for (const l of g.legs) {
      if (l.qty === 0) continue;
      const coin = g.coin === true;
      if (l.inst.kind !== 'option') {
        // Exposure in underlying units: inverse face / mark (coin), linear qty.
        const q = coin ? l.qty / l.mark : l.qty;
        netDelta += q;
        if (q > 0) longD1 += q;
        else shortD1 -= q;
        if (coin) {
          const v0 = legValueCoin(l, s0, 0, s0);
          for (let i = 0; i < sc.length; i++) pnl[i]! += legValueCoin(l, s0 * (1 + sc[i]!.priceMove), 0, s0) - v0;
        } else {
          const v0 = l.qty * l.mark;
          for (let i = 0; i < sc.length; i++) pnl[i]! += v0 * sc[i]!.priceMove;
        }
        continue;
      }
      const o = l.inst.option!;
      const t = l.t ?? 0;
      const vol = l.vol ?? NaN;
      if (t > 0 && !(vol > 0 && Number.isFinite(vol))) {
        throw new ModelError(`portfolio margin: instrument ${l.inst.id} has vol ${vol}; implied vol must be > 0`, { field: 'vol' });
      }
      shortByStrike.set(o.strike, (shortByStrike.get(o.strike) ?? 0) + l.qty);
      const value = coin ? legValueCoin : legValue;
      const base = value(l, s0, vol, s0);
      const itm = o.kind === 'call' ? (s0 > o.strike ? 1 : 0) : s0 < o.strike ? -1 : 0;
      if (coin) {
        // Premium-adjusted (coin) delta: the exposure an inverse-future hedge offsets.
        netDelta += l.qty * (t > 0 ? inverseGreeks({ kind: o.kind, forward: s0, strike: o.strike, t, vol }).coin.delta : itm - base / l.qty);
      } else if (t > 0) netDelta += l.qty * black76Greeks({ kind: o.kind, forward: s0, strike: o.strike, t, vol }).delta;
      else netDelta += l.qty * itm;
      const days = t * 365;
      const vUp = shockedVol(p, vol, days, 'up');
      const vDown = shockedVol(p, vol, days, 'down');
      for (let i = 0; i < sc.length; i++) {
        const s = sc[i]!;
        const v = s.vol === 'same' ? vol : s.vol === 'up' ? vUp : vDown;
        pnl[i]! += value(l, s0 * (1 + s.priceMove), v, s0) - base;
      }
    }
    let worstI = -1;
    let worstLoss = 0;
    for (let i = 0; i < sc.length; i++) {
      const loss = sc[i]!.extended ? -pnl[i]! / p.extendedDampener : -pnl[i]!;
      if (loss > worstLoss) {
        worstLoss = loss;
        worstI = i;
      }
    }
    let netShort = 0;
    for (const q of shortByStrike.values()) if (q < 0) netShort -= q;
    // Add-ons are fractions of the underlying: × S in quote units, as is in coin (Deribit's 0.01 BTC).
    const scale = g.coin === true ? 1 : s0;
    const addOns = {
      option_contingency: p.optionContingency * scale * netShort,
      futures_contingency: p.futuresContingency * scale * Math.min(longD1, shortD1),
      delta: p.deltaAddOn * scale * Math.abs(netDelta),
    };
    const im = worstLoss + addOns.option_contingency + addOns.futures_contingency + addOns.delta;
    const w = sc[worstI < 0 ? sc.findIndex((x) => x.priceMove === 0 && x.vol === 'same') : worstI] ?? sc[0]!;
    const worst: WorstScenario = { ...w, loss: worstLoss, price: s0 * (1 + w.priceMove) };
    return { im, mm: p.mmFraction * im, worst, addOns };
  }
}
