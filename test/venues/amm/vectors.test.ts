/** Every vector in shared/data/uniswap/vectors.json, reproduced exactly. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAmountIn, getAmountOut } from '../../../src/venues/amm/v2-math.ts';
import { computeSwapStep } from '../../../src/venues/amm/v3/swap-math.ts';
import {
  getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput, getNextSqrtPriceFromOutput,
} from '../../../src/venues/amm/v3/sqrt-price-math.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from '../../../src/venues/amm/v3/tick-math.ts';
import { hasUniswapData, requireSharedData, uniswapDataDir } from './shared-data.ts';

interface Vector {
  id: string;
  function: string;
  inputs: Record<string, string | number | boolean>;
  expected: unknown;
}

const big = (v: unknown): bigint => BigInt(v as string);

/** Runs one vector; returns the actual value in the same shape as `expected`. */
function evaluate(v: Vector): unknown {
  const i = v.inputs;
  switch (v.function) {
    case 'UniswapV2Library.getAmountOut (0.3% fee)':
      return getAmountOut(big(i.amountIn), big(i.reserveIn), big(i.reserveOut)).toString();
    case 'UniswapV2Library.getAmountIn (0.3% fee)':
      return getAmountIn(big(i.amountOut), big(i.reserveIn), big(i.reserveOut)).toString();
    case 'TickMath.getSqrtRatioAtTick':
      return getSqrtRatioAtTick(Number(i.tick)).toString();
    case 'TickMath.getTickAtSqrtRatio':
      return getTickAtSqrtRatio(big(i.sqrtPriceX96));
    case 'SqrtPriceMath.getNextSqrtPriceFromInput':
      return getNextSqrtPriceFromInput(big(i.sqrtPX96), big(i.liquidity), big(i.amountIn), i.zeroForOne === true).toString();
    case 'SqrtPriceMath.getNextSqrtPriceFromOutput':
      return getNextSqrtPriceFromOutput(big(i.sqrtPX96), big(i.liquidity), big(i.amountOut), i.zeroForOne === true).toString();
    case 'SqrtPriceMath.getAmount0Delta':
      return getAmount0Delta(big(i.sqrtRatioAX96), big(i.sqrtRatioBX96), big(i.liquidity), i.roundUp === true).toString();
    case 'SqrtPriceMath.getAmount1Delta':
      return getAmount1Delta(big(i.sqrtRatioAX96), big(i.sqrtRatioBX96), big(i.liquidity), i.roundUp === true).toString();
    case 'SwapMath.computeSwapStep': {
      const s = computeSwapStep(big(i.sqrtRatioCurrentX96), big(i.sqrtRatioTargetX96), big(i.liquidity), big(i.amountRemaining), Number(i.feePips));
      return {
        sqrtRatioNextX96: s.sqrtRatioNextX96.toString(),
        amountIn: s.amountIn.toString(),
        amountOut: s.amountOut.toString(),
        feeAmount: s.feeAmount.toString(),
      };
    }
    default:
      throw new Error(`unknown vector function ${v.function}`);
  }
}

describe.skipIf(!hasUniswapData)('uniswap vectors.json', () => {
  it('reproduces every vector exactly', () => {
    const file = JSON.parse(readFileSync(resolve(uniswapDataDir, 'vectors.json'), 'utf8')) as { vectors: Vector[] };
    let checked = 0;
    for (const v of file.vectors) {
      expect(evaluate(v), v.id).toEqual(v.expected);
      checked++;
    }
    console.log(`uniswap vectors checked: ${checked}/${file.vectors.length}`);
    expect(checked).toBe(file.vectors.length);
    expect(checked).toBeGreaterThanOrEqual(38);
  });
});

requireSharedData();
