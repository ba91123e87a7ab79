import { ConfigError } from '../../errors.ts';

/** What a mark price is made from, all in (possibly fractional) price ticks; NaN = unknown. */
export interface MarkInputs {
  indexTicks: number;
  midTicks: number;
  lastTicks: number;
  /**
   * Last known funding rate × (time to the next funding ÷ funding interval): the basis the
   * funding leg of Binance's mark adds to the index. 0 (or absent) when no rate is known yet.
   */
  fundingBasis?: number;
}

/**
 * A perp's mark price: the price unrealized PnL, funding and liquidations use. `update` is called
 * whenever an input changes (and at funding times); models with memory (the basis EMA) integrate
 * over time, so calling twice at the same timestamp changes nothing.
 */
export interface MarkPriceModel {
  readonly name: string;
  update(tsUs: number, inp: MarkInputs): number;
}

/** Mark = index price. The conservative choice: book manipulation cannot move it. */
export class IndexMark implements MarkPriceModel {
  readonly name = 'index';
  update(_tsUs: number, inp: MarkInputs): number {
    return inp.indexTicks;
  }
}

/** Mark = book mid; falls back to the index while the book is one-sided or empty. */
export class MidMark implements MarkPriceModel {
  readonly name = 'mid';
  update(_tsUs: number, inp: MarkInputs): number {
    return Number.isFinite(inp.midTicks) ? inp.midTicks : inp.indexTicks;
  }
}

/**
 * Binance's mark price (USDⓈ-M "Mark Price and Price Index"): the median of
 *   P1 = index × (1 + last funding rate × time until funding ÷ funding interval),
 *   P2 = index + moving average of (mid − index),
 *   last traded price.
 * The moving average of the basis (mid − index, in ticks) is an EMA time-weighted with time
 * constant `tauUs`: ema += (1 − exp(−Δt/τ)) × (basis − ema), seeded with the first basis seen.
 * Binance uses a 5-minute average sampled each second; an EMA keeps O(1) state and the same role —
 * the mark follows a persistent premium but a one-tick spike in the book or a stray trade cannot
 * set it. Missing last trade → the mid stands in; missing mid → the index (basis sample skipped).
 * (The previous version took median(index × (1 + EMA), mid, last): the funding leg was missing and
 * the raw mid stood in its place.)
 */
export class MedianMark implements MarkPriceModel {
  readonly name: string;
  private ema = NaN;
  private lastTsUs = NaN;

  constructor(readonly tauUs = 5 * 60e6) {
    if (!(tauUs > 0)) throw new ConfigError(`mark basis EMA time constant must be > 0 µs, got ${tauUs}`, { field: 'tauUs' });
    this.name = `median(tau=${tauUs}us)`;
  }

  /** Current moving average of mid − index, in ticks. */
  get basisEma(): number {
    return this.ema;
  }

  update(tsUs: number, inp: MarkInputs): number {
    const { indexTicks: idx, midTicks: mid } = inp;
    if (!Number.isFinite(mid) || !Number.isFinite(idx)) return Number.isFinite(idx) ? idx : mid;
    const basis = mid - idx;
    if (Number.isNaN(this.ema)) this.ema = basis;
    else if (tsUs > this.lastTsUs) {
      const a = 1 - Math.exp(-(tsUs - this.lastTsUs) / this.tauUs);
      this.ema += a * (basis - this.ema);
    }
    this.lastTsUs = tsUs;
    const last = Number.isFinite(inp.lastTicks) ? inp.lastTicks : mid;
    const p1 = idx * (1 + (inp.fundingBasis ?? 0));
    const p2 = idx + this.ema;
    return median3(p1, p2, last);
  }
}

export function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** `index`, `mid` or `median[:<tau>]` (tau in µs, default 5 minutes). */
export function parseMarkModel(spec: string): MarkPriceModel {
  const [kind, arg] = spec.split(':');
  if (kind === 'index') return new IndexMark();
  if (kind === 'mid') return new MidMark();
  if (kind === 'median') return new MedianMark(arg === undefined ? undefined : Number(arg));
  throw new ConfigError(`unknown mark price model "${spec}"`, { field: 'mark', hint: 'index, mid or median[:tauUs]' });
}
