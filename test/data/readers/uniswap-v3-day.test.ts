import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readV3EventsCsv, readV3RawLogsCsv } from '../../../src/data/readers/uniswap-v3-day.ts';
import { PACKAGE_ROOT } from '../../../src/package-root.ts';

const day = join(PACKAGE_ROOT, '..', 'shared', 'data', 'chain', 'uniswap-v3', 'usdc-weth-005_20240105');
const tmp = mkdtempSync(join(tmpdir(), 'primesim-v3day-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a day of Uniswap v3 USDC/WETH 0.05% logs (2024-01-05)', () => {
  const raw = readV3RawLogsCsv(`${day}.raw.csv`);
  const dec = readV3EventsCsv(`${day}.events.csv`);

  it('the raw logs decoded with the pool ABI equal the independently decoded file, event by event', () => {
    expect(raw).toHaveLength(6234);
    expect(dec).toHaveLength(6234);
    const count = (k: string) => raw.filter((e) => e.kind === k).length;
    expect([count('swap'), count('mint'), count('burn'), count('collect')]).toEqual([6046, 54, 69, 65]);
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i]!;
      const d = dec[i]!;
      const same = { block: r.block, tsUs: r.tsUs, tx: r.tx, logIndex: r.logIndex, kind: r.kind, amount0: r.amount0, amount1: r.amount1 };
      expect(same).toEqual({ block: d.block, tsUs: d.tsUs, tx: d.tx, logIndex: d.logIndex, kind: d.kind, amount0: d.amount0, amount1: d.amount1 });
      if (r.kind === 'swap') expect([r.sqrtPriceX96, r.tick, r.poolLiquidity]).toEqual([d.sqrtPriceX96, d.tick, d.poolLiquidity]);
      else {
        expect([r.tickLower, r.tickUpper]).toEqual([d.tickLower, d.tickUpper]);
        if (r.kind !== 'collect') expect(r.liquidityDelta).toBe(d.liquidityDelta);
      }
    }
    // First swap as the file prints it: amount0 −22686110 (USDC paid out), amount1 0.01 WETH in.
    expect([raw[0]!.amount0, raw[0]!.amount1, raw[0]!.sqrtPriceX96, raw[0]!.tick]).toEqual([-22686110n, 10_000_000_000_000_000n, 1662995104975155420368771254341874n, 199045]);
  });

  it('a bad row names the file, line and column', () => {
    const f = join(tmp, 'bad.events.csv');
    const lines = readFileSync(`${day}.events.csv`, 'utf8').split('\n').slice(0, 4);
    lines[3] = lines[3]!.replace(',SWAP,', ',SWOP,');
    writeFileSync(f, lines.join('\n'));
    expect(() => readV3EventsCsv(f)).toThrow(/bad\.events\.csv:4.*tx_type|bad\.events\.csv:4, field tx_type/);
  });
});
