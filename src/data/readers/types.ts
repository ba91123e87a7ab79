import { basename } from 'node:path';
import type { Instrument } from '../../market/instrument.ts';
import type { MarketRow, RowKind } from '../market-rows.ts';
import { FLAG_END } from '../market-rows.ts';
import { BadRows, type OnBadRow, type SkippedRows } from './bad-rows.ts';
import { DecimalScaler } from './decimal.ts';
import type { ReadStats } from './lines.ts';

/**
 * Receives each row. The object is reused between calls (no allocation per row): copy the
 * fields if you keep them. Rows arrive in non-decreasing `localTsUs`.
 */
export type RowSink = (row: Readonly<MarketRow>) => void;

export interface ReaderOptions {
  instrument: Instrument;
  onBadRow?: OnBadRow;
  /** Share one BadRows between readers / with the importer; created from `onBadRow` if absent. */
  badRows?: BadRows;
  /** Updated with bytes read from disk as the read progresses. */
  stats?: ReadStats;
  /** Name used in error messages; defaults to the file's base name. */
  displayName?: string;
}

export interface ReadSummary {
  rows: number;
  messages: number;
  lines: number;
  skipped: SkippedRows;
}

/**
 * Shared row plumbing for every reader: exact unit conversion with errors that name the
 * place, the receive-time order check, message counting.
 */
export class RowOut {
  readonly row: MarketRow = { tsUs: 0, localTsUs: 0, kind: 0, side: 0, flags: 0, priceTicks: 0, sizeLots: 0 };
  readonly price: DecimalScaler;
  readonly size: DecimalScaler;
  readonly bad: BadRows;
  readonly file: string;
  rows = 0;
  messages = 0;
  lastLocalTsUs = -Infinity;

  constructor(
    path: string,
    opts: ReaderOptions,
    private readonly sink: RowSink,
  ) {
    this.file = opts.displayName ?? basename(path);
    this.price = new DecimalScaler(opts.instrument.tickSize);
    this.size = new DecimalScaler(opts.instrument.lotSize);
    this.bad = opts.badRows ?? new BadRows(opts.onBadRow ?? 'error');
  }

  /** Price in ticks, or NaN after reporting (throws in 'error' mode). */
  ticks(s: string, line: number, field: string): number {
    const v = this.price.units(s);
    if (v !== v) this.bad.report(this.file, line, field, describe(this.price, s, 'price', 'tick size'));
    else if (v === 0) {
      this.bad.report(this.file, line, field, `price ${s} is not positive`);
      return NaN;
    }
    return v;
  }

  /** Size in lots (0 allowed: removes a level), or NaN after reporting. */
  lots(s: string, line: number, field: string): number {
    const v = this.size.units(s);
    if (v !== v) this.bad.report(this.file, line, field, describe(this.size, s, 'size', 'lot size'));
    return v;
  }

  emit(tsUs: number, localTsUs: number, kind: RowKind, side: 0 | 1, flags: number, priceTicks: number, sizeLots: number): void {
    const r = this.row;
    r.tsUs = tsUs;
    r.localTsUs = localTsUs;
    r.kind = kind;
    r.side = side;
    r.flags = flags;
    r.priceTicks = priceTicks;
    r.sizeLots = sizeLots;
    this.rows++;
    if (flags & FLAG_END) this.messages++;
    this.lastLocalTsUs = localTsUs;
    this.sink(r);
  }

  summary(lines: number): ReadSummary {
    return { rows: this.rows, messages: this.messages, lines, skipped: this.bad.snapshot() };
  }
}

function describe(sc: DecimalScaler, s: string, what: string, unitName: string): string {
  const shown = JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
  if (sc.problem === 'negative') return `${what} ${shown} is negative`;
  if (sc.problem === 'off grid') return `${what} ${shown} is not a multiple of the ${unitName} ${sc.unit}`;
  return `${what} ${shown} is not a number`;
}

/** Integer µs (or ms, ns…) from an unsigned integer string; NaN if it is not one. */
export function parseUint(s: string): number {
  if (s.length === 0 || s.length > 16) return NaN;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}
