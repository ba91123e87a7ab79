import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Interface } from '@ethersproject/abi';
import { id } from '@ethersproject/hash';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_SIGNATURES, EVENT_TOPICS, readLogsFile } from '../../../src/data/chain/logs.ts';
import { getAmountOut } from '../../../src/venues/amm/v2-math.ts';

const dir = mkdtempSync(join(tmpdir(), 'primesim-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The contracts' event declarations, encoded by ethers (an independent ABI implementation).
const iface = new Interface([
  'event Swap(address indexed sender, uint amount0In, uint amount1In, uint amount0Out, uint amount1Out, address indexed to)',
  'event Sync(uint112 reserve0, uint112 reserve1)',
  'event Mint(address indexed sender, address owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken)',
]);
const v3Swap = new Interface(['event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)']);

const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
const A = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
const B = '0x1111111111111111111111111111111111111111';
const log = (i: Interface, name: string, args: unknown[], logIndex: number, blockNumber = 100) => ({ address: PAIR, ...i.encodeEventLog(i.getEvent(name), args), blockNumber: `0x${blockNumber.toString(16)}`, transactionHash: `0x${'ab'.repeat(32)}`, logIndex });

describe('event log reader', () => {
  it('topic hashes are the keccak-256 of the event signatures', () => {
    for (const [k, sig] of Object.entries(EVENT_SIGNATURES)) expect(EVENT_TOPICS[k as keyof typeof EVENT_TOPICS]).toBe(id(sig));
  });

  it('decodes V2 Sync/Swap, V3 Swap and Mint (negative ticks), Aave LiquidationCall, in block/log order', () => {
    const r0 = 1_000n * 10n ** 18n;
    const r1 = 2_000_000n * 10n ** 6n;
    const amountIn = 10n ** 19n;
    const out = getAmountOut(amountIn, r0, r1);
    const logs = [
      log(iface, 'Swap', [A, amountIn, 0n, 0n, out, B], 3),
      log(iface, 'Sync', [r0, r1], 1),
      log(v3Swap, 'Swap', [A, B, -5n * 10n ** 17n, 987_654_321n, 79228162514264337593543950336n, 10n ** 22n, -887_220], 4),
      log(iface, 'Mint', [A, B, -600, 1200, 10n ** 20n, 5n, 7n], 2),
      log(iface, 'LiquidationCall', [A, B, PAIR, 26503300291n, 8182733924513576561n, A, false], 0, 101),
      { address: PAIR, topics: [id('Transfer(address,address,uint256)')], data: '0x', blockNumber: 99, transactionHash: '0x', logIndex: 0 },
    ];
    const file = join(dir, 'logs.json');
    writeFileSync(file, JSON.stringify({ result: logs }));
    const d = readLogsFile(file);
    expect(d.map((x) => x.kind)).toEqual(['unknown', 'v2Sync', 'v3Mint', 'v2Swap', 'v3Swap', 'aaveLiquidationCall']);
    const sync = d[1]!;
    const swap = d[3]!;
    if (sync.kind !== 'v2Sync' || swap.kind !== 'v2Swap') throw new Error('kinds');
    // the reserves the Sync reports and the swap's input give exactly the swap's output
    expect(getAmountOut(swap.amount0In, sync.reserve0, sync.reserve1)).toBe(swap.amount1Out);
    expect(swap.to).toBe(B);
    const mint = d[2]!;
    if (mint.kind !== 'v3Mint') throw new Error('kind');
    expect([mint.tickLower, mint.tickUpper, mint.owner, mint.sender, mint.amount]).toEqual([-600, 1200, A, B, 10n ** 20n]);
    const s3 = d[4]!;
    if (s3.kind !== 'v3Swap') throw new Error('kind');
    expect([s3.amount0, s3.amount1, s3.tick, s3.liquidity]).toEqual([-5n * 10n ** 17n, 987_654_321n, -887_220, 10n ** 22n]);
    const liq = d[5]!;
    if (liq.kind !== 'aaveLiquidationCall') throw new Error('kind');
    expect([liq.debtToCover, liq.liquidatedCollateralAmount, liq.receiveAToken, liq.blockNumber]).toEqual([26503300291n, 8182733924513576561n, false, 101]);
  });

  it('a log that does not decode is a DataError naming the file, the log and the field', () => {
    const bad = log(iface, 'Sync', [1n, 2n], 0);
    bad.data = bad.data.slice(0, 66); // one word short
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([bad]));
    expect(() => readLogsFile(file)).toThrow(/bad\.json.*logs\[0\]\.data.*v2Sync log does not decode/);
    writeFileSync(file, JSON.stringify([{ ...bad, address: '0x12' }]));
    expect(() => readLogsFile(file)).toThrow(/logs\[0\]\.address/);
  });
});
