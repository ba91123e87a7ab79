/**
 * Event logs (eth_getLogs / receipt `logs` JSON) decoded into typed events: Uniswap V2
 * Swap/Sync/Mint/Burn, Uniswap V3 Swap/Mint/Burn/Collect and Aave v3 Supply/Withdraw/Borrow/Repay/
 * LiquidationCall/ReserveDataUpdated. Topic hashes are the
 * keccak-256 of the event signatures (test/data/chain/logs.test.ts re-derives them). A log with a
 * known topic whose data does not decode is a DataError naming the file, the log and the field;
 * logs of other events are returned as `unknown` so a dataset can carry anything.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';
import { decodeAbi, type AbiType, type AbiValue } from './abi.ts';

export const EVENT_TOPICS = {
  v2Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
  v2Sync: '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1',
  v2Mint: '0x4c209b5fc8ad50758f13e2e1088ba56a560dff690a1c6fef26394f4c03821c4f',
  v2Burn: '0xdccd412f0b1252819cb1fd330b93224ca42612892bb3f4f789976e6d81936496',
  v3Swap: '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67',
  v3Mint: '0x7a53080ba414158be7ec69b987b5fb7d07dee101fe85488f0853ae16239d0bde',
  v3Burn: '0x0c396cd989a39f4459b5fa1aed6a9a8dcdbc45908acfd67e028cd568da98982c',
  v3Collect: '0x70935338e69775456a85ddef226c395fb668b63fa0115f5f20610b388e6ca9c0',
  aaveLiquidationCall: '0xe413a321e8681d831f4dbccbca790d2952b56f977908e45be37335533e005286',
  aaveSupply: '0x2b627736bca15cd5381dcf80b0bf11fd197d01a037c52b927a881a10fb73ba61',
  aaveWithdraw: '0x3115d1449a7b732c986cba18244e897a450f61e1bb8d589cd2e69e6c8924f9f7',
  aaveBorrow: '0xb3d084820fb1a9decffb176436bd02558d15fac9b0ddfed8c465bc7359d7dce0',
  aaveRepay: '0xa534c8dbe71f871f9f3530e97a74601fea17b426cae02e1c5aee42c96c784051',
  aaveReserveDataUpdated: '0x804c9b842b2748a22bb64b345453a3de7ca54a6ca45ce00d415894979e22897a',
} as const;

export const EVENT_SIGNATURES: Record<keyof typeof EVENT_TOPICS, string> = {
  v2Swap: 'Swap(address,uint256,uint256,uint256,uint256,address)',
  v2Sync: 'Sync(uint112,uint112)',
  v2Mint: 'Mint(address,uint256,uint256)',
  v2Burn: 'Burn(address,uint256,uint256,address)',
  v3Swap: 'Swap(address,address,int256,int256,uint160,uint128,int24)',
  v3Mint: 'Mint(address,address,int24,int24,uint128,uint256,uint256)',
  v3Burn: 'Burn(address,int24,int24,uint128,uint256,uint256)',
  v3Collect: 'Collect(address,address,int24,int24,uint128,uint128)',
  aaveLiquidationCall: 'LiquidationCall(address,address,address,uint256,uint256,address,bool)',
  aaveSupply: 'Supply(address,address,address,uint256,uint16)',
  aaveWithdraw: 'Withdraw(address,address,address,uint256)',
  aaveBorrow: 'Borrow(address,address,address,uint256,uint8,uint256,uint16)',
  aaveRepay: 'Repay(address,address,address,uint256,bool)',
  aaveReserveDataUpdated: 'ReserveDataUpdated(address,uint256,uint256,uint256,uint256,uint256)',
};

export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
}

interface Base {
  pool: string;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
}
export type DecodedLog =
  | (Base & { kind: 'v2Swap'; sender: string; to: string; amount0In: bigint; amount1In: bigint; amount0Out: bigint; amount1Out: bigint })
  | (Base & { kind: 'v2Sync'; reserve0: bigint; reserve1: bigint })
  | (Base & { kind: 'v2Mint'; sender: string; amount0: bigint; amount1: bigint })
  | (Base & { kind: 'v2Burn'; sender: string; to: string; amount0: bigint; amount1: bigint })
  | (Base & { kind: 'v3Swap'; sender: string; recipient: string; amount0: bigint; amount1: bigint; sqrtPriceX96: bigint; liquidity: bigint; tick: number })
  | (Base & { kind: 'v3Mint'; sender: string; owner: string; tickLower: number; tickUpper: number; amount: bigint; amount0: bigint; amount1: bigint })
  | (Base & { kind: 'v3Burn'; owner: string; tickLower: number; tickUpper: number; amount: bigint; amount0: bigint; amount1: bigint })
  | (Base & { kind: 'v3Collect'; owner: string; recipient: string; tickLower: number; tickUpper: number; amount0: bigint; amount1: bigint })
  | (Base & { kind: 'aaveLiquidationCall'; collateralAsset: string; debtAsset: string; user: string; debtToCover: bigint; liquidatedCollateralAmount: bigint; liquidator: string; receiveAToken: boolean })
  // Aave v3 pool events. `owner` is whose position changes: onBehalfOf for Supply and Borrow, the
  // user for Withdraw and Repay; `caller` the account that sent the tokens or received them.
  | (Base & { kind: 'aaveSupply'; reserve: string; caller: string; owner: string; amount: bigint; referralCode: number })
  | (Base & { kind: 'aaveWithdraw'; reserve: string; owner: string; to: string; amount: bigint })
  | (Base & { kind: 'aaveBorrow'; reserve: string; caller: string; owner: string; amount: bigint; interestRateMode: number; borrowRate: bigint; referralCode: number })
  | (Base & { kind: 'aaveRepay'; reserve: string; owner: string; repayer: string; amount: bigint; useATokens: boolean })
  | (Base & { kind: 'aaveReserveDataUpdated'; reserve: string; liquidityRate: bigint; stableBorrowRate: bigint; variableBorrowRate: bigint; liquidityIndex: bigint; variableBorrowIndex: bigint })
  | (Base & { kind: 'unknown'; topic0: string });

/** [indexed topic types after topic0, data types] per event. */
const LAYOUT: Record<keyof typeof EVENT_TOPICS, [AbiType[], AbiType[]]> = {
  v2Swap: [['address', 'address'], ['uint256', 'uint256', 'uint256', 'uint256']],
  v2Sync: [[], ['uint112', 'uint112']],
  v2Mint: [['address'], ['uint256', 'uint256']],
  v2Burn: [['address', 'address'], ['uint256', 'uint256']],
  v3Swap: [['address', 'address'], ['int256', 'int256', 'uint160', 'uint128', 'int24']],
  v3Mint: [['address', 'int24', 'int24'], ['address', 'uint128', 'uint256', 'uint256']],
  v3Burn: [['address', 'int24', 'int24'], ['uint128', 'uint256', 'uint256']],
  v3Collect: [['address', 'int24', 'int24'], ['address', 'uint128', 'uint128']],
  aaveLiquidationCall: [['address', 'address', 'address'], ['uint256', 'uint256', 'address', 'bool']],
  aaveSupply: [['address', 'address', 'uint16'], ['address', 'uint256']],
  aaveWithdraw: [['address', 'address', 'address'], ['uint256']],
  aaveBorrow: [['address', 'address', 'uint16'], ['address', 'uint256', 'uint8', 'uint256']],
  aaveRepay: [['address', 'address', 'address'], ['uint256', 'bool']],
  aaveReserveDataUpdated: [['address'], ['uint256', 'uint256', 'uint256', 'uint256', 'uint256']],
};

const BY_TOPIC = new Map<string, keyof typeof EVENT_TOPICS>(Object.entries(EVENT_TOPICS).map(([k, v]) => [v, k as keyof typeof EVENT_TOPICS]));

const asStr = (a: readonly AbiValue[], i: number): string => a[i] as string;
const asBig = (a: readonly AbiValue[], i: number): bigint => a[i] as bigint;
const asNum = (a: readonly AbiValue[], i: number): number => Number(a[i] as bigint);

function decodeFailure(kind: string, where: { file: string; index: number }, field: string, why: string): never {
  throw new DataError(`${kind} log does not decode: ${why}`, { file: where.file, field: `logs[${where.index}].${field}` });
}

/** Decode one log; `where` names the file and log for errors. */
export function decodeLog(log: RawLog, where = { file: '(logs)', index: 0 }): DecodedLog {
  const base: Base = { pool: log.address.toLowerCase(), blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
  const topic0 = (log.topics[0] ?? '').toLowerCase();
  const kind = BY_TOPIC.get(topic0);
  if (kind === undefined) return { ...base, kind: 'unknown', topic0 };
  const [topicTypes, dataTypes] = LAYOUT[kind];
  if (log.topics.length !== 1 + topicTypes.length) decodeFailure(kind, where, 'topics', `expected ${1 + topicTypes.length} topics, got ${log.topics.length}`);
  // Indexed values, then the data's: one flat array (no intermediate arrays per log).
  const a: AbiValue[] = [];
  for (let i = 0; i < topicTypes.length; i++) {
    const v = decodeAbi(log.topics[i + 1]!, [topicTypes[i]!]);
    if (v === undefined) decodeFailure(kind, where, `topics[${i + 1}]`, `not a ${topicTypes[i]}`);
    a.push(v[0]!);
  }
  const data = decodeAbi(log.data, dataTypes);
  if (data === undefined) decodeFailure(kind, where, 'data', `not (${dataTypes.join(',')})`);
  for (let i = 0; i < data.length; i++) a.push(data[i]!);
  // (Explicit fields, not `...base`: object spread made decoding several times slower; the
  // accessors are module functions: a closure per call costs its creation on every log.)
  switch (kind) {
    case 'v2Swap':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, sender: asStr(a, 0), to: asStr(a, 1), amount0In: asBig(a, 2), amount1In: asBig(a, 3), amount0Out: asBig(a, 4), amount1Out: asBig(a, 5) };
    case 'v2Sync':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve0: asBig(a, 0), reserve1: asBig(a, 1) };
    case 'v2Mint':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, sender: asStr(a, 0), amount0: asBig(a, 1), amount1: asBig(a, 2) };
    case 'v2Burn':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, sender: asStr(a, 0), to: asStr(a, 1), amount0: asBig(a, 2), amount1: asBig(a, 3) };
    case 'v3Swap':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, sender: asStr(a, 0), recipient: asStr(a, 1), amount0: asBig(a, 2), amount1: asBig(a, 3), sqrtPriceX96: asBig(a, 4), liquidity: asBig(a, 5), tick: asNum(a, 6) };
    case 'v3Mint':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, owner: asStr(a, 0), tickLower: asNum(a, 1), tickUpper: asNum(a, 2), sender: asStr(a, 3), amount: asBig(a, 4), amount0: asBig(a, 5), amount1: asBig(a, 6) };
    case 'v3Burn':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, owner: asStr(a, 0), tickLower: asNum(a, 1), tickUpper: asNum(a, 2), amount: asBig(a, 3), amount0: asBig(a, 4), amount1: asBig(a, 5) };
    case 'v3Collect':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, owner: asStr(a, 0), tickLower: asNum(a, 1), tickUpper: asNum(a, 2), recipient: asStr(a, 3), amount0: asBig(a, 4), amount1: asBig(a, 5) };
    case 'aaveLiquidationCall':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, collateralAsset: asStr(a, 0), debtAsset: asStr(a, 1), user: asStr(a, 2), debtToCover: asBig(a, 3), liquidatedCollateralAmount: asBig(a, 4), liquidator: asStr(a, 5), receiveAToken: a[6] as boolean };
    case 'aaveSupply':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve: asStr(a, 0), owner: asStr(a, 1), referralCode: asNum(a, 2), caller: asStr(a, 3), amount: asBig(a, 4) };
    case 'aaveWithdraw':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve: asStr(a, 0), owner: asStr(a, 1), to: asStr(a, 2), amount: asBig(a, 3) };
    case 'aaveBorrow':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve: asStr(a, 0), owner: asStr(a, 1), referralCode: asNum(a, 2), caller: asStr(a, 3), amount: asBig(a, 4), interestRateMode: asNum(a, 5), borrowRate: asBig(a, 6) };
    case 'aaveRepay':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve: asStr(a, 0), owner: asStr(a, 1), repayer: asStr(a, 2), amount: asBig(a, 3), useATokens: a[4] as boolean };
    case 'aaveReserveDataUpdated':
      return { pool: base.pool, blockNumber: base.blockNumber, transactionHash: base.transactionHash, logIndex: base.logIndex, kind, reserve: asStr(a, 0), liquidityRate: asBig(a, 1), stableBorrowRate: asBig(a, 2), variableBorrowRate: asBig(a, 3), liquidityIndex: asBig(a, 4), variableBorrowIndex: asBig(a, 5) };
  }
}

function intField(v: unknown, file: string, field: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) return Number(BigInt(v));
  throw new DataError(`expected a block number or index, got ${JSON.stringify(v)?.slice(0, 40)}`, { file, field });
}

/** Read a JSON array of logs (eth_getLogs result, or `{result: [...]}`), sorted by (block, logIndex). */
export function readLogsFile(file: string): DecodedLog[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`not JSON: ${(e as Error).message}`, { file });
  }
  const arr = Array.isArray(json) ? json : (json as { result?: unknown })?.result;
  if (!Array.isArray(arr)) throw new DataError('expected an array of logs (or {result: [...]})', { file });
  const out = arr.map((raw, i) => {
    const o = raw as Record<string, unknown>;
    const f = (k: string) => `logs[${i}].${k}`;
    if (typeof o?.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(o.address)) throw new DataError('not an address', { file, field: f('address') });
    if (!Array.isArray(o.topics) || !o.topics.every((t) => typeof t === 'string' && /^0x[0-9a-fA-F]{64}$/.test(t))) throw new DataError('topics must be 32-byte hex strings', { file, field: f('topics') });
    if (typeof o.data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(o.data)) throw new DataError('data must be hex', { file, field: f('data') });
    const log: RawLog = {
      address: o.address,
      topics: o.topics as string[],
      data: o.data,
      blockNumber: intField(o.blockNumber, file, f('blockNumber')),
      transactionHash: typeof o.transactionHash === 'string' ? o.transactionHash : '',
      logIndex: intField(o.logIndex ?? i, file, f('logIndex')),
    };
    return decodeLog(log, { file, index: i });
  });
  return out.sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
}
