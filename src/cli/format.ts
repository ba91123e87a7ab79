import type { ChainMetrics } from '../world/chain-world.ts';
/** Plain-text table for terminals; numbers right-aligned. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toLocaleString('en-US', { maximumFractionDigits: 6, useGrouping: false });
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    return String(v);
  };
  const cells = rows.map((r) => r.map(cell));
  const numeric = columns.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || typeof r[j] === 'bigint' || r[j] === null));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const line = (vals: string[]) => vals.map((v, j) => (numeric[j] ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function toCsv(columns: string[], rows: unknown[][]): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : v instanceof Date ? v.toISOString() : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\n');
}

export function toJson(columns: string[], rows: unknown[][]): string {
  return JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]]))),
    (_k, x) => (typeof x === 'bigint' ? (x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString()) : x),
    2,
  );
}

/** The risk part of a run's summary: liquidations, bad debt, the fund, and a cascade's impact. */
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
  if (m.pathDrawdownPct !== undefined) {
    rows.push(['drawdown: no-impact path / mark with impact', `${m.pathDrawdownPct.toFixed(3)}% / ${m.markDrawdownPct!.toFixed(3)}%`]);
    rows.push(['mark fell further than the counterfactual by', `${m.impactFurtherPct!.toFixed(3)} percentage points`]);
    rows.push(['deepest displacement of the mark by liquidations', `${m.maxDisplacementPct!.toFixed(3)}% at ${m.maxDisplacementAt}`]);
  }
  return rows;
}
