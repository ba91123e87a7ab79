import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlockJsonFile } from '../../src/data/chain/block-json.ts';
import fc from 'fast-check';
import { classifyBlock, type BlockClassification } from '../../src/mev/classifier.ts';
import { divToDouble } from '../../src/mev/classifier-sandwiches.ts';
import { tokenFlow } from '../../src/mev/token-flow.ts';
import type { Swap } from '../../src/mev/classifier-types.ts';

const dataDir = path.resolve(import.meta.dirname, '../../../shared/data/chain/mev-inspect');
const haveData = existsSync(dataDir);
if (!haveData) {
  if (process.env.CI === 'true') throw new Error(`shared data missing at ${dataDir}`);
  console.warn(`skipping MEV classifier real-data tests: ${dataDir} not found`);
}

const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';

/** JSON with integers beyond 2^53 kept exact: long bare numbers become strings before parsing. */
function readExactJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8').replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
}

interface ExpectedSwap {
  transaction_hash: string; transaction_position: number; trace_address: number[]; contract_address: string;
  from_address: string; to_address: string; token_in_address: string; token_in_amount: string | number;
  token_out_address: string; token_out_amount: string | number;
}

function expectSwap(actual: Swap | undefined, e: ExpectedSwap): void {
  expect(actual).toBeDefined();
  const a = actual as Swap;
  expect({
    hash: a.transactionHash, pos: a.transactionPosition, trace: a.traceAddress, pool: a.contractAddress,
    from: a.fromAddress, to: a.toAddress, tin: a.tokenInAddress, ain: a.tokenInAmount, tout: a.tokenOutAddress, aout: a.tokenOutAmount,
  }).toEqual({
    hash: e.transaction_hash, pos: e.transaction_position, trace: e.trace_address, pool: e.contract_address,
    from: e.from_address, to: e.to_address, tin: e.token_in_address, ain: BigInt(e.token_in_amount),
    tout: e.token_out_address, aout: BigInt(e.token_out_amount),
  });
}

describe.skipIf(!haveData)('MEV classifier on mev-inspect blocks', () => {
  const blocks = new Map<number, BlockClassification>();
  beforeAll(() => {
    for (const n of [12775690, 12914944, 13244807]) blocks.set(n, classifyBlock(readBlockJsonFile(path.join(dataDir, `blocks_${n}.json`))));
  });

  it('block 12775690: finds the sandwich of sandwiches_12775690.json', () => {
    const expected = readExactJson(path.join(dataDir, 'sandwiches_12775690.json')) as Array<{
      sandwicher_address: string; frontrun_swap: ExpectedSwap; backrun_swap: ExpectedSwap;
      sandwiched_swaps: ExpectedSwap[]; profit_token_address: string; profit_amount: string;
    }>;
    const found = (blocks.get(12775690) as BlockClassification).sandwiches;
    expect(found).toHaveLength(expected.length);
    const [s] = found;
    const [e] = expected;
    if (s === undefined || e === undefined) throw new Error('no sandwich');
    expect(s.sandwicherAddress).toBe(e.sandwicher_address);
    expectSwap(s.frontrunSwap, e.frontrun_swap);
    expectSwap(s.backrunSwap, e.backrun_swap);
    expect(s.sandwichedSwaps).toHaveLength(e.sandwiched_swaps.length);
    e.sandwiched_swaps.forEach((v, i) => expectSwap(s.sandwichedSwaps[i], v));
    expect(s.profitTokenAddress).toBe(WETH);
    expect(s.profitAmount).toBe(BigInt(e.profit_amount));
    // The numbers quoted in PROVENANCE.md, independently of the JSON.
    expect(s.profitAmount).toBe(49991481915322274n);
    expect(s.frontrunSwap.tokenInAmount).toBe(12108789017249529876n);
    expect(s.sandwichedSwaps[0]?.tokenInAmount).toBe(652974555369106606n);
    expect(s.backrunSwap.tokenOutAmount).toBe(12158780499164852150n);
  });

  it('block 12914944: 51 swaps and the two arbitrages with their profits', () => {
    const c = blocks.get(12914944) as BlockClassification;
    expect(c.swaps).toHaveLength(51); // mev-inspect-py tests/test_arbitrage_integration.py
    const byHash = new Map(c.arbitrages.map((a) => [a.transactionHash, a]));
    expect(c.arbitrages).toHaveLength(2);
    const expected: Array<[string, bigint]> = [
      ['0x448245bf1a507b73516c4eeee01611927dada6610bf26d403012f2e66800d8f0', 750005273675102326n],
      ['0xfcf4558f6432689ea57737fe63124a5ec39fd6ba6aaf198df13a825dd599bffc', 53560707941943273628n],
    ];
    for (const [hash, profit] of expected) {
      const a = byHash.get(hash);
      expect(a?.profitAmount).toBe(profit);
      expect(a?.profitTokenAddress).toBe(WETH);
      expect(a?.swaps).toHaveLength(3);
      expect(a?.swaps[1]?.tokenInAddress).toBe('0x25f8087ead173b73d6e8b84329989a8eea16cf73');
      expect(a?.swaps[1]?.tokenOutAddress).toBe('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48');
      expect(a && a.endAmount - a.startAmount).toBe(profit);
    }
  });

  it('block 13244807: the Aave v2 liquidation with its debt and collateral amounts', () => {
    const c = blocks.get(13244807) as BlockClassification;
    expect(c.liquidations).toHaveLength(1);
    expect(c.liquidations[0]).toMatchObject({
      protocol: 'aave',
      transactionHash: '0xb7575eedc9d8cfe82c4a11cd1a851221f2eafb93d738301995ac7103ffe877f7',
      liquidatedUser: '0xd16404ca0a74a15e66d8ad7c925592fb02422ffe',
      liquidatorUser: '0x19256c009781bc2d1545db745af6dfd30c7e9cfa',
      collateralTokenAddress: WETH,
      debtTokenAddress: '0xdac17f958d2ee523a2206206994597c13d831ec7',
      debtPurchaseAmount: 26503300291n,
      receivedAmount: 8182733924513576561n,
      receivedTokenAddress: WETH,
    });
  });

  // More mev-inspect blocks, with what upstream's tests expect (../shared/data/PROVENANCE.md).
  const more = (n: number) => classifyBlock(readBlockJsonFile(path.join(dataDir, `blocks_${n}.json`)));

  it('block 12498502: three Aave liquidations by one liquidator (debt BUSD, TUSD, sUSD; collateral LINK, LINK, MKR)', () => {
    const c = more(12498502);
    expect(c.liquidations).toHaveLength(3);
    for (const l of c.liquidations) expect([l.protocol, l.liquidatorUser]).toEqual(['aave', '0x7185e240d8e9e2d692cbc68d30eecf965e9a7feb']);
    const BUSD = '0x4fabb145d64652a948d72533023f6e7a623c7c53';
    const TUSD = '0x0000000000085d4780b73119b644ae5ecd22b376';
    const SUSD = '0x57ab1ec28d129707052df4df418d58a2d46d5f51';
    const LINK = '0x514910771af9ca656af840dff83e8264ecf986ca';
    const MKR = '0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2';
    expect(c.liquidations.map((l) => [l.debtTokenAddress, l.collateralTokenAddress])).toEqual([[BUSD, LINK], [TUSD, LINK], [SUSD, MKR]]);
  });

  it('block 10921991: the Aave v1 liquidation (USDT debt, LEND collateral)', () => {
    const c = more(10921991);
    expect(c.liquidations).toHaveLength(1);
    expect(c.liquidations[0]).toMatchObject({
      protocol: 'aave',
      transactionHash: '0xe6c0e3ef0436cb032e1ef292141f4fc4dcd47a75a2559602133114952190e76b',
      debtTokenAddress: '0xdac17f958d2ee523a2206206994597c13d831ec7',
      collateralTokenAddress: '0x80fb784b7ed66730e8b1dbd9820afd29931aab03',
    });
  });

  it('block 12483198: five arbitrages, the reverted one flagged "Reverted" (its receipt\'s gas_used is the u64::MAX sentinel, read as unknown)', () => {
    const block = readBlockJsonFile(path.join(dataDir, 'blocks_12483198.json'));
    expect(block.receipts.find((r) => r.transactionIndex === 60)!.gasUsed).toBeNaN();
    const c = classifyBlock(block);
    // Upstream's 38 swaps: 37 on Uniswap pools and one Curve 3pool exchange (inside tx 7).
    expect(c.swaps).toHaveLength(38);
    const curve = c.swaps.filter((s) => s.protocol === 'curve');
    expect(curve.map((s) => [s.contractAddress, s.transactionPosition])).toEqual([['0xbebc44782c7db0a1a60cb6fe97d0b483032ff1c7', 7]]);
    expect(curve[0]!.tokenInAmount > 0n && curve[0]!.tokenOutAmount > 0n).toBe(true);
    expect(c.arbitrages).toHaveLength(5);
    const reverted = c.arbitrages.filter((a) => a.error !== null);
    expect(reverted.map((a) => [a.transactionHash.slice(0, 10), a.error])).toEqual([['0x23a4dc70', 'Reverted']]);
  });

  it('block 13699765: the back-heavy sandwich by 0x51399b32… loses 0.435805264121298944 WETH (upstream\'s answer)', () => {
    const c = more(13699765);
    const s = c.sandwiches.find((x) => x.sandwicherAddress === '0x51399b32cd0186bb32230e24167489f3b2f47870')!;
    expect(s.profitTokenAddress).toBe('0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2');
    expect(s.profitAmount).toBe(-435805264121298944n);
    // Back-heavy: the back-run sold more USDC than the front-run bought.
    expect(s.backrunSwap.tokenInAmount > s.frontrunSwap.tokenOutAmount).toBe(true);
    expect(s.sandwichedSwaps.map((v) => v.fromAddress)).toEqual(['0xa57bd00134b2850b2a1c55860c9e9ea100fdd6cf']);
  });

  it('block 13601096: JIT liquidity — mint, the victim swap, burn — by 0xa57bd001…, with the pool calls\' own amounts', () => {
    const c = more(13601096);
    expect(c.jitLiquidity).toHaveLength(1);
    const j = c.jitLiquidity[0]!;
    expect(j).toMatchObject({
      botAddress: '0xa57bd00134b2850b2a1c55860c9e9ea100fdd6cf',
      poolAddress: '0x8ad599c3a0ff1de082011efddc58f1908eb6e6d8',
      token0Address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
      token1Address: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2',
    });
    expect(j.mintTransactionHash.slice(0, 10)).toBe('0x80e4abcb');
    expect(j.burnTransactionHash.slice(0, 10)).toBe('0x12b3d1f0');
    expect(j.swaps.map((x) => [x.transactionHash.slice(0, 10), x.tokenInAmount, x.tokenOutAmount])).toEqual([['0x94313140', 1896817745609n, 408818202022592862626n]]);
    // The mint's and burn's return values (amount0, amount1); the fee is collect − burn (USDC only: the victim paid in USDC).
    expect([j.mintToken0Amount, j.mintToken1Amount, j.burnToken0Amount, j.burnToken1Amount]).toEqual([0x9e19d275095n, 0x1c0f3d8497802dc522cn, 0xb7c633b5295n, 0x1ac46f667ade55b3740n]);
    expect([j.fee0Amount, j.fee1Amount]).toEqual([0xb7d9fa7bd67n - 0xb7c633b5295n, 0n]);
    // The fee is the pool's 0.3% of the victim's input, less the share of other in-range liquidity.
    expect(Number(j.fee0Amount)).toBeLessThanOrEqual(1896817745609 * 0.003);
    // No JIT elsewhere (13699765 has the same bot swapping, no mint/burn around a victim).
    expect(more(13699765).jitLiquidity).toEqual([]);
  });

  it('block 11930296: the token-flow arbitrage\'s ether flows are upstream\'s [3547869861992962562, 3499859860420296704]', () => {
    const block = readBlockJsonFile(path.join(dataDir, 'blocks_11930296.json'));
    const f = tokenFlow(block, '0x4121ce805d33e952b2e6103a5024f70c118432fd0370128d6d7845f9b2987922');
    expect(f.etherFlows).toEqual([3547869861992962562n, 3499859860420296704n]);
  });

  it('blocks 13207907 and 13234998: Compound cETH liquidations (ETH repaid, collateral cTokens seized); 15049646: the reverted one is not a liquidation', () => {
    expect(more(13234998).liquidations).toEqual([
      {
        protocol: 'compound_v2',
        liquidatedUser: '0xb5535a3681cf8d5431b8acfd779e2f79677ecce9',
        liquidatorUser: '0xe0090ec6895c087a393f0e45f1f85098a6c33bef',
        collateralTokenAddress: '0x39aa39c021dfbae8fac545936693ac917d5e7563',
        debtTokenAddress: '0x4ddc2d193948926d02f9b1fe9e1daa0718270ed5',
        debtPurchaseAmount: 268066492249420078n,
        receivedAmount: 4747650169097n,
        receivedTokenAddress: '0x39aa39c021dfbae8fac545936693ac917d5e7563',
        transactionHash: expect.stringMatching(/^0x78f7e673/),
        traceAddress: [1],
        blockNumber: 13234998,
      },
    ]);
    const l = more(13207907).liquidations;
    expect(l.map((x) => [x.protocol, x.transactionHash.slice(0, 10), x.debtPurchaseAmount, x.receivedAmount, x.liquidatedUser])).toEqual([['compound_v2', '0x42a575e3', 414547860568297082n, 321973320649n, '0x45df6f00166c3fb77dc16b9e47ff57bc6694e898']]);
    const reverted = more(15049646);
    expect(reverted.liquidations).toEqual([]);
  });
});

describe('divToDouble', () => {
  it('property: equals JavaScript\'s correctly rounded division where both fit in a double, and is exact on big quotients', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: 1, max: 2 ** 53 - 1 }), (n, d) => {
        expect(divToDouble(BigInt(n), BigInt(d))).toBe(n / d);
      }),
      { seed: 5, numRuns: 5000 },
    );
    // Big operands: the quotient of an exact product by a power of two is exact.
    expect(divToDouble(3n * 10n ** 40n * 2n ** 10n, 2n ** 10n)).toBe(3e40);
    expect(divToDouble(10n ** 30n, 3n)).toBe(1e30 / 3);
  });
});

