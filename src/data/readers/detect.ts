import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import { KNOWN_INSTRUMENTS, knownContract, type ContractKind, type Instrument } from '../../market/instrument.ts';
import { BINANCE_DEPTH_CSV_COLUMNS } from './binance-depth-csv.ts';
import { significantDecimals, unitForDecimals } from './decimal.ts';
import { headLines } from './lines.ts';
import { detectTardisHeader, type TardisKind } from './tardis-detect.ts';

export type DatasetFormat =
  | { type: 'binance-capture' }
  | { type: 'hyperliquid' }
  | { type: 'binance-depth-csv' }
  | { type: 'tardis'; kind: TardisKind; depth: number };

const CAPTURE_LINE = /^\d{10,} \{/;

/** Tells the input format from the first line: a capture line, a Binance depth CSV header or a Tardis header. */
export async function detectFormat(file: string): Promise<DatasetFormat> {
  const [first] = await headLines(file, 1);
  if (first === undefined) throw new DataError('file is empty', { file: basename(file), line: 1 });
  if (/^\d{10,} \{"channel":"(l2Book|trades|subscriptionResponse)"/.test(first)) return { type: 'hyperliquid' };
  if (CAPTURE_LINE.test(first)) return { type: 'binance-capture' };
  if (first.split(',')[0] === 'symbol' && first.includes('first_update_id')) return { type: 'binance-depth-csv' };
  const t = detectTardisHeader(first);
  if (t) return { type: 'tardis', kind: t.kind, depth: t.depth };
  // LEAN's margin_interest files (`yyyymmdd hh:mm:ss,rate`) are funding-rate series, read where a perp's funding is set.
  if (/^\d{8} \d\d:\d\d:\d\d,-?[\d.]+(e-?\d+)?$/i.test(first.trim())) {
    throw new DataError('a LEAN funding-rate series (margin_interest), not market data to import', { file: basename(file), line: 1, field: 'header', hint: `give it to a perp's funding: --funding lean:${file} (backtest, sweep) or funding: lean:<file> in a run spec` });
  }
  throw new DataError('unrecognised input format', {
    file: basename(file),
    line: 1,
    field: 'header',
    hint: `expected a Binance or Hyperliquid capture (<ns> <json>), a Binance depth CSV (${BINANCE_DEPTH_CSV_COLUMNS.join(',')}) or a Tardis CSV header`,
  });
}

/**
 * Corrections to the shared instrument table for reading books. Binance spot BTCUSDT's
 * 0.00001 is the order step size, but book quantities carry up to 8 decimals (the 2024-08-08
 * capture has sizes like 25.426189), so book rows need the finer lot.
 */
const BOOK_LOT_OVERRIDES: Record<string, string> = { 'binance:BTCUSDT': '0.00000001' };

export interface InstrumentHints {
  tickSize?: string;
  lotSize?: string;
  kind?: ContractKind;
  multiplier?: number;
}

/** Units inferred from samples: the finest decimal place seen among prices / sizes. */
export function inferUnits(prices: Iterable<string>, sizes: Iterable<string>): { tickSize: string; lotSize: string } {
  let pd = 0;
  let sd = 0;
  for (const p of prices) if (p !== '') pd = Math.max(pd, significantDecimals(p));
  for (const s of sizes) if (s !== '') sd = Math.max(sd, significantDecimals(s));
  return { tickSize: unitForDecimals(pd), lotSize: unitForDecimals(sd) };
}

function splitSymbol(symbol: string): { base: string; quote: string } {
  const s = symbol.toUpperCase().replace(/_PERP$|-PERPETUAL$|-SWAP$/, '');
  const dash = s.split(/[-_/]/);
  if (dash.length >= 2 && dash[0] && dash[1]) return { base: dash[0], quote: dash[1] };
  for (const q of ['USDT', 'USDC', 'BUSD', 'USD', 'BTC', 'ETH']) {
    if (s.endsWith(q) && s.length > q.length) return { base: s.slice(0, -q.length).replace(/^XBT$/, 'BTC'), quote: q };
  }
  return { base: s, quote: 'USD' };
}

export function makeInstrument(venue: string, symbol: string, units: { tickSize: string; lotSize: string }, hints: InstrumentHints = {}): Instrument {
  const { base, quote } = splitSymbol(symbol);
  // Known inverse contracts take their real spec unless the user overrides it.
  const spec = hints.kind === undefined || hints.kind === 'inverse' ? knownContract(venue, symbol) : undefined;
  const kind = hints.kind ?? spec?.kind ?? 'linear';
  return {
    symbol,
    venue,
    kind,
    tickSize: hints.tickSize ?? spec?.tickSize ?? units.tickSize,
    lotSize: hints.lotSize ?? spec?.lotSize ?? units.lotSize,
    multiplier: hints.multiplier ?? spec?.multiplier ?? 1,
    base: base.replace(/^XBT$/, 'BTC'),
    quote,
    settle: kind === 'inverse' ? base.replace(/^XBT$/, 'BTC') : quote,
  };
}

function known(key: string): Instrument | undefined {
  const k = KNOWN_INSTRUMENTS[key];
  if (!k) return undefined;
  const lot = BOOK_LOT_OVERRIDES[key];
  return lot ? { ...k, lotSize: lot } : k;
}

/**
 * The instrument of a Binance capture: venue from the depth message shape (`ps` → COIN-M,
 * `pu` → USDⓈ-M, neither → spot) and symbol `s`, looked up in KNOWN_INSTRUMENTS; unknown ones
 * get units inferred from the first `sampleLines` lines.
 */
export async function binanceCaptureInstrument(file: string, hints: InstrumentHints = {}, sampleLines = 2000): Promise<Instrument> {
  const prices: string[] = [];
  const sizes: string[] = [];
  let symbol = '';
  let venue = '';
  for (const l of await headLines(file, sampleLines)) {
    const sp = l.indexOf(' ');
    let m: unknown;
    try {
      m = JSON.parse(l.slice(sp + 1));
    } catch {
      continue;
    }
    const d = (m as { data?: Record<string, unknown> }).data;
    if (!d) continue;
    if (d.e === 'depthUpdate' && !venue) {
      symbol = String(d.s);
      venue = d.ps !== undefined ? 'binance-delivery' : d.pu !== undefined ? 'binance-futures' : 'binance';
    }
    for (const k of ['b', 'a'] as const) {
      const v = d[k];
      if (Array.isArray(v)) for (const lvl of v as [string, string][]) prices.push(lvl[0]), sizes.push(lvl[1]);
    }
  }
  if (!venue) throw new DataError(`no depthUpdate in the first ${sampleLines} lines: cannot tell the instrument`, { file: basename(file), hint: 'pass an instrument' });
  const k = known(`${venue}:${symbol}`);
  if (k && !hints.tickSize && !hints.lotSize) return k;
  return makeInstrument(venue, symbol, inferUnits(prices, sizes), { kind: venue === 'binance' ? 'spot' : venue === 'binance-delivery' ? 'inverse' : 'linear', ...hints });
}

/** Instrument of a Binance depth CSV: futures if `pu` is set, else spot; known table first, else inferred. */
export async function binanceDepthCsvInstrument(file: string, hints: InstrumentHints = {}, sampleRows = 2000): Promise<Instrument> {
  const [header, ...rows] = await headLines(file, sampleRows + 1);
  const cols = (header ?? '').split(',');
  const at = (r: string[], c: string): string => r[cols.indexOf(c)] ?? '';
  const cells = rows.map((r) => r.split(','));
  const first = cells[0] ?? [];
  const symbol = at(first, 'symbol');
  const venue = at(first, 'pu') === '-1' && at(first, 'update_type') !== 'snap' ? 'binance' : 'binance-futures';
  const k = known(`${venue}:${symbol}`);
  if (k && !hints.tickSize && !hints.lotSize) return k;
  return makeInstrument(venue, symbol, inferUnits(cells.map((r) => at(r, 'price')), cells.map((r) => at(r, 'qty'))), hints);
}

/**
 * Instrument of a Tardis CSV. Tardis files carry no tick or lot size and tick sizes change
 * over the years (Binance BTCUSDT was 0.01 in 2020, 0.1 in 2024), so units are inferred from
 * the finest decimals in the first `sampleRows` rows unless given in `hints`. An inferred tick
 * can be finer than the real one (Deribit's 0.5 reads as 0.1): harmless for replay, but pass
 * the real sizes when order placement has to respect them. Kind defaults to linear.
 */
export async function tardisInstrument(file: string, hints: InstrumentHints = {}, sampleRows = 2000): Promise<Instrument> {
  const [header, ...rows] = await headLines(file, sampleRows + 1);
  const cols = (header ?? '').split(',');
  const priceCols: number[] = [];
  const sizeCols: number[] = [];
  cols.forEach((c, i) => {
    if (/price$/.test(c) && c !== 'strike_price' && c !== 'underlying_price') priceCols.push(i);
    else if (/amount$/.test(c)) sizeCols.push(i);
  });
  const prices: string[] = [];
  const sizes: string[] = [];
  let exchange = '';
  let symbol = '';
  for (const r of rows) {
    const c = r.split(',');
    if (!exchange) {
      exchange = c[0] ?? '';
      symbol = c[1] ?? '';
    }
    for (const i of priceCols) prices.push(c[i] ?? '');
    for (const i of sizeCols) sizes.push(c[i] ?? '');
  }
  return makeInstrument(exchange, symbol, inferUnits(prices, sizes), hints);
}
