import { ConfigError } from '../errors.ts';
import { parseDurationUs } from '../market/latency.ts';
import { readDerivativeTicker } from '../data/readers/derivative-ticker.ts';
import { fundingFromTicker, readLeanFundingCsv, type FundingRateSource } from '../venues/perp/index.ts';

/** A constant rate, for what-if runs (`--funding 0.0001@8h`). */
class ConstantFunding implements FundingRateSource {
  readonly name: string;
  constructor(readonly rate: number) {
    this.name = `constant:${rate}`;
  }
  rateAt(): number {
    return this.rate;
  }
  knownRate(): number {
    return this.rate;
  }
}

export interface FundingSpec {
  source: FundingRateSource;
  intervalUs: number;
  /** Settle at the funding times the data itself lists (series sources without an @interval). */
  timesFromData: boolean;
}

/**
 * `none`, `<rate>[@<interval>]` (e.g. `0.0001@8h`), `lean:<file>` (LEAN funding series) or
 * `tardis:<derivative_ticker.csv>` (the last rate published before each funding time). Series
 * settle at their own funding times unless an `@interval` is given.
 */
export async function parseFunding(spec: string, symbol: string): Promise<FundingSpec | undefined> {
  if (spec === 'none') return undefined;
  const [what, every] = spec.split('@') as [string, string | undefined];
  const intervalUs = every ? parseDurationUs(every, '--funding') : 8 * 3600e6;
  const timesFromData = every === undefined;
  if (what.startsWith('lean:')) return { source: readLeanFundingCsv(what.slice(5), symbol), intervalUs, timesFromData };
  if (what.startsWith('tardis:')) {
    const rows = await readDerivativeTicker(what.slice(7), symbol);
    const usable = rows.filter((r) => Number.isFinite(r.fundingTimestampUs) && Number.isFinite(r.fundingRate));
    if (usable.length === 0) throw new ConfigError(`no funding rates for ${symbol} in ${what.slice(7)}`, { field: '--funding' });
    return { source: fundingFromTicker(symbol, usable, what.slice(7)), intervalUs, timesFromData };
  }
  const r = Number(what);
  if (!Number.isFinite(r) || Math.abs(r) > 0.05) throw new ConfigError(`funding "${spec}" is not none, <rate>[@interval] or lean:<file>`, { field: '--funding', hint: 'e.g. 0.0001@8h' });
  return { source: new ConstantFunding(r), intervalUs, timesFromData: false };
}

/**
 * A recorded funding series must cover the run: every funding time the series' own cadence puts
 * inside the run must be in it, and a run wholly outside the series is an error too (otherwise a
 * series for another year silently settles nothing). Names the first uncovered funding time.
 */
export function checkSeriesCovers(times: readonly number[], startUs: number, endUs: number, source: string, symbol: string): void {
  const iso = (t: number) => new Date(Math.floor(t / 1000)).toISOString();
  if (times.length === 0) throw new ConfigError(`${source}: the funding series for ${symbol} is empty`, { field: '--funding' });
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, times[i]! - times[i - 1]!);
  if (!Number.isFinite(step) || step <= 0) step = 8 * 3600e6;
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const have = new Set(times);
  // The cadence's grid anchored at the series' first time: the first grid time after startUs.
  const k0 = Math.floor((startUs - first) / step) + 1;
  for (let t = first + k0 * step; t <= endUs; t += step) {
    if (!have.has(t)) {
      throw new ConfigError(`funding series does not cover the run: no rate for ${symbol} at ${iso(t)}`, {
        file: source.replace(/^series:/, ''),
        field: '--funding',
        hint: `the series runs ${iso(first)} to ${iso(last)}; the run ${iso(startUs)} to ${iso(endUs)}`,
      });
    }
  }
  if (endUs < first - step || startUs > last + step) {
    throw new ConfigError(`funding series does not cover the run (${iso(startUs)} to ${iso(endUs)})`, {
      file: source.replace(/^series:/, ''),
      field: '--funding',
      hint: `the series runs ${iso(first)} to ${iso(last)}`,
    });
  }
}
