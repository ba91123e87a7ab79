import { F64Column, f64Of, i32Of, TextColumn } from '../results/columns.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import type { BreakerEvent } from './breaker.ts';
import type { LiquidationRecord } from './liquidation.ts';
import type { MarginState } from './types.ts';

/**
 * The `margin` results table (ts_us, account, equity, im, mm, margin_ratio), built a row at a time
 * in columns (a sample at every fill and timer: no row object each) and taken a chunk at a time.
 */
export class MarginColumns {
  private ts = new F64Column();
  private readonly account = new TextColumn();
  private equity = new F64Column();
  private im = new F64Column();
  private mm = new F64Column();
  private ratio = new F64Column();

  get length(): number {
    return this.ts.length;
  }

  push(tsUs: number, account: string, s: MarginState): void {
    this.ts.push(tsUs);
    this.account.push(account);
    this.equity.push(s.equity);
    this.im.push(s.im);
    this.mm.push(s.mm);
    this.ratio.push(s.marginRatio);
  }

  /** The rows so far as the table's columns; empties the columns. */
  take(): Record<string, ColumnData> {
    return { ts_us: this.ts.take(), account: this.account.take(), equity: this.equity.take(), im: this.im.take(), mm: this.mm.take(), margin_ratio: this.ratio.take() };
  }
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
