import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';
import { decodeLog } from '../chain/logs.ts';
import { isHex } from '../chain/abi.ts';

/** One event of a Uniswap v3 pool's log, with the pool state after it where the source has it. */
export interface V3PoolEvent {
  /** Line in the source file (1-based). */
  line: number;
  block: number;
  tsUs: number;
  tx: string;
  logIndex: number;
  kind: 'swap' | 'mint' | 'burn' | 'collect';
  /** Signed for swaps (positive = paid into the pool); owed/collected amounts for the others. */
  amount0: bigint;
  amount1: bigint;
  /** Mint/burn/collect: the position's range; mint/burn: its liquidity change (≥ 0). */
  tickLower?: number;
  tickUpper?: number;
  liquidityDelta?: bigint;
  /** Pool state after the event: swaps carry it in the log; the decoded file has it for every event. */
  sqrtPriceX96?: bigint;
  tick?: number;
  poolLiquidity?: bigint;
}

export function csvCells(line: string): string[] {
  // Fields are plain except `topics`, a quoted Python list with commas inside: slice between
  // separators (a character-by-character copy made the raw-log import allocation-bound).
  const out: string[] = [];
  let start = 0;
  for (;;) {
    if (line.charCodeAt(start) === 34 /* " */) {
      const close = line.indexOf('"', start + 1);
      if (close < 0) {
        out.push(line.slice(start + 1));
        return out;
      }
      out.push(line.slice(start + 1, close));
      const next = line.indexOf(',', close + 1);
      if (next < 0) return out;
      start = next + 1;
      continue;
    }
    const next = line.indexOf(',', start);
    if (next < 0) {
      out.push(line.slice(start));
      return out;
    }
    out.push(line.slice(start, next));
    start = next + 1;
  }
}

export function header(file: string, text: string, need: string[]): { cols: string[]; lines: string[] } {
  // One split on \n (a regex split is several times slower); a \r left by CRLF files is dropped.
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  const cols = (lines[0] ?? '').split(',').map((c) => c.trim());
  for (const c of need) if (!cols.includes(c)) throw new DataError(`no column ${c}`, { file, line: 1, field: c });
  return { cols, lines };
}

export function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read pool events: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
}

/** `2024-01-05 00:00:23` (UTC) → µs. */
export function blockTime(s: string, file: string, line: number): number {
  const ms = Date.parse(`${s.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw new DataError(`"${s}" is not a block time`, { file, line, field: 'block_timestamp' });
  return ms * 1000;
}

/**
 * The decoded events CSV (demeter-fetch layout: `tx_type` SWAP/MINT/BURN/COLLECT, signed
 * `amount0/1`, `total_liquidity` = pool liquidity after the event, `sqrtPriceX96`,
 * `current_tick`, `tick_lower`, `tick_upper`, `liquidity`). Errors name the file, line and column.
 */
export function readV3EventsCsv(file: string, text?: string): V3PoolEvent[] {
  const { cols, lines } = header(file, text ?? read(file), ['block_number', 'block_timestamp', 'tx_type', 'transaction_hash', 'log_index', 'amount0', 'amount1', 'total_liquidity', 'sqrtPriceX96', 'current_tick', 'tick_lower', 'tick_upper', 'liquidity']);
  const out: V3PoolEvent[] = [];
  // Events come in chain order: a block number going backwards is a broken file, not data.
  let lastBlock = -1;
  let lastLog = -1;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const c = lines[i]!.split(',');
    const ln = i + 1;
    const get = (k: string) => (c[cols.indexOf(k)] ?? '').trim();
    const big = (k: string, signed = false) => {
      const v = get(k);
      if (!(signed ? /^-?\d+$/ : /^\d+$/).test(v)) throw new DataError(`"${v}" is not ${signed ? 'an integer' : 'a non-negative integer'}`, { file, line: ln, field: k });
      return BigInt(v);
    };
    const tick = (k: string) => {
      const v = get(k);
      if (!/^-?\d+(\.0)?$/.test(v)) throw new DataError(`"${v}" is not a tick`, { file, line: ln, field: k });
      return Number(v);
    };
    const kinds: Record<string, V3PoolEvent['kind']> = { SWAP: 'swap', MINT: 'mint', BURN: 'burn', COLLECT: 'collect' };
    const kind = kinds[get('tx_type')];
    if (!kind) throw new DataError(`"${get('tx_type')}" is not SWAP, MINT, BURN or COLLECT`, { file, line: ln, field: 'tx_type' });
    const e: V3PoolEvent = {
      line: ln, block: Number(big('block_number')), tsUs: blockTime(get('block_timestamp'), file, ln), tx: get('transaction_hash'), logIndex: Number(big('log_index')), kind,
      amount0: big('amount0', true), amount1: big('amount1', true), poolLiquidity: big('total_liquidity'), sqrtPriceX96: big('sqrtPriceX96'), tick: tick('current_tick'),
    };
    if (e.block < lastBlock || (e.block === lastBlock && e.logIndex <= lastLog)) throw new DataError(`event out of order (block ${e.block} log ${e.logIndex} after block ${lastBlock} log ${lastLog})`, { file, line: ln, field: e.block < lastBlock ? 'block_number' : 'log_index' });
    lastBlock = e.block;
    lastLog = e.logIndex;
    if (kind !== 'swap') {
      e.tickLower = tick('tick_lower');
      e.tickUpper = tick('tick_upper');
      if (kind !== 'collect') e.liquidityDelta = big('liquidity');
    }
    out.push(e);
  }
  return out;
}

/**
 * Every `0x` + 64 hex digits of a topics cell (a quoted list), as /0x[0-9a-fA-F]{64}/g would
 * find them: a scan for `0x` (the regex was a twentieth of the import).
 */
export function topicsOf(cell: string): string[] {
  const out: string[] = [];
  for (let at = cell.indexOf('0x'); at >= 0; ) {
    if (at + 66 <= cell.length && isHex(cell, at + 2, at + 66)) {
      out.push(cell.slice(at, at + 66));
      at = cell.indexOf('0x', at + 66);
    } else at = cell.indexOf('0x', at + 1);
  }
  return out;
}
const cell = (c: readonly string[], i: number): string => (c[i] ?? '').trim();

/**
 * The raw log CSV (`block_number, block_timestamp, transaction_hash, transaction_index, log_index,
 * topics, data`; topics a quoted list) decoded with the pool ABI (Swap, Mint, Burn, Collect).
 * Swaps carry the pool state after them; mint/burn logs carry no pool liquidity. A log that does
 * not decode names the file, line and field.
 */
export function readV3RawLogsCsv(file: string, text?: string): V3PoolEvent[] {
  const { cols, lines } = header(file, text ?? read(file), ['block_number', 'block_timestamp', 'transaction_hash', 'log_index', 'topics', 'data']);
  const idx: Record<string, number> = Object.fromEntries(cols.map((c, i) => [c, i]));
  // Block times repeat for every log of a block: parsed once per distinct text.
  const times = new Map<string, number>();
  let lastBlock = -1;
  let lastLog = -1;
  const out: V3PoolEvent[] = [];
  // Column positions once (a closure per row to look them up cost more than the lookups).
  const iTopics = idx.topics!;
  const iBlock = idx.block_number!;
  const iLog = idx.log_index!;
  const iData = idx.data!;
  const iTx = idx.transaction_hash!;
  const iTime = idx.block_timestamp!;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const c = csvCells(lines[i]!);
    const ln = i + 1;
    const topics = topicsOf(cell(c, iTopics));
    if (topics.length === 0) throw new DataError('no topics', { file, line: ln, field: 'topics' });
    const blockText = cell(c, iBlock);
    const block = Number(blockText);
    const logIndex = Number(cell(c, iLog));
    if (!Number.isInteger(block) || block < 0) throw new DataError(`"${blockText}" is not a block number`, { file, line: ln, field: 'block_number' });
    if (block < lastBlock || (block === lastBlock && logIndex <= lastLog)) throw new DataError(`log out of order (block ${block} log ${logIndex} after block ${lastBlock} log ${lastLog})`, { file, line: ln, field: block < lastBlock ? 'block_number' : 'log_index' });
    lastBlock = block;
    lastLog = logIndex;
    let d;
    try {
      d = decodeLog({ address: '0x0000000000000000000000000000000000000000', topics, data: cell(c, iData), blockNumber: block, transactionHash: cell(c, iTx), logIndex }, { file, index: i - 1 });
    } catch (e) {
      if (e instanceof DataError) throw new DataError(e.message.replace(/^.*?: /, ''), { file, line: ln, field: 'data' });
      throw e;
    }
    const bt = cell(c, iTime);
    let tsUs = times.get(bt);
    if (tsUs === undefined) times.set(bt, (tsUs = blockTime(bt, file, ln)));
    const base = { line: ln, block, tsUs, tx: cell(c, iTx), logIndex };
    if (d.kind === 'v3Swap') out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'swap', amount0: d.amount0, amount1: d.amount1, sqrtPriceX96: d.sqrtPriceX96, tick: d.tick, poolLiquidity: d.liquidity });
    else if (d.kind === 'v3Mint') out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'mint', amount0: d.amount0, amount1: d.amount1, tickLower: d.tickLower, tickUpper: d.tickUpper, liquidityDelta: d.amount });
    else if (d.kind === 'v3Burn') out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'burn', amount0: d.amount0, amount1: d.amount1, tickLower: d.tickLower, tickUpper: d.tickUpper, liquidityDelta: d.amount });
    else if (d.kind === 'v3Collect') out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'collect', amount0: d.amount0, amount1: d.amount1, tickLower: d.tickLower, tickUpper: d.tickUpper });
    else throw new DataError(`not a Uniswap v3 pool event (topic ${topics[0]})`, { file, line: ln, field: 'topics' });
  }
  return out;
}
