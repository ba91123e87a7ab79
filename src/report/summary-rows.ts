import type { RunMetrics } from '../results/metrics.ts';

/** A run's span in words: 45 s, 12.5 min, 3.2 h, 31.3 days. */
export function fmtSpan(us: number): string {
  const s = us / 1e6;
  return s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : s < 172800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} days`;
}

const amount = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

/**
 * A run's headline metrics as labelled rows, the same in the terminal (`primesim backtest`,
 * `run`, `demo`) and at the top of its HTML report. Labels say what each figure is: the Sharpe
 * here is of the PnL per return period over the initial capital (the manifest's `sharpe`); the
 * tear sheet's compounds the equity curve's returns per sample, as quantstats does.
 */
export function summaryRows(m: RunMetrics): [string, number | string][] {
  const a = m.settleAsset;
  return [
    [`total PnL (${a})`, m.totalPnl],
    [`  spread capture`, m.spreadCapture],
    [`  inventory`, m.inventoryPnl],
    // 0 − x: a cost of 0 reads 0, not −0.
    [`  fees`, 0 - m.fees],
    [`  funding`, 0 - m.funding],
    [`realized / unrealized`, `${amount(m.realizedPnl)} / ${amount(m.unrealizedPnl)}`],
    ...(Number.isFinite(m.sharpe)
      ? ([[`sharpe / sortino (annualised, 365 d; ${m.returnPeriod} PnL ÷ initial capital)`, `${m.sharpe.toFixed(2)} / ${m.sortino.toFixed(2)}`]] as [string, string][])
      : ([[`sharpe / sortino per ${m.returnPeriod} return`, `${m.sharpePerPeriod.toFixed(4)} / ${m.sortinoPerPeriod.toFixed(4)} (not annualised: the run spans ${fmtSpan(m.spanUs)}, under 30 days)`]] as [string, string][])),
    ['max drawdown', m.maxDrawdown],
    ['turnover (× capital)', m.turnover],
    ['orders / fills', `${m.orders} / ${m.fills} (maker ${m.makerFills}, taker ${m.takerFills})`],
    ['fill ratio', m.fillRatio],
    ['taker slippage vs decision mid (bps)', m.takerSlippageBps],
    ['queue wait mean / median (ms)', `${m.meanQueueWaitMs.toFixed(1)} / ${m.medianQueueWaitMs.toFixed(1)}`],
    ['final position (lots)', m.finalPositionLots],
  ];
}
