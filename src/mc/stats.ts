/**
 * Risk statistics across Monte Carlo paths (pure). Empirical definitions, stated so a reader can
 * check them: with n paths sorted ascending and m = ⌈(1 − α)·n⌉,
 * - VaR_α(PnL) = −(m-th smallest PnL): the loss not exceeded on a share α of paths;
 * - ES_α(PnL)  = −(mean of the m smallest PnLs): the average loss in the worst 1 − α share;
 * - an upper quantile q_α(X) (liquidations-at-risk, bad debt) = the ⌈α·n⌉-th smallest X.
 */

export function valueAtRisk(pnl: readonly number[], alpha: number): number {
  const s = sorted(pnl);
  const m = tailCount(s.length, alpha);
  return m === 0 ? NaN : -s[m - 1]!;
}

export function expectedShortfall(pnl: readonly number[], alpha: number): number {
  const s = sorted(pnl);
  const m = tailCount(s.length, alpha);
  if (m === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < m; i++) sum += s[i]!;
  return -sum / m;
}

export function upperQuantile(xs: readonly number[], alpha: number): number {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length, Math.max(1, Math.ceil(alpha * s.length - 1e-9))) - 1]!;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Paths in the worst 1 − α share (m above): what VaR_α and ES_α are read from. */
export function tailCount(n: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`confidence ${alpha} must be in (0, 1)`);
  return n === 0 ? 0 : Math.max(1, Math.ceil((1 - alpha) * n - 1e-9));
}

/**
 * A distribution-free confidence interval for the p-quantile of what the paths sample, from
 * their order statistics (the method of scipy.stats.quantile_test's confidence interval; Hahn &
 * Meeker, *Statistical Intervals*, §5.2): with B ~ Binomial(n, p), the lower bound is the l-th
 * smallest value for the largest l with P(B ≤ l − 1) ≤ (1 − level)/2, the upper bound the u-th
 * smallest for the smallest u with P(B ≤ u − 1) ≥ (1 + level)/2; then
 * P(X₍ₗ₎ ≤ ξ_p ≤ X₍ᵤ₎) ≥ level whatever the distribution. A side that n paths cannot bound (no
 * such rank in 1..n) is NaN: `pathsToBound` says how many paths it takes.
 */
export function quantileCi(xs: readonly number[], p: number, level = 0.95): { lo: number; hi: number } {
  const s = sorted(xs);
  const { l, u } = quantileCiRanks(s.length, p, level);
  return { lo: l === 0 ? NaN : s[l - 1]!, hi: u === 0 ? NaN : s[u - 1]! };
}

/** The ranks (1-based) of quantileCi's bounds among n sorted values; 0 where n values cannot bound that side. */
export function quantileCiRanks(n: number, p: number, level = 0.95): { l: number; u: number } {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile ${p} must be in (0, 1)`);
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} must be in (0, 1)`);
  const g = (1 - level) / 2;
  let l = 0;
  let u = 0;
  let cdf = 0;
  // log P(B = k), from P(B = 0) = (1 − p)ⁿ by the ratio of successive terms (no underflow).
  const step = Math.log(p) - Math.log1p(-p);
  let lp = n * Math.log1p(-p);
  for (let k = 0; k <= n; k++) {
    if (k > 0) lp += Math.log(n - k + 1) - Math.log(k) + step;
    cdf += Math.exp(lp);
    // cdf = P(B ≤ k): the condition on rank k + 1 (P(B ≤ r − 1) with r = k + 1).
    if (cdf <= g && k + 1 <= n) l = k + 1;
    if (cdf >= 1 - g) {
      u = k + 1 <= n ? k + 1 : 0;
      break;
    }
  }
  return { l, u };
}

/**
 * The fewest paths with which quantileCi bounds the p-quantile on its open side: below for a
 * low quantile (a VaR's worst-PnL side), above for a high one (LaR, bad debt) — the side the
 * worst paths decide; P(all n paths on one side of it) must drop to (1 − level)/2.
 */
export function pathsToBound(p: number, level = 0.95): number {
  const g = (1 - level) / 2;
  return Math.ceil(Math.log(g) / Math.log(Math.max(p, 1 - p)) - 1e-9);
}

/**
 * The exact (Clopper–Pearson) confidence interval of a probability seen k times in n paths, as
 * scipy.stats.binomtest(k, n).proportion_ci(method='exact'): lo solves P(B ≥ k | lo) = (1 − level)/2
 * (0 when k = 0), hi solves P(B ≤ k | hi) = (1 − level)/2 (1 when k = n), by bisection on the
 * binomial distribution function (monotone in the probability).
 */
export function proportionCi(k: number, n: number, level = 0.95): { lo: number; hi: number } {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`proportion ${k} of ${n} is not a count of paths`);
  const g = (1 - level) / 2;
  // f increasing in q: the q with f(q) = target.
  const solve = (f: (q: number) => number, target: number): number => {
    let a = 0;
    let b = 1;
    for (let i = 0; i < 200 && b - a > 1e-16; i++) {
      const m = (a + b) / 2;
      if (f(m) < target) a = m;
      else b = m;
    }
    return (a + b) / 2;
  };
  const lo = k === 0 ? 0 : solve((q) => 1 - binomCdf(k - 1, n, q), g);
  const hi = k === n ? 1 : solve((q) => 1 - binomCdf(k, n, q), 1 - g);
  return { lo, hi };
}

/** P(B ≤ k) for B ~ Binomial(n, q), summed in log space (no underflow for thousands of paths). */
function binomCdf(k: number, n: number, q: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (q <= 0) return 1;
  if (q >= 1) return 0;
  const step = Math.log(q) - Math.log1p(-q);
  let lp = n * Math.log1p(-q);
  let c = Math.exp(lp);
  for (let i = 1; i <= k; i++) {
    lp += Math.log(n - i + 1) - Math.log(i) + step;
    c += Math.exp(lp);
  }
  return Math.min(1, c);
}

function sorted(xs: readonly number[]): number[] {
  for (const x of xs) if (!Number.isFinite(x)) throw new RangeError(`a path value is ${x}`);
  return [...xs].sort((a, b) => a - b);
}

/** One path's outcome: what the summary and the risk report read. */
export interface McRow {
  k: number;
  seed: number;
  label: string;
  shock: number;
  /** The first account's PnL (the desk), in the valuation asset. */
  deskPnl: number;
  liquidations: number;
  accountsLiquidated: number;
  /** Perp notional closed by the liquidation engine (partial steps and close-outs), valuation asset. */
  liquidatedNotional: number;
  /** Debt repaid by lending liquidations, USD at the oracle. */
  lendingLiquidatedUsd: number;
  lendingLiquidations: number;
  adlEvents: number;
  badDebt: number;
  lendingBadDebtUsd: number;
  insuranceFundEnd: number;
  insuranceFundMin: number;
  /** The fund hit zero at some liquidation step. (ADL also runs when the book has no bid above an account's bankruptcy price, fund or not: counted apart.) */
  fundExhausted: boolean;
  pathLow: number;
  markLow: number;
  /** The highest base fee of the path's blocks, gwei (NaN without a chain; rows of older runs lack it). */
  baseFeeMaxGwei?: number;
  events: number;
  resultsSha256: string;
  dir: string;
}

export interface McSummary {
  paths: number;
  var95: number;
  var99: number;
  es95: number;
  es99: number;
  /** Liquidations-at-risk: the 95%/99% quantiles of liquidated notional (perp + lending). */
  lar95: number;
  lar99: number;
  pFundExhausted: number;
  adlIncidence: number;
  badDebtMean: number;
  badDebt95: number;
  badDebt99: number;
  badDebtMax: number;
  meanDeskPnl: number;
  /** The median and 99% quantile across paths of each path's highest base fee, gwei (NaN without a chain). */
  baseFeeMax50: number;
  baseFeeMax99: number;
  /**
   * 95% confidence intervals of what the paths estimate (where the figure of infinitely many
   * paths lies, given these): VaR as the (1 − α)-quantile of the desk's PnL and LaR as an
   * α-quantile (distribution-free, quantileCi; NaN on a side the paths cannot bound yet), the
   * probabilities exact (Clopper–Pearson, proportionCi).
   */
  var95Lo: number;
  var95Hi: number;
  var99Lo: number;
  var99Hi: number;
  lar95Lo: number;
  lar95Hi: number;
  lar99Lo: number;
  lar99Hi: number;
  pFundExhaustedLo: number;
  pFundExhaustedHi: number;
  adlIncidenceLo: number;
  adlIncidenceHi: number;
}

export function summarise(rows: readonly McRow[]): McSummary {
  const pnl = rows.map((r) => r.deskPnl);
  const lar = rows.map((r) => r.liquidatedNotional + r.lendingLiquidatedUsd);
  const bad = rows.map((r) => r.badDebt + r.lendingBadDebtUsd);
  const n = rows.length;
  const fee = rows.map((r) => r.baseFeeMaxGwei ?? NaN).filter((x) => Number.isFinite(x));
  const fundHits = rows.filter((r) => r.insuranceFundMin <= 0).length;
  const adlHits = rows.filter((r) => r.adlEvents > 0).length;
  // A loss is −PnL: the PnL quantile's interval, negated and swapped.
  const lossCi = (alpha: number) => {
    const c = n ? quantileCi(pnl, 1 - alpha) : { lo: NaN, hi: NaN };
    return { lo: -c.hi, hi: -c.lo };
  };
  const upCi = (xs: number[], alpha: number) => (n ? quantileCi(xs, alpha) : { lo: NaN, hi: NaN });
  const propCi = (k: number) => (n ? proportionCi(k, n) : { lo: NaN, hi: NaN });
  const v95 = lossCi(0.95);
  const v99 = lossCi(0.99);
  const l95 = upCi(lar, 0.95);
  const l99 = upCi(lar, 0.99);
  const f = propCi(fundHits);
  const a = propCi(adlHits);
  return {
    paths: n,
    var95: valueAtRisk(pnl, 0.95),
    var99: valueAtRisk(pnl, 0.99),
    es95: expectedShortfall(pnl, 0.95),
    es99: expectedShortfall(pnl, 0.99),
    lar95: upperQuantile(lar, 0.95),
    lar99: upperQuantile(lar, 0.99),
    pFundExhausted: n ? fundHits / n : NaN,
    adlIncidence: n ? adlHits / n : NaN,
    badDebtMean: mean(bad),
    badDebt95: upperQuantile(bad, 0.95),
    badDebt99: upperQuantile(bad, 0.99),
    badDebtMax: bad.length ? Math.max(...bad) : NaN,
    meanDeskPnl: mean(pnl),
    baseFeeMax50: fee.length ? upperQuantile(fee, 0.5) : NaN,
    baseFeeMax99: fee.length ? upperQuantile(fee, 0.99) : NaN,
    var95Lo: v95.lo,
    var95Hi: v95.hi,
    var99Lo: v99.lo,
    var99Hi: v99.hi,
    lar95Lo: l95.lo,
    lar95Hi: l95.hi,
    lar99Lo: l99.lo,
    lar99Hi: l99.hi,
    pFundExhaustedLo: f.lo,
    pFundExhaustedHi: f.hi,
    adlIncidenceLo: a.lo,
    adlIncidenceHi: a.hi,
  };
}

/** One source of paths (a McRow label: a historical name, a generator × shock) as the tail sees it. */
export interface SourceRisk {
  label: string;
  paths: number;
  /** Of the paths in the worst 1 − α share of desk PnL (tailCount), how many are this source's. */
  inTail: number;
  meanPnl: number;
  worstPnl: number;
  /** Share of this source's paths whose insurance fund hit zero. */
  pFundExhausted: number;
  meanLiquidated: number;
}

/**
 * Where the tail comes from: the paths grouped by source, with how many of each are among the
 * ⌈(1 − α)·n⌉ worst desk PnLs (ties in path order) — which scenarios a VaR is made of. Sources
 * with most tail paths first, then by label.
 */
export function tailBySource(rows: readonly Pick<McRow, 'k' | 'label' | 'deskPnl' | 'insuranceFundMin' | 'liquidatedNotional' | 'lendingLiquidatedUsd'>[], alpha = 0.95): SourceRisk[] {
  const m = tailCount(rows.length, alpha);
  const worst = new Set([...rows].sort((a, b) => a.deskPnl - b.deskPnl || a.k - b.k).slice(0, m).map((r) => r.k));
  const by = new Map<string, SourceRisk>();
  for (const r of rows) {
    let g = by.get(r.label);
    if (!g) by.set(r.label, (g = { label: r.label, paths: 0, inTail: 0, meanPnl: 0, worstPnl: Infinity, pFundExhausted: 0, meanLiquidated: 0 }));
    g.paths++;
    if (worst.has(r.k)) g.inTail++;
    g.meanPnl += r.deskPnl;
    if (r.deskPnl < g.worstPnl) g.worstPnl = r.deskPnl;
    if (r.insuranceFundMin <= 0) g.pFundExhausted++;
    g.meanLiquidated += r.liquidatedNotional + r.lendingLiquidatedUsd;
  }
  const out = [...by.values()];
  for (const g of out) {
    g.meanPnl /= g.paths;
    g.pFundExhausted /= g.paths;
    g.meanLiquidated /= g.paths;
  }
  return out.sort((a, b) => b.inTail - a.inTail || a.label.localeCompare(b.label));
}
