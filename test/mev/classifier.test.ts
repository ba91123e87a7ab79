import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBlockJsonFile } from '../../src/data/chain/block-json.ts';
import { classifyBlock, type BlockClassification } from '../../src/mev/classifier.ts';
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
    expect(c.arbitrages).toHaveLength(5);
    const reverted = c.arbitrages.filter((a) => a.error !== null);
    expect(reverted.map((a) => [a.transactionHash.slice(0, 10), a.error])).toEqual([['0x23a4dc70', 'Reverted']]);
  });
});
