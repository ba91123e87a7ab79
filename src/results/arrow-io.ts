import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { makeData, makeVector, Table, tableFromIPC, tableToIPC, Utf8, type Vector } from 'apache-arrow';
import { DataError } from '../errors.ts';
import { codedOf, isRepeated } from './columns.ts';

export type ColumnData = Float64Array | Int32Array | Uint8Array | BigInt64Array | string[];

/**
 * Write one Arrow IPC file (file format); returns its byte size and sha256.
 * Strings are plain Utf8, not dictionaries: Arrow JS numbers dictionaries from a process-wide
 * counter, which would make the bytes depend on what else ran in the process.
 */
export function writeArrow(file: string, columns: Record<string, ColumnData>): { bytes: number; sha256: string; rows: number } {
  const vectors: Record<string, Vector> = {};
  for (const [name, data] of Object.entries(columns)) {
    vectors[name] = Array.isArray(data) ? utf8Vector(data) : makeVector(data);
  }
  const table = new Table(vectors);
  const bytes = tableToIPC(table, 'file');
  writeFileSync(file, bytes);
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), rows: table.numRows };
}

export function readArrow(file: string): Table {
  try {
    return tableFromIPC(readFileSync(file));
  } catch (e) {
    // apache-arrow's own message for a cut or foreign file is about its internals ("reading 'fieldsLength'").
    if (e instanceof Error && (e as NodeJS.ErrnoException).code === undefined) throw new DataError(`not a readable Arrow file (cut short or overwritten?): ${e.message}`, { file, hint: 'rerun to rebuild it' });
    throw e;
  }
}

const encoder = new TextEncoder();

/**
 * A Utf8 vector built straight from offsets and bytes. Result columns repeat a few values (venue,
 * account, asset, kind) over many rows, so each distinct string is encoded once; Arrow's generic
 * builder encodes every row and dominated the write of a 20M-event run.
 */
export function utf8Vector(xs: readonly string[]): Vector<Utf8> {
  // ASCII text (ids, kinds, decimal amounts: nearly every result column) is encoded in one call:
  // its UTF-8 bytes are its characters, so the offsets are the strings' lengths. The bytes are
  // the same as encoding string by string (checked: byte count = character count only for ASCII).
  const n = xs.length;
  if (n > 0 && isRepeated(xs)) return repeatedUtf8(xs[0]!, n);
  const coded = n > 0 ? codedOf(xs) : undefined;
  if (coded !== undefined) return codedUtf8(coded.dict, coded.codes);
  const offsets = new Int32Array(n + 1);
  let chars = 0;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const s = xs[i];
    if (typeof s !== 'string') {
      plain = false;
      break;
    }
    chars += s.length;
    offsets[i + 1] = chars;
  }
  if (plain) {
    const bytes = encoder.encode(xs.join(''));
    if (bytes.length === chars) return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }));
  }
  return utf8VectorEach(xs);
}

/** utf8Vector of `n` rows of `s` (a constant column): its bytes encoded once and copied. */
function repeatedUtf8(s: string, n: number): Vector<Utf8> {
  const b = encoder.encode(s);
  const w = b.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) offsets[i] = i * w;
  const bytes = new Uint8Array(n * w);
  if (w > 0) {
    bytes.set(b, 0);
    // Doubling copies: log2(n) calls.
    for (let filled = w; filled < bytes.length; filled *= 2) bytes.copyWithin(filled, 0, Math.min(filled, bytes.length - filled));
  }
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }));
}

/** utf8Vector of a coded column (codedOf): each of its few values encoded once, copied per row. */
function codedUtf8(dict: readonly string[], codes: Uint8Array): Vector<Utf8> {
  const enc = dict.map((s) => encoder.encode(s));
  const n = codes.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += enc[codes[i]!]!.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const b = enc[codes[i]!]!;
    // Short values (a side, a status): a byte loop beats a set() call per row.
    for (let j = 0, o = offsets[i]!; j < b.length; j++) bytes[o + j] = b[j]!;
  }
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }));
}

/** utf8Vector for any text: each distinct string encoded once. */
function utf8VectorEach(xs: readonly string[]): Vector<Utf8> {
  const cache = new Map<string, Uint8Array>();
  const parts: Uint8Array[] = new Array<Uint8Array>(xs.length);
  const offsets = new Int32Array(xs.length + 1);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const s = xs[i]!;
    let b = cache.get(s);
    if (b === undefined) {
      b = encoder.encode(s);
      if (cache.size < 65_536) cache.set(s, b);
    }
    parts[i] = b;
    total += b.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const b of parts) {
    bytes.set(b, o);
    o += b.length;
  }
  return makeVector(makeData({ type: new Utf8(), length: xs.length, nullCount: 0, valueOffsets: offsets, data: bytes }));
}
