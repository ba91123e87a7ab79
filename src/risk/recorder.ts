import { f64Of, i32Of } from '../results/columns.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import type { BreakerEvent } from './breaker.ts';
import type { LiquidationRecord } from './liquidation.ts';
import type { MarginEngine } from './margin-engine.ts';

export interface MarginRow {
  tsUs: number;
  account: string;
  equity: number;
  im: number;
  mm: number;
  marginRatio: number;
}

/** Snapshot every account's margin (the `margin` results table). */
export function snapshotMargin(engine: MarginEngine, tsUs: number, out: MarginRow[]): void {
  for (const id of engine.accountIds()) {
    const s = engine.state(id);
    out.push({ tsUs, account: id, equity: s.equity, im: s.im, mm: s.mm, marginRatio: s.marginRatio });
  }
}

export function marginTable(rows: readonly MarginRow[]): Record<string, ColumnData> {
  return {
    ts_us: f64Of(rows, (r) => r.tsUs),
    account: rows.map((r) => r.account),
    equity: f64Of(rows, (r) => r.equity),
    im: f64Of(rows, (r) => r.im),
    mm: f64Of(rows, (r) => r.mm),
    margin_ratio: f64Of(rows, (r) => r.marginRatio),
  };
}

export function liquidationsTable(rows: readonly LiquidationRecord[]): Record<string, ColumnData> {
  return {
    ts_us: f64Of(rows, (r) => r.tsUs),
    account: rows.map((r) => r.account),
    // Which perp: a run with several (BTC and ETH) liquidates on each.
    instrument: rows.map((r) => r.instrument),
    asset: rows.map((r) => r.asset),
    step: i32Of(rows, (r) => r.step),
    kind: rows.map((r) => r.kind),
    size_lots: f64Of(rows, (r) => r.sizeLots),
    price: f64Of(rows, (r) => r.price),
    mark_before: f64Of(rows, (r) => r.markBefore),
    mark_after: f64Of(rows, (r) => r.markAfter),
    fee: f64Of(rows, (r) => r.fee),
    bad_debt: f64Of(rows, (r) => r.badDebt),
    fund_balance: f64Of(rows, (r) => r.fundBalance),
    adl_counterparties: i32Of(rows, (r) => r.adlCounterparties),
  };
}

export function breakersTable(rows: readonly BreakerEvent[]): Record<string, ColumnData> {
  return {
    ts_us: f64Of(rows, (r) => r.tsUs),
    kind: rows.map((r) => r.kind),
    mark: f64Of(rows, (r) => r.mark),
    reason: rows.map((r) => r.reason),
  };
}
