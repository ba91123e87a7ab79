import type { RunMetrics } from '../results/metrics.ts';
import type { McSummary } from '../mc/stats.ts';
import type { ChainMetrics } from '../world/chain-world.ts';
import { duration } from './tear-sheet-stats.ts';


const amount = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/**
 * A run's headline metrics as labelled rows, the same in the terminal (`primesim backtest`,
 * `run`, `demo`) and at the top of its HTML report. Labels say what each figure is: the Sharpe
 * here is of the PnL per return period over the initial capital (the manifest's `sharpe`); the
 * tear sheet's compounds the equity curve's returns per sample, as quantstats does.
 */
export function summaryRows(m: RunMetrics & { liquidationTransfers?: number }): [string, number | string][] {
  const a = m.settleAsset;
  // A liquidated account's fees to the insurance fund (or its cover) are their own component.
  const liq: [string, number][] = m.liquidationTransfers ? [[`  liquidation transfers`, m.liquidationTransfers]] : [];
  return [
    [`total PnL (${a})`, m.totalPnl],
    [`  spread capture`, m.spreadCapture],
    [`  inventory`, m.inventoryPnl],
    // 0 − x: a cost of 0 reads 0, not −0.
    [`  fees`, 0 - m.fees],
    [`  funding`, 0 - m.funding],
    ...liq,
    [`realized / unrealized`, `${amount(m.realizedPnl)} / ${amount(m.unrealizedPnl)}`],
    ...(Number.isFinite(m.sharpe)
      ? ([[`sharpe / sortino (annualised, 365 d; ${m.returnPeriod} PnL ÷ initial capital)`, `${m.sharpe.toFixed(2)} / ${m.sortino.toFixed(2)}`]] as [string, string][])
      : ([[`sharpe / sortino per ${m.returnPeriod} return`, `${m.sharpePerPeriod.toFixed(4)} / ${m.sortinoPerPeriod.toFixed(4)} (not annualised: the run spans ${duration(m.spanUs)}, under 30 days)`]] as [string, string][])),
    ['max drawdown', m.maxDrawdown],
    ['turnover (× capital)', m.turnover],
    ['orders / fills', `${m.orders} / ${m.fills} (maker ${m.makerFills}, taker ${m.takerFills})`],
    ['fill ratio', m.fillRatio],
    ['taker slippage vs decision mid (bps)', m.takerSlippageBps],
    ['queue wait mean / median (ms)', `${m.meanQueueWaitMs.toFixed(1)} / ${m.medianQueueWaitMs.toFixed(1)}`],
    ['final position (lots)', m.finalPositionLots],
  ];
}

/** The chain part of a run's summary: the strategies' swaps, what the adversaries took, lending. */
export function chainRows(m: Partial<ChainMetrics>): [string, string | number][] {
  const f = (x: number | undefined, d = 4) => (x === undefined ? '' : Number(x.toFixed(d)));
  const rows: [string, string | number][] = [['blocks', m.blocks ?? 0]];
  if ((m.swaps ?? 0) > 0) {
    rows.push(
      ['swaps (filled / sent)', `${m.swapsFilled} / ${m.swaps}`],
      ['swaps sandwiched', m.swapsSandwiched ?? 0],
      ['MEV loss on the swaps (output token)', f(m.swapMevLoss)],
      ['average price (output per input)', f(m.swapAvgPrice)],
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
    ['bad debt', m.badDebt],
    ['insurance fund at end', m.insuranceFund],
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
 * The risk figures of a Monte Carlo summary, as the terminal and the risk report show them:
 * amounts as whole numbers, probabilities as percentages (a PnL of 0.4 is not 40%), the base fee
 * in gwei. Figures read back from a manifest may be null (NaN on disk).
 */
export function mcRiskRows(s: { [K in keyof McSummary]?: McSummary[K] | null }): [string, string][] {
  const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  const amount = (x: number | null | undefined) => (ok(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(x));
  const pct = (x: number | null | undefined) => (ok(x) ? `${(x * 100).toFixed(1)}%` : String(x));
  const rows: [string, string][] = [
    ['VaR 95% / 99% (desk loss)', `${amount(s.var95)} / ${amount(s.var99)}`],
    ['ES 95% / 99% (desk loss)', `${amount(s.es95)} / ${amount(s.es99)}`],
    ['liquidations-at-risk 95% / 99% (notional)', `${amount(s.lar95)} / ${amount(s.lar99)}`],
    ['P(insurance fund exhausted)', pct(s.pFundExhausted)],
    ['ADL incidence', pct(s.adlIncidence)],
    ['bad debt: mean / 95% / 99% / max', `${amount(s.badDebtMean)} / ${amount(s.badDebt95)} / ${amount(s.badDebt99)} / ${amount(s.badDebtMax)}`],
  ];
  // Only when the paths have a chain.
  if (ok(s.baseFeeMax50) && ok(s.baseFeeMax99)) rows.push(['peak base fee: median / 99% (gwei)', `${s.baseFeeMax50.toPrecision(3)} / ${s.baseFeeMax99.toPrecision(3)}`]);
  return rows;
}
