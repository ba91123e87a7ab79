import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lotsToQty, ticksToPrice, type Instrument } from '../../src/market/instrument.ts';

describe('ticks and lots to decimal prices and quantities', () => {
  it('are the nearest double to the exact decimal (as parsing the decimal string gives), for any integer', () => {
    for (const step of ['0.1', '0.01', '0.5', '0.00000001', '0.001', '1', '0.0001', '0.05', '100']) {
      const inst = { tickSize: step, lotSize: step } as Instrument;
      const d = step.split('.')[1]?.length ?? 0;
      fc.assert(
        fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), (n) => {
          // Reference: the exact decimal n × step written out, then parsed.
          const m = BigInt(step.replace('.', '')) * BigInt(n);
          const neg = m < 0n;
          const digits = (neg ? -m : m).toString().padStart(d + 1, '0');
          const text = `${neg ? '-' : ''}${d ? `${digits.slice(0, -d)}.${digits.slice(-d)}` : digits}`;
          expect(ticksToPrice(inst, n)).toBe(Number(text) === 0 ? 0 : Number(text));
          expect(lotsToQty(inst, n)).toBe(Number(text) === 0 ? 0 : Number(text));
        }),
        { numRuns: 3000, seed: 11 },
      );
    }
  });
});
