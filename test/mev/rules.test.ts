import { describe, expect, it } from 'vitest';
import { equalWithinPercent, getArbitrages } from '../../src/mev/classifier-arbitrages.ts';
import { getSandwiches } from '../../src/mev/classifier-sandwiches.ts';
import type { Swap } from '../../src/mev/classifier-types.ts';

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const [BOT, POOL1, POOL2, TOK_A, TOK_B, USER] = [1, 2, 3, 4, 5, 6].map(A) as [string, string, string, string, string, string];

function swap(p: Partial<Swap>): Swap {
  return {
    abiName: 'UniswapV2Pair', protocol: 'uniswap_v2', transactionHash: '0x1', transactionPosition: 0, blockNumber: 1,
    traceAddress: [0], contractAddress: POOL1, fromAddress: BOT, toAddress: BOT, tokenInAddress: TOK_A, tokenInAmount: 10n,
    tokenOutAddress: TOK_B, tokenOutAmount: 15n, error: null, ...p,
  };
}

describe('arbitrage rules (mev-inspect test_two_pool_arbitrage)', () => {
  it('finds a two-pool cycle and its profit', () => {
    const arbs = getArbitrages([
      swap({ traceAddress: [0], contractAddress: POOL1, fromAddress: BOT, toAddress: POOL2, tokenInAmount: 10n, tokenOutAmount: 15n }),
      swap({ traceAddress: [1], contractAddress: POOL2, fromAddress: POOL1, toAddress: BOT, tokenInAddress: TOK_B, tokenInAmount: 15n, tokenOutAddress: TOK_A, tokenOutAmount: 12n }),
    ]);
    expect(arbs).toHaveLength(1);
    expect(arbs[0]?.profitAmount).toBe(2n);
    expect(arbs[0]?.accountAddress).toBe(BOT);
  });

  it('no cycle when the amounts passed on differ by 1% or more', () => {
    expect(getArbitrages([
      swap({ traceAddress: [0], toAddress: POOL2, tokenOutAmount: 1000n }),
      swap({ traceAddress: [1], contractAddress: POOL2, fromAddress: POOL1, tokenInAddress: TOK_B, tokenInAmount: 1011n, tokenOutAddress: TOK_A, tokenOutAmount: 12n }),
    ])).toHaveLength(0);
    expect(equalWithinPercent(1000n, 1010n)).toBe(true); // 10/1005 < 1%
    expect(equalWithinPercent(1000n, 1011n)).toBe(false); // 11/1005.5 > 1%
  });
});

describe('sandwich rules', () => {
  const front = swap({ transactionHash: '0xf', transactionPosition: 1 });
  const victim = swap({ transactionHash: '0xv', transactionPosition: 2, fromAddress: USER, toAddress: USER });
  const back = swap({ transactionHash: '0xb', transactionPosition: 3, tokenInAddress: TOK_B, tokenInAmount: 15n, tokenOutAddress: TOK_A, tokenOutAmount: 11n });

  it('front-run, victim in the same direction, back-run by the front-run recipient', () => {
    const s = getSandwiches([back, victim, front]);
    expect(s).toHaveLength(1);
    expect(s[0]?.profitAmount).toBe(1n);
    expect(s[0]?.sandwichedSwaps.map((x) => x.transactionHash)).toEqual(['0xv']);
  });

  it('no sandwich without a victim, on another pool, or when the back-run sender differs', () => {
    expect(getSandwiches([front, back])).toHaveLength(0);
    expect(getSandwiches([front, { ...victim, contractAddress: POOL2 }, back])).toHaveLength(0);
    expect(getSandwiches([front, victim, { ...back, fromAddress: USER }])).toHaveLength(0);
    // A router as front-run recipient is a user trade, not a sandwicher.
    const router = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
    expect(getSandwiches([{ ...front, toAddress: router }, victim, { ...back, fromAddress: router }])).toHaveLength(0);
  });
});
