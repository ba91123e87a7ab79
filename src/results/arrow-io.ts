import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';

export type ColumnData = Float64Array | Int32Array | Uint8Array | BigInt64Array | string[];

/**
 * Write one Arrow IPC file (file format); returns its byte size and sha256.
 * Strings are plain Utf8, not dictionaries: Arrow JS numbers dictionaries from a process-wide
 * counter, which would make the bytes depend on what else ran in the process.
 */
export function writeArrow(file: string, columns: Record<string, ColumnData>): { bytes: number; sha256: string; rows: number } {
  const vectors: Record<string, Vector> = {};
  for (const [name, data] of Object.entries(columns)) {
    vectors[name] = Array.isArray(data) ? vectorFromArray(data, new Utf8()) : makeVector(data);
  }
  const table = new Table(vectors);
  const bytes = tableToIPC(table, 'file');
  writeFileSync(file, bytes);
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), rows: table.numRows };
}

export function readArrow(file: string): Table {
  return tableFromIPC(readFileSync(file));
}
