import { ModelError } from '../../errors.ts';
import { black76Greeks, buildVolSurface, fitSviSlice, inverseGreeks, yearFracUs, type SviSlice, type VolSurface } from '../../pricing/index.ts';
import type { OptionContract } from './contract.ts';

/** An option's value and greeks per contract (1 coin of underlying), in the contract's settle asset. */
export interface OptionMark {
  /** Premium per contract in the settle asset (coin for inverse). */
  price: number;
  vol: number;
  /** Hedge delta in underlying coins per contract: premium-adjusted for inverse, Black-76 for linear. */
  delta: number;
  /** d(delta)/dF per USD of underlying. */
  gamma: number;
  /** Per 1.00 of vol, in the settle asset. */
  vega: number;
  /** Value lost per year of time passing, in the settle asset. */
  theta: number;
  /** Black-76 USD delta (what Deribit prints). */
  deltaUsd: number;
}

/** Implied vol for a contract; implementations: an SVI surface, a flat vol (tests). */
export interface VolModel {
  readonly name: string;
  vol(c: OptionContract, forward: number, nowUs: number): number;
}

/** Prefix pricing errors with the instrument so a failure several layers up names it. */
function named<T>(c: OptionContract, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ModelError && !e.message.includes(c.symbol)) {
      // The message already starts with "field x: " when the error had a field; keep it once.
      const base = e.field === undefined ? e.message : e.message.replace(`field ${e.field}: `, '');
      throw new ModelError(`${c.symbol}: ${base}`, e.field === undefined ? {} : { field: e.field });
    }
    throw e;
  }
}

/** Black-76 mark from a vol model. Expired contracts and non-positive vols are ModelErrors naming the instrument. */
export function markOption(c: OptionContract, vols: VolModel, forward: number, nowUs: number): OptionMark {
  const t = yearFracUs(nowUs, c.expiryUs);
  if (!(t > 0)) throw new ModelError(`${c.symbol}: option expired (time to expiry ${t} years at ${nowUs} µs)`, { field: 'expiration', hint: 'settle it instead of marking it' });
  const vol = vols.vol(c, forward, nowUs);
  if (!(vol > 0) || !Number.isFinite(vol)) throw new ModelError(`${c.symbol}: implied vol ${vol} is not positive`, { field: 'vol' });
  return named(c, () => {
    const input = { kind: c.kind, forward, strike: c.strike, t, vol, rate: 0 };
    if (c.style === 'inverse') {
      const g = inverseGreeks(input);
      return { price: g.coin.price, vol, delta: g.coin.delta, gamma: g.coin.gamma, vega: g.coin.vega, theta: g.coin.theta, deltaUsd: g.usd.delta };
    }
    const g = black76Greeks(input);
    return { price: g.price, vol, delta: g.delta, gamma: g.gamma, vega: g.vega, theta: g.theta, deltaUsd: g.delta };
  });
}

export class FlatVol implements VolModel {
  readonly name: string;
  constructor(readonly sigma: number) {
    this.name = `flat:${sigma}`;
  }
  vol(): number {
    return this.sigma;
  }
}

/** One quote used to fit a surface: log-moneyness from its own forward, vol as a fraction. */
export interface VolQuote {
  contract: OptionContract;
  forward: number;
  vol: number;
  weight?: number;
}

/**
 * SVI surfaces per underlying, fitted at `asOfUs`. A contract is marked at the vol of its expiry
 * slice and log-moneyness as of the fit (sticky moneyness: the smile keeps its shape while
 * time passes), priced with the time to expiry at the marking time. A slice with fewer than five
 * strikes cannot carry an SVI smile; it gets a flat slice at the quote nearest the money.
 */
export class SviSurfaceVols implements VolModel {
  readonly name = 'svi-surface';
  readonly rmse: { underlying: string; expiryUs: number; rmse: number; points: number }[] = [];
  private readonly surfaces = new Map<string, VolSurface>();

  constructor(
    quotes: readonly VolQuote[],
    readonly asOfUs: number,
  ) {
    const groups = new Map<string, Map<number, VolQuote[]>>();
    for (const q of quotes) {
      if (!(q.vol > 0) || !Number.isFinite(q.vol)) throw new ModelError(`${q.contract.symbol}: quoted implied vol ${q.vol} is not positive`, { field: 'mark_iv' });
      if (!(q.contract.expiryUs > asOfUs)) throw new ModelError(`${q.contract.symbol}: option expired at ${q.contract.expiryUs} µs, surface as of ${asOfUs} µs`, { field: 'expiration' });
      let g = groups.get(q.contract.underlying);
      if (!g) groups.set(q.contract.underlying, (g = new Map()));
      let s = g.get(q.contract.expiryUs);
      if (!s) g.set(q.contract.expiryUs, (s = []));
      s.push(q);
    }
    for (const [und, byExpiry] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const slices: SviSlice[] = [];
      for (const [expiryUs, qs] of [...byExpiry].sort((a, b) => a[0] - b[0])) {
        const t = yearFracUs(asOfUs, expiryUs);
        const k = qs.map((q) => Math.log(q.contract.strike / q.forward));
        const distinct = new Set(qs.map((q) => q.contract.strike)).size;
        if (distinct >= 5) {
          const fit = fitSviSlice(
            t,
            k,
            qs.map((q) => q.vol),
            { weights: qs.map((q) => q.weight ?? 1) },
          );
          slices.push({ t, params: fit.params });
          this.rmse.push({ underlying: und, expiryUs, rmse: fit.rmse, points: qs.length });
        } else {
          let best = 0;
          k.forEach((x, i) => (Math.abs(x) < Math.abs(k[best]!) ? (best = i) : 0));
          const w = qs[best]!.vol ** 2 * t;
          slices.push({ t, params: { a: w, b: 0, rho: 0, m: 0, sigma: 0.1 } });
          this.rmse.push({ underlying: und, expiryUs, rmse: NaN, points: qs.length });
        }
      }
      this.surfaces.set(und, buildVolSurface(slices));
    }
  }

  surface(underlying: string): VolSurface | undefined {
    return this.surfaces.get(underlying);
  }

  vol(c: OptionContract, forward: number): number {
    const s = this.surfaces.get(c.underlying);
    if (!s) throw new ModelError(`${c.symbol}: no vol surface for underlying ${c.underlying}`, { field: 'underlying' });
    const tFit = yearFracUs(this.asOfUs, c.expiryUs);
    if (!(tFit > 0)) throw new ModelError(`${c.symbol}: option expired before the surface date`, { field: 'expiration' });
    return named(c, () => s.vol(Math.log(c.strike / forward), tFit));
  }
}
