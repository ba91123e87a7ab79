/**
 * Two markets that move together (BTC and ETH): how much, estimated from simultaneous real
 * prices, and a follower path drawn around a leader path with that co-movement.
 *
 * The estimate samples both series on one grid (the last price at or before each grid time, from
 * the later start to the earlier end), takes log returns per interval and regresses the
 * follower's on the leader's: r_f = β·r_l + ε, β = cov / var_l, correlation ρ = cov / (σ_l·σ_f),
 * residual variance var_f − β²·var_l = var_f·(1 − ρ²). A follower path then takes, at each step of
 * the leader's path, β times the leader's log return plus an independent normal residual with the
 * residual volatility scaled to the step and to the leader path's own volatility — so its
 * correlation with the leader is ρ and its volatility β/ρ times the leader's, whatever the leader
 * path is (a replay, a bootstrap, a shock).
 */
import { ConfigError } from '../errors.ts';
import type { Rng } from '../kernel/rng.ts';
import { YEAR_US, type PricePath } from './paths.ts';

export interface Comovement {
  intervalUs: number;
  /** Returns used (grid intervals). */
  samples: number;
  correlation: number;
  beta: number;
  /** Annualised volatilities of the two series' log returns and of the residual. */
  leaderVol: number;
  followerVol: number;
  residualVol: number;
}

export interface PriceSeries {
  tsUs: ArrayLike<number>;
  price: ArrayLike<number>;
}

/** Log returns of a series sampled at t0, t0 + Δ, … (last price at or before each time). */
function gridReturns(s: PriceSeries, t0: number, n: number, intervalUs: number): Float64Array {
  const out = new Float64Array(n);
  let j = 0;
  const last = s.tsUs.length - 1;
  const at = (t: number): number => {
    while (j < last && s.tsUs[j + 1]! <= t) j++;
    return s.price[j]!;
  };
  let prev = Math.log(at(t0));
  for (let i = 0; i < n; i++) {
    const x = Math.log(at(t0 + (i + 1) * intervalUs));
    out[i] = x - prev;
    prev = x;
  }
  return out;
}

export function estimateComovement(leader: PriceSeries, follower: PriceSeries, intervalUs: number): Comovement {
  const t0 = Math.max(leader.tsUs[0]!, follower.tsUs[0]!);
  const t1 = Math.min(leader.tsUs[leader.tsUs.length - 1]!, follower.tsUs[follower.tsUs.length - 1]!);
  const n = Math.floor((t1 - t0) / intervalUs);
  if (!(n >= 30)) throw new ConfigError(`co-movement: the two series overlap for ${Math.max(0, n)} intervals of ${intervalUs / 1e6} s; at least 30 are needed`, { field: 'interval' });
  const a = gridReturns(leader, t0, n, intervalUs);
  const b = gridReturns(follower, t0, n, intervalUs);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let va = 0;
  let vb = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    va += x * x;
    vb += y * y;
    cov += x * y;
  }
  // Sample moments (n − 1): the same figures numpy's cov / corrcoef give.
  va /= n - 1;
  vb /= n - 1;
  cov /= n - 1;
  if (!(va > 0 && vb > 0)) throw new ConfigError('co-movement: a series does not move over the overlap', { field: 'interval' });
  const perYear = YEAR_US / intervalUs;
  const beta = cov / va;
  const resid = Math.max(0, vb - beta * beta * va);
  return { intervalUs, samples: n, correlation: cov / Math.sqrt(va * vb), beta, leaderVol: Math.sqrt(va * perYear), followerVol: Math.sqrt(vb * perYear), residualVol: Math.sqrt(resid * perYear) };
}

/**
 * The follower's path: at each leader step, β × the leader's log return plus a normal residual.
 * With `leaderVol` (an estimate's), the residual's volatility is scaled by the leader path's
 * realised volatility over it — so the two keep the estimated correlation on a calm path and on
 * a crash or a ×3 shock alike (a fixed residual would make them ever more correlated as the
 * leader's moves grow, and leave ETH's own moves unshocked).
 */
export function followPath(leader: PricePath, c: Pick<Comovement, 'beta' | 'residualVol'> & { leaderVol?: number }, startPrice: number, rng: Rng, source: string): PricePath {
  const n = leader.tsUs.length;
  const ts = Float64Array.from(leader.tsUs);
  const px = new Float64Array(n);
  let resid = c.residualVol;
  if (c.leaderVol !== undefined && c.leaderVol > 0 && n > 2) {
    let sq = 0;
    for (let i = 1; i < n; i++) {
      const r = Math.log(leader.price[i]! / leader.price[i - 1]!);
      sq += r * r;
    }
    const years = (ts[n - 1]! - ts[0]!) / YEAR_US;
    if (years > 0) resid *= Math.sqrt(sq / years) / c.leaderVol;
  }
  let logS = Math.log(startPrice);
  px[0] = startPrice;
  for (let i = 1; i < n; i++) {
    const dt = (ts[i]! - ts[i - 1]!) / YEAR_US;
    const r = Math.log(leader.price[i]! / leader.price[i - 1]!);
    // The residual's drift term keeps its mean price flat (E[e^ε] = 1), like the jump-diffusion's.
    logS += c.beta * r + resid * Math.sqrt(dt) * rng.normal() - (resid * resid * dt) / 2;
    px[i] = Math.exp(logS);
  }
  return { tsUs: ts, price: px, depthAt: (t) => leader.depthAt(t), source };
}
