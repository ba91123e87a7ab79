import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

describe('primesim data replay-pool', () => {
  // The table added up to one swap short of "swaps": the first, which starts the replay, was in no row.
  it.skipIf(!sharedDataAvailable())('accounts for every swap of the real day: first + exact + inferred + unexplained = swaps', async () => {
    const r = await primesim(['data', 'replay-pool', join(SHARED, 'chain', 'uniswap-v3', 'usdc-weth-005_20240105.events.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const row = (label: string) => {
      const line = r.stdout.split('\n').find((l) => l.startsWith(label));
      expect(line, label).toBeDefined();
      return Number(/\s(\d+)(?: \(|$)/.exec(line!.slice(label.length))![1]);
    };
    const swaps = row('swaps');
    const first = row('first swap');
    const exact = row('exact: logged price');
    const inferred = row('exact after inferring');
    const unexplained = row('unexplained');
    expect(first).toBe(1);
    expect(first + exact + inferred + unexplained).toBe(swaps);
    expect(swaps).toBe(6046);
    // Percentages are of the swaps checked (all but the first).
    expect(r.stdout).toContain(`${exact} (${((100 * exact) / (swaps - 1)).toFixed(2)}% of the swaps checked)`);
  });
});
