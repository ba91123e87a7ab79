import { describe, expect, it } from 'vitest';
import { chainRows, mcRiskRows, money, riskRows, summaryRows, tcaRows } from '../../src/report/summary-rows.ts';

const base = { liquidations: 0, liquidationsAll: 0, accountsLiquidated: 0, adlEvents: 0, halts: 0, badDebt: 0, insuranceFund: 0, rejectedOrders: 0, pathDrawdownPct: 4.335, markDrawdownPct: 4.335, impactFurtherPct: 0, maxDisplacementPct: 0, maxDisplacementAt: '2024-01-01T00:00:00.000Z' };

describe('summary rows', () => {
  it('the Monte Carlo rows say how many paths the 95% and 99% tails hold (m = ⌈(1 − α)·n⌉)', () => {
    const tail = (paths: number) => mcRiskRows({ paths }).find((r) => r[0] === 'paths in the 95% / 99% tail')?.[1];
    expect(tail(8)).toBe('1 / 1: both are the worst path (a tail of 2 needs > 20 paths at 95%, > 100 at 99%)');
    expect(tail(20)).toBe('1 / 1: both are the worst path (a tail of 2 needs > 20 paths at 95%, > 100 at 99%)');
    expect(tail(21)).toBe('2 / 1: the 99% figures are the worst path (a tail of 2 needs > 100 paths)');
    expect(tail(1000)).toBe('50 / 10');
    expect(tail(0)).toBeUndefined();
  });

  it('the Monte Carlo rows give 95% intervals; "?" where the paths cannot bound a side; none from a summary written before them', () => {
    const s = { paths: 120, var95: 199_565, var99: 254_630, var95Lo: 141_165, var95Hi: 254_630, var99Lo: 208_220, var99Hi: null, lar95Lo: 1, lar95Hi: 2, lar99Lo: 3, lar99Hi: null, pFundExhausted: 1 / 120, pFundExhaustedLo: 0.000211, pFundExhaustedHi: 0.0456, adlIncidence: 1, adlIncidenceLo: 0.9697, adlIncidenceHi: 1 };
    const rows = mcRiskRows(s);
    const at = (label: string) => rows.filter((r) => r[0] === label).map((r) => r[1]);
    expect(at('  95% CI (distribution-free)')).toEqual(['141,165 – 254,630 / 208,220 – ?', '1 – 2 / 3 – ?']);
    expect(at('P(insurance fund exhausted)')).toEqual(['0.8% (95% CI 0.021% – 4.6%, exact)']);
    expect(at('ADL incidence')).toEqual(['100.0% (95% CI 97.0% – 100.0%, exact)']);
    expect(at('? in a CI above')).toEqual(['more paths needed: ≥ 72 bound a 95% figure, ≥ 368 a 99% one']);
    const old = mcRiskRows({ paths: 120, var95: 1, var99: 2, pFundExhausted: 0.5, adlIncidence: 0 });
    expect(old.map((r) => r[0])).not.toContain('  95% CI (distribution-free)');
    expect(old.find((r) => r[0] === 'P(insurance fund exhausted)')![1]).toBe('50.0%');
    expect(old.map((r) => r[0])).not.toContain('?');
  });

  it('the risk rows speak of liquidation impact only when something was liquidated', () => {
    const labels = (m: typeof base) => riskRows(m).map((r) => r[0]);
    expect(labels(base)).not.toContain('deepest displacement of the mark by liquidations');
    const hit = riskRows({ ...base, liquidationsAll: 12, markDrawdownPct: 5.1, impactFurtherPct: 0.765, maxDisplacementPct: 0.9, maxDisplacementAt: '2024-01-01T03:00:00.000Z' });
    expect(hit.slice(-3)).toEqual([
      ['drawdown: no-impact path / mark with impact', '4.335% / 5.100%'],
      ['mark fell further than the counterfactual by', '0.765 percentage points'],
      ['deepest displacement of the mark by liquidations', '0.900% at 2024-01-01T03:00:00.000Z'],
    ]);
  });
});

describe('headline rows', () => {
  const m = {
    settleAsset: 'USDT', initialCapital: 100_000, finalEquity: 49_429.71485, totalPnl: -50570.28515, realizedPnl: -23284.8, unrealizedPnl: -15.9, fees: 27269.58515, funding: 0,
    spreadCapture: -10972.7, inventoryPnl: -12328, sharpe: -59.687, sortino: -81.42, sharpePerPeriod: -0.08, sortinoPerPeriod: -0.1, returnPeriod: '1m', spanUs: 31 * 86400e6,
    maxDrawdown: 50588.028825, maxDrawdownPct: 0.50588, turnover: 545.391703, tradedNotional: 54.5e6, orders: 2650, fills: 2649, makerFills: 0, takerFills: 2649,
    fillRatio: 0.999623, takerSlippageBps: 2.001529, meanQueueWaitMs: 0, medianQueueWaitMs: 0, finalPositionLots: 500,
  };
  // A run that never traded printed "sharpe / sortino 0.00 / 0.00" (0/0), and one with no losing return a Sortino of 0.
  it('no Sharpe for returns that do not vary, no Sortino without a losing return', () => {
    const row = (x: object) => Object.entries(Object.fromEntries(summaryRows({ ...m, ...x }))).find(([k]) => k.startsWith('sharpe / sortino'))!;
    expect(row({ sharpe: 0, sortino: 0, sharpePerPeriod: 0, sortinoPerPeriod: 0, returnCount: 749, returnSkew: NaN, returnPeriod: '1h' })).toEqual(['sharpe / sortino per 1h return', 'none: the 1h returns do not vary']);
    // As a manifest read back has it (NaN is stored as null).
    expect(row({ sharpePerPeriod: 0, sortinoPerPeriod: 0, returnCount: 749, returnSkew: null, returnPeriod: '1h' })[1]).toBe('none: the 1h returns do not vary');
    expect(row({ sharpe: 12.5, sortino: 0, sharpePerPeriod: 0.05, sortinoPerPeriod: 0, returnCount: 749, returnSkew: 0.3 })[1]).toBe('12.50 / none (no losing return)');
    expect(row({ sharpe: NaN, sharpePerPeriod: 0.05, sortinoPerPeriod: 0, returnCount: 40, returnSkew: 0.3 })[1]).toMatch(/^0\.0500 \/ none \(no losing return\) \(not annualised/);
    expect(row({ sharpe: -59.687, sortino: -81.42, returnCount: 749, returnSkew: -0.2 })[1]).toBe('-59.69 / -81.42');
  });

  it('formats amounts as a person reads them: grouped, to the cent, with the return and drawdown in percent', () => {
    const rows = Object.fromEntries(summaryRows(m));
    expect(rows['total PnL (USDT)']).toBe('-50,570.29 (-50.57% of 100,000.00)');
    expect(rows['  fees']).toBe('-27,269.59');
    expect(rows['  funding']).toBe('0.00');
    expect(rows['realized / unrealized']).toBe('-23,284.80 / -15.90');
    expect(rows['max drawdown']).toBe('50,588.03 (50.59% of the peak equity)');
    expect(rows['turnover (× capital)']).toBe('545.39');
    expect(rows['fill ratio (lots of accepted orders)']).toBe('100.0%');
    // A strategy that tags its exits: how each closed and how often it won (nothing shown for one kind).
    expect(Object.fromEntries(summaryRows({ ...m, exitsByTag: { 'trailing-stop': { trips: 151, won: 0 }, 'take-profit': { trips: 378, won: 378 } } }))['  closed by']).toBe('take-profit 378 (100.0% won) · trailing-stop 151 (0.0% won)');
    expect(Object.fromEntries(summaryRows({ ...m, exitsByTag: { exit: { trips: 10, won: 4 } } }))['  closed by']).toBeUndefined();
    // Every order refused (a market maker short of margin): no ratio of nothing, said so.
    expect(Object.fromEntries(summaryRows({ ...m, orders: 11_342, fills: 0, rejectedOrders: 11_342, fillRatio: 0 }))['fill ratio (lots of accepted orders)']).toBe('none accepted: every order was rejected');
    expect(rows['taker slippage vs decision mid (bps)']).toBe('2.00');
    expect(rows['queue wait of maker fills: mean / median']).toBe('no maker fills');
    expect(Object.fromEntries(summaryRows({ ...m, makerFills: 16, meanQueueWaitMs: 35_926_249, medianQueueWaitMs: 523.04 }))['queue wait of maker fills: mean / median']).toBe('10 h / 523.0 ms');
    expect(rows['sharpe / sortino (annualised, 365 d; 1m PnL ÷ initial capital)']).toBe('-59.69 / -81.42');
    expect(rows['final position']).toBe('500 lots');
    expect(rows['PnL by venue']).toBeUndefined();
    expect(Object.fromEntries(summaryRows({ ...m, venuePnl: { perp: -1362.914, deribit: 838.2349 } }))['PnL by venue']).toBe('perp -1,362.91 · deribit 838.23');
    expect(Object.fromEntries(summaryRows({ ...m, finalPositionLots: -891_508, finalPositionQty: -891.508, positionUnit: 'ETH' }))['final position']).toBe('-891.508 ETH (-891,508 lots)');
    // A basis trade's account: the first venue's position alone ("0.1 BTC") hid the short perp.
    const basis = Object.fromEntries(summaryRows({ ...m, venuePosition: { spot: { qty: 0.1, unit: 'BTC', lots: 10_000_000 }, perp: { qty: -0.1, unit: 'BTC', lots: -100 } } }));
    expect(basis['final position by venue']).toBe('spot 0.1 BTC · perp -0.1 BTC');
    expect(basis['final position']).toBeUndefined();
  });
  it('a routed parent of a fraction of a coin keeps its digits and its unit (it read "0 of 1 filled")', () => {
    const p = { parent: 'twap-sell', side: 'sell', asked: 0.5, filled: 0.496, decisions: 8, children: 8, shortfallBps: 17.37, timingBps: 12.35, spreadBps: 0.01, impactBps: 0.02, feesBps: 4.99, gasBps: 0, mevBps: 0, venueSplit: 'binance-futures:100.0%' };
    expect(tcaRows([p], 'BTC')[0]).toEqual(['twap-sell: sell', '0.496 of 0.5 BTC filled in 8 decisions, 8 child orders']);
    expect(tcaRows([{ ...p, asked: 1000, filled: 1000 }])[0]![1]).toBe('1,000 of 1,000 filled in 8 decisions, 8 child orders');
  });

  it('keeps the digits of small coin amounts and never prints -0.00', () => {
    expect(money(0.00012345)).toBe('0.00012345');
    // In a dollar asset cents are the unit.
    expect(money(0.616629, 'USDT')).toBe('0.62');
    expect(money(-0.001, 'USDC')).toBe('0.00');
    expect(money(0.00012345, 'BTC')).toBe('0.00012345');
    expect(Object.fromEntries(summaryRows({ ...m, orders: 1616, fills: 1601, makerFills: 1601, takerFills: 0, funding: -0.616629 }))).toMatchObject({ 'orders / fills': '1,616 / 1,601 (maker 1,601, taker 0)', '  funding': '0.62' });
    expect(money(-0.004)).toBe('-0.004');
    expect(money(-0.000000001)).toBe('0.00');
    expect(money(0)).toBe('0.00');
    expect(money(1234.5)).toBe('1,234.50');
  });
});

describe('chain rows', () => {
  it('USD amounts to the cent and token amounts to six decimals, grouped', () => {
    const rows = Object.fromEntries(chainRows({ blocks: 14400, lendingLiquidations: 340, lendingAccountsLiquidated: 183, searcherProfitUsd: 560944.3412, priorityFeesUsd: 788741.9421, lendingBadDebtUsd: 0, lendingProtocolFeesUsd: 141100.934, swaps: 2, swapsFilled: 2, swapsSandwiched: 1, swapMevLoss: 1234.56789, swapAvgPrice: 2999.123456, swapGasEth: 0.012345678, meanSettlementDelayS: 12.04, sandwichProfitEth: -0, arbProfitEth: 1.5, chainLedgerMismatches: 0 }));
    expect(rows["searchers' profit / priority fees (USD)"]).toBe('560,944.34 / 788,741.94');
    expect(rows['lending bad debt (USD)']).toBe('0.00');
    expect(rows['protocol fees (USD)']).toBe('141,100.93');
    expect(rows['MEV loss on the swaps (output token)']).toBe('1,234.5679');
    expect(rows['gas paid on the swaps (ETH)']).toBe('0.012346');
    expect(rows["sandwich bots' profit (ETH)"]).toBe('0');
  });
});
