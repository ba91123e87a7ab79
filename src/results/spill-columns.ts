import type { ColumnData } from './arrow-io.ts';
import { CodeBook, codedOf, codedStr, isRepeated, repeatStr } from './columns.ts';

/** A text column of one repeated value (venue, account, symbol…), sent as the value and a count. */
export interface Repeated {
  repeat: string;
  n: number;
}
/** A text column of a few values (side, status, kind…), sent as them and a byte per row. */
export interface Coded {
  dict: string[];
  codes: Uint8Array;
}
export type PostedColumn = ColumnData | Repeated | Coded;

/**
 * Columns as posted: a text column holding one value is sent as that value and a count, one of at
 * most 256 values as those and a byte per row (copying a message costs per string; most text
 * columns of a chunk are constants or kinds), other text as it is. With `transfer`, the buffers
 * the posted columns own whole (typed columns, byte codes) are added to it: a spilled chunk is
 * not read here again, so they are handed to the thread instead of copied (a column viewing part
 * of a larger buffer, a growable column's storage, is copied as before).
 */
export function compact(cols: Record<string, ColumnData>, transfer?: Set<ArrayBuffer>): Record<string, PostedColumn> {
  const out: Record<string, PostedColumn> = {};
  for (const k in cols) {
    const c = cols[k]!;
    const p = Array.isArray(c) && c.length > 1 ? compactText(c) : c;
    out[k] = p;
    if (transfer !== undefined) {
      const a = ArrayBuffer.isView(p) ? p : 'codes' in p ? p.codes : undefined;
      if (a !== undefined && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) transfer.add(a.buffer);
    }
  }
  return out;
}

function compactText(c: string[]): PostedColumn {
  const v = c[0]!;
  if (isRepeated(c)) return { repeat: v, n: c.length };
  // Made by a TextColumn: its codes are what the scan below finds (a constant column apart).
  const coded = codedOf(c);
  if (coded !== undefined) return coded.dict.length === 1 ? { repeat: v, n: c.length } : { dict: coded.dict, codes: coded.codes };
  let i = 1;
  while (i < c.length && c[i] === v) i++;
  if (i === c.length) return { repeat: v, n: c.length };
  const book = new CodeBook();
  book.code(v);
  const codes = new Uint8Array(c.length);
  // Rows before i are all v (code 0); a run of one value is coded once.
  let prev = v;
  let prevCode = 0;
  for (; i < c.length; i++) {
    const s = c[i]!;
    if (s !== prev) {
      prevCode = book.code(s);
      if (prevCode < 0) return c;
      prev = s;
    }
    codes[i] = prevCode;
  }
  return { dict: book.dict, codes };
}

/** The columns a chunk message carried. */
export function expand(cols: Record<string, PostedColumn>): Record<string, ColumnData> {
  const out: Record<string, ColumnData> = {};
  for (const k in cols) {
    const c = cols[k]!;
    if ('repeat' in c) out[k] = repeatStr(c.repeat, c.n);
    // (Posted codes are in first-come order, as compactText and TextColumn make them.)
    else if ('codes' in c) out[k] = codedStr(c.dict, c.codes);
    else out[k] = c;
  }
  return out;
}
