/**
 * Just-in-time liquidity (mev-inspect-py `jit_liquidity.py`): a Uniswap v3 `mint` on a pool, then
 * swaps on that pool by other transactions, then a `burn` of liquidity on the same pool from the
 * same position owner in a later transaction — the bot adds liquidity around a large swap it has
 * seen in the mempool, earns that swap's fee, and removes it. Token amounts are the pool calls'
 * own return values (mint and burn return amount0, amount1; collect returns what was paid out,
 * burn amounts + fees). The bot is the account that called the pool through the position
 * manager (or the pool directly). Reverted calls do not count.
 */
import type { CallTrace, ChainBlockData } from '../data/chain/types.ts';
import { decodeAbi } from '../data/chain/abi.ts';
import { isChildTraceAddress } from './classifier-traces.ts';
import type { Swap } from './classifier-types.ts';

const MINT = '0x3c8a7d8d'; // mint(address,int24,int24,uint128,bytes)
const BURN = '0xa34123a7'; // burn(int24,int24,uint128)
const COLLECT = '0x4f1eb3d8'; // collect(address,int24,int24,uint128,uint128)
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

export function getJitLiquidity(block: ChainBlockData, swaps: readonly Swap[]): JitLiquidity[] {
  const calls = block.traces.filter((t): t is CallTrace => t.type === 'call' && t.error === null && t.result !== null && t.transactionHash !== null);
  const bySel = (sel: string) => calls.filter((t) => t.action.input.startsWith(sel));
  const mints = bySel(MINT);
  const burns = bySel(BURN);
  const out: JitLiquidity[] = [];
  for (const mint of mints) {
    const pool = mint.action.to;
    const bot = botOf(calls, mint);
    const burn = burns.find((b) => b.action.to === pool && b.transactionPosition! > mint.transactionPosition! && botOf(calls, b) === bot && sameRange(b, mint));
    if (burn === undefined) continue;
    const between = swaps.filter((s) => s.contractAddress === pool && s.transactionPosition > mint.transactionPosition! && s.transactionPosition < burn.transactionPosition! && s.error === null);
    if (between.length === 0) continue;
    const [m0, m1] = amounts(mint.result!.output);
    const [b0, b1] = amounts(burn.result!.output);
    // The collect that pays the burn out: same transaction, same pool, same range.
    const collect = calls.find((c) => c.transactionHash === burn.transactionHash && c.action.to === pool && c.action.input.startsWith(COLLECT) && sameRange(c, burn));
    const [c0, c1] = collect ? amounts(collect.result!.output) : [b0, b1];
    const s = between[0]!;
    const [t0, t1] = s.tokenInAddress < s.tokenOutAddress ? [s.tokenInAddress, s.tokenOutAddress] : [s.tokenOutAddress, s.tokenInAddress];
    out.push({
      blockNumber: block.blockNumber,
      botAddress: bot,
      poolAddress: pool,
      mintTransactionHash: mint.transactionHash!,
      mintTraceAddress: mint.traceAddress,
      burnTransactionHash: burn.transactionHash!,
      burnTraceAddress: burn.traceAddress,
      swaps: between,
      token0Address: t0,
      token1Address: t1,
      mintToken0Amount: m0,
      mintToken1Amount: m1,
      burnToken0Amount: b0,
      burnToken1Amount: b1,
      fee0Amount: c0 - b0,
      fee1Amount: c1 - b1,
    });
  }
  return out;
}

/** Who owns the position: the caller of the position manager that called the pool, else the pool's caller. */
function botOf(calls: readonly CallTrace[], poolCall: CallTrace): string {
  if (poolCall.action.from !== POSITION_MANAGER) return poolCall.action.from;
  let parent: CallTrace | undefined;
  for (const c of calls) {
    if (c.transactionHash !== poolCall.transactionHash || c.action.to !== POSITION_MANAGER) continue;
    if (isChildTraceAddress(poolCall.traceAddress, c.traceAddress) && (parent === undefined || c.traceAddress.length > parent.traceAddress.length)) parent = c;
  }
  return parent?.action.from ?? poolCall.action.from;
}

/** The tick range a mint / burn / collect acts on (its int24 arguments at the given word). */
function rangeOf(call: CallTrace, firstWord: number): string {
  const words = call.action.input.slice(10);
  return words.slice(64 * firstWord, 64 * (firstWord + 2));
}

/** Same tick range: burn(tickLower, tickUpper, …) has them first; mint and collect after the recipient. */
function sameRange(a: CallTrace, b: CallTrace): boolean {
  const first = (c: CallTrace) => (c.action.input.startsWith(BURN) ? 0 : 1);
  return rangeOf(a, first(a)) === rangeOf(b, first(b));
}

function amounts(output: string): [bigint, bigint] {
  const v = decodeAbi(output, ['uint256', 'uint256']) as bigint[] | undefined;
  if (v === undefined) return [0n, 0n];
  return [v[0]!, v[1]!];
}
