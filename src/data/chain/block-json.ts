/**
 * Reader for mev-inspect-py block dumps: `{block_number, [block_timestamp], miner,
 * base_fee_per_gas, traces, receipts}` with parity-style traces. The newer schema has
 * block_timestamp, the older one does not; both are accepted.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';
import { FieldReader } from './fields.ts';
import type { ChainBlockData, ChainReceipt, Trace } from './types.ts';

export function readBlockJsonFile(file: string): ChainBlockData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read block file: ${(err as Error).message}`, { file });
  }
  return parseBlockJson(text, file);
}

export function parseBlockJson(text: string, file: string): ChainBlockData {
  let raw: unknown;
  try {
    // Integers beyond 2^53 (uint256 values, u64 sentinels) are kept exact as strings: JSON.parse
    // would round them. Only literals in value position (after ':', '[' or ',') are touched.
    raw = JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, (m, pre: string, num: string) => (Number.isSafeInteger(Number(num)) ? m : `${pre}"${num}"`)));
  } catch (err) {
    throw new DataError(`malformed JSON: ${(err as Error).message}`, { file });
  }
  return validateBlock(raw, file);
}

export function validateBlock(raw: unknown, file: string): ChainBlockData {
  const r = new FieldReader(file);
  const o = r.obj(raw, '(root)');
  const blockNumber = r.int(o, 'block_number', '');
  const blockTimestamp = 'block_timestamp' in o ? r.int(o, 'block_timestamp', '') : undefined;
  const miner = r.addr(o, 'miner', '');
  const baseFeePerGas = r.big(o, 'base_fee_per_gas', '');
  const traces = r.arr(r.has(o, 'traces', ''), 'traces').map((t, i) => readTrace(r, t, `traces[${i}]`));
  const receipts = r.arr(r.has(o, 'receipts', ''), 'receipts').map((t, i) => readReceipt(r, t, `receipts[${i}]`));
  return { blockNumber, blockTimestamp, miner, baseFeePerGas, traces, receipts };
}

function readTrace(r: FieldReader, raw: unknown, path: string): Trace {
  const t = r.obj(raw, path);
  const type = r.str(t, 'type', path);
  const base = {
    transactionHash: lowerOrNull(r.strOrNull(t, 'transaction_hash', path)),
    transactionPosition: r.has(t, 'transaction_position', path) === null ? null : r.int(t, 'transaction_position', path),
    blockNumber: r.int(t, 'block_number', path),
    traceAddress: r.intArray(t, 'trace_address', path),
    subtraces: r.int(t, 'subtraces', path),
    error: r.strOrNull(t, 'error', path),
  };
  const action = r.obj(r.has(t, 'action', path), `${path}.action`);
  if (type === 'call') {
    if (base.transactionHash === null) r.fail(`${path}.transaction_hash`, 'a call trace needs a transaction hash');
    const ap = `${path}.action`;
    const resultRaw = r.has(t, 'result', path);
    let result = null;
    if (resultRaw !== null) {
      const res = r.obj(resultRaw, `${path}.result`);
      result = { gasUsed: r.big(res, 'gasUsed', `${path}.result`), output: r.hex(res, 'output', `${path}.result`) };
    }
    return {
      ...base,
      type,
      action: {
        from: r.addr(action, 'from', ap),
        to: r.addr(action, 'to', ap),
        callType: r.str(action, 'callType', ap),
        gas: r.big(action, 'gas', ap),
        input: r.hex(action, 'input', ap),
        value: r.big(action, 'value', ap),
      },
      result,
    };
  }
  if (type === 'create' || type === 'suicide' || type === 'reward') return { ...base, type, action };
  return r.fail(`${path}.type`, `unknown trace type ${JSON.stringify(type)}`, 'expected call, create, suicide or reward');
}

function readReceipt(r: FieldReader, raw: unknown, path: string): ChainReceipt {
  const o = r.obj(raw, path);
  const to = r.strOrNull(o, 'to', path);
  return {
    transactionHash: r.str(o, 'transaction_hash', path).toLowerCase(),
    transactionIndex: r.int(o, 'transaction_index', path),
    gasUsed: receiptGas(r, o, path),
    effectiveGasPrice: r.big(o, 'effective_gas_price', path),
    cumulativeGasUsed: r.int(o, 'cumulative_gas_used', path),
    to: to === null ? null : to.toLowerCase(),
  };
}

/** u64::MAX: what the tracer writes when it could not measure a (failed) tx's gas. */
const GAS_UNKNOWN = 2n ** 64n - 1n;

function receiptGas(r: FieldReader, o: Record<string, unknown>, path: string): number {
  const g = r.big(o, 'gas_used', path);
  if (g === GAS_UNKNOWN) return Number.NaN;
  if (g > BigInt(Number.MAX_SAFE_INTEGER)) return r.fail(`${path}.gas_used`, `gas used ${g} is not a plausible amount`);
  return Number(g);
}

function lowerOrNull(s: string | null): string | null {
  return s === null ? null : s.toLowerCase();
}
