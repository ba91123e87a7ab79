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
}

export function summarise(rows: readonly McRow[]): McSummary {
  const pnl = rows.map((r) => r.deskPnl);
  const lar = rows.map((r) => r.liquidatedNotional + r.lendingLiquidatedUsd);
  const bad = rows.map((r) => r.badDebt + r.lendingBadDebtUsd);
  const n = rows.length;
  const fee = rows.map((r) => r.baseFeeMaxGwei ?? NaN).filter((x) => Number.isFinite(x));
  return {
    paths: n,
    var95: valueAtRisk(pnl, 0.95),
    var99: valueAtRisk(pnl, 0.99),
    es95: expectedShortfall(pnl, 0.95),
    es99: expectedShortfall(pnl, 0.99),
    lar95: upperQuantile(lar, 0.95),
    lar99: upperQuantile(lar, 0.99),
    pFundExhausted: n ? rows.filter((r) => r.insuranceFundMin <= 0).length / n : NaN,
    adlIncidence: n ? rows.filter((r) => r.adlEvents > 0).length / n : NaN,
    badDebtMean: mean(bad),
    badDebt95: upperQuantile(bad, 0.95),
    badDebt99: upperQuantile(bad, 0.99),
    badDebtMax: bad.length ? Math.max(...bad) : NaN,
    meanDeskPnl: mean(pnl),
    baseFeeMax50: fee.length ? upperQuantile(fee, 0.5) : NaN,
    baseFeeMax99: fee.length ? upperQuantile(fee, 0.99) : NaN,
  };
}
