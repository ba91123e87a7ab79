import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAbi } from '../../../src/data/chain/abi.ts';
import { PACKAGE_ROOT } from '../../../src/package-root.ts';
import { accrue, compoundedInterest, linearInterest, SECONDS_PER_YEAR } from '../../../src/venues/lending/interest.ts';
import { RAY } from '../../../src/venues/lending/wad-ray-math.ts';

const dir = join(PACKAGE_ROOT, '..', 'shared', 'data', 'chain', 'aave', 'polygon-events-20240106');
/** keccak256("ReserveDataUpdated(address,uint256,uint256,uint256,uint256,uint256)"). */
const RESERVE_DATA_UPDATED = '0x804c9b842b2748a22bb64b345453a3de7ca54a6ca45ce00d415894979e22897a';

/** Every ReserveDataUpdated log of a raw Polygon day: (time, reserve, rates, indices). */
function reserveUpdates(file: string) {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const out: { ts: bigint; reserve: string; liquidityRate: bigint; variableBorrowRate: bigint; liquidityIndex: bigint; variableBorrowIndex: bigint }[] = [];
  for (const l of lines) {
    const topics = [...(/"\[(.*)\]"/.exec(l)?.[1] ?? '').matchAll(/0x[0-9a-f]{64}/g)].map((m) => m[0]);
    if (topics[0] !== RESERVE_DATA_UPDATED) continue;
    const data = /,(0x[0-9a-f]+)$/.exec(l)![1]!;
    const [liquidityRate, , variableBorrowRate, liquidityIndex, variableBorrowIndex] = decodeAbi(data, ['uint256', 'uint256', 'uint256', 'uint256', 'uint256'])! as bigint[];
    const ts = BigInt(Date.parse(`${l.split(',')[1]!.replace(' ', 'T')}Z`) / 1000);
    out.push({ ts, reserve: topics[1]!.slice(-40), liquidityRate: liquidityRate!, variableBorrowRate: variableBorrowRate!, liquidityIndex: liquidityIndex!, variableBorrowIndex: variableBorrowIndex! });
  }
  return out;
}

describe('Aave v3 interest accrual', () => {
  it('closed forms: a year at 5% is 1.05 linear; compounding for one second is linear; Δt = 0 is RAY', () => {
    const r = (5n * RAY) / 100n;
    expect(linearInterest(r, SECONDS_PER_YEAR)).toBe(RAY + r);
    expect(compoundedInterest(r, 1n)).toBe(RAY + r / SECONDS_PER_YEAR);
    expect(compoundedInterest(r, 0n)).toBe(RAY);
    // Over a year the three-term expansion of e^0.05 − 1 is within 1e-5 of it (Aave's approximation).
    expect(Math.abs(Number(compoundedInterest(r, SECONDS_PER_YEAR)) / 1e27 - Math.exp(0.05))).toBeLessThan(1e-4);
  });

  for (const asset of ['usdc', 'weth']) {
    it(`${asset}: the real Polygon day's ReserveDataUpdated indices follow from the previous update's rates, to the ray unit`, () => {
      const ev = reserveUpdates(join(dir, `${asset}.raw.csv`));
      expect(ev.length).toBeGreaterThan(300);
      let exact = 0;
      let donated = 0;
      for (let i = 1; i < ev.length; i++) {
        const prev = ev[i - 1]!;
        const cur = ev[i]!;
        expect(cur.reserve).toBe(prev.reserve);
        const got = accrue({ ...prev, lastUpdate: prev.ts }, cur.ts);
        // The variable borrow index moves only with time: exact at every update.
        expect(got.variableBorrowIndex).toBe(cur.variableBorrowIndex);
        // The liquidity index also takes flash-loan premiums (cumulateToLiquidityIndex), whose
        // FlashLoan logs are not in the file: it is exact, or above the accrual — never below.
        if (got.liquidityIndex === cur.liquidityIndex) exact++;
        else {
          expect(cur.liquidityIndex > got.liquidityIndex).toBe(true);
          donated++;
        }
      }
      console.log(`${asset}: ${ev.length - 1} index updates, liquidity index exact at ${exact}, above the accrual (flash-loan premiums) at ${donated}`);
      expect(exact / (ev.length - 1)).toBeGreaterThan(0.6);
    });
  }
});
