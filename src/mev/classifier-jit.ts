/**
 * Just-in-time liquidity (mev-inspect-py `jit_liquidity.py`): a Uniswap v3 `mint` on a pool, then
 * swaps on that pool by other transactions, then a `burn` of liquidity on the same pool from the
 * same position owner in a later transaction — the bot adds liquidity around a large swap it has
 * seen in the mempool, earns that swap's fee, and removes it. Token amounts are the pool calls'
 * own return values (mint and burn return amount0, amount1; collect returns what was paid out,
 * burn amounts + fees). The bot is the account that called the pool through the position
 * manager (or the pool directly). Reverted calls do not count.
 */
import type { V3LiquidityCall } from '../data/chain/calls.ts';
import { isChildTraceAddress, type ClassifiedCall, type TxTraces } from './classifier-traces.ts';
import type { Swap } from './classifier-types.ts';

const POSITION_MANAGER = '0xc36442b4a4522e871399cd717abdd847ab11fe88';

export interface JitLiquidity {
  blockNumber: number;
  botAddress: string;
  poolAddress: string;
  mintTransactionHash: string;
  mintTraceAddress: number[];
  burnTransactionHash: string;
  burnTraceAddress: number[];
  /** The swaps the liquidity was there for (other transactions between mint and burn). */
  swaps: Swap[];
  token0Address: string;
  token1Address: string;
  mintToken0Amount: bigint;
  mintToken1Amount: bigint;
  burnToken0Amount: bigint;
  burnToken1Amount: bigint;
  /** Fees collected with the burn (collect − burn), in token0 and token1. */
  fee0Amount: bigint;
  fee1Amount: bigint;
}

type LiquidityCall = ClassifiedCall & { decoded: V3LiquidityCall };

export function getJitLiquidity(txs: readonly TxTraces[], blockNumber: number, swaps: readonly Swap[]): JitLiquidity[] {
  // Successful pool mint / burn / collect calls, in block order, with the bot behind each.
  const calls: { c: LiquidityCall; tx: TxTraces; bot: string }[] = [];
  for (const tx of txs) {
    for (const t of tx.traces) {
      const c = tx.calls.get(t);
      if (c === undefined || c.trace.error !== null || c.trace.result === null) continue;
      const k = c.decoded.kind;
      if (k === 'v3Mint' || k === 'v3Burn' || k === 'v3Collect') calls.push({ c: c as LiquidityCall, tx, bot: botOf(tx, c) });
    }
  }
  const same = (a: V3LiquidityCall, b: V3LiquidityCall) => a.pool === b.pool && a.tickLower === b.tickLower && a.tickUpper === b.tickUpper;
  const out: JitLiquidity[] = [];
  for (const mint of calls) {
    if (mint.c.decoded.kind !== 'v3Mint') continue;
    const m = mint.c.decoded;
    const burn = calls.find((b) => b.c.decoded.kind === 'v3Burn' && b.tx.transactionPosition > mint.tx.transactionPosition && b.bot === mint.bot && same(b.c.decoded, m));
    if (burn === undefined) continue;
    const between = swaps.filter((s) => s.contractAddress === m.pool && s.transactionPosition > mint.tx.transactionPosition && s.transactionPosition < burn.tx.transactionPosition && s.error === null);
    if (between.length === 0) continue;
    const b = burn.c.decoded;
    // The collect that pays the burn out: same transaction, same pool and range.
    const collect = calls.find((x) => x.tx === burn.tx && x.c.decoded.kind === 'v3Collect' && same(x.c.decoded, b))?.c.decoded;
    const s = between[0]!;
    const [t0, t1] = s.tokenInAddress < s.tokenOutAddress ? [s.tokenInAddress, s.tokenOutAddress] : [s.tokenOutAddress, s.tokenInAddress];
    out.push({
      blockNumber,
      botAddress: mint.bot,
      poolAddress: m.pool,
      mintTransactionHash: mint.tx.transactionHash,
      mintTraceAddress: mint.c.trace.traceAddress,
      burnTransactionHash: burn.tx.transactionHash,
      burnTraceAddress: burn.c.trace.traceAddress,
      swaps: between,
      token0Address: t0,
      token1Address: t1,
      mintToken0Amount: m.amount0,
      mintToken1Amount: m.amount1,
      burnToken0Amount: b.amount0,
      burnToken1Amount: b.amount1,
      fee0Amount: (collect?.amount0 ?? b.amount0) - b.amount0,
      fee1Amount: (collect?.amount1 ?? b.amount1) - b.amount1,
    });
  }
  return out;
}

/** Who owns the position: the caller of the position manager that called the pool, else the pool's caller. */
function botOf(tx: TxTraces, poolCall: ClassifiedCall): string {
  const from = poolCall.trace.action.from;
  if (from !== POSITION_MANAGER) return from;
  let parent: ClassifiedCall | undefined;
  for (const c of tx.calls.values()) {
    if (c.trace.action.to !== POSITION_MANAGER || !isChildTraceAddress(poolCall.trace.traceAddress, c.trace.traceAddress)) continue;
    if (parent === undefined || c.trace.traceAddress.length > parent.trace.traceAddress.length) parent = c;
  }
  return parent?.trace.action.from ?? from;
}
