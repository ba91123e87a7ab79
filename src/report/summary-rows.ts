import { MIN_PSR_RETURNS, type RunMetrics } from '../results/metrics.ts';
import { pathsToBound, tailCount, type McSummary } from '../mc/stats.ts';
import type { ChainMetrics } from '../world/chain-results.ts';
import { duration } from './tear-sheet-stats.ts';


/**
 * An amount of money as a person reads it: grouped thousands, two decimals (more below 1, so a
 * coin-settled run's 0.00012 BTC is not "0.00"), never "-0.00". In a dollar asset (USD, USDT,
 * USDC) cents are the unit: always two decimals (0.62, not 0.616629 beside 1,234.56).
 */
export function money(x: number, asset?: string): string {
  if (!Number.isFinite(x)) return String(x);
  const small = x !== 0 && Math.abs(x) < 1 && !(asset !== undefined && /^USD/.test(asset));
  const s = x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: small ? 8 : 2 });
  return /^-0\.0+$/.test(s) ? s.slice(1) : s;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
/**
 * A whole amount or count, grouped (VaR, notional, 1,616 orders, -891,508 lots; never -0); a
 * missing one as itself (null or NaN on disk).
 */
export const wholeAmount = (x: number | null | undefined): string => (finite(x) ? (x + 0).toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(x));
/** A quantity of an asset as given (0.496 BTC, 1,000 ETH): grouped, its digits kept up to 8 decimals, never -0. */
export const quantity = (x: number | null | undefined): string => (finite(x) ? (x + 0).toLocaleString('en-US', { maximumFractionDigits: 8 }) : String(x));
/** A probability or share as a percentage with one decimal (a PnL of 0.4 is not 40%: only for fractions). */
export const percent = (x: number | null | undefined): string => (finite(x) ? `${(x * 100).toFixed(1)}%` : String(x));
const pct = (x: number, d = 2) => `${(x * 100).toFixed(d)}%`;
/** A wait in ms: a market maker's are milliseconds, a bar strategy's resting limit waits hours. */
const wait = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : duration(ms * 1000));

/**
 * A run's headline metrics as labelled rows, the same in the terminal (`primesim backtest`,
 * `run`, `demo`) and at the top of its HTML report. Labels say what each figure is: the Sharpe
 * here is of the PnL per return period over the initial capital (the manifest's `sharpe`); the
 * tear sheet's compounds the equity curve's returns per sample, as quantstats does. Figures are
 * formatted here (amounts grouped to the cent, ratios as percentages), so both read alike; the
 * manifest keeps them exact.
 */
export function summaryRows(m: RunMetrics & { liquidationTransfers?: number; depositsPnl?: number; venuePnl?: Record<string, number>; venuePosition?: Record<string, { qty: number; unit: string; lots: number }> }): [string, string][] {
  const a = m.settleAsset;
  // A liquidated account's fees to the insurance fund (or its cover) are their own component.
  const liq: [string, string][] = m.liquidationTransfers ? [[`  liquidation transfers`, money(m.liquidationTransfers, a)]] : [];
  // Deposits of another asset than the valuation's (BTC collateral valued in USDT, ETH to sell) revalue with its price.
  if (m.depositsPnl) liq.push([`  deposits revalued`, money(m.depositsPnl, a)]);
  const ret = m.initialCapital > 0 ? ` (${pct(m.totalPnl / m.initialCapital)} of ${money(m.initialCapital, a)})` : '';
  return [
    [`total PnL (${a})`, `${money(m.totalPnl, a)}${ret}`],
    [`  spread capture`, money(m.spreadCapture, a)],
    [`  inventory`, money(m.inventoryPnl, a)],
    // 0 − x: a cost of 0 reads 0, not −0.
    [`  fees`, money(0 - m.fees, a)],
    [`  funding`, money(0 - m.funding, a)],
    ...liq,
    // Which leg made the money (options vs the hedge, spot vs the perp); the split above is by kind.
    ...(m.venuePnl && Object.keys(m.venuePnl).length > 1 ? [['PnL by venue', Object.entries(m.venuePnl).map(([v, x]) => `${v} ${money(x, a)}`).join(' · ')] as [string, string]] : []),
    [`realized / unrealized`, `${money(m.realizedPnl, a)} / ${money(m.unrealizedPnl, a)}`],
    // Returns that never vary have no Sharpe (0/0; the metric stores 0), and no losing return no
    // Sortino (x/0): said, not printed as 0.00.
    flatReturns(m)
      ? [`sharpe / sortino per ${m.returnPeriod} return`, `none: the ${m.returnPeriod} returns do not vary`]
      : Number.isFinite(m.sharpe)
        ? [`sharpe / sortino (annualised, 365 d; ${m.returnPeriod} PnL ÷ initial capital)`, `${m.sharpe.toFixed(2)} / ${sortinoText(m, m.sortino, 2)}`]
        : [`sharpe / sortino per ${m.returnPeriod} return`, `${m.sharpePerPeriod.toFixed(4)} / ${sortinoText(m, m.sortinoPerPeriod, 4)} (not annualised: the run spans ${duration(m.spanUs)}, under 30 days)`],
    // How far to trust that Sharpe: its sampling error with these returns' skew and fat tails.
    ...(m.psr !== undefined && m.returnCount !== undefined
      ? [[
          'P(true Sharpe > 0) (probabilistic Sharpe)',
          Number.isFinite(m.psr)
            ? `${pct(m.psr, 1)} from ${wholeAmount(m.returnCount)} ${m.returnPeriod} returns (skew ${m.returnSkew!.toFixed(2)}, kurtosis ${m.returnKurtosis!.toFixed(1)}; normal: 0, 3)`
            : m.returnCount < MIN_PSR_RETURNS
              ? `none: ${wholeAmount(m.returnCount)} ${m.returnPeriod} return${m.returnCount === 1 ? '' : 's'}, under the ${MIN_PSR_RETURNS} it needs`
              : `none: the ${m.returnPeriod} returns do not vary`,
        ] as [string, string]]
      : []),
    ['max drawdown', `${money(m.maxDrawdown, a)} (${pct(m.maxDrawdownPct)} of the peak equity)`],
    ['turnover (× capital)', m.turnover.toFixed(2)],
    ['orders / fills', `${wholeAmount(m.orders)} / ${wholeAmount(m.fills)} (maker ${wholeAmount(m.makerFills)}, taker ${wholeAmount(m.takerFills)})${m.rejectedOrders ? `; ${wholeAmount(m.rejectedOrders)} rejected${m.rejectReason ? `: ${m.rejectReason}` : ''}` : ''}`],
    ['fill ratio (lots of accepted orders)', m.orders === 0 ? 'no orders' : m.rejectedOrders !== undefined && m.rejectedOrders >= m.orders ? 'none accepted: every order was rejected' : pct(m.fillRatio, 1)],
    ['taker slippage vs decision mid (bps)', m.takerSlippageBps.toFixed(2)],
    // Runs written before round trips were recorded have none to show.
    ...(m.roundTrips !== undefined ? [['round trips (flat → flat)', m.roundTrips > 0 ? `${wholeAmount(m.roundTrips)}: ${pct(m.tripHitRate!, 1)} won, mean holding ${duration(m.tripAvgHoldingUs!)} (the trades table)` : 'none closed'] as [string, string]] : []),
    // A strategy that tags its exits (a take-profit, a stop): how each kind closed and how often it won.
    ...(m.exitsByTag && Object.keys(m.exitsByTag).length > 1 ? [['  closed by', Object.entries(m.exitsByTag).sort((x, y) => y[1].trips - x[1].trips || (x[0] < y[0] ? -1 : 1)).map(([k, e]) => `${k} ${wholeAmount(e.trips)} (${pct(e.won / e.trips, 1)} won)`).join(' · ')] as [string, string]] : []),
    ['queue wait of maker fills: mean / median', m.makerFills > 0 ? `${wait(m.meanQueueWaitMs)} / ${wait(m.medianQueueWaitMs)}` : 'no maker fills'],
    // Runs written before the quantity was a metric have lots only.
    // An account on several venues (spot against a perp): each venue's, the first one's alone said half of it.
    m.venuePosition && Object.keys(m.venuePosition).length > 1
      ? ['final position by venue', Object.entries(m.venuePosition).map(([v, p]) => `${v} ${quantity(p.qty)} ${p.unit}`).join(' · ')]
      : ['final position', m.positionUnit !== undefined && m.finalPositionQty !== undefined ? `${quantity(m.finalPositionQty)} ${m.positionUnit} (${wholeAmount(m.finalPositionLots)} lots)` : `${wholeAmount(m.finalPositionLots)} lots`],
  ];
}

/**
 * The headline of a run whose strategies trade only on chain (pools, no order book): what the
 * account's holdings made, split into their revaluation and what the swaps, gas and MEV did.
 */
export function chainPnlRows(m: RunMetrics & { liquidationTransfers?: number; depositsPnl?: number }): [string, string][] {
  const a = m.settleAsset;
  const ret = m.initialCapital > 0 ? ` (${pct(m.totalPnl / m.initialCapital)} of ${money(m.initialCapital, a)})` : '';
  const dep = m.depositsPnl ?? 0;
  return [
    [`total PnL (${a})`, `${money(m.totalPnl, a)}${ret}`],
    ...(dep !== 0 ? [[`  deposits revalued`, money(dep, a)] as [string, string]] : []),
    [`  on chain: swaps, gas, MEV`, money(m.totalPnl - dep - (m.liquidationTransfers ?? 0), a)],
    ['max drawdown', `${money(m.maxDrawdown, a)} (${pct(m.maxDrawdownPct)} of the peak equity)`],
  ];
}

/** Two returns or more, and none different from the others (their skewness is undefined). */
function flatReturns(m: RunMetrics): boolean {
  const skew = m.returnSkew as number | null | undefined;
  return m.returnCount !== undefined && m.returnCount >= 2 && !(typeof skew === 'number' && Number.isFinite(skew));
}

/** A Sortino ratio, or why there is none: a run with gains and no losing return divides by zero. */
function sortinoText(m: RunMetrics, v: number, digits: number): string {
  return v === 0 && m.sharpePerPeriod > 0 ? 'none (no losing return)' : v.toFixed(digits);
}

/** The chain part of a run's summary: the strategies' swaps, what the adversaries took, lending. */
export function chainRows(m: Partial<ChainMetrics>): [string, string | number][] {
  // Grouped: USD amounts to the cent (d = 2), token amounts to d decimals.
  const f = (x: number | undefined, d = 4) => (x === undefined ? '' : d === 2 ? money(x) : (x + 0).toLocaleString('en-US', { maximumFractionDigits: d }));
  const rows: [string, string | number][] = [['blocks', m.blocks ?? 0]];
  if ((m.swaps ?? 0) > 0) {
    rows.push(
      ['swaps (filled / sent)', `${m.swapsFilled} / ${m.swaps}`],
      ['swaps sandwiched', m.swapsSandwiched ?? 0],
      // Per direction (each in its own tokens); runs written before swapsByPair: the totals.
      ...(m.swapsByPair && m.swapsByPair.length > 0
        ? m.swapsByPair.flatMap((p): [string, string][] => {
            const dir = m.swapsByPair!.length > 1 ? `${p.tokenIn} → ${p.tokenOut}: ` : '';
            return [
              [`${dir}MEV loss on the swaps (${p.tokenOut})`, f(p.mevLoss)],
              [`${dir}average price (${p.tokenOut} per ${p.tokenIn})`, f(p.avgPrice)],
            ];
          })
        : ([
            ['MEV loss on the swaps (output token)', f(m.swapMevLoss)],
            ['average price (output per input)', f(m.swapAvgPrice)],
          ] as [string, string][])),
      ['gas paid on the swaps (ETH)', f(m.swapGasEth, 6)],
      ['mean time to finality (s)', f(m.meanSettlementDelayS, 1)],
    );
  }
  if ((m.swaps ?? 0) > 0 || (m.sandwichProfitEth ?? 0) !== 0 || (m.arbProfitEth ?? 0) !== 0) rows.push(['sandwich bots\' profit (ETH)', f(m.sandwichProfitEth, 6)], ['CEX-DEX arbitrage profit (ETH)', f(m.arbProfitEth, 6)]);
  if (m.lendingLiquidations !== undefined) {
    rows.push(
      ['lending liquidations (accounts)', `${m.lendingLiquidations} (${m.lendingAccountsLiquidated})`],
      ['searchers\' profit / priority fees (USD)', `${f(m.searcherProfitUsd, 2)} / ${f(m.priorityFeesUsd, 2)}`],
      ['lending bad debt (USD)', f(m.lendingBadDebtUsd, 2)],
      ['protocol fees (USD)', f(m.lendingProtocolFeesUsd, 2)],
    );
  }
  rows.push(['chain/ledger balance mismatches', m.chainLedgerMismatches ?? 0]);
  return rows;
}

/** The risk part of a run's summary: liquidations, bad debt, the fund, and a cascade's impact. */
export function riskRows(m: {
  liquidations: number;
  liquidationsAll: number;
  accountsLiquidated: number;
  adlEvents: number;
  halts: number;
  badDebt: number;
  insuranceFund: number;
  rejectedOrders: number;
  populationAccounts?: number;
  pathDrawdownPct?: number;
  markDrawdownPct?: number;
  impactFurtherPct?: number;
  maxDisplacementPct?: number;
  maxDisplacementAt?: string;
}): [string, string | number][] {
  const rows: [string, string | number][] = [
    ['liquidation steps (strategy account / all)', `${m.liquidations} / ${m.liquidationsAll}`],
    ['accounts liquidated', m.populationAccounts ? `${m.accountsLiquidated} of ${m.populationAccounts + 0} population accounts` : m.accountsLiquidated],
    ['ADL events', m.adlEvents],
    ['circuit-breaker halts', m.halts],
    ['bad debt', money(m.badDebt)],
    ['insurance fund at end', money(m.insuranceFund)],
    ['orders rejected', m.rejectedOrders],
  ];
  // A path with liquidation impact: how far the forced selling moved the mark (nothing to say
  // when nobody was liquidated: the mark is the path).
  if (m.pathDrawdownPct !== undefined && m.liquidationsAll > 0) {
    rows.push(['drawdown: no-impact path / mark with impact', `${m.pathDrawdownPct.toFixed(3)}% / ${m.markDrawdownPct!.toFixed(3)}%`]);
    rows.push(['mark fell further than the counterfactual by', `${m.impactFurtherPct!.toFixed(3)} percentage points`]);
    rows.push(['deepest displacement of the mark by liquidations', `${m.maxDisplacementPct!.toFixed(3)}% at ${m.maxDisplacementAt}`]);
  }
  return rows;
}


/**
 * How many paths the 95% and 99% tails hold: up to 100 paths the 99% VaR and ES are the worst
 * path itself, up to 20 the 95% ones too; a reader should know before quoting them.
 */
function tailRow(paths: number | null | undefined): [string, string][] {
  if (!finite(paths) || paths < 1) return [];
  const m95 = tailCount(paths, 0.95);
  const m99 = tailCount(paths, 0.99);
  const note = m99 === 1 ? (m95 === 1 ? ': both are the worst path (a tail of 2 needs > 20 paths at 95%, > 100 at 99%)' : ': the 99% figures are the worst path (a tail of 2 needs > 100 paths)') : '';
  return [['paths in the 95% / 99% tail', `${m95} / ${m99}${note}`]];
}

/**
 * The risk figures of a Monte Carlo summary, as the terminal and the risk report show them:
 * amounts as whole numbers, probabilities as percentages, the base fee in gwei. Figures read back
 * from a manifest may be null (NaN on disk).
 */
export function mcRiskRows(s: { [K in keyof McSummary]?: McSummary[K] | null }): [string, string][] {
  // Summaries written before the intervals have none (undefined); a side the paths cannot bound is null (NaN on disk).
  const withCi = s.var95Lo !== undefined;
  let open = false;
  const side = (x: number | null | undefined, f: (x: number) => string) => {
    if (finite(x)) return f(x);
    open = true;
    return '?';
  };
  const range = (lo: number | null | undefined, hi: number | null | undefined) => `${side(lo, wholeAmount)} – ${side(hi, wholeAmount)}`;
  // A bound near 0 or 1 with two significant digits (0.021%, not 0.0%; 99.98%, not 100.0%).
  const bound = (x: number) => (x > 0 && x < 0.01 ? `${(x * 100).toPrecision(2)}%` : x < 1 && x > 0.99 ? `${(100 - (1 - x) * 100).toFixed(Math.max(1, 1 - Math.floor(Math.log10((1 - x) * 100))))}%` : percent(x));
  const prob = (x: number | null | undefined, lo: number | null | undefined, hi: number | null | undefined) => (withCi && finite(x) ? `${percent(x)} (95% CI ${side(lo, bound)} – ${side(hi, bound)}, exact)` : percent(x));
  const rows: [string, string][] = [
    ['desk PnL: mean', wholeAmount(s.meanDeskPnl)],
    ['VaR 95% / 99% (desk loss)', `${wholeAmount(s.var95)} / ${wholeAmount(s.var99)}`],
    ...(withCi ? [['  95% CI (distribution-free)', `${range(s.var95Lo, s.var95Hi)} / ${range(s.var99Lo, s.var99Hi)}`] as [string, string]] : []),
    ['ES 95% / 99% (desk loss)', `${wholeAmount(s.es95)} / ${wholeAmount(s.es99)}`],
    ...tailRow(s.paths),
    ['liquidations-at-risk 95% / 99% (notional)', `${wholeAmount(s.lar95)} / ${wholeAmount(s.lar99)}`],
    ...(withCi ? [['  95% CI (distribution-free)', `${range(s.lar95Lo, s.lar95Hi)} / ${range(s.lar99Lo, s.lar99Hi)}`] as [string, string]] : []),
    ['P(insurance fund exhausted)', prob(s.pFundExhausted, s.pFundExhaustedLo, s.pFundExhaustedHi)],
    ['ADL incidence', prob(s.adlIncidence, s.adlIncidenceLo, s.adlIncidenceHi)],
    ['bad debt: mean / 95% / 99% / max', `${wholeAmount(s.badDebtMean)} / ${wholeAmount(s.badDebt95)} / ${wholeAmount(s.badDebt99)} / ${wholeAmount(s.badDebtMax)}`],
  ];
  // Only when the paths have a chain.
  if (finite(s.baseFeeMax50) && finite(s.baseFeeMax99)) rows.push(['peak base fee: median / 99% (gwei)', `${s.baseFeeMax50.toPrecision(3)} / ${s.baseFeeMax99.toPrecision(3)}`]);
  if (open) rows.push(['? in a CI above', `more paths needed: ≥ ${pathsToBound(0.95)} bound a 95% figure, ≥ ${pathsToBound(0.99)} a 99% one`]);
  return rows;
}

/** One routed parent order as the `tca` table has it (the figures its summary prints). */
export interface TcaSummary {
  parent: string;
  side: string;
  asked: number;
  filled: number;
  decisions: number;
  children: number;
  shortfallBps: number;
  timingBps: number;
  spreadBps: number;
  impactBps: number;
  feesBps: number;
  gasBps: number;
  mevBps: number;
  venueSplit: string;
}

/**
 * The routing part of a run's summary: per parent order, what was asked and filled and its
 * implementation shortfall against the arrival mid, split into its terms (they add up to it).
 */
export function tcaRows(parents: readonly TcaSummary[], unit?: string): [string, string][] {
  const bp = (x: number) => (x + 0).toFixed(2);
  // Quantities as given (a parent of 0.5 BTC read "0 of 1 filled" when rounded to whole units).
  return parents.flatMap((p): [string, string][] => [
    [`${p.parent}: ${p.side}`, `${quantity(p.filled)} of ${quantity(p.asked)}${unit ? ` ${unit}` : ''} filled in ${wholeAmount(p.decisions)} decisions, ${wholeAmount(p.children)} child orders`],
    ['  implementation shortfall (bps)', `${bp(p.shortfallBps)} = timing ${bp(p.timingBps)} + spread ${bp(p.spreadBps)} + impact ${bp(p.impactBps)} + fees ${bp(p.feesBps)} + gas ${bp(p.gasBps)} + MEV ${bp(p.mevBps)}`],
    ['  venues', p.venueSplit.split(' ').join(' · ')],
  ]);
}

