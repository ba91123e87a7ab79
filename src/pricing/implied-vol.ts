import { ModelError } from '../errors.ts';
import type { OptionKind } from './black.ts';
import { normalisedOtm, normalisedVega } from './normalised.ts';
import { requireFinite, requirePositive, requireTime } from './validate.ts';

/**
 * Implied vol by a safeguarded Newton iteration in normalised, out-of-the-money space.
 *
 * 1. Check the no-arbitrage bounds (undiscounted): intrinsic < price < upper (F for calls, K for
 *    puts); anything else has no implied vol and throws ModelError with both bounds.
 * 2. The time value `price - intrinsic` is, by put-call parity, the price of the OTM option at the
 *    same strike. Normalised by sqrt(F*K) it is b(x, s) with x = -|ln(F/K)| and s = vol*sqrt(T),
 *    which rises from 0 to exp(x/2) as s goes from 0 to infinity.
 * 3. Solve ln b(s) = ln beta. ln b is concave in s, so Newton from below approaches the root
 *    monotonically and its relative accuracy survives deep OTM/short-dated values of 1e-200.
 *    A bracket [lo, hi] is kept and any step leaving it becomes a bisection (or doubling while hi
 *    is still unknown), so the iteration cannot diverge.
 */

/** Smallest normalised time value solved for; below this doubles go subnormal. */
const MIN_NORMALISED = 1e-300;

export interface ImpliedVolBlack76Input {
  kind: OptionKind;
  /** Option price in the forward's currency (discounted with `rate`). */
  price: number;
  forward: number;
  strike: number;
  t: number;
  rate?: number;
}

export interface ImpliedVolBsInput {
  kind: OptionKind;
  price: number;
  spot: number;
  strike: number;
  t: number;
  rate: number;
  yield?: number;
}

export interface ImpliedVolOptions {
  /** Relative tolerance on total std-dev s (hence on vol); default 1e-13. */
  volTol?: number;
  maxIter?: number;
}

/** Total std-dev s such that b(x, s) = beta, for x <= 0 and 0 < beta < exp(x/2). */
export function solveNormalisedStdDev(x: number, beta: number, opts: ImpliedVolOptions = {}): number {
  const tol = opts.volTol ?? 1e-13;
  const maxIter = opts.maxIter ?? 100;
  const lnBeta = Math.log(beta);
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;

  // Two cheap guesses: Brenner-Subrahmanyam (near the money) and the tail asymptote
  // ln b ~ -x^2/(2 s^2) (far from it). Keep whichever is closer in ln b; both tighten the bracket.
  const guesses = [beta * Math.sqrt(2 * Math.PI) * Math.exp(-0.5 * x), x < 0 && lnBeta < 0 ? -x / Math.sqrt(-2 * lnBeta) : 0];
  let s = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const g of guesses) {
    if (!(g > 0) || !Number.isFinite(g)) continue;
    const bg = normalisedOtm(x, g);
    const err = bg > 0 ? Math.abs(Math.log(bg) - lnBeta) : Number.POSITIVE_INFINITY;
    if (bg < beta) lo = Math.max(lo, g);
    else hi = Math.min(hi, g);
    if (err < bestErr || s === 0) {
      bestErr = err;
      s = g;
    }
  }
  if (!(s > 0)) s = 1;

  for (let iter = 0; iter < maxIter; iter++) {
    const b = normalisedOtm(x, s);
    if (b === beta) return s;
    if (b < beta) lo = s;
    else hi = s;
    let next: number;
    if (b > 0) {
      // Newton on ln b: ds = (ln beta - ln b) * b / b'.
      const vega = normalisedVega(x, s);
      next = vega > 0 ? s + ((lnBeta - Math.log(b)) * b) / vega : Number.NaN;
    } else {
      next = Number.NaN; // b underflowed: s is far too small, no slope information
    }
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * Math.max(s, lo);
    if (Math.abs(next - s) <= tol * next || hi - lo <= tol * lo) return next;
    s = next;
  }
  throw new ModelError(`implied vol did not converge in ${maxIter} iterations (x=${x}, beta=${beta})`, {
    field: 'price',
  });
}

/** Black-76 implied vol from a (discounted) option price. */
export function impliedVolBlack76(i: ImpliedVolBlack76Input, opts: ImpliedVolOptions = {}): number {
  if (i.kind !== 'call' && i.kind !== 'put') {
    throw new ModelError(`kind must be 'call' or 'put', got ${String(i.kind)}`, { field: 'kind' });
  }
  requireFinite('price', i.price);
  const f = requirePositive('forward', i.forward);
  const k = requirePositive('strike', i.strike);
  const t = requireTime('t', i.t);
  const rate = i.rate === undefined ? 0 : requireFinite('rate', i.rate);
  const df = Math.exp(-rate * t);
  const isCall = i.kind === 'call';
  const undiscounted = i.price / df;
  const intrinsic = isCall ? Math.max(0, f - k) : Math.max(0, k - f);
  const upper = isCall ? f : k;
  // A time value within a few ulps of the bound is rounding noise (price * DF / DF is not exact),
  // so it is treated as sitting on the bound rather than yielding a meaningless vol.
  const slack = 4 * Number.EPSILON * intrinsic;
  if (!(undiscounted > intrinsic + slack) || !(undiscounted < upper * (1 - 4 * Number.EPSILON))) {
    const side = undiscounted <= intrinsic + slack ? 'at or below intrinsic' : 'at or above the upper bound';
    throw new ModelError(
      `${i.kind} price ${i.price} is ${side}: no-arbitrage range is (${intrinsic * df}, ${upper * df}) ` +
        `for forward ${f}, strike ${k}, t ${t}`,
      { field: 'price', hint: 'no implied vol exists outside the no-arbitrage bounds' },
    );
  }
  const timeValue = undiscounted - intrinsic;
  const x = -Math.abs(Math.log(f / k));
  const beta = timeValue / Math.sqrt(f * k);
  if (beta < MIN_NORMALISED) {
    // Subnormal values carry too few digits for b(s) to be monotone in floating point.
    throw new ModelError(`${i.kind} time value ${timeValue * df} is too small to imply a vol (strike ${k}, forward ${f}, t ${t})`, {
      field: 'price',
      hint: 'normalised time value below 1e-300',
    });
  }
  if (!(beta < Math.exp(0.5 * x))) {
    // Parity rounding can push a value within an ulp of the bound past it.
    throw new ModelError(`${i.kind} price ${i.price} is at the upper no-arbitrage bound for strike ${k}`, {
      field: 'price',
    });
  }
  return solveNormalisedStdDev(x, beta, opts) / Math.sqrt(t);
}

/** Black-Scholes (spot with continuous yield) implied vol: maps to Black-76 on F = S*exp((r-q)T). */
export function impliedVolBs(i: ImpliedVolBsInput, opts: ImpliedVolOptions = {}): number {
  requirePositive('spot', i.spot);
  requireFinite('rate', i.rate);
  const q = i.yield === undefined ? 0 : requireFinite('yield', i.yield);
  const t = requireTime('t', i.t);
  return impliedVolBlack76(
    { kind: i.kind, price: i.price, forward: i.spot * Math.exp((i.rate - q) * t), strike: i.strike, t, rate: i.rate },
    opts,
  );
}
