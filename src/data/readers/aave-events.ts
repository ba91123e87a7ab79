/**
 * A day of Aave v3 pool events (../shared/data/chain/aave/polygon-events-*): raw logs
 * (`block_number, block_timestamp, transaction_hash, transaction_index, log_index, topics, data`,
 * decoded here with the pool's ABI) or demeter-fetch's decoded CSV (`tx_type` AAVE_SUPPLY /
 * AAVE_WITHDRAW / AAVE_BORROW / AAVE_REPAY / AAVE_LIQUIDATION, `reserve, owner, amount, …`), into
 * one event record. Amounts, rates and indices stay exact integers. Bad input names file, line
 * and field: a truncated hex field, a topic that is not an Aave pool event, a block or log index
 * going backwards.
 */
import { DataError } from '../../errors.ts';
import { decodeLog } from '../chain/logs.ts';
import { blockTime, csvCells, header, read, topicsOf } from './uniswap-v3-day.ts';

export type AaveEventKind = 'supply' | 'withdraw' | 'borrow' | 'repay' | 'liquidation' | 'reserve_data_updated';

export interface AaveEvent {
  line: number;
  block: number;
  tsUs: number;
  tx: string;
  logIndex: number;
  kind: AaveEventKind;
  reserve: string;
  /**
   * Whose position changes (onBehalfOf for supply and borrow, the user otherwise); '' for reserve
   * updates. demeter-fetch's decoded CSV gives a withdrawal's recipient (`to`) here instead: that
   * file does not carry the user (they differ in 4 of the WETH day's 413 actions).
   */
  owner: string;
  /** withdraw (raw logs): who received the tokens. */
  recipient?: string;
  amount: bigint | undefined;
  /** repay (raw logs): paid with the user's aTokens (no underlying comes in). */
  useATokens?: boolean;
  /** borrow (raw logs): 1 stable, 2 variable. */
  interestRateMode?: number;
  /** reserve_data_updated: rays. */
  liquidityRate?: bigint;
  stableBorrowRate?: bigint;
  variableBorrowRate?: bigint;
  liquidityIndex?: bigint;
  variableBorrowIndex?: bigint;
}

function ordered(file: string) {
  let lastBlock = -1;
  let lastLog = -1;
  return (block: number, logIndex: number, ln: number): void => {
    if (block < lastBlock || (block === lastBlock && logIndex <= lastLog)) {
      throw new DataError(`event out of order (block ${block} log ${logIndex} after block ${lastBlock} log ${lastLog})`, { file, line: ln, field: block < lastBlock ? 'block_number' : 'log_index' });
    }
    lastBlock = block;
    lastLog = logIndex;
  };
}

export function readAaveRawLogsCsv(file: string, text?: string): AaveEvent[] {
  const { cols, lines } = header(file, text ?? read(file), ['block_number', 'block_timestamp', 'transaction_hash', 'log_index', 'topics', 'data']);
  const idx: Record<string, number> = Object.fromEntries(cols.map((c, i) => [c, i]));
  const check = ordered(file);
  const times = new Map<string, number>();
  const out: AaveEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const c = csvCells(lines[i]!);
    const ln = i + 1;
    const get = (k: string) => (c[idx[k]!] ?? '').trim();
    const topics = topicsOf(get('topics'));
    if (topics.length === 0) throw new DataError('no topics', { file, line: ln, field: 'topics' });
    const block = Number(get('block_number'));
    const logIndex = Number(get('log_index'));
    if (!Number.isInteger(block) || block < 0) throw new DataError(`"${get('block_number')}" is not a block number`, { file, line: ln, field: 'block_number' });
    check(block, logIndex, ln);
    let d;
    try {
      d = decodeLog({ address: '0x0000000000000000000000000000000000000000', topics, data: get('data'), blockNumber: block, transactionHash: get('transaction_hash'), logIndex }, { file, index: i - 1 });
    } catch (e) {
      if (e instanceof DataError) throw new DataError(e.message.replace(/^.*?: /, ''), { file, line: ln, field: 'data' });
      throw e;
    }
    const bt = get('block_timestamp');
    let tsUs = times.get(bt);
    if (tsUs === undefined) times.set(bt, (tsUs = blockTime(bt, file, ln)));
    const base = { line: ln, block, tsUs, tx: get('transaction_hash'), logIndex };
    switch (d.kind) {
      case 'aaveSupply':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'supply', reserve: d.reserve, owner: d.owner, amount: d.amount });
        break;
      case 'aaveWithdraw':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'withdraw', reserve: d.reserve, owner: d.owner, recipient: d.to, amount: d.amount });
        break;
      case 'aaveBorrow':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'borrow', reserve: d.reserve, owner: d.owner, amount: d.amount, interestRateMode: d.interestRateMode });
        break;
      case 'aaveRepay':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'repay', reserve: d.reserve, owner: d.owner, amount: d.amount, useATokens: d.useATokens });
        break;
      case 'aaveLiquidationCall':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'liquidation', reserve: d.debtAsset, owner: d.user, amount: d.debtToCover });
        break;
      case 'aaveReserveDataUpdated':
        out.push({ line: base.line, block: base.block, tsUs: base.tsUs, tx: base.tx, logIndex: base.logIndex, kind: 'reserve_data_updated', reserve: d.reserve, owner: '', amount: undefined, liquidityRate: d.liquidityRate, stableBorrowRate: d.stableBorrowRate, variableBorrowRate: d.variableBorrowRate, liquidityIndex: d.liquidityIndex, variableBorrowIndex: d.variableBorrowIndex });
        break;
      default:
        throw new DataError(`not an Aave v3 pool event (topic ${topics[0]})`, { file, line: ln, field: 'topics' });
    }
  }
  return out;
}

export function readAaveEventsCsv(file: string, text?: string): AaveEvent[] {
  const { cols, lines } = header(file, text ?? read(file), ['block_number', 'block_timestamp', 'tx_type', 'transaction_hash', 'log_index', 'reserve', 'owner', 'amount']);
  const check = ordered(file);
  const kinds: Record<string, AaveEventKind> = { AAVE_SUPPLY: 'supply', AAVE_WITHDRAW: 'withdraw', AAVE_BORROW: 'borrow', AAVE_REPAY: 'repay', AAVE_LIQUIDATION: 'liquidation' };
  const out: AaveEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const c = lines[i]!.split(',');
    const ln = i + 1;
    const get = (k: string) => (c[cols.indexOf(k)] ?? '').trim();
    const kind = kinds[get('tx_type')];
    if (!kind) throw new DataError(`"${get('tx_type')}" is not an Aave event type (${Object.keys(kinds).join(', ')})`, { file, line: ln, field: 'tx_type' });
    const int = (k: string) => {
      const v = get(k);
      if (!/^\d+$/.test(v)) throw new DataError(`"${v}" is not a non-negative integer`, { file, line: ln, field: k });
      return BigInt(v);
    };
    const addr = (k: string) => {
      const v = get(k).toLowerCase();
      if (!/^0x[0-9a-f]{40}$/.test(v)) throw new DataError(`"${get(k)}" is not an address`, { file, line: ln, field: k });
      return v;
    };
    const block = Number(int('block_number'));
    const logIndex = Number(int('log_index'));
    check(block, logIndex, ln);
    // A liquidation row names the debt asset and amount in their own columns.
    const liq = kind === 'liquidation';
    out.push({ line: ln, block, tsUs: blockTime(get('block_timestamp'), file, ln), tx: get('transaction_hash'), logIndex, kind, reserve: addr(liq ? 'debt_asset' : 'reserve'), owner: addr('owner'), amount: int(liq ? 'debt_amount' : 'amount') });
  }
  return out;
}
