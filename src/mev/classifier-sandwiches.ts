/**
 * Sandwiches (mev-inspect-py `sandwiches.py`): a front-run swap whose recipient later swaps the
 * other way on the same pool, with at least one other sender swapping in the front-run's
 * direction in between. Router recipients are skipped: a router as "sandwicher" is just a user.
 */
import { compareTraceAddress } from './classifier-traces.ts';
import type { Sandwich, Swap } from './classifier-types.ts';

const ROUTERS = new Set([
  '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', // Uniswap V2 router 02
  '0xe592427a0aece92de3edee1f18e0157c05861564', // Uniswap V3 SwapRouter
  '0x68b3465833fb72a70ecdf485e0e4c7bd8665fc45', // Uniswap V3 SwapRouter02
]);

export function getSandwiches(swaps: readonly Swap[]): Sandwich[] {
  const ordered = [...swaps].sort(
    (a, b) => a.transactionPosition - b.transactionPosition || compareTraceAddress(a.traceAddress, b.traceAddress),
  );
  const out: Sandwich[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const s = sandwichStartingWith(ordered[i] as Swap, ordered.slice(i + 1));
    if (s !== undefined) out.push(s);
  }
  return out;
}

function sandwichStartingWith(front: Swap, rest: readonly Swap[]): Sandwich | undefined {
  const sandwicher = front.toAddress;
  if (ROUTERS.has(sandwicher)) return undefined;
  const victims: Swap[] = [];
  for (const other of rest) {
    if (other.transactionHash === front.transactionHash) continue;
    if (other.contractAddress !== front.contractAddress) continue;
    if (other.tokenInAddress === front.tokenInAddress && other.tokenOutAddress === front.tokenOutAddress
      && other.fromAddress !== sandwicher) {
      victims.push(other);
    } else if (other.tokenOutAddress === front.tokenInAddress && other.tokenInAddress === front.tokenOutAddress
      && other.fromAddress === sandwicher) {
      if (victims.length > 0) {
        return {
          blockNumber: front.blockNumber,
          sandwicherAddress: sandwicher,
          frontrunSwap: front,
          backrunSwap: other,
          sandwichedSwaps: victims,
          profitTokenAddress: front.tokenInAddress,
          profitAmount: other.tokenOutAmount - front.tokenInAmount,
        };
      }
    }
  }
  return undefined;
}
