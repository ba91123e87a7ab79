/**
 * Trace bookkeeping shared by the classifiers: decode every call once, group by transaction,
 * order by trace address, find children and the transfers they make.
 */
import { classifyCall, ethTransferOf, isCall, type DecodedCall } from '../data/chain/calls.ts';
import type { CallTrace, ChainBlockData, Trace } from '../data/chain/types.ts';
import type { Transfer } from './classifier-types.ts';

export interface ClassifiedCall {
  trace: CallTrace;
  decoded: DecodedCall;
}

/** Lexicographic order of trace addresses, a prefix first (Python list comparison). */
export function compareTraceAddress(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function isChildTraceAddress(child: readonly number[], parent: readonly number[]): boolean {
  if (child.length <= parent.length) return false;
  for (let i = 0; i < parent.length; i++) if (child[i] !== parent[i]) return false;
  return true;
}

export interface TxTraces {
  transactionHash: string;
  transactionPosition: number;
  /** Sorted by trace address; reward traces are excluded. */
  traces: Trace[];
  calls: Map<Trace, ClassifiedCall>;
}

/** Groups a block's traces by transaction (in block order) and decodes each call once. */
export function groupByTransaction(block: ChainBlockData): TxTraces[] {
  const byHash = new Map<string, TxTraces>();
  for (const t of block.traces) {
    if (t.type === 'reward' || t.transactionHash === null) continue;
    let g = byHash.get(t.transactionHash);
    if (g === undefined) {
      g = { transactionHash: t.transactionHash, transactionPosition: t.transactionPosition ?? -1, traces: [], calls: new Map() };
      byHash.set(t.transactionHash, g);
    }
    g.traces.push(t);
    if (isCall(t)) g.calls.set(t, { trace: t, decoded: classifyCall(t) });
  }
  for (const g of byHash.values()) g.traces.sort((a, b) => compareTraceAddress(a.traceAddress, b.traceAddress));
  return [...byHash.values()];
}

/** A transfer made by a decoded ERC20 call (not a plain ETH send). */
export function erc20TransferOf(c: ClassifiedCall): Transfer | undefined {
  if (c.decoded.kind !== 'transfer') return undefined;
  return toTransfer(c.trace, c.decoded);
}

/** mev-inspect `get_transfer`: a plain ETH send first, else a decoded ERC20 transfer. */
export function anyTransferOf(c: ClassifiedCall): Transfer | undefined {
  const eth = ethTransferOf(c.trace);
  if (eth !== undefined) return toTransfer(c.trace, eth);
  return erc20TransferOf(c);
}

function toTransfer(t: CallTrace, d: { token: string; from: string; to: string; amount: bigint }): Transfer {
  return {
    transactionHash: t.transactionHash as string,
    traceAddress: t.traceAddress,
    tokenAddress: d.token,
    fromAddress: d.from,
    toAddress: d.to,
    amount: d.amount,
  };
}

/** Calls strictly below `parent` in the same transaction, in trace order. */
export function childCalls(tx: TxTraces, parent: readonly number[]): ClassifiedCall[] {
  const out: ClassifiedCall[] = [];
  for (const t of tx.traces) {
    if (!isChildTraceAddress(t.traceAddress, parent)) continue;
    const c = tx.calls.get(t);
    if (c !== undefined) out.push(c);
  }
  return out;
}

/** Drops transfers nested inside an earlier transfer (a token proxy delegating to its logic). */
export function removeChildTransfersOfTransfers(transfers: readonly Transfer[]): Transfer[] {
  const sorted = [...transfers].sort((a, b) => compareTraceAddress(a.traceAddress, b.traceAddress));
  const seen: number[][] = [];
  const out: Transfer[] = [];
  for (const t of sorted) {
    if (!seen.some((p) => isChildTraceAddress(t.traceAddress, p))) out.push(t);
    seen.push(t.traceAddress);
  }
  return out;
}
