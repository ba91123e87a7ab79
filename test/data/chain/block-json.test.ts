import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlockJson, readBlockJsonFile } from '../../../src/data/chain/block-json.ts';
import { DataError } from '../../../src/errors.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'primesim-chain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const goodTrace = {
  action: { from: '0x' + '1'.repeat(40), callType: 'call', gas: '0x5208', input: '0x', to: '0x' + '2'.repeat(40), value: '0x1' },
  block_hash: '0x00', block_number: 1, result: { gasUsed: '0x0', output: '0x' }, subtraces: 0, trace_address: [],
  transaction_hash: '0xAB', transaction_position: 0, type: 'call', error: null,
};
const goodBlock = {
  block_number: 1, miner: '0x' + '3'.repeat(40), base_fee_per_gas: 7, traces: [goodTrace],
  receipts: [{ block_number: 1, transaction_hash: '0xab', transaction_index: 0, gas_used: 21000, effective_gas_price: 9, cumulative_gas_used: 21000, to: null }],
};

function expectDataError(fn: () => unknown, file: string, field: string | undefined): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    const e = err as DataError;
    expect(e.file).toBe(file);
    expect(e.field).toBe(field);
    expect(e.message).toContain(file);
    if (field !== undefined) expect(e.message).toContain(field);
    return;
  }
  throw new Error('expected a DataError');
}

describe('mev-inspect block JSON reader', () => {
  it('reads the older schema without block_timestamp', () => {
    const b = parseBlockJson(JSON.stringify(goodBlock), 'mem.json');
    expect(b.blockTimestamp).toBeUndefined();
    expect(b.baseFeePerGas).toBe(7n);
    expect(b.traces[0]?.transactionHash).toBe('0xab');
    const t = b.traces[0];
    expect(t?.type === 'call' && t.action.gas).toBe(21000n);
  });

  it('malformed JSON names the file', () => {
    const file = path.join(tmp, 'broken.json');
    writeFileSync(file, '{"block_number": 1, "traces": [');
    expectDataError(() => readBlockJsonFile(file), file, undefined);
  });

  it('a missing field names the file and the field', () => {
    const file = path.join(tmp, 'missing.json');
    const { miner: _omit, ...noMiner } = goodBlock;
    writeFileSync(file, JSON.stringify(noMiner));
    expectDataError(() => readBlockJsonFile(file), file, 'miner');

    const noInput = structuredClone(goodBlock);
    delete (noInput.traces[0]?.action as Partial<typeof goodTrace.action>).input;
    writeFileSync(file, JSON.stringify(noInput));
    expectDataError(() => readBlockJsonFile(file), file, 'traces[0].action.input');
  });

  it('a wrongly typed field names the field', () => {
    const file = path.join(tmp, 'typed.json');
    const bad = structuredClone(goodBlock);
    (bad.receipts[0] as Record<string, unknown>).gas_used = 'lots';
    writeFileSync(file, JSON.stringify(bad));
    expectDataError(() => readBlockJsonFile(file), file, 'receipts[0].gas_used');
    const badAddr = structuredClone(goodBlock);
    (badAddr.traces[0]?.action as Record<string, unknown>).to = '0x12';
    writeFileSync(file, JSON.stringify(badAddr));
    expectDataError(() => readBlockJsonFile(file), file, 'traces[0].action.to');
  });
});

const dataDir = path.resolve(import.meta.dirname, '../../../../shared/data/chain/mev-inspect');
const haveData = existsSync(dataDir);
if (!haveData) {
  if (process.env.CI === 'true') throw new Error(`shared data missing at ${dataDir}`);
  console.warn(`skipping real block reads: ${dataDir} not found`);
}

describe.skipIf(!haveData)('real mev-inspect blocks', () => {
  it('reads both schemas', () => {
    const newer = readBlockJsonFile(path.join(dataDir, 'blocks_12775690.json'));
    expect(newer.blockTimestamp).toBe(1625598724);
    expect(newer.miner).toBe('0x3ecef08d0e2dad803847e052249bb4f8bff2d5bb');
    expect(newer.traces).toHaveLength(761);
    expect(newer.receipts).toHaveLength(117);
    const older = readBlockJsonFile(path.join(dataDir, 'blocks_13244807.json'));
    expect(older.blockTimestamp).toBeUndefined();
    expect(older.baseFeePerGas).toBe(101245374002n);
    expect(older.traces.filter((t) => t.type === 'reward')).toHaveLength(1);
  });
});
