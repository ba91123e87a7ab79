/**
 * Sandwiches (mev-inspect-py `sandwiches.py`): a front-run swap whose recipient later swaps the
 * other way on the same pool, with at least one other sender swapping in the front-run's
 * direction in between. Router recipients are skipped: a router as "sandwicher" is just a user.
 * Profit is in the front-run's input token: back-run output − front-run input; when the back-run
 * sells more than the front-run bought (a back-heavy sandwich: the bot also unloads inventory),
 * only the share of the back-run that unwinds the front-run counts — its output × front-run
 * output / back-run input, computed as upstream does (a float quotient, truncated): block
 * 13699765's sandwich by 0x51399b32… then loses 0.435805264121298944 WETH, upstream's answer.
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
          profitAmount: sandwichProfit(front, other),
        };
      }
    }
  }
  return undefined;
}

function sandwichProfit(front: Swap, back: Swap): bigint {
  if (back.tokenInAmount <= front.tokenOutAmount) return back.tokenOutAmount - front.tokenInAmount;
  const unwound = truncToBigInt(divToDouble(back.tokenOutAmount * front.tokenOutAmount, back.tokenInAmount));
  return unwound - front.tokenInAmount;
}

/** n / d (positive integers) correctly rounded to a double, as Python's int / int. */
export function divToDouble(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  // Scale so the integer quotient has at least 64 significant bits; the remainder is a sticky bit.
  const shift = Math.max(0, 64 - (bitLength(n) - bitLength(d)));
  const num = n << BigInt(shift);
  let q = num / d;
  const sticky = num % d !== 0n;
  // Keep 53 significant bits, rounding half to even (remaining bits and the sticky bit).
  const extra = bitLength(q) - 53;
  const mask = (1n << BigInt(extra)) - 1n;
  const rest = q & mask;
  const half = 1n << BigInt(extra - 1);
  q >>= BigInt(extra);
  if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) q += 1n;
  return Number(q) * 2 ** (extra - shift);
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

function truncToBigInt(x: number): bigint {
  return BigInt(Math.trunc(x));
}
