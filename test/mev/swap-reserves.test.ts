import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlockJsonFile } from '../../src/data/chain/block-json.ts';
import { classifyCall, decodeGetReserves, type Reserves } from '../../src/data/chain/calls.ts';
import type { CallTrace } from '../../src/data/chain/types.ts';
import { getSwapsForTransaction } from '../../src/mev/classifier-swaps.ts';
import { compareTraceAddress, groupByTransaction } from '../../src/mev/classifier-traces.ts';
import { getAmountIn, getAmountOut } from '../../src/venues/amm/v2-math.ts';

const dataDir = path.resolve(import.meta.dirname, '../../../shared/data/chain/mev-inspect');
const haveData = existsSync(dataDir);
if (!haveData) {
  if (process.env.CI === 'true') throw new Error(`shared data missing at ${dataDir}`);
  console.warn(`skipping swap/reserves check: ${dataDir} not found`);
}

/** UniswapV2Router02 exact-output entry points: the router sizes the input with getAmountIn. */
const EXACT_OUTPUT = new Set(['0x8803dbee', '0xfb3bdb41', '0x4a25d94a']); // swapTokensForExactTokens, swapETHForExactTokens, swapTokensForExactETH

describe.skipIf(!haveData)('decoded V2 swaps agree with the pair reserves in the trace', () => {
  it('block 12775690: output = getAmountOut(input, reserves) for every swap with visible reserves', () => {
    const block = readBlockJsonFile(path.join(dataDir, 'blocks_12775690.json'));
    let exactIn = 0;
    let exactOut = 0;
    for (const tx of groupByTransaction(block)) {
      const swaps = getSwapsForTransaction(tx, block.blockNumber).filter((s) => s.abiName === 'UniswapV2Pair');
      const root = tx.traces.find((t) => t.traceAddress.length === 0);
      const rootSelector = root?.type === 'call' ? root.action.input.slice(0, 10) : '';
      for (const s of swaps) {
        // Latest getReserves() on the same pair earlier in trace order, with no swap on that pair since.
        let reserves: Reserves | undefined;
        let at: number[] = [];
        for (const t of tx.traces) {
          if (compareTraceAddress(t.traceAddress, s.traceAddress) >= 0) break;
          if (t.type !== 'call' || t.action.to !== s.contractAddress) continue;
          const r = decodeGetReserves(t);
          if (r !== undefined) { reserves = r; at = t.traceAddress; }
        }
        if (reserves === undefined) continue;
        const stale = swaps.some((o) => o !== s && o.contractAddress === s.contractAddress
          && compareTraceAddress(o.traceAddress, at) > 0 && compareTraceAddress(o.traceAddress, s.traceAddress) < 0);
        if (stale) continue;
        const call = classifyCall(tx.traces.find((t) => t.traceAddress === s.traceAddress) as CallTrace);
        if (call.kind !== 'v2swap') throw new Error('swap trace does not decode as a V2 swap');
        const token0Out = call.amount0Out > 0n;
        const [rIn, rOut] = token0Out ? [reserves.reserve1, reserves.reserve0] : [reserves.reserve0, reserves.reserve1];
        expect(token0Out ? call.amount0Out : call.amount1Out).toBe(s.tokenOutAmount);
        if (EXACT_OUTPUT.has(rootSelector)) {
          // The router asked for this output and paid getAmountIn for it; output ≤ what the input could buy.
          expect(s.tokenInAmount).toBe(getAmountIn(s.tokenOutAmount, rIn, rOut));
          expect(s.tokenOutAmount <= getAmountOut(s.tokenInAmount, rIn, rOut)).toBe(true);
          exactOut++;
        } else {
          expect(s.tokenOutAmount).toBe(getAmountOut(s.tokenInAmount, rIn, rOut));
          exactIn++;
        }
      }
    }
    console.log(`block 12775690: checked ${exactIn + exactOut} V2 swaps against getReserves() (${exactIn} exact-input, ${exactOut} exact-output)`);
    expect(exactIn).toBeGreaterThan(0);
  });
});
