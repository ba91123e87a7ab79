/**
 * Chain history as catalogs, like the order-book ones: each import writes columns (float64 as
 * raw little-endian, exact integers and text as newline-separated UTF-8) hashed in a manifest
 * (`primesim-catalog/1`, `kind` says which data), under a temporary name renamed when whole.
 * Kinds:
 * - `uniswap-v3-events`: a pool's Swap/Mint/Burn/Collect events, from the raw logs (decoded with
 *   the pool ABI) or from a decoded events CSV — the same columns either way;
 * - `oracle-rounds`: Chainlink rounds (round id, answer as the exact integer, startedAt, updatedAt);
 * - `aave-v3-events`: an Aave v3 pool's Supply/Withdraw/Borrow/Repay/LiquidationCall and
 *   ReserveDataUpdated events, from raw logs (decoded with the pool ABI) or a decoded events CSV;
 * - `aave-params`: Aave v3 reserve risk parameters (both snapshot layouts);
 * - `liquidation-volume`: a CEX's liquidated volume per minute against its quotes.
 * Every source row is checked by its reader (bad rows name file, line and field); reading a
 * catalog back checks every column's size and sha256.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../errors.ts';
import { f64Of } from '../results/columns.ts';
import { checkOutputTarget, commitOutput, tempSibling } from '../results/safe-output.ts';
import { readAaveReserveParams } from './readers/aave-params.ts';
import { readAaveEventsCsv, readAaveRawLogsCsv, type AaveEvent } from './readers/aave-events.ts';
import { EVENT_TOPICS } from './chain/logs.ts';
import { readV3EventsCsv, readV3RawLogsCsv, type V3PoolEvent } from './readers/uniswap-v3-day.ts';

export type ChainCatalogKind = 'uniswap-v3-events' | 'aave-v3-events' | 'oracle-rounds' | 'aave-params' | 'liquidation-volume';
type Column = { name: string; type: 'f64' | 'text'; values: Float64Array | string[] };

export interface ChainCatalogManifest {
  format: 'primesim-catalog/1';
  kind: ChainCatalogKind;
  name: string;
  rows: number;
  columns: { name: string; type: 'f64' | 'text'; file: string; bytes: number; sha256: string }[];
  provenance: { source: string; sha256: string; layout: string; builtWith: string };
}

/** Which chain format a file is, from its first line(s); undefined when it is none of them. */
export function detectChainFormat(head: string): { kind: ChainCatalogKind; layout: string } | undefined {
  const lines = head.replace(/^\uFEFF/, '').split(/\r?\n/);
  // Chainlink's getRoundData text dumps start with '# net … feedAddress'; other '#' lines are comments.
  if (lines.some((l) => /^#\s*net\b.*feedAddress/.test(l))) return { kind: 'oracle-rounds', layout: 'getRoundData-text' };
  const first = lines.find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const cols = first.split(/[,;]/).map((c) => c.trim());
  if (cols.includes('topics') && cols.includes('data')) {
    // Raw logs: whose events they are is in the first log's topic0.
    const topic0 = /\[\s*'?"?(0x[0-9a-fA-F]{64})/.exec(lines.find((l, i) => i > lines.indexOf(first) && l.trim() !== '') ?? '')?.[1]?.toLowerCase();
    return { kind: topic0 !== undefined && AAVE_TOPICS.has(topic0) ? 'aave-v3-events' : 'uniswap-v3-events', layout: 'raw-logs' };
  }
  if (cols.includes('tx_type') && cols.includes('sqrtPriceX96')) return { kind: 'uniswap-v3-events', layout: 'decoded-events' };
  if (cols.includes('tx_type') && cols.includes('reserve') && cols.includes('owner')) return { kind: 'aave-v3-events', layout: 'decoded-events' };
  if (cols.includes('answer') && cols.includes('updatedAt')) return { kind: 'oracle-rounds', layout: 'getRoundData-csv' };
  // The percent layout's header spells it `liqThereshold` (as the source does).
  if (cols.some((c) => /baseLTVasCollateral|liquidation ?threshold|^liqThe?reshold$/i.test(c))) return { kind: 'aave-params', layout: first.includes(';') ? 'percent' : 'raw' };
  if (cols[0] === 'timestamp_x' && cols.some((c) => /liquidation_long/.test(c))) return { kind: 'liquidation-volume', layout: 'quotes-liquidations-minute' };
  return undefined;
}

const AAVE_TOPICS: ReadonlySet<string> = new Set([EVENT_TOPICS.aaveSupply, EVENT_TOPICS.aaveWithdraw, EVENT_TOPICS.aaveBorrow, EVENT_TOPICS.aaveRepay, EVENT_TOPICS.aaveLiquidationCall, EVENT_TOPICS.aaveReserveDataUpdated]);

function aaveEventColumns(ev: AaveEvent[]): Column[] {
  const f = (g: (e: AaveEvent) => number) => f64Of(ev, g);
  const t = (g: (e: AaveEvent) => bigint | string | undefined) => ev.map((e) => { const v = g(e); return v === undefined ? '' : String(v); });
  return [
    { name: 'line', type: 'f64', values: f((e) => e.line) },
    { name: 'block', type: 'f64', values: f((e) => e.block) },
    { name: 'ts_us', type: 'f64', values: f((e) => e.tsUs) },
    { name: 'tx', type: 'text', values: t((e) => e.tx) },
    { name: 'log_index', type: 'f64', values: f((e) => e.logIndex) },
    { name: 'kind', type: 'text', values: t((e) => e.kind) },
    { name: 'reserve', type: 'text', values: t((e) => e.reserve) },
    { name: 'owner', type: 'text', values: t((e) => e.owner) },
    { name: 'recipient', type: 'text', values: t((e) => e.recipient) },
    { name: 'amount', type: 'text', values: t((e) => e.amount) },
    { name: 'liquidity_rate', type: 'text', values: t((e) => e.liquidityRate) },
    { name: 'variable_borrow_rate', type: 'text', values: t((e) => e.variableBorrowRate) },
    { name: 'liquidity_index', type: 'text', values: t((e) => e.liquidityIndex) },
    { name: 'variable_borrow_index', type: 'text', values: t((e) => e.variableBorrowIndex) },
    { name: 'stable_borrow_rate', type: 'text', values: t((e) => e.stableBorrowRate) },
    // Raw logs only ('' where the layout has no such field): a repayment with aTokens, a borrow's rate mode.
    { name: 'use_atokens', type: 'text', values: t((e) => (e.useATokens === undefined ? undefined : e.useATokens ? '1' : '0')) },
    { name: 'interest_rate_mode', type: 'text', values: t((e) => (e.interestRateMode === undefined ? undefined : String(e.interestRateMode))) },
  ];
}

/** An Aave events catalog's events (exact integers restored). */
export function aaveEventsFromCatalog(dir: string): AaveEvent[] {
  const c = readChainCatalog(dir, 'aave-v3-events');
  const [line, block, ts, logIndex] = ['line', 'block', 'ts_us', 'log_index'].map((n) => c.f64(n));
  const [tx, kind, reserve, owner, recipient, amount, lr, vr, li, vi] = ['tx', 'kind', 'reserve', 'owner', 'recipient', 'amount', 'liquidity_rate', 'variable_borrow_rate', 'liquidity_index', 'variable_borrow_index'].map((n) => c.text(n));
  const big = (s: string) => (s === '' ? undefined : BigInt(s));
  // Catalogs written before these columns existed read as without them.
  const opt = (n: string) => (c.manifest.columns.some((x) => x.name === n) ? c.text(n) : Array.from({ length: c.rows }, () => ''));
  const [sr, useA, mode] = ['stable_borrow_rate', 'use_atokens', 'interest_rate_mode'].map(opt);
  return Array.from({ length: c.rows }, (_, i) => {
    const e: AaveEvent = { line: line![i]!, block: block![i]!, tsUs: ts![i]!, tx: tx![i]!, logIndex: logIndex![i]!, kind: kind![i] as AaveEvent['kind'], reserve: reserve![i]!, owner: owner![i]!, amount: big(amount![i]!) };
    if (recipient![i] !== '') e.recipient = recipient![i]!;
    if (useA![i] !== '') e.useATokens = useA![i] === '1';
    if (mode![i] !== '') e.interestRateMode = Number(mode![i]);
    if (e.kind === 'reserve_data_updated') {
      Object.assign(e, { liquidityRate: big(lr![i]!) });
      if (sr![i] !== '') e.stableBorrowRate = big(sr![i]!);
      Object.assign(e, { variableBorrowRate: big(vr![i]!), liquidityIndex: big(li![i]!), variableBorrowIndex: big(vi![i]!) });
    }
    return e;
  });
}

function v3Columns(ev: V3PoolEvent[]): Column[] {
  const f = (g: (e: V3PoolEvent) => number | undefined) => f64Of(ev, (e) => g(e) ?? NaN);
  const t = (g: (e: V3PoolEvent) => bigint | string | undefined) => ev.map((e) => { const v = g(e); return v === undefined ? '' : String(v); });
  return [
    { name: 'line', type: 'f64', values: f((e) => e.line) },
    { name: 'block', type: 'f64', values: f((e) => e.block) },
    { name: 'ts_us', type: 'f64', values: f((e) => e.tsUs) },
    { name: 'tx', type: 'text', values: t((e) => e.tx) },
    { name: 'log_index', type: 'f64', values: f((e) => e.logIndex) },
    { name: 'kind', type: 'text', values: t((e) => e.kind) },
    { name: 'amount0', type: 'text', values: t((e) => e.amount0) },
    { name: 'amount1', type: 'text', values: t((e) => e.amount1) },
    { name: 'tick_lower', type: 'f64', values: f((e) => e.tickLower) },
    { name: 'tick_upper', type: 'f64', values: f((e) => e.tickUpper) },
    { name: 'liquidity_delta', type: 'text', values: t((e) => e.liquidityDelta) },
    { name: 'sqrt_price_x96', type: 'text', values: t((e) => e.sqrtPriceX96) },
    { name: 'tick', type: 'f64', values: f((e) => e.tick) },
    { name: 'pool_liquidity', type: 'text', values: t((e) => e.poolLiquidity) },
  ];
}

/** The pool events back from a catalog (exact integers restored). */
export function v3EventsFromCatalog(dir: string): V3PoolEvent[] {
  const c = readChainCatalog(dir, 'uniswap-v3-events');
  const n = c.rows;
  const f = (k: string) => c.f64(k);
  const t = (k: string) => c.text(k);
  const [line, block, ts, logIndex, tl, tu, tick] = ['line', 'block', 'ts_us', 'log_index', 'tick_lower', 'tick_upper', 'tick'].map(f) as Float64Array[];
  const [tx, kind, a0, a1, ld, sp, pl] = ['tx', 'kind', 'amount0', 'amount1', 'liquidity_delta', 'sqrt_price_x96', 'pool_liquidity'].map(t) as string[][];
  const out: V3PoolEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e: V3PoolEvent = { line: line![i]!, block: block![i]!, tsUs: ts![i]!, tx: tx![i]!, logIndex: logIndex![i]!, kind: kind![i] as V3PoolEvent['kind'], amount0: BigInt(a0![i]!), amount1: BigInt(a1![i]!) };
    if (!Number.isNaN(tl![i]!)) e.tickLower = tl![i]!;
    if (!Number.isNaN(tu![i]!)) e.tickUpper = tu![i]!;
    if (ld![i] !== '') e.liquidityDelta = BigInt(ld![i]!);
    if (sp![i] !== '') e.sqrtPriceX96 = BigInt(sp![i]!);
    if (!Number.isNaN(tick![i]!)) e.tick = tick![i]!;
    if (pl![i] !== '') e.poolLiquidity = BigInt(pl![i]!);
    out.push(e);
  }
  return out;
}

function roundsColumns(file: string, text: string): Column[] {
  const lines = text.split(/\r?\n/);
  let cols: string[] | undefined;
  let sep: RegExp = /,/;
  const round: string[] = [];
  const answer: string[] = [];
  const started: number[] = [];
  const updated: number[] = [];
  let lastPhase = '';
  let lastUpdated = -Infinity;
  for (let ln = 0; ln < lines.length; ln++) {
    const raw = lines[ln]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    if (!cols) {
      if (/answer/i.test(raw) && /updatedAt/i.test(raw)) {
        cols = raw.split(',').map((c) => c.trim());
        continue;
      }
      cols = ['roundId', 'answer', 'startedAt', 'updatedAt', 'answeredInRound', 'phaseId', 'aggregatorRoundId'];
      sep = /\s+/;
    }
    const cells = raw.split(sep);
    const at = (name: string) => (cells[cols!.indexOf(name)] ?? '').trim();
    // startedAt is optional (some dumps carry only updatedAt).
    for (const k of ['roundId', 'answer', 'updatedAt', ...(cols.includes('startedAt') ? ['startedAt'] : [])]) {
      if (!/^-?\d+$/.test(at(k))) throw new DataError(`"${at(k)}" is not an integer`, { file, line: ln + 1, field: k });
    }
    const phase = cols.includes('phaseId') ? at('phaseId') : '';
    const upd = Number(at('updatedAt'));
    if (phase === lastPhase && upd < lastUpdated) throw new DataError(`round goes back in time (updatedAt ${upd} after ${lastUpdated} in phase ${phase || '(none)'})`, { file, line: ln + 1, field: 'updatedAt' });
    lastPhase = phase;
    lastUpdated = upd;
    round.push(at('roundId'));
    answer.push(at('answer'));
    started.push(cols.includes('startedAt') ? Number(at('startedAt')) * 1e6 : NaN);
    updated.push(Number(at('updatedAt')) * 1e6);
  }
  if (round.length === 0) throw new DataError('no rounds', { file });
  return [
    { name: 'round_id', type: 'text', values: round },
    { name: 'answer', type: 'text', values: answer },
    { name: 'started_us', type: 'f64', values: Float64Array.from(started) },
    { name: 'updated_us', type: 'f64', values: Float64Array.from(updated) },
  ];
}

function aaveColumns(file: string): Column[] {
  const rows = readAaveReserveParams(file);
  const f = (g: (r: (typeof rows)[number]) => number | undefined) => Float64Array.from(rows, (r) => g(r) ?? NaN);
  return [
    { name: 'symbol', type: 'text', values: rows.map((r) => r.symbol) },
    { name: 'decimals', type: 'f64', values: f((r) => r.decimals) },
    { name: 'ltv_bps', type: 'f64', values: f((r) => r.ltvBps) },
    { name: 'liquidation_threshold_bps', type: 'f64', values: f((r) => r.liquidationThresholdBps) },
    { name: 'liquidation_bonus_bps', type: 'f64', values: f((r) => r.liquidationBonusBps) },
    { name: 'reserve_factor_bps', type: 'f64', values: f((r) => r.reserveFactorBps) },
    { name: 'collateral_enabled', type: 'f64', values: f((r) => (r.collateralEnabled ? 1 : 0)) },
  ];
}

/** A CEX liquidation-volume file (minute quotes + liquidated quantity of longs and shorts), checked row by row. */
export function readLiquidationVolume(file: string): { tsUs: Float64Array; mid: Float64Array; long: Float64Array; short: Float64Array } {
  const c = liquidationVolumeColumns(file, readFileSync(file, 'utf8'));
  const [ts, ask, bid, long, short] = c.map((x) => x.values as Float64Array);
  return { tsUs: ts!, mid: ask!.map((a, i) => (a + bid![i]!) / 2), long: long!, short: short! };
}

function liquidationVolumeColumns(file: string, text: string): Column[] {
  const lines = text.split(/\r?\n/);
  const head = lines[0]!.split(',').map((c) => c.trim());
  const need = ['timestamp_x', 'ask_price', 'bid_price'];
  for (const k of need) if (!head.includes(k)) throw new DataError(`no column ${k}`, { file, line: 1, field: k });
  const long = head.find((c) => /liquidation_long$/.test(c));
  const short = head.find((c) => /liquidation_short$/.test(c));
  if (!long || !short) throw new DataError('no *_liquidation_long / *_liquidation_short columns', { file, line: 1, field: 'header' });
  const names = ['timestamp_x', 'ask_price', 'bid_price', long, short];
  const idx = names.map((n) => head.indexOf(n));
  const vals: number[][] = names.map(() => []);
  let prev = -Infinity;
  for (let ln = 1; ln < lines.length; ln++) {
    const raw = lines[ln]!;
    if (raw.trim() === '') continue;
    const c = raw.split(',');
    for (let k = 0; k < names.length; k++) {
      const v = Number(c[idx[k]!]);
      if (!Number.isFinite(v) || (k > 0 && v < 0)) throw new DataError(`"${c[idx[k]!] ?? ''}" is not ${k > 0 ? 'a non-negative number' : 'a time'}`, { file, line: ln + 1, field: names[k]! });
      vals[k]!.push(v);
    }
    const ts = vals[0]![vals[0]!.length - 1]!;
    if (ts < prev) throw new DataError(`time goes backwards (${ts} after ${prev})`, { file, line: ln + 1, field: 'timestamp_x' });
    prev = ts;
  }
  return [
    { name: 'ts_us', type: 'f64', values: Float64Array.from(vals[0]!) },
    { name: 'ask', type: 'f64', values: Float64Array.from(vals[1]!) },
    { name: 'bid', type: 'f64', values: Float64Array.from(vals[2]!) },
    { name: 'liquidated_long', type: 'f64', values: Float64Array.from(vals[3]!) },
    { name: 'liquidated_short', type: 'f64', values: Float64Array.from(vals[4]!) },
  ];
}

/**
 * Read a chain-history file into columns, checking every row as an import does (the first bad row
 * is a DataError naming file, line and field): what `data import` writes and `data validate` checks.
 */
export function readChainFile(file: string): { kind: ChainCatalogKind; layout: string; cols: Column[]; bytes: Buffer } {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const fmt = detectChainFormat(text.slice(0, 4096));
  if (!fmt) throw new DataError('not a chain-history format (Uniswap v3 logs or events, Chainlink rounds, Aave parameters, liquidation volume)', { file, line: 1 });
  let cols: Column[];
  if (fmt.kind === 'uniswap-v3-events') cols = v3Columns(fmt.layout === 'raw-logs' ? readV3RawLogsCsv(file, text) : readV3EventsCsv(file, text));
  else if (fmt.kind === 'aave-v3-events') cols = aaveEventColumns(fmt.layout === 'raw-logs' ? readAaveRawLogsCsv(file, text) : readAaveEventsCsv(file, text));
  else if (fmt.kind === 'oracle-rounds') cols = roundsColumns(file, text);
  else if (fmt.kind === 'aave-params') cols = aaveColumns(file);
  else cols = liquidationVolumeColumns(file, text);
  return { kind: fmt.kind, layout: fmt.layout, cols, bytes };
}

/** Import a chain-history file into a catalog at `out`. */
export function importChainFile(file: string, out: string, force = false): ChainCatalogManifest {
  const r = readChainFile(file);
  return writeChainCatalog(out, r.kind, r.cols, { source: file, sha256: createHash('sha256').update(r.bytes).digest('hex'), layout: r.layout, builtWith: 'primesim data import' }, force);
}

function writeChainCatalog(out: string, kind: ChainCatalogKind, cols: Column[], provenance: ChainCatalogManifest['provenance'], force: boolean): ChainCatalogManifest {
  const final = checkOutputTarget(out, 'catalog', { force, field: '--out' });
  const tmp = tempSibling(final);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const columns = cols.map((c) => {
      const buf = c.type === 'f64' ? Buffer.from((c.values as Float64Array).buffer, (c.values as Float64Array).byteOffset, (c.values as Float64Array).byteLength) : Buffer.from((c.values as string[]).join('\n'), 'utf8');
      const fileName = `${c.name}.${c.type === 'f64' ? 'f64' : 'txt'}`;
      writeFileSync(join(tmp, fileName), buf);
      return { name: c.name, type: c.type, file: fileName, bytes: buf.byteLength, sha256: createHash('sha256').update(buf).digest('hex') };
    });
    const m: ChainCatalogManifest = { format: 'primesim-catalog/1', kind, name: basename(final), rows: cols[0]!.values.length, columns, provenance };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    commitOutput(tmp, final);
    return m;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Open a chain catalog: every column checked against its size and sha256 before it is used. */
export function readChainCatalog(dir: string, kind?: ChainCatalogKind): { manifest: ChainCatalogManifest; rows: number; f64(name: string): Float64Array; text(name: string): string[] } {
  const mf = join(dir, 'manifest.json');
  let m: ChainCatalogManifest;
  try {
    m = JSON.parse(readFileSync(mf, 'utf8')) as ChainCatalogManifest;
  } catch (e) {
    throw new DataError(`manifest is not JSON: ${(e as Error).message}`, { file: mf });
  }
  if (kind && m.kind !== kind) throw new DataError(`a ${m.kind} catalog, not ${kind}`, { file: mf, field: 'kind' });
  const load = (name: string): Buffer => {
    const c = m.columns.find((x) => x.name === name);
    if (!c) throw new DataError(`no column ${name}`, { file: mf, field: 'columns' });
    const p = join(dir, c.file);
    if (!existsSync(p) || statSync(p).size !== c.bytes) throw new DataError(`column file ${c.file} is missing or not ${c.bytes} bytes`, { file: dir, field: name });
    const buf = readFileSync(p);
    if (createHash('sha256').update(buf).digest('hex') !== c.sha256) throw new DataError(`column file ${c.file} does not match its sha256 in the manifest`, { file: dir, field: name });
    return buf;
  };
  return {
    manifest: m,
    rows: m.rows,
    f64: (name) => {
      const b = load(name);
      return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    },
    text: (name) => {
      const s = load(name).toString('utf8');
      return m.rows === 0 ? [] : s.split('\n');
    },
  };
}
