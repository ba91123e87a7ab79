/**
 * Replay a real Aave v3 reserve's day of pool events against a configured reserve and check the
 * model's rates against every ReserveDataUpdated log — the lending counterpart of the v3 pool
 * replay (amm/v3/log-replay.ts).
 *
 * The model's state is the reserve's two totals: the underlying held by the aToken (`available`
 * liquidity) and the scaled variable debt. Each action updates the indices (taken from the log:
 * their accrual is checked in the interest test), then the rates from the usage ratio
 * (interestRates: DefaultReserveInterestRateStrategy, exact integer math), and the logged
 * ReserveDataUpdated that the action emits must equal them to the ray unit:
 *   supply x: liquidityAdded x, then available += x;  withdraw x: liquidityTaken x, available −= x;
 *   borrow x: scaled debt += x.rayDiv(index) first, liquidityTaken x;  repay x: scaled debt −=
 *   x.rayDiv(index), liquidityAdded x (none when repaid with aTokens).
 * The day's file has no starting totals: they are solved for from the first actions (the scaled
 * debt fitted to the first log's rates for a given available liquidity, the available liquidity
 * by bisection on a later log), then every later log is a check.
 *
 * Not every pool call is in the file (it holds supply, withdraw, borrow and repay): a flash loan
 * takes liquidity out for the length of its callback and returns it with a premium (its
 * repayment logs a ReserveDataUpdated of its own and bumps the liquidity index), a liquidation of
 * another reserve's debt against this collateral takes liquidity out. So when a log does not
 * follow from the logged action, one hidden change of the available liquidity is solved for
 * (bisection on the variable rate, then both rates must match exactly): transient while a flash
 * loan is out (the action's log inside the callback), persistent for a log with no action (a
 * flash-loan repayment: +premium; a liquidation: −collateral). Those logs are "inferred", and the
 * report says how many needed it.
 */
import type { AaveEvent } from '../../data/readers/aave-events.ts';
import { accrue, interestRates } from './interest.ts';
import type { InterestStrategy } from './types.ts';
import { rayDiv, rayMul } from './wad-ray-math.ts';

export type RateVerdict = 'anchor' | 'exact' | 'inferred' | 'unexplained';

export interface RateCheck {
  line: number;
  block: number;
  /** The logged action this ReserveDataUpdated belongs to (none: a pool call not in the file). */
  action: AaveEvent['kind'] | 'none';
  verdict: RateVerdict;
  /** Inferred: the hidden change of the available liquidity (wei), and whether it stays. */
  hidden?: bigint;
  /** What it changed: the available liquidity alone, or both totals as a repayment of debt. */
  kind?: 'liquidity' | 'repay';
  persistent?: boolean;
  /** Model minus log (rays), for unexplained logs. */
  liquidityRateError?: bigint;
  variableRateError?: bigint;
}

export interface ReserveReplayReport {
  checks: RateCheck[];
  counts: Record<RateVerdict, number>;
  /** The starting totals solved for: available liquidity (wei) and scaled variable debt. */
  start: { available: bigint; scaledDebt: bigint };
  /**
   * Whether those totals reproduce the first log's rates exactly. When not, no totals do with the
   * rate strategy given (its parameters are not those in force that day) and the checks mean nothing.
   */
  startFits: boolean;
  /** Inferred logs with no action in the file whose liquidity index jumped (flash-loan premiums). */
  flashLoanRepayments: number;
  /**
   * The model's indices against the logs': accrued from the previous log's rates over the seconds
   * between (interest.ts), the variable borrow index must be exact at every log; the liquidity
   * index is exact, or above the accrual where a flash-loan premium was added to it.
   */
  indices: { variableExact: number; liquidityExact: number; liquidityAbove: number; mismatched: number };
}

interface Step {
  rdu: AaveEvent;
  act: AaveEvent | undefined;
}

interface Flow {
  added: bigint;
  taken: bigint;
  /** Change of the scaled debt (before the rates), and of the available liquidity after the action. */
  dScaled: bigint;
  dAvailable: bigint;
}

function flowOf(act: AaveEvent | undefined, variableIndex: bigint): Flow {
  if (!act || act.amount === undefined) return { added: 0n, taken: 0n, dScaled: 0n, dAvailable: 0n };
  const x = act.amount;
  switch (act.kind) {
    case 'supply':
      return { added: x, taken: 0n, dScaled: 0n, dAvailable: x };
    case 'withdraw':
      return { added: 0n, taken: x, dScaled: 0n, dAvailable: -x };
    case 'borrow':
      return { added: 0n, taken: x, dScaled: rayDiv(x, variableIndex), dAvailable: -x };
    case 'repay':
      return act.useATokens ? { added: 0n, taken: 0n, dScaled: -rayDiv(x, variableIndex), dAvailable: 0n } : { added: x, taken: 0n, dScaled: -rayDiv(x, variableIndex), dAvailable: x };
    default:
      return { added: 0n, taken: 0n, dScaled: 0n, dAvailable: 0n };
  }
}

/** ReserveDataUpdated logs of one reserve, each with the action logged after it in its transaction. */
function stepsOf(events: readonly AaveEvent[]): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'reserve_data_updated') continue;
    const n = events[i + 1];
    out.push({ rdu: e, act: n !== undefined && n.tx === e.tx && n.kind !== 'reserve_data_updated' ? n : undefined });
  }
  return out;
}

/** Wei either side of the bisection's end searched for the exact starting totals. */
const ANCHOR_SCAN = 50_000n;

const same = (r: { liquidityRate: bigint; variableBorrowRate: bigint }, e: AaveEvent) => r.liquidityRate === e.liquidityRate && r.variableBorrowRate === e.variableBorrowRate;

/**
 * The hidden change x that gives the log's rates: of the available liquidity alone (`liquidity`:
 * a flash loan out or its premium in, collateral seized), or of both totals as a repayment
 * (`repay`: x comes in and x.rayDiv(index) of scaled debt goes — a liquidation of this reserve's
 * debt). Bisection on the variable rate (it falls as x grows), then both rates must match.
 */
function hiddenChange(k: InterestStrategy, available: bigint, scaled: bigint, variableIndex: bigint, e: AaveEvent, kind: 'liquidity' | 'repay'): bigint | undefined {
  const rates = (x: bigint) => interestRates(k, available + x, rayMul(kind === 'repay' ? scaled - rayDiv(x, variableIndex) : scaled, variableIndex));
  let lo = -available;
  let hi = available * 4n + 10n ** 18n;
  if (kind === 'repay') {
    lo = 0n;
    hi = rayMul(scaled, variableIndex);
  }
  if (rates(lo).variableBorrowRate < e.variableBorrowRate! || rates(hi).variableBorrowRate > e.variableBorrowRate!) return undefined;
  while (hi - lo > 1n) {
    const m = (lo + hi) / 2n;
    if (rates(m).variableBorrowRate > e.variableBorrowRate!) lo = m;
    else hi = m;
  }
  // Several neighbouring amounts can give the same variable rate; the liquidity rate picks.
  for (let x = hi; x < hi + 64n; x++) {
    const r = rates(x);
    if (r.variableBorrowRate !== e.variableBorrowRate) break;
    if (r.liquidityRate === e.liquidityRate) return x;
  }
  return undefined;
}

export function replayAaveReserve(events: readonly AaveEvent[], k: InterestStrategy, opts: { anchorSteps?: number } = {}): ReserveReplayReport {
  const steps = stepsOf(events);
  const counts: Record<RateVerdict, number> = { anchor: 0, exact: 0, inferred: 0, unexplained: 0 };
  if (steps.length < 3) throw new Error('a reserve replay needs at least three ReserveDataUpdated logs');
  // ---- the starting totals, from the actions before the first log with no action ----
  // Anchor on transactions whose every log has its action: one with a log without an action holds
  // a pool call that is not in the file (e.g. a flash loan around the logged action).
  const oddTx = new Set(steps.filter((s) => s.act === undefined).map((s) => s.rdu.tx));
  const firstOdd = steps.findIndex((s) => oddTx.has(s.rdu.tx));
  const anchorEnd = Math.min(opts.anchorSteps ?? 40, firstOdd < 0 ? steps.length : firstOdd) - 1;
  if (anchorEnd < 2) throw new Error('a reserve replay needs three logged actions before the first pool call missing from the file');
  /**
   * Step j's predicted rates from the totals before step 0 (`predict`), or how many of steps 0..j
   * one pass reproduces exactly (`exactUpTo`).
   */
  const walk = (available0: bigint, scaled0: bigint, j: number, count: boolean) => {
    let a = available0;
    let sd = scaled0;
    let r = { liquidityRate: 0n, variableBorrowRate: 0n };
    let exact = 0;
    for (let i = 0; i <= j; i++) {
      const s = steps[i]!;
      const vI = s.rdu.variableBorrowIndex!;
      const f = flowOf(s.act, vI);
      sd += f.dScaled;
      r = interestRates(k, a + f.added - f.taken, rayMul(sd, vI));
      if (count && same(r, s.rdu)) exact++;
      a += f.dAvailable;
    }
    return { r, exact };
  };
  const predict = (available0: bigint, scaled0: bigint, j: number) => walk(available0, scaled0, j, false).r;
  const exactUpTo = (available0: bigint, scaled0: bigint, j: number) => walk(available0, scaled0, j, true).exact;
  // For a given available liquidity, the scaled debt that gives the first log's variable rate.
  const fitScaled = (available0: bigint): bigint => {
    let lo = 0n;
    let hi = available0 * 100n + 10n ** 30n;
    while (hi - lo > 1n) {
      const m = (lo + hi) / 2n;
      if (predict(available0, m, 0).variableBorrowRate < steps[0]!.rdu.variableBorrowRate!) lo = m;
      else hi = m;
    }
    return hi;
  };
  // The available liquidity: the anchor step whose flows since the first log are largest pins it best.
  let pin = 1;
  {
    let cum = 0n;
    let best = -1n;
    for (let i = 1; i <= anchorEnd; i++) {
      const f = flowOf(steps[i]!.act, steps[i]!.rdu.variableBorrowIndex!);
      cum += f.added + f.taken;
      if (cum > best) {
        best = cum;
        pin = i;
      }
    }
  }
  const residual = (available0: bigint) => predict(available0, fitScaled(available0), pin).variableBorrowRate - steps[pin]!.rdu.variableBorrowRate!;
  let lo = 10n ** 6n;
  let hi = 10n ** 36n;
  const rising = residual(hi) > residual(lo);
  while (hi - lo > 1n) {
    const m = (lo + hi) / 2n;
    if (rising ? residual(m) < 0n : residual(m) > 0n) lo = m;
    else hi = m;
  }
  // The exact pair: near the bisection's end, the available liquidity whose fitted debt reproduces
  // the most anchor logs exactly (a wei of either moves the rates by hundreds of ray units, so
  // only a few pairs on that line reproduce even the first log).
  let start = { available: hi, scaledDebt: fitScaled(hi) };
  let bestExact = -1;
  // The fitted debt moves by a fraction of a unit per wei: found from the last one by a short walk.
  const v0 = steps[0]!.rdu.variableBorrowRate!;
  const nearScaled = (a: bigint, from: bigint): bigint => {
    let sd = from;
    while (predict(a, sd, 0).variableBorrowRate >= v0) sd--;
    while (predict(a, sd, 0).variableBorrowRate < v0) sd++;
    return sd;
  };
  const up = { sd: start.scaledDebt };
  const down = { sd: start.scaledDebt };
  for (let d = 0n; d <= ANCHOR_SCAN && bestExact <= anchorEnd; d++) {
    for (const [a, walk] of d === 0n ? ([[hi, up]] as const) : ([[hi + d, up], [hi - d, down]] as const)) {
      const sd = (walk.sd = nearScaled(a, walk.sd));
      if (!same(predict(a, sd, 0), steps[0]!.rdu)) continue;
      const exact = exactUpTo(a, sd, anchorEnd);
      if (exact > bestExact) {
        bestExact = exact;
        start = { available: a, scaledDebt: sd };
      }
    }
  }
  // ---- the replay ----
  const checks: RateCheck[] = [];
  let available = start.available;
  let scaled = start.scaledDebt;
  let flashLoanRepayments = 0;
  let lastLiquidityIndex = steps[0]!.rdu.liquidityIndex!;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const vI = s.rdu.variableBorrowIndex!;
    const f = flowOf(s.act, vI);
    scaled += f.dScaled;
    const debt = rayMul(scaled, vI);
    const base = available + f.added - f.taken;
    const r = interestRates(k, base, debt);
    const action = s.act?.kind ?? 'none';
    const check: RateCheck = { line: s.rdu.line, block: s.rdu.block, action, verdict: i === 0 ? 'anchor' : 'exact' };
    if (!same(r, s.rdu)) {
      let h = hiddenChange(k, base, scaled, vI, s.rdu, 'liquidity');
      let repaid = false;
      if (h === undefined && s.act === undefined) {
        h = hiddenChange(k, base, scaled, vI, s.rdu, 'repay');
        repaid = h !== undefined;
      }
      if (h === undefined) {
        check.verdict = 'unexplained';
        check.liquidityRateError = r.liquidityRate - s.rdu.liquidityRate!;
        check.variableRateError = r.variableBorrowRate - s.rdu.variableBorrowRate!;
      } else {
        check.verdict = 'inferred';
        check.hidden = h;
        check.kind = repaid ? 'repay' : 'liquidity';
        // A log with no action in the file changes the reserve for good; inside a flash loan's
        // callback the missing liquidity comes back with the loan.
        check.persistent = s.act === undefined;
        if (check.persistent) {
          available += h;
          if (repaid) scaled -= rayDiv(h, vI);
          if (s.rdu.liquidityIndex! > lastLiquidityIndex && s.rdu.block === steps[i - 1]?.rdu.block) flashLoanRepayments++;
        }
      }
    } else if (s.act === undefined && i > 0) check.verdict = 'exact';
    available += f.dAvailable;
    lastLiquidityIndex = s.rdu.liquidityIndex!;
    counts[check.verdict]++;
    checks.push(check);
  }
  const indices = { variableExact: 0, liquidityExact: 0, liquidityAbove: 0, mismatched: 0 };
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!.rdu;
    const cur = steps[i]!.rdu;
    const got = accrue({ liquidityIndex: prev.liquidityIndex!, variableBorrowIndex: prev.variableBorrowIndex!, liquidityRate: prev.liquidityRate!, variableBorrowRate: prev.variableBorrowRate!, lastUpdate: BigInt(Math.floor(prev.tsUs / 1e6)) }, BigInt(Math.floor(cur.tsUs / 1e6)));
    const vOk = got.variableBorrowIndex === cur.variableBorrowIndex;
    if (vOk) indices.variableExact++;
    if (got.liquidityIndex === cur.liquidityIndex) indices.liquidityExact++;
    else if (cur.liquidityIndex! > got.liquidityIndex) indices.liquidityAbove++;
    if (!vOk || cur.liquidityIndex! < got.liquidityIndex) indices.mismatched++;
  }
  return { checks, counts, start, startFits: bestExact >= 0, flashLoanRepayments, indices };
}
