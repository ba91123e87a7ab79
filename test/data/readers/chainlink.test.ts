import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChainlinkRounds } from '../../../src/data/readers/chainlink.ts';
import { SHARED, sharedDataAvailable } from '../../helpers/cli.ts';

/** Reference figures read from the files independently (Python csv) and in PROVENANCE.md. */
describe('Chainlink rounds as price paths', () => {
  const dir = () => join(SHARED, 'chain', 'chainlink');
  const low = (r: ReturnType<typeof readChainlinkRounds>) => {
    let k = 0;
    for (let i = 1; i < r.value.length; i++) if (r.value[i]! < r.value[k]!) k = i;
    return { v: r.value[k]!, at: new Date(r.tsUs[k]! / 1000).toISOString() };
  };

  it('USDC/USD through the SVB depeg: 400 rounds, low 0.88 on 2023-03-11 07:51:23', () => {
    if (!sharedDataAvailable()) return;
    const r = readChainlinkRounds(join(dir(), 'usdc-usd_depeg_20230312.csv'), { decimals: 8, invert: false });
    expect(r.value.length).toBe(400);
    expect(low(r)).toEqual({ v: 0.88, at: '2023-03-11T07:51:23.000Z' });
  });

  it('USDT/USD: 1,006 rounds (1,005 update times), low 0.95181623 on 2022-05-12 (LUNA)', () => {
    if (!sharedDataAvailable()) return;
    const r = readChainlinkRounds(join(dir(), 'usdt-usd_rounds.csv'), { decimals: 8, invert: false });
    expect(r.value.length).toBe(1005); // 1,006 rounds, two written at the same updatedAt: one point
    expect(low(r)).toEqual({ v: 0.95181623, at: '2022-05-12T07:22:33.000Z' });
  });

  it('HUSD/ETH inverted is ETH/USD: 404 update times in 10–25 May 2021, from 4,305.87 (12 May) to 1,746.82 (23 May)', () => {
    if (!sharedDataAvailable()) return;
    const r = readChainlinkRounds(join(dir(), 'husd-eth_rounds.txt'), { decimals: 18, invert: true, fromUs: Date.parse('2021-05-10T00:00:00Z') * 1000, toUs: Date.parse('2021-05-26T00:00:00Z') * 1000 });
    expect(r.value.length).toBe(404); // 406 rounds in the window, 404 distinct update times
    expect(low(r).at).toBe('2021-05-23T16:44:39.000Z');
    expect(low(r).v).toBeCloseTo(1746.81642706168, 9);
    expect(Math.max(...r.value)).toBeCloseTo(4305.871713005192, 9);
  });
});
