import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Constraint, meets, solvePair, throughPair } from '../../../../src/venues/amm/v3/segment-pair.ts';
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from '../../../../src/venues/amm/v3/tick-math.ts';
import { run, type State, type Want } from '../../../../src/venues/amm/v3/swap-walk.ts';

/**
 * Two segments no swap ended in, solved for from swaps through them both ways. The swaps are
 * made by the pool's own swap loop (swap-walk.ts over SwapMath/SqrtPriceMath, checked against
 * the mainnet day elsewhere) on a pool whose every segment liquidity is drawn at random; the
 * solver sees only what a log shows (start and end state, amounts) and the other segments.
 */
const SPACING = 10;
const FEE = 500;
const FIRST = 19928; // segments 199280 … 199400
const A = 19932; // the unknown pair: [199320, 199330) and [199330, 199340)

function nets(L: readonly bigint[]): Map<number, bigint> {
  const m = new Map<number, bigint>();
  for (let k = 1; k < L.length; k++) m.set((FIRST + k) * SPACING, L[k]! - L[k - 1]!);
  return m;
}

interface Logged {
  s: State;
  want: Want;
  zeroForOne: boolean;
  path: number[];
}

/** A swap from inside segment `from` with `amount` in (exact input), as the pool runs it; its log. */
function swap(L: readonly bigint[], from: number, offset: number, zeroForOne: boolean, amount: bigint): Logged | undefined {
  const lo = getSqrtRatioAtTick(from * SPACING);
  const hi = getSqrtRatioAtTick((from + 1) * SPACING);
  const sqrtP = lo + ((hi - lo) * BigInt(Math.floor(offset * 1000))) / 1000n;
  // The tick a price is in: the segment's lower tick is enough for the walk (it looks for initialized ticks beyond it).
  const s: State = { sqrtP, tick: from * SPACING + 1, liquidity: L[from - FIRST]! };
  const r = run(s, zeroForOne, amount, zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n, FEE, nets(L));
  const want: Want = zeroForOne ? { sqrtP: r.sqrtP, amount0: r.paid, amount1: -r.received, liquidity: r.L } : { sqrtP: r.sqrtP, amount0: -r.received, amount1: r.paid, liquidity: r.L };
  let end = FIRST;
  while (end + 1 < FIRST + L.length && getSqrtRatioAtTick((end + 1) * SPACING) <= r.sqrtP) end++;
  if (getSqrtRatioAtTick(end * SPACING) === r.sqrtP) return undefined; // ended on a tick: ambiguous segment, skip
  const path: number[] = [];
  for (let g = from; ; g += zeroForOne ? -1 : 1) {
    path.push(g);
    if (g === end) break;
  }
  return { s, want, zeroForOne, path };
}

function constraintOf(L: readonly bigint[], x: Logged): Constraint {
  const Ls = x.path.map((g) => (g === A || g === A + 1 ? 0n : L[g - FIRST]!));
  const u = x.path.findIndex((g) => g === A || g === A + 1);
  return throughPair(x.s, x.want, x.zeroForOne, FEE, SPACING, x.path, Ls, x.path.map((_, k) => k > 0), u);
}

describe('two unobserved segments solved from the swaps through them (segment-pair.ts)', () => {
  const ticks = { a0: getSqrtRatioAtTick(A * SPACING), a1: getSqrtRatioAtTick((A + 1) * SPACING), a2: getSqrtRatioAtTick((A + 2) * SPACING) };
  const liq = fc.bigInt({ min: 8n * 10n ** 18n, max: 16n * 10n ** 18n });

  it('the true liquidities meet every constraint; the pair found reproduces every swap exactly through the pool walk', () => {
    fc.assert(
      fc.property(
        fc.array(liq, { minLength: 12, maxLength: 12 }),
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.bigInt({ min: 700n, max: 1000n })), { minLength: 4, maxLength: 4 }),
        (L, swaps) => {
          // Up swaps pay WETH-like token1 from segment 199290; down swaps pay token0 from 199370.
          const logs: Logged[] = [];
          for (const [i, [_, offset, size]] of swaps.entries()) {
            const up = i % 2 === 0;
            const x = up ? swap(L, 19929, offset, false, size * 10n ** 18n) : swap(L, 19937, offset, true, size * 25n * 10n ** 8n);
            if (x && x.path.includes(A) && x.path.includes(A + 1) && x.path[0] !== A && x.path[0] !== A + 1 && x.path.at(-1) !== A && x.path.at(-1) !== A + 1) logs.push(x);
          }
          fc.pre(logs.some((x) => x.zeroForOne) && logs.some((x) => !x.zeroForOne));
          const constraints = logs.map((x) => constraintOf(L, x));
          const LA = L[A - FIRST]!;
          const LB = L[A + 1 - FIRST]!;
          expect(meets(ticks, LA, LB, constraints, FEE)).toBe(true);
          const reproduces = (found: { LA: bigint; LB: bigint } | undefined, logs: readonly Logged[]): void => {
            expect(found).toBeDefined();
            const L2 = [...L];
            L2[A - FIRST] = found!.LA;
            L2[A + 1 - FIRST] = found!.LB;
            for (const x of logs) {
              const r = run(x.s, x.zeroForOne, x.zeroForOne ? x.want.amount0 : x.want.amount1, x.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n, FEE, nets(L2));
              expect(r.sqrtP).toBe(x.want.sqrtP);
              expect(r.paid).toBe(x.zeroForOne ? x.want.amount0 : x.want.amount1);
              expect(r.received).toBe(x.zeroForOne ? -x.want.amount1 : -x.want.amount0);
              expect(r.L).toBe(x.want.liquidity);
            }
          };
          reproduces(solvePair(ticks, constraints, FEE, 1n << 72n), logs);
          // One swap alone: a pair on its line (not in general the true one) reproduces it.
          reproduces(solvePair(ticks, constraints.slice(0, 1), FEE, 1n << 72n), logs.slice(0, 1));
        },
      ),
      { numRuns: 8, seed: 20261206 },
    );
  });

  it('a log changed by one unit in the coarse token is met by no pair', () => {
    const L = [9.2e18, 9.19e18, 9.19e18, 9.2e18, 1.04e19, 1.05e19, 1.29e19, 1.02e19, 1.01e19, 1e19, 1.1e19, 1.2e19].map((x) => BigInt(x));
    const up = swap(L, 19929, 0.4, false, 800n * 10n ** 18n)!;
    const down = swap(L, 19937, 0.6, true, 2_000n * 10n ** 9n)!;
    const ok = [up, down].map((x) => constraintOf(L, x));
    expect(meets(ticks, L[A - FIRST]!, L[A + 1 - FIRST]!, ok, FEE)).toBe(true);
    expect(solvePair(ticks, ok, FEE, 1n << 72n)).toBeDefined();
    // The down swap's token0 paid, one unit more: the amounts through the pair no longer agree with the up swap's.
    const bad = { ...down, want: { ...down.want, amount0: down.want.amount0 + 1n } };
    const tampered = [constraintOf(L, up), constraintOf(L, bad)];
    expect(meets(ticks, L[A - FIRST]!, L[A + 1 - FIRST]!, tampered, FEE)).toBe(false);
    expect(solvePair(ticks, tampered, FEE, 1n << 72n)).toBeUndefined();
  });
});
