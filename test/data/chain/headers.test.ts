import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHeaderCsv, parseHeaderJson, readHeaderSeriesFile } from '../../../src/data/chain/headers.ts';
import { DataError } from '../../../src/errors.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'primesim-headers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('block header series', () => {
  it('reads CSV with decimal and hex numbers', () => {
    const csv = 'number,timestamp,baseFeePerGas,gasUsed,gasLimit\n100,1700000000,0x3b9aca00,15000000,30000000\n101,1700000012,1000000000,30000000,30000000\n';
    const h = parseHeaderCsv(csv, 'h.csv');
    expect(h).toEqual([
      { number: 100, timestampUs: 1_700_000_000_000_000, baseFeePerGas: 1_000_000_000n, gasUsed: 15_000_000, gasLimit: 30_000_000 },
      { number: 101, timestampUs: 1_700_000_012_000_000, baseFeePerGas: 1_000_000_000n, gasUsed: 30_000_000, gasLimit: 30_000_000 },
    ]);
  });

  it('reads JSON with snake_case keys from a file', () => {
    const file = path.join(tmp, 'h.json');
    writeFileSync(file, JSON.stringify([{ block_number: 5, block_timestamp: 10, base_fee_per_gas: '7', gas_used: 1, gas_limit: 2 }]));
    expect(readHeaderSeriesFile(file)[0]?.baseFeePerGas).toBe(7n);
  });

  it('errors name file, line and field', () => {
    const bad = 'number,timestamp,baseFeePerGas,gasUsed,gasLimit\n1,1,1,1,2\n2,2,x,1,2\n';
    expect(() => parseHeaderCsv(bad, 'h.csv')).toThrow(/h\.csv:3, field baseFeePerGas/);
    expect(() => parseHeaderJson('[{"number":1,"timestamp":1,"baseFeePerGas":1,"gasUsed":1}]', 'h.json')).toThrow(/h\.json, field \[0\]\.gasLimit: missing field/);
    expect(() => parseHeaderCsv('number,timestamp,baseFeePerGas,gasUsed,gasLimit\n1,1,1,1,2\n3,2,1,1,2\n', 'h.csv')).toThrow(DataError);
  });
});
