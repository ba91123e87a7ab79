import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError, DataError } from '../../errors.ts';

/**
 * Where a perp's funding rate at a funding time comes from: recorded data (a rate series) or a
 * model of the market (the premium index). `observe` feeds book/index samples to models that
 * need them; series ignore it.
 */
export interface FundingRateSource {
  readonly name: string;
  /** Rate for the funding period settling at `tsUs` (fraction per period, e.g. 0.0001). */
  rateAt(tsUs: number, symbol: string): number;
  observe?(tsUs: number, indexTicks: number, midTicks: number): void;
  /** Funding times the data itself defines, for schedules taken "from data". */
  timesUs?(): readonly number[];
  /** A rate known in advance without looking ahead (a constant rate); series and models have none. */
  knownRate?(): number;
}

export const isoUs = (tsUs: number): string => new Date(Math.floor(tsUs / 1000)).toISOString();

/** A recorded series: exactly one rate per funding time; a missing time is a DataError. */
export class SeriesFunding implements FundingRateSource {
  readonly name: string;
  private readonly byTs = new Map<number, number>();
  private readonly sorted: number[];

  constructor(
    readonly symbol: string,
    points: readonly { tsUs: number; rate: number }[],
    readonly source = 'series',
  ) {
    for (const p of points) {
      if (!Number.isFinite(p.rate)) throw new DataError(`${symbol}: funding rate ${p.rate} at ${isoUs(p.tsUs)} is not finite`, { file: source, field: 'funding_rate' });
      if (this.byTs.has(p.tsUs) && this.byTs.get(p.tsUs) !== p.rate) {
        throw new DataError(`${symbol}: two different funding rates at ${isoUs(p.tsUs)}`, { file: source, field: 'funding_timestamp' });
      }
      this.byTs.set(p.tsUs, p.rate);
    }
    this.sorted = [...this.byTs.keys()].sort((a, b) => a - b);
    this.name = `series:${source}`;
  }

  rateAt(tsUs: number, symbol: string): number {
    const r = this.byTs.get(tsUs);
    if (r === undefined) {
      throw new DataError(`no funding rate for ${symbol} at ${isoUs(tsUs)} (${tsUs} µs)`, {
        file: this.source,
        field: 'funding_rate',
        hint: `the series has ${this.sorted.length} funding times from ${this.sorted.length ? isoUs(this.sorted[0]!) : '-'} to ${this.sorted.length ? isoUs(this.sorted[this.sorted.length - 1]!) : '-'}`,
      });
    }
    return r;
  }

  timesUs(): readonly number[] {
    return this.sorted;
  }
}

/**
 * QuantConnect LEAN `cryptofuture/*_margin_interest_*.csv`: headerless `yyyyMMdd HH:mm:ss,rate`
 * lines, UTC. The shared Bybit file lacks a final newline, which is accepted.
 */
export function readLeanFundingCsv(file: string, symbol: string): SeriesFunding {
  const name = basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DataError(`cannot read funding series`, { file });
  }
  const points: { tsUs: number; rate: number }[] = [];
  const re = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2}),(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = re.exec(line);
    if (!m) throw new DataError(`"${line}" is not "yyyyMMdd HH:mm:ss,rate"`, { file: name, line: i + 1, field: 'funding_rate' });
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== d) throw new DataError(`bad date in "${line}"`, { file: name, line: i + 1, field: 'time' });
    const tsUs = ms * 1000;
    const prev = points[points.length - 1];
    if (prev && tsUs <= prev.tsUs) throw new DataError(`funding time ${isoUs(tsUs)} is not after ${isoUs(prev.tsUs)}`, { file: name, line: i + 1, field: 'time' });
    points.push({ tsUs, rate: Number(m[7]) });
  });
  return new SeriesFunding(symbol, points, name);
}

/** A Tardis `derivative_ticker` row, reduced to what funding needs. */
export interface TickerFundingRow {
  timestampUs: number;
  fundingTimestampUs: number;
  fundingRate: number;
}

/**
 * Tardis `derivative_ticker` rows carry the *current* rate for the *next* funding time; the rate
 * that settles at a funding time is the last one published before it.
 */
export function fundingFromTicker(symbol: string, rows: readonly TickerFundingRow[], source = 'derivative_ticker'): SeriesFunding {
  const last = new Map<number, { ts: number; rate: number }>();
  for (const r of rows) {
    if (r.timestampUs > r.fundingTimestampUs) continue;
    const cur = last.get(r.fundingTimestampUs);
    if (!cur || r.timestampUs >= cur.ts) last.set(r.fundingTimestampUs, { ts: r.timestampUs, rate: r.fundingRate });
  }
  return new SeriesFunding(symbol, [...last].map(([tsUs, v]) => ({ tsUs, rate: v.rate })), source);
}

export interface PremiumFundingConfig {
  /** Interest rate per funding period (Binance: 0.01% per 8h). */
  interest?: number;
  /** Bound on (interest − premium) (Binance: ±0.05%). */
  interestClamp?: number;
  /** Cap on the final rate, ± (Binance BTCUSDT: 0.3% per 8h at the time of writing; configurable). */
  cap?: number;
}

/**
 * Binance-style premium model: premium index samples (mid − index)/index are averaged over the
 * funding period (equal weights, so sample on a regular clock), then
 *   rate = clamp(P + clamp(interest − P, ±interestClamp), ±cap),
 * rounded to 8 decimals, and the average restarts. A funding time with no samples is a DataError (no book, no rate).
 */
export class PremiumFunding implements FundingRateSource {
  readonly name: string;
  readonly interest: number;
  readonly interestClamp: number;
  readonly cap: number;
  private sum = 0;
  private n = 0;

  constructor(cfg: PremiumFundingConfig = {}) {
    this.interest = cfg.interest ?? 0.0001;
    this.interestClamp = cfg.interestClamp ?? 0.0005;
    this.cap = cfg.cap ?? 0.003;
    if (!(this.interestClamp >= 0) || !(this.cap > 0)) throw new ConfigError('premium funding clamp must be ≥ 0 and cap > 0', { field: 'cap' });
    this.name = `premium(i=${this.interest},clamp=${this.interestClamp},cap=${this.cap})`;
  }

  observe(_tsUs: number, indexTicks: number, midTicks: number): void {
    if (!(indexTicks > 0) || !Number.isFinite(midTicks)) return;
    this.sum += (midTicks - indexTicks) / indexTicks;
    this.n++;
  }

  rateAt(tsUs: number, symbol: string): number {
    if (this.n === 0) throw new DataError(`no premium samples for ${symbol} before funding at ${isoUs(tsUs)} (${tsUs} µs)`, { field: 'premium_index' });
    const p = this.sum / this.n;
    this.sum = 0;
    this.n = 0;
    // Published to 8 decimals, like Binance's funding rates, so payments are exact in the rate printed.
    return Math.round(premiumRate(p, this.interest, this.interestClamp, this.cap) * 1e8) / 1e8;
  }
}

export function premiumRate(premium: number, interest: number, interestClamp: number, cap: number): number {
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  return clamp(premium + clamp(interest - premium, -interestClamp, interestClamp), -cap, cap);
}

/** Funding times t = anchor + k × interval with from < t ≤ to (default anchor: UTC midnight). */
export function fixedFundingTimes(fromUs: number, toUs: number, intervalUs = 8 * 3600e6, anchorUs = 0): number[] {
  if (!(intervalUs > 0)) throw new ConfigError(`funding interval ${intervalUs} µs must be > 0`, { field: 'fundingIntervalUs' });
  const out: number[] = [];
  let t = anchorUs + Math.floor((fromUs - anchorUs) / intervalUs + 1) * intervalUs;
  for (; t <= toUs; t += intervalUs) out.push(t);
  return out;
}
