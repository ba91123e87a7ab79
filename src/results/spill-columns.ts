import type { ColumnData } from './arrow-io.ts';

/** A text column of one repeated value (venue, account, symbol…), sent as the value and a count. */
export interface Repeated {
  repeat: string;
  n: number;
}
export type PostedColumn = ColumnData | Repeated;

/**
 * Columns as posted: a text column holding one value is sent as that value and a count (copying
 * a message costs per string; a third of a chunk's text columns are constants).
 */
export function compact(cols: Record<string, ColumnData>): Record<string, PostedColumn> {
  const out: Record<string, PostedColumn> = {};
  for (const k in cols) {
    const c = cols[k]!;
    if (Array.isArray(c) && c.length > 1) {
      const v = c[0]!;
      let same = true;
      for (let i = 1; i < c.length; i++) {
        if (c[i] !== v) {
          same = false;
          break;
        }
      }
      out[k] = same ? { repeat: v, n: c.length } : c;
    } else out[k] = c;
  }
  return out;
}

/** The columns a chunk message carried. */
export function expand(cols: Record<string, PostedColumn>): Record<string, ColumnData> {
  const out: Record<string, ColumnData> = {};
  for (const k in cols) {
    const c = cols[k]!;
    out[k] = 'repeat' in c ? new Array<string>(c.n).fill(c.repeat) : c;
  }
  return out;
}
