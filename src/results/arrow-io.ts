import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tableFromArrays, tableFromIPC, tableToIPC, type Table } from 'apache-arrow';

export type ColumnData = Float64Array | Int32Array | Uint8Array | BigInt64Array | string[];

/** Write one Arrow IPC file (file format); returns its byte size and sha256. */
export function writeArrow(file: string, columns: Record<string, ColumnData>): { bytes: number; sha256: string; rows: number } {
  const table = tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]);
  const bytes = tableToIPC(table, 'file');
  writeFileSync(file, bytes);
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), rows: table.numRows };
}

export function readArrow(file: string): Table {
  return tableFromIPC(readFileSync(file));
}
