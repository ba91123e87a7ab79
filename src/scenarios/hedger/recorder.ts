import type { Ledger } from '../../ledger/ledger.ts';
import type { RunTables } from '../../results/run-writer.ts';

/** Growable columns for one results table; converted to typed arrays once at the end. */
class Table<N extends string, S extends string = never, B extends string = never> {
  private readonly nums: Record<string, number[]> = {};
  private readonly strs: Record<string, string[]> = {};
  private readonly bigs: Record<string, bigint[]> = {};
  constructor(numCols: readonly N[], strCols: readonly S[] = [], bigCols: readonly B[] = []) {
    for (const c of numCols) this.nums[c] = [];
    for (const c of strCols) this.strs[c] = [];
    for (const c of bigCols) this.bigs[c] = [];
  }
  push(row: Record<N, number> & Record<S, string> & Record<B, bigint>): void {
    const r = row as Record<string, number | string | bigint>;
    for (const c in this.nums) this.nums[c]!.push(r[c] as number);
    for (const c in this.strs) this.strs[c]!.push(r[c] as string);
    for (const c in this.bigs) this.bigs[c]!.push(r[c] as bigint);
  }
  get rows(): number {
    const first = Object.values(this.nums)[0];
    return first ? first.length : 0;
  }
  columns(): RunTables[string] {
    const out: RunTables[string] = {};
    for (const [c, v] of Object.entries(this.nums)) out[c] = Float64Array.from(v);
    for (const [c, v] of Object.entries(this.strs)) out[c] = v;
    for (const [c, v] of Object.entries(this.bigs)) out[c] = BigInt64Array.from(v);
    return out;
  }
}

/** The hedger run's results tables (see runHedgerScenario for their meaning). */
export class HedgerRecorder {
  readonly greeks = new Table(['ts_us', 'delta', 'option_delta', 'perp_delta', 'gamma', 'vega', 'theta', 'underlying', 'band'] as const, ['phase'] as const);
  readonly funding = new Table(['ts_us', 'rate', 'position', 'mark', 'payment'] as const, ['instrument', 'asset'] as const, ['payment_minor'] as const);
  readonly equity = new Table(['ts_us', 'equity', 'cash_usdt', 'perp_upnl_usdt', 'cash_btc', 'options_value_btc', 'perp_position', 'underlying', 'perp_mark'] as const);
  readonly fills = new Table(['ts_us', 'price', 'qty', 'fee'] as const, ['venue', 'instrument', 'side', 'asset'] as const, ['fee_minor'] as const);
  readonly hedges = new Table(['ts_us', 'done_ts_us', 'delta_before', 'delta_after', 'order_qty', 'filled_qty', 'avg_price', 'underlying'] as const, ['status'] as const);
  readonly ledger = new Table(['ts_us', 'seq', 'ref'] as const, ['from', 'to', 'asset', 'kind'] as const, ['amount_minor'] as const);

  attachLedger(l: Ledger): void {
    l.onTransfer((t) => this.ledger.push({ ts_us: t.tsUs, seq: t.seq, ref: t.ref, from: t.from, to: t.to, asset: t.asset, kind: t.kind, amount_minor: t.amount }));
  }

  tables(): RunTables {
    return {
      greeks: this.greeks.columns(),
      funding: this.funding.columns(),
      equity: this.equity.columns(),
      fills: this.fills.columns(),
      hedges: this.hedges.columns(),
      ledger: this.ledger.columns(),
    };
  }
}
