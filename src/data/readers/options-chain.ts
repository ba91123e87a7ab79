import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import { BadRows, type OnBadRow, type SkippedRows } from './bad-rows.ts';
import { headerIndex, splitCsv } from './csv.ts';
import { lineBatches, type ReadStats } from './lines.ts';
import { parseUint } from './types.ts';
import { TARDIS_OPTIONS } from './tardis-detect.ts';

/**
 * One row of a Tardis `options_chain` CSV. Numbers are plain doubles (model inputs, not ledger
 * amounts); an empty cell (no quote, no greeks) is null. Timestamps are µs.
 */
export interface OptionsChainRecord {
  exchange: string;
  symbol: string;
  timestampUs: number;
  localTimestampUs: number;
  type: 'call' | 'put';
  strikePrice: number;
  expirationUs: number;
  openInterest: number | null;
  lastPrice: number | null;
  bidPrice: number | null;
  bidAmount: number | null;
  bidIv: number | null;
  askPrice: number | null;
  askAmount: number | null;
  askIv: number | null;
  markPrice: number | null;
  markIv: number | null;
  underlyingIndex: string;
  underlyingPrice: number | null;
  delta: number | null;
  gamma: number | null;
  vega: number | null;
  theta: number | null;
  rho: number | null;
}

type NumKey = Exclude<keyof OptionsChainRecord, 'exchange' | 'symbol' | 'type' | 'underlyingIndex' | 'timestampUs' | 'localTimestampUs' | 'expirationUs' | 'strikePrice'>;

/** column → record key, and whether the value may be negative (greeks may). */
const NUMERIC: readonly [string, NumKey, boolean][] = [
  ['open_interest', 'openInterest', false],
  ['last_price', 'lastPrice', false],
  ['bid_price', 'bidPrice', false],
  ['bid_amount', 'bidAmount', false],
  ['bid_iv', 'bidIv', false],
  ['ask_price', 'askPrice', false],
  ['ask_amount', 'askAmount', false],
  ['ask_iv', 'askIv', false],
  ['mark_price', 'markPrice', false],
  ['mark_iv', 'markIv', false],
  ['underlying_price', 'underlyingPrice', false],
  ['delta', 'delta', true],
  ['gamma', 'gamma', true],
  ['vega', 'vega', true],
  ['theta', 'theta', true],
  ['rho', 'rho', true],
];

const NUM_RE = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface OptionsChainOptions {
  onBadRow?: OnBadRow;
  badRows?: BadRows;
  stats?: ReadStats;
  displayName?: string;
}

/**
 * Streams a Tardis options_chain CSV (many option symbols interleaved) as typed records.
 * Checks: column count, numeric cells, non-negative prices/sizes/IVs, local_timestamp order.
 */
export async function readOptionsChain(file: string, opts: OptionsChainOptions, onRecord: (r: OptionsChainRecord) => void): Promise<{ records: number; skipped: SkippedRows }> {
  const f = opts.displayName ?? basename(file);
  const bad = opts.badRows ?? new BadRows(opts.onBadRow ?? 'error');
  let ix: Record<(typeof TARDIS_OPTIONS)[number], number> | null = null;
  let ncols = 0;
  let lastLocal = -Infinity;
  let records = 0;
  for await (const b of lineBatches(file, opts.stats)) {
    for (let k = 0; k < b.lines.length; k++) {
      const text = b.lines[k]!;
      const line = b.firstLineNumber + k;
      if (line === 1) {
        ix = headerIndex(f, text, TARDIS_OPTIONS);
        ncols = text.split(',').length;
        continue;
      }
      if (text === '' || !ix) continue;
      const c = splitCsv(text);
      if (c.length !== ncols) {
        bad.report(f, line, 'columns', `row has ${c.length} columns, the header has ${ncols}`);
        continue;
      }
      const rec = parseRecord(c, ix, f, line, bad);
      if (!rec) continue;
      if (rec.localTimestampUs < lastLocal) {
        bad.report(f, line, 'local_timestamp', `local_timestamp goes backwards (${rec.localTimestampUs} < ${lastLocal})`);
        continue;
      }
      lastLocal = rec.localTimestampUs;
      records++;
      onRecord(rec);
    }
  }
  if (!ix) throw new DataError('empty file (no header)', { file: f, line: 1 });
  return { records, skipped: bad.snapshot() };
}

function parseRecord(c: string[], ix: Record<(typeof TARDIS_OPTIONS)[number], number>, f: string, line: number, bad: BadRows): OptionsChainRecord | null {
  const us = (col: 'timestamp' | 'local_timestamp' | 'expiration'): number => {
    const v = parseUint(c[ix[col]]!);
    if (v !== v) bad.report(f, line, col, `${col} ${JSON.stringify(c[ix[col]])} is not an integer of µs`);
    return v;
  };
  const timestampUs = us('timestamp');
  if (timestampUs !== timestampUs) return null;
  const localTimestampUs = us('local_timestamp');
  if (localTimestampUs !== localTimestampUs) return null;
  const expirationUs = us('expiration');
  if (expirationUs !== expirationUs) return null;
  const type = c[ix.type];
  if (type !== 'call' && type !== 'put') {
    bad.report(f, line, 'type', `type ${JSON.stringify(type)} is not call/put`);
    return null;
  }
  const strikeCell = c[ix.strike_price]!;
  const strikePrice = NUM_RE.test(strikeCell) ? Number(strikeCell) : NaN;
  if (!(strikePrice > 0)) {
    bad.report(f, line, 'strike_price', `strike_price ${JSON.stringify(strikeCell)} is not a positive number`);
    return null;
  }
  const rec: OptionsChainRecord = {
    exchange: c[ix.exchange]!,
    symbol: c[ix.symbol]!,
    timestampUs,
    localTimestampUs,
    type,
    strikePrice,
    expirationUs,
    openInterest: null, lastPrice: null, bidPrice: null, bidAmount: null, bidIv: null, askPrice: null, askAmount: null,
    askIv: null, markPrice: null, markIv: null, underlyingIndex: c[ix.underlying_index]!, underlyingPrice: null,
    delta: null, gamma: null, vega: null, theta: null, rho: null,
  };
  for (const [col, key, signed] of NUMERIC) {
    const cell = c[ix[col as (typeof TARDIS_OPTIONS)[number]]]!;
    if (cell === '') continue;
    if (!NUM_RE.test(cell)) {
      bad.report(f, line, col, `${col} ${JSON.stringify(cell)} is not a number`);
      return null;
    }
    const v = Number(cell);
    if (!signed && v < 0) {
      bad.report(f, line, col, `${col} ${cell} is negative`);
      return null;
    }
    rec[key] = v;
  }
  return rec;
}
