/**
 * Swaps from pool calls plus the transfers around them (mev-inspect-py `swaps.py`): the token in
 * is the last transfer into the pool before the call (or inside it), the token out the single
 * transfer from the pool to the swap's recipient inside the call. Pools: Uniswap v2 pairs (and
 * their forks), Uniswap v3 pools, Curve pools (`exchange`, `exchange_underlying`; the recipient
 * is the caller, as in mev-inspect's Curve classifier).
 */
import type { CallTrace } from '../data/chain/types.ts';
import {
  anyTransferOf, childCalls, erc20TransferOf, removeChildTransfersOfTransfers, type ClassifiedCall, type TxTraces,
} from './classifier-traces.ts';
import type { Swap, Transfer } from './classifier-types.ts';
import { ETH_TOKEN_ADDRESS } from '../data/chain/calls.ts';

export function getSwapsForTransaction(tx: TxTraces, blockNumber: number): Swap[] {
  const swaps: Swap[] = [];
  const prior: Transfer[] = [];
  for (const t of tx.traces) {
    const c = tx.calls.get(t);
    if (c === undefined) continue;
    if (c.decoded.kind === 'transfer') {
      const tr = erc20TransferOf(c);
      if (tr !== undefined) prior.push(tr);
    } else if (c.decoded.kind === 'v2swap' || c.decoded.kind === 'v3swap' || c.decoded.kind === 'curveswap') {
      const children = childCalls(tx, c.trace.traceAddress)
        .map(anyTransferOf)
        .filter((x): x is Transfer => x !== undefined);
      const swap = parseSwap(c, blockNumber, removeChildTransfersOfTransfers(prior), removeChildTransfersOfTransfers(children));
      if (swap !== undefined) swaps.push(swap);
    }
  }
  return swaps;
}

function parseSwap(c: ClassifiedCall, blockNumber: number, prior: Transfer[], children: Transfer[]): Swap | undefined {
  const d = c.decoded;
  if (d.kind !== 'v2swap' && d.kind !== 'v3swap' && d.kind !== 'curveswap') return undefined;
  const t = c.trace;
  const pool = t.action.to;
  const recipient = d.recipient;

  let toPool: Transfer[] = t.action.value > 0n ? [ethTransferOfCall(t)] : [];
  if (toPool.length === 0) toPool = prior.filter((x) => x.toAddress === pool);
  if (toPool.length === 0) toPool = children.filter((x) => x.toAddress === pool);
  if (toPool.length === 0) return undefined;

  const out = children.filter((x) => x.toAddress === recipient && x.fromAddress === pool);
  if (out.length !== 1) return undefined;

  const tin = toPool[toPool.length - 1] as Transfer;
  const tout = out[0] as Transfer;
  return {
    abiName: d.kind === 'v2swap' ? 'UniswapV2Pair' : d.kind === 'v3swap' ? 'UniswapV3Pool' : 'CurveSwap',
    protocol: d.kind === 'v2swap' ? 'uniswap_v2' : d.kind === 'v3swap' ? 'uniswap_v3' : 'curve',
    transactionHash: t.transactionHash as string,
    transactionPosition: t.transactionPosition ?? -1,
    blockNumber,
    traceAddress: t.traceAddress,
    contractAddress: pool,
    fromAddress: tin.fromAddress,
    toAddress: tout.toAddress,
    tokenInAddress: tin.tokenAddress,
    tokenInAmount: tin.amount,
    tokenOutAddress: tout.tokenAddress,
    tokenOutAmount: tout.amount,
    error: t.error,
  };
}

function ethTransferOfCall(t: CallTrace): Transfer {
  return {
    transactionHash: t.transactionHash as string,
    traceAddress: t.traceAddress,
    tokenAddress: ETH_TOKEN_ADDRESS,
    fromAddress: t.action.from,
    toAddress: t.action.to,
    amount: t.action.value,
  };
}
