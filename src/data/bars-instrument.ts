/**
 * Which instrument a bars file prices, when the file says so. LEAN keeps bars at
 * `Data/<security type>/<market>/<resolution>/<symbol>/<yyyymmdd>_<trade|quote>.zip`
 * (../shared/data/lean names them with those segments joined by `_`), so a Bybit BTCUSDT perp's
 * minute bars are not Binance's: a run on them takes Bybit's contract (tick 0.5, not 0.1) and
 * venue name. A bars catalog names the instrument in its manifest when its source did (a LEAN file,
 * the trades catalog it was built from); older ones keep the LEAN file's path in their provenance.
 * A plain OHLCV CSV says nothing: the caller's default applies.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DataError, PrimesimError } from '../errors.ts';
import { KNOWN_INSTRUMENTS, validateInstrument, type Instrument } from '../market/instrument.ts';

/** The instrument bars are taken to price when nothing (flag, spec, file) says otherwise. */
export const DEFAULT_BARS_INSTRUMENT = 'binance-futures:BTCUSDT';

export interface LeanBarsId {
  /** LEAN's security type: `crypto` (spot) or `cryptofuture` (perpetuals). */
  securityType: 'crypto' | 'cryptofuture';
  market: string;
  /** LEAN's lower-case symbol, e.g. `btcusdt`. */
  symbol: string;
  /** primesim's `venue:symbol` for it (it may not be a known instrument). */
  instrument: string;
}

const RESOLUTIONS = new Set(['tick', 'second', 'minute', 'hour', 'daily']);

/** LEAN's market, security type and symbol from a file's path, or undefined when it is not LEAN's layout. */
export function leanBarsId(path: string): LeanBarsId | undefined {
  const tokens = path.toLowerCase().split(/[/\\_]+/);
  // The last `<type> <market> <resolution> <symbol>` run of segments (a folder above could repeat a word).
  for (let i = tokens.length - 4; i >= 0; i--) {
    const t = tokens[i];
    if ((t !== 'crypto' && t !== 'cryptofuture') || !RESOLUTIONS.has(tokens[i + 2]!)) continue;
    const market = tokens[i + 1]!;
    const symbol = tokens[i + 3]!;
    if (!/^[a-z0-9]+$/.test(market) || !/^[a-z0-9]+$/.test(symbol)) return undefined;
    return { securityType: t, market, symbol, instrument: instrumentOf(t, market, symbol) };
  }
  return undefined;
}

/**
 * LEAN's (type, market, symbol) as primesim's `venue:symbol`: Binance perpetuals are USDⓈ-M
 * (`binance-futures`, symbol as is) when quoted in a stablecoin and COIN-M (`binance-delivery`,
 * `<SYMBOL>_PERP`) when quoted in USD — LEAN's `btcusd` on Binance is the coin-margined perpetual;
 * other markets keep their name.
 */
function instrumentOf(type: 'crypto' | 'cryptofuture', market: string, symbol: string): string {
  const s = symbol.toUpperCase();
  if (type === 'cryptofuture' && market === 'binance') return /(USDT|USDC|BUSD)$/.test(s) ? `binance-futures:${s}` : `binance-delivery:${s}_PERP`;
  return `${market}:${s}`;
}

/** What a bars file or catalog says it prices: its id, its contract when known, and why (for messages). */
export interface NamedInstrument {
  instrument: string;
  /** The contract: a bars catalog's own (as the trades catalog it came from had it), or a known instrument's. */
  spec: Instrument | undefined;
  why: string;
}

/**
 * The instrument a bars file or catalog names (a bars catalog's manifest, the LEAN file a catalog
 * was imported from, a LEAN path), or undefined when it names none.
 */
export function barsInstrument(path: string): NamedInstrument | undefined {
  let source = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    try {
      const m = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as { instrument?: unknown; provenance?: { source?: unknown } };
      // Written by `data import` / `data bars` when the source named it (catalogs made before: their provenance).
      if (m.instrument !== undefined) {
        const spec = validateInstrument(m.instrument as Instrument);
        const id = `${spec.venue}:${spec.symbol}`;
        return { instrument: id, spec, why: `${path} holds bars of ${id} (its manifest)` };
      }
      if (typeof m.provenance?.source !== 'string') return undefined;
      source = m.provenance.source;
    } catch (e) {
      if (e instanceof PrimesimError) throw new DataError(`its instrument: ${e.reason}`, { file: join(path, 'manifest.json'), field: 'instrument' });
      return undefined;
    }
  }
  const id = leanBarsId(source);
  if (id === undefined) return undefined;
  const from = source === path ? path : `${path} (imported from ${source})`;
  return { instrument: id.instrument, spec: KNOWN_INSTRUMENTS[id.instrument], why: `${from} holds LEAN ${id.securityType} bars of ${id.market} ${id.symbol}` };
}

/**
 * The contract bars trade: `id` (given by a flag or spec) or else the one the file names, else the
 * default. A known instrument by its id, or the file's own contract when the file names that id;
 * otherwise a ConfigError at `where.field`, whose hint says how to set one (`where.fix`).
 */
export function resolveBarsInstrument(id: string | undefined, file: string, where: { field: string; fix: string }): { id: string; inst: Instrument } {
  const known = id !== undefined ? KNOWN_INSTRUMENTS[id] : undefined;
  if (known) return { id: id!, inst: known };
  const named = barsInstrument(file);
  const want = id ?? named?.instrument ?? DEFAULT_BARS_INSTRUMENT;
  const inst = KNOWN_INSTRUMENTS[want] ?? (named?.instrument === want ? named.spec : undefined);
  if (inst) return { id: want, inst };
  const list = Object.keys(KNOWN_INSTRUMENTS).join(', ');
  throw new ConfigError(id === undefined && named ? `${named.why}: ${want} is not a known instrument` : `unknown instrument ${want}`, { field: where.field, hint: `${id === undefined && named ? `${where.fix}, one of ` : ''}${list}` });
}
