/**
 * Block-header series reader: CSV with a header row or a JSON array, columns/keys
 * number, timestamp (Unix seconds), baseFeePerGas, gasUsed, gasLimit (snake_case accepted too).
 * Numbers may be decimal or 0x hex (as an RPC returns them).
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';
import { FieldReader, type Obj } from './fields.ts';
import type { BlockHeader } from './types.ts';

const ALIASES: Record<string, keyof RawHeaderKeys> = {
  number: 'number', block_number: 'number',
  timestamp: 'timestamp', block_timestamp: 'timestamp',
  basefeepergas: 'baseFeePerGas', base_fee_per_gas: 'baseFeePerGas',
  gasused: 'gasUsed', gas_used: 'gasUsed',
  gaslimit: 'gasLimit', gas_limit: 'gasLimit',
};
interface RawHeaderKeys { number: unknown; timestamp: unknown; baseFeePerGas: unknown; gasUsed: unknown; gasLimit: unknown }

export function readHeaderSeriesFile(file: string): BlockHeader[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read header file: ${(err as Error).message}`, { file });
  }
  return file.toLowerCase().endsWith('.json') ? parseHeaderJson(text, file) : parseHeaderCsv(text, file);
}

export function parseHeaderJson(text: string, file: string): BlockHeader[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DataError(`malformed JSON: ${(err as Error).message}`, { file });
  }
  const r = new FieldReader(file);
  const rows = r.arr(raw, '(root)');
  return checkOrder(rows.map((row, i) => toHeader(r, normalise(r.obj(row, `[${i}]`)), `[${i}]`)), file);
}

export function parseHeaderCsv(text: string, file: string): BlockHeader[] {
  const lines = text.split(/\r?\n/);
  const head = (lines[0] ?? '').split(',').map((s) => s.trim());
  const r = new FieldReader(file);
  const out: BlockHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== head.length) {
      throw new DataError(`expected ${head.length} columns, got ${cells.length}`, { file, line: i + 1 });
    }
    const row: Obj = {};
    head.forEach((h, j) => { row[h] = (cells[j] as string).trim(); });
    try {
      out.push(toHeader(r, normalise(row), ''));
    } catch (err) {
      if (err instanceof DataError && err.field !== undefined) {
        throw new DataError(`${err.field}: bad value`, { file, line: i + 1, field: err.field });
      }
      throw err;
    }
  }
  return checkOrder(out, file);
}

function normalise(row: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(row)) {
    const key = ALIASES[k] ?? ALIASES[k.toLowerCase()];
    if (key !== undefined) out[key] = v;
  }
  return out;
}

function toHeader(r: FieldReader, o: Obj, path: string): BlockHeader {
  const gasUsed = r.int(o, 'gasUsed', path);
  const gasLimit = r.int(o, 'gasLimit', path);
  if (gasUsed > gasLimit) r.fail(`${path ? path + '.' : ''}gasUsed`, `gasUsed ${gasUsed} exceeds gasLimit ${gasLimit}`);
  return {
    number: r.int(o, 'number', path),
    timestampUs: r.int(o, 'timestamp', path) * 1_000_000,
    baseFeePerGas: r.big(o, 'baseFeePerGas', path),
    gasUsed,
    gasLimit,
  };
}

function checkOrder(headers: BlockHeader[], file: string): BlockHeader[] {
  for (let i = 1; i < headers.length; i++) {
    const prev = headers[i - 1] as BlockHeader;
    const cur = headers[i] as BlockHeader;
    if (cur.number !== prev.number + 1) {
      throw new DataError(`block numbers not consecutive: ${prev.number} then ${cur.number}`, { file, field: `[${i}].number` });
    }
    if (cur.timestampUs < prev.timestampUs) {
      throw new DataError('timestamps going backwards', { file, field: `[${i}].timestamp` });
    }
  }
  return headers;
}
