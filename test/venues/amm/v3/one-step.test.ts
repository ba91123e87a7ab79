import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneStepExactIn } from '../../../../src/venues/amm/v3/log-replay.ts';
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from '../../../../src/venues/amm/v3/sqrt-price-math.ts';
import { matches, run, type State, type Want } from '../../../../src/venues/amm/v3/swap-walk.ts';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../../../src/venues/amm/v3/tick-math.ts';

/**
 * The replay's shortcut for a one-step exact-input swap must give the verdict of walking the
 * swap through SwapMath.computeSwapStep (the pool's own loop, checked against the mainnet day and
 * upstream vectors elsewhere) whenever it gives one — including inputs within a few units of what
 * reaching the next initialized tick takes, where the step's branch flips.
 */
describe('one-step exact-input check (log-replay oneStepExactIn)', () => {
  const FEE = 500;
  const TL = 199350;
  const cases = fc.record({
    L: fc.bigInt({ min: 10n ** 12n, max: 3n * 10n ** 20n }),
    offset: fc.integer({ min: 0, max: 999 }),
    zeroForOne: fc.boolean(),
    // Input as a fraction of what reaching the segment's edge takes (in 1/1000), or within a few units of it.
    share: fc.integer({ min: 0, max: 1200 }),
    nearEdge: fc.boolean(),
    delta: fc.bigInt({ min: -3n, max: 3n }),
    // The log tampered with: 0 none, 1 the output one unit off, 2 the end price one unit off.
    tamper: fc.constantFrom(0, 0, 1, 2),
  });

  it('gives the exact walk\'s verdict, also for inputs a few units short of the edge', () => {
    let decided = 0;
    let total = 0;
    let nearEdge = 0;
    let reached = 0;
    fc.assert(
      fc.property(cases, (x) => {
        // Initialized ticks at both edges of the segment the price is in (nets chosen so the
        // liquidity changes there: a swap reaching an edge steps on and changes liquidity).
        const nets = new Map<number, bigint>([[TL, x.L / 3n], [TL + 10, -(x.L / 5n)]]);
        const lo = getSqrtRatioAtTick(TL);
        const hi = getSqrtRatioAtTick(TL + 10);
        const sqrtP = lo + ((hi - lo) * BigInt(x.offset)) / 1000n + 1n;
        const s: State = { sqrtP, tick: TL, liquidity: x.L };
        const edge = x.zeroForOne ? lo : hi;
        const toEdge = x.zeroForOne ? getAmount0Delta(edge, sqrtP, x.L, true) : getAmount1Delta(sqrtP, edge, x.L, true);
        // Input before fee whose input-less-fee is about toEdge (mulDiv(a, 1e6 − 500, 1e6)).
        const gross = (toEdge * 1_000_000n) / 999_500n;
        const amount = x.nearEdge ? gross + x.delta : (gross * BigInt(x.share)) / 1000n + 1n;
        if (amount <= 0n) return;
        const far = x.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
        let r;
        try {
          r = run(s, x.zeroForOne, amount, far, FEE, nets);
        } catch {
          return;
        }
        // The shortcut is used only for swaps that end strictly inside their segment (`oneStep`);
        // a walk that reached an edge is the other checks' business. Inputs a few units either
        // side of the edge are where the step's branch flips.
        if (r.sqrtP === edge || (x.zeroForOne ? r.sqrtP < lo : r.sqrtP > hi)) {
          // The lemma the shortcut rests on: when the step reaches its target, the one-call end
          // price (what the shortcut compares with the log) is at or beyond the target too, so a
          // log ending strictly inside can never be accepted for such an input.
          const next = getNextSqrtPriceFromInput(sqrtP, x.L, (amount * 999_500n) / 1_000_000n, x.zeroForOne);
          expect(x.zeroForOne ? next <= edge : next >= edge).toBe(true);
          reached++;
          return;
        }
        const paid = r.paid;
        const received = r.received + (x.tamper === 1 ? 1n : 0n);
        const want: Want = {
          sqrtP: r.sqrtP + (x.tamper === 2 ? 1n : 0n),
          amount0: x.zeroForOne ? paid : -received,
          amount1: x.zeroForOne ? -received : paid,
          liquidity: r.L,
        };
        const walked = r.L === want.liquidity && matches(r.sqrtP, r.paid, r.received, x.zeroForOne, want);
        expect(walked).toBe(x.tamper === 0);
        const v = oneStepExactIn(s, want, x.zeroForOne, FEE, amount);
        if (v !== undefined) expect(v).toBe(walked);
        total++;
        if (v !== undefined) decided++;
        if (x.nearEdge) nearEdge++;
      }),
      { numRuns: 5000, seed: 11 },
    );
    // The property holds vacuously if the shortcut never answers: it must answer nearly always,
    // and the walks that reached an edge must have been generated too (the branch was exercised).
    expect(total).toBeGreaterThan(2000);
    expect(decided / total).toBeGreaterThan(0.99);
    expect(nearEdge).toBeGreaterThan(100);
    expect(reached).toBeGreaterThan(100);
  });
});
