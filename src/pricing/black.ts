import { ModelError } from '../errors.ts';
import { normCdf, normPdf } from './normal.ts';
import { normalisedOtm } from './normalised.ts';
import { requireFinite, requirePositive, requireTime } from './validate.ts';

/**
 * Black-76 (options on a forward/futures price) and Black-Scholes on spot with a continuous yield
 * ("carry": b = rate - yield, Haug's generalised BSM). Both reduce to one forward-space core:
 * price = DF * Black(F, K, sigma*sqrt(T)) with DF = exp(-rate*T) and, for spot, F = S*exp(b*T).
 *
 * Units and conventions (all greeks are plain partial derivatives, no scaling):
 * - time `t` in years, `rate` and `yield` continuously compounded per year;
 * - delta, gamma, vanna are with respect to the forward for Black-76 and to spot for BS;
 * - vega and volga are per 1.00 of vol (divide by 100 for "per vol point");
 * - theta is the value change per year of calendar time passing, -dV/dT (divide by 365 per day),
 *   holding F (Black-76) or S (BS) and the rates fixed;
 * - rho is dV/d(rate): for Black-76 the forward is held fixed (rho = -T*V); for BS the spot and
 *   yield are held fixed, so the forward moves with the rate.
 */

export type OptionKind = 'call' | 'put';

export interface Black76Input {
  kind: OptionKind;
  forward: number;
  strike: number;
  /** Years to expiry (> 0). */
  t: number;
  /** Annualised lognormal vol (> 0), 0.6 = 60%. */
  vol: number;
  /** Continuously compounded discount rate; 0 when omitted (crypto venues quote undiscounted). */
  rate?: number;
}

export interface BsInput {
  kind: OptionKind;
  spot: number;
  strike: number;
  t: number;
  vol: number;
  rate: number;
  /** Continuous yield of the underlying (dividend, foreign rate, coin lending rate); 0 when omitted. */
  yield?: number;
}

export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
  vanna: number;
  volga: number;
}

/**
 * Undiscounted Black price E[(F-K)+] or E[(K-F)+] for total std-dev s = vol*sqrt(T) > 0.
 * The out-of-the-money side is computed directly from tail cdfs and the in-the-money side by
 * parity, so deep OTM values keep relative accuracy instead of drowning in 1 - N(d).
 */
export function forwardBlack(isCall: boolean, f: number, k: number, s: number): number {
  const x = Math.log(f / k);
  const otm = Math.sqrt(f * k) * normalisedOtm(-Math.abs(x), s);
  if (f > k) return isCall ? otm + (f - k) : otm;
  return isCall ? otm : otm + (k - f);
}

function checkCommon(strike: number, t: number, vol: number): void {
  requirePositive('strike', strike);
  requireTime('t', t);
  requirePositive('vol', vol, 'implied vol must be positive');
}

function checkKind(kind: string): void {
  if (kind !== 'call' && kind !== 'put') {
    throw new ModelError(`kind must be 'call' or 'put', got ${String(kind)}`, { field: 'kind' });
  }
}

function validateBlack76(i: Black76Input): number {
  checkKind(i.kind);
  requirePositive('forward', i.forward);
  checkCommon(i.strike, i.t, i.vol);
  return i.rate === undefined ? 0 : requireFinite('rate', i.rate);
}

function validateBs(i: BsInput): number {
  checkKind(i.kind);
  requirePositive('spot', i.spot);
  checkCommon(i.strike, i.t, i.vol);
  requireFinite('rate', i.rate);
  return i.yield === undefined ? 0 : requireFinite('yield', i.yield);
}

/** Black-76 price only (validated). */
export function black76Price(i: Black76Input): number {
  const rate = validateBlack76(i);
  return Math.exp(-rate * i.t) * forwardBlack(i.kind === 'call', i.forward, i.strike, i.vol * Math.sqrt(i.t));
}

/** Black-Scholes price on spot with continuous yield (validated). */
export function bsPrice(i: BsInput): number {
  const q = validateBs(i);
  const f = i.spot * Math.exp((i.rate - q) * i.t);
  return Math.exp(-i.rate * i.t) * forwardBlack(i.kind === 'call', f, i.strike, i.vol * Math.sqrt(i.t));
}

/** Forward-space pieces shared by both models' greeks. */
interface Core {
  price: number;
  df: number;
  /** dPrice/dF including discount: DF*N(d1) for calls, DF*(N(d1)-1) for puts. */
  deltaF: number;
  gammaF: number;
  vega: number;
  vannaF: number;
  volga: number;
  /** -dPrice/dT holding F and rate: the pure time-decay part. */
  decay: number;
}

function core(isCall: boolean, f: number, k: number, t: number, vol: number, rate: number): Core {
  const sqrtT = Math.sqrt(t);
  const s = vol * sqrtT;
  const df = Math.exp(-rate * t);
  const d1 = Math.log(f / k) / s + 0.5 * s;
  const d2 = d1 - s;
  const pdf = normPdf(d1);
  const price = df * forwardBlack(isCall, f, k, s);
  const nd1 = isCall ? normCdf(d1) : -normCdf(-d1);
  const vega = df * f * pdf * sqrtT;
  return {
    price,
    df,
    deltaF: df * nd1,
    gammaF: (df * pdf) / (f * s),
    vega,
    vannaF: (-df * pdf * d2) / vol,
    volga: (vega * d1 * d2) / vol,
    decay: rate * price - (df * f * pdf * vol) / (2 * sqrtT),
  };
}

/** Black-76 price and greeks (delta/gamma/vanna with respect to the forward). */
export function black76Greeks(i: Black76Input): Greeks {
  const rate = validateBlack76(i);
  const c = core(i.kind === 'call', i.forward, i.strike, i.t, i.vol, rate);
  return {
    price: c.price,
    delta: c.deltaF,
    gamma: c.gammaF,
    vega: c.vega,
    theta: c.decay,
    rho: -i.t * c.price,
    vanna: c.vannaF,
    volga: c.volga,
  };
}

/** Black-Scholes with carry: price and greeks with respect to spot (see module notes). */
export function bsGreeks(i: BsInput): Greeks {
  const q = validateBs(i);
  const growth = Math.exp((i.rate - q) * i.t);
  const f = i.spot * growth;
  const c = core(i.kind === 'call', f, i.strike, i.t, i.vol, i.rate);
  // Chain rule through F = S*exp((r-q)T): dF/dS = growth, dF/dT = (r-q)F, dF/dr = T*F.
  return {
    price: c.price,
    delta: c.deltaF * growth,
    gamma: c.gammaF * growth * growth,
    vega: c.vega,
    theta: c.decay - c.deltaF * (i.rate - q) * f,
    rho: i.t * (c.deltaF * f - c.price),
    vanna: c.vannaF * growth,
    volga: c.volga,
  };
}
