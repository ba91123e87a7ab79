import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import { headerIndex, splitCsv } from './csv.ts';
import { readLines } from './lines.ts';

/** One Tardis `derivative_ticker` row (µs timestamps; empty numeric fields are NaN). */
export interface DerivativeTickerRow {
  symbol: string;
  timestampUs: number;
  localTimestampUs: number;
  fundingTimestampUs: number;
  fundingRate: number;
  predictedFundingRate: number;
  openInterest: number;
  lastPrice: number;
  indexPrice: number;
  markPrice: number;
}

const COLUMNS = ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'funding_timestamp', 'funding_rate', 'predicted_funding_rate', 'open_interest', 'last_price', 'index_price', 'mark_price'] as const;

/**
 * Reads a Tardis `derivative_ticker` CSV (plain or .gz): funding rate and time, mark, index, open
 * interest per update. Rows of other symbols are skipped when `symbol` is given. Timestamps must
 * not go backwards; a malformed number is an error naming file, line and column.
 */
export async function readDerivativeTicker(file: string, symbol?: string): Promise<DerivativeTickerRow[]> {
  const name = basename(file);
  const out: DerivativeTickerRow[] = [];
  let idx: Record<(typeof COLUMNS)[number], number> | undefined;
  let lastTs = -Infinity;
  for await (const { line, lineNumber } of readLines(file)) {
    if (line === '') continue;
    if (!idx) {
      idx = headerIndex(name, line, COLUMNS);
      continue;
    }
    const f = splitCsv(line);
    if (f.length !== COLUMNS.length) throw new DataError(`expected ${COLUMNS.length} columns, got ${f.length}`, { file: name, line: lineNumber, field: 'row' });
    const sym = f[idx.symbol]!;
    if (symbol !== undefined && sym !== symbol) continue;
    const num = (c: (typeof COLUMNS)[number], required: boolean): number => {
      const s = f[idx![c]]!;
      if (s === '') {
        if (required) throw new DataError('missing value', { file: name, line: lineNumber, field: c });
        return NaN;
      }
      const v = Number(s);
      if (!Number.isFinite(v)) throw new DataError(`"${s}" is not a number`, { file: name, line: lineNumber, field: c });
      return v;
    };
    const ts = num('timestamp', true);
    if (ts < lastTs) throw new DataError(`timestamp ${ts} goes backwards (previous ${lastTs})`, { file: name, line: lineNumber, field: 'timestamp' });
    lastTs = ts;
    out.push({
      symbol: sym,
      timestampUs: ts,
      localTimestampUs: num('local_timestamp', true),
      fundingTimestampUs: num('funding_timestamp', false),
      fundingRate: num('funding_rate', false),
      predictedFundingRate: num('predicted_funding_rate', false),
      openInterest: num('open_interest', false),
      lastPrice: num('last_price', false),
      indexPrice: num('index_price', false),
      markPrice: num('mark_price', false),
    });
  }
  if (!idx) throw new DataError('empty file: no header', { file: name, line: 1 });
  return out;
}
