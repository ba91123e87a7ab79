import { black76Greeks, type Black76Input, type Greeks } from './black.ts';

/**
 * Inverse (coin-margined, Deribit-style) options: the payoff is the Black-76 USD payoff divided
 * by the underlying at expiry, so premium and P&L are in coin. Priced as Black-76 on the
 * underlying forward F (Deribit's `underlying_price`, a future or synthetic future) and converted
 * at today's F: price in coin = Black-76 USD price / F.
 *
 * Two delta conventions exist and both are returned:
 * - `usd` holds the plain Black-76 greeks in USD. This is what Deribit reports in its ticker and
 *   Tardis `options_chain` (checked against a real row in the tests: delta = N(d1) - 1 for a put).
 * - `coin` holds derivatives of the coin price. Its delta is the premium-adjusted delta
 *   F * d(priceCoin)/dF = delta_usd - priceCoin: the underlying exposure, in coin, that an
 *   inverse-future hedge must offset, because the premium itself is held in the coin.
 */

export interface InverseCoinGreeks {
  /** Option value in coin. */
  price: number;
  /** Premium-adjusted delta (coin per coin of underlying): delta_usd - price. */
  delta: number;
  /** d(delta)/dF of the premium-adjusted delta, per USD move of F. */
  gamma: number;
  /** d(price)/d(vol) in coin per 1.00 vol. */
  vega: number;
  /** -d(price)/dT in coin per year, F fixed. */
  theta: number;
  /** d(price)/d(rate) in coin, F fixed. */
  rho: number;
  /** d(delta)/d(vol) of the premium-adjusted delta. */
  vanna: number;
  /** d(vega)/d(vol) in coin. */
  volga: number;
}

/** Greeks in the units Deribit prints: vega per 1 vol point, theta per calendar day, rho per 1%. */
export interface DeribitGreeks {
  delta: number;
  gamma: number;
  /** USD per 1 vol point (0.01). */
  vega: number;
  /** USD per day (1/365 year). */
  theta: number;
  /** USD per 1% rate move with spot held fixed (Deribit's rho is BS-style: -K*T*N(-d2)/100 for puts). */
  rho: number;
}

export interface InverseGreeks {
  usd: Greeks;
  coin: InverseCoinGreeks;
  deribit: DeribitGreeks;
}

/** Inverse option price in coin. */
export function inversePrice(i: Black76Input): number {
  return black76Greeks(i).price / i.forward;
}

export function inverseGreeks(i: Black76Input): InverseGreeks {
  const g = black76Greeks(i);
  const f = i.forward;
  const priceCoin = g.price / f;
  const deltaCoin = g.delta - priceCoin;
  // Spot-held-fixed rho: with S = F*DF fixed, dF/dr = T*F, so rho = T*(delta*F - V).
  const rhoSpot = i.t * (g.delta * f - g.price);
  return {
    usd: g,
    coin: {
      price: priceCoin,
      delta: deltaCoin,
      gamma: g.gamma - deltaCoin / f,
      vega: g.vega / f,
      theta: g.theta / f,
      rho: g.rho / f,
      vanna: g.vanna - g.vega / f,
      volga: g.volga / f,
    },
    deribit: { delta: g.delta, gamma: g.gamma, vega: g.vega / 100, theta: g.theta / 365, rho: rhoSpot / 100 },
  };
}
