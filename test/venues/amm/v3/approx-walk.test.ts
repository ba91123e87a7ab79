import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approxRun, mayEndAt } from '../../../../src/venues/amm/v3/approx-walk.ts';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../../../src/venues/amm/v3/tick-math.ts';
import { run, type State } from '../../../../src/venues/amm/v3/swap-walk.ts';

/**
 * The loop in doubles only ever rules a try out; a walk the exact loop (SwapMath over bigint,
 * checked against the mainnet day and upstream vectors elsewhere) ends at a price must never be
 * ruled out at that price, in any mode, through any ticks.
 */
describe('swap walk in doubles (approx-walk.ts)', () => {
  const FEE = 500;
  const pool = fc.record({
    // Segments 199,200 … 199,500 at tick spacing 10, some ticks not initialized.
    L: fc.array(fc.bigInt({ min: 10n ** 15n, max: 3n * 10n ** 19n }), { minLength: 30, maxLength: 30 }),
    initialized: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
    offset: fc.integer({ min: 1, max: 999 }),
    zeroForOne: fc.boolean(),
    mode: fc.constantFrom('exactIn', 'exactOut', 'limit'),
    size: fc.bigInt({ min: 1n, max: 10n ** 6n }),
    limitTicks: fc.integer({ min: 1, max: 140 }),
  });

  interface Case {
    L: bigint[];
    initialized: boolean[];
    offset: number;
    zeroForOne: boolean;
    mode: string;
    size: bigint;
    limitTicks: number;
  }

  function setup(x: Case) {
    const nets = new Map<number, bigint>();
    let prev = x.L[0]!;
    for (let k = 1; k < 30; k++) {
      if (!x.initialized[k]) continue;
      nets.set(199200 + 10 * k, x.L[k]! - prev);
      prev = x.L[k]!;
    }
    // Start inside segment 15 (199,350), with the liquidity of the range it is in.
    let L = x.L[0]!;
    for (let k = 1; k <= 15; k++) if (x.initialized[k]) L = x.L[k]!;
    const lo = getSqrtRatioAtTick(199350);
    const hi = getSqrtRatioAtTick(199360);
    const s: State = { sqrtP: lo + ((hi - lo) * BigInt(x.offset)) / 1000n, tick: 199350, liquidity: L };
    // Amounts: token1 (18 decimals) or token0 (6 decimals) around a few segments' worth.
    const unit = x.zeroForOne === (x.mode !== 'exactOut') ? 10n ** 6n : 10n ** 14n;
    const amount = x.mode === 'exactOut' ? -x.size * unit : x.mode === 'limit' ? 1n << 200n : x.size * unit;
    const limit = x.mode === 'limit' ? getSqrtRatioAtTick(x.zeroForOne ? 199350 - x.limitTicks : 199360 + x.limitTicks) : x.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
    return { nets, s, amount, limit };
  }

  it('never rules out the price the exact walk ends at; ends within 1e-10 of it (the rule-out needs 1e-9) unless a branch was a close call', () => {
    fc.assert(
      fc.property(pool, (x) => {
        const { nets, s, amount, limit } = setup(x);
        let exact;
        try {
          exact = run(s, x.zeroForOne, amount, limit, FEE, nets);
        } catch {
          return; // the exact loop reverts (e.g. more out than the range holds): nothing to compare
        }
        expect(mayEndAt(s, x.zeroForOne, amount, limit, FEE, nets, undefined, exact.sqrtP)).toBe(true);
        const a = approxRun(s, x.zeroForOne, amount, limit, FEE, nets, undefined);
        if (!a.close) expect(Math.abs(a.sqrtP - Number(exact.sqrtP)) / Number(exact.sqrtP)).toBeLessThan(1e-10);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('rules out a price the walk does not end at', () => {
    let ruledOut = 0;
    fc.assert(
      fc.property(pool, (x) => {
        const { nets, s, amount, limit } = setup(x);
        let exact;
        try {
          exact = run(s, x.zeroForOne, amount, limit, FEE, nets);
        } catch {
          return;
        }
        // A price 10^-6 away from where the walk ends.
        const other = exact.sqrtP + exact.sqrtP / 1_000_000n;
        if (!mayEndAt(s, x.zeroForOne, amount, limit, FEE, nets, undefined, other)) ruledOut++;
      }),
      { numRuns: 500, seed: 8 },
    );
    expect(ruledOut).toBeGreaterThan(450);
  });
});
