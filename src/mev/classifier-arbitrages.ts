/**
 * Atomic arbitrages (mev-inspect-py `arbitrages.py`): within one transaction, a start swap and an
 * end swap that return the start token to the start sender, joined by the shortest chain of swaps
 * whose outputs feed the next inputs (same token, linked addresses, amounts within 1%).
 * Profit = end amount − start amount, in the start token's raw units.
 */
import { compareTraceAddress } from './classifier-traces.ts';
import type { Arbitrage, Swap } from './classifier-types.ts';

export function getArbitrages(swaps: readonly Swap[]): Arbitrage[] {
  const byTx = new Map<string, Swap[]>();
  for (const s of swaps) {
    const list = byTx.get(s.transactionHash);
    if (list === undefined) byTx.set(s.transactionHash, [s]);
    else list.push(s);
  }
  const hashes = [...byTx.keys()].sort();
  return hashes.flatMap((h) => arbitragesInTransaction(byTx.get(h) as Swap[]));
}

function arbitragesInTransaction(swaps: readonly Swap[]): Arbitrage[] {
  const startEnds = allStartEnds(swaps);
  const arbs: Arbitrage[] = [];
  const used = new Set<Swap>();
  for (const [start, ends] of startEnds) {
    if (used.has(start)) continue;
    const route = shortestRoute(start, ends.filter((e) => !used.has(e)), swaps, undefined);
    if (route === undefined) continue;
    const first = route[0] as Swap;
    const last = route[route.length - 1] as Swap;
    arbs.push({
      swaps: route,
      blockNumber: first.blockNumber,
      transactionHash: first.transactionHash,
      accountAddress: first.fromAddress,
      profitTokenAddress: first.tokenInAddress,
      startAmount: first.tokenInAmount,
      endAmount: last.tokenOutAmount,
      profitAmount: last.tokenOutAmount - first.tokenInAmount,
      error: route.reduce<string | null>((e, s) => s.error ?? e, null),
    });
    for (const s of route) used.add(s);
  }
  if (arbs.length === 1) return arbs;
  // Case II routes (bot → pool → bot …) match from any rotation; keep those in trace order.
  return arbs.filter((a) => compareTraceAddress((a.swaps[0] as Swap).traceAddress, (a.swaps[a.swaps.length - 1] as Swap).traceAddress) < 0);
}

function allStartEnds(swaps: readonly Swap[]): Array<[Swap, Swap[]]> {
  const pools = new Set(swaps.map((s) => s.contractAddress));
  const out: Array<[Swap, Swap[]]> = [];
  swaps.forEach((start, i) => {
    const ends = swaps.filter((end, j) => j !== i
      && start.tokenInAddress === end.tokenOutAddress
      && start.contractAddress !== end.contractAddress
      && start.fromAddress === end.toAddress
      && !pools.has(start.fromAddress));
    if (ends.length > 0) out.push([start, ends]);
  });
  return out;
}

function shortestRoute(start: Swap, ends: readonly Swap[], all: readonly Swap[], maxLen: number | undefined): Swap[] | undefined {
  if (ends.length === 0) return undefined;
  if (maxLen !== undefined && maxLen < 2) return undefined;
  for (const end of ends) if (outsMatchIns(start, end)) return [start, end];
  if (maxLen !== undefined && maxLen === 2) return undefined;
  const others = all.filter((s) => s !== start && !ends.includes(s));
  if (others.length === 0) return undefined;
  let best: Swap[] | undefined;
  let maxRemaining = maxLen === undefined ? undefined : maxLen - 1;
  for (const next of others) {
    if (!outsMatchIns(start, next)) continue;
    const fromNext = shortestRoute(next, ends, others, maxRemaining);
    if (fromNext !== undefined && (best === undefined || fromNext.length < best.length)) {
      best = fromNext;
      maxRemaining = fromNext.length - 1;
    }
  }
  return best === undefined ? undefined : [start, ...best];
}

function outsMatchIns(out: Swap, into: Swap): boolean {
  return out.tokenOutAddress === into.tokenInAddress
    && (out.contractAddress === into.fromAddress || out.toAddress === into.contractAddress || out.toAddress === into.fromAddress)
    && equalWithinPercent(out.tokenOutAmount, into.tokenInAmount);
}

/** |a−b| / ((a+b)/2) < 1%, in exact integers: 200·|a−b| < a+b. */
export function equalWithinPercent(a: bigint, b: bigint): boolean {
  const diff = a > b ? a - b : b - a;
  return 200n * diff < a + b;
}
