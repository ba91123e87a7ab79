/**
 * Streaming technical indicators for strategies: each takes one value (or bar) at a time in O(1)
 * (amortised; the standard deviation in O(period), see RollingStd) and allocates nothing after
 * construction — ring buffers in typed arrays — so a strategy calls them on every bar of a
 * million-bar run. A NaN or infinite value is an error where it enters. Conventions are TA-Lib's,
 * which the `technicalindicators` package follows (the tests compare with it, value by value, on
 * the real bars of ../shared/data):
 * - a value is NaN until the indicator has its full window (`ready`);
 * - SMA is a running sum over the window (subtract the oldest, add the newest);
 * - EMA uses α = 2 / (period + 1), seeded with the SMA of the first `period` values;
 * - Wilder's smoothing (RMA: RSI's average gain and loss, ATR) uses α = 1 / period, seeded the same,
 *   as (previous × (period − 1) + x) / period (TA-Lib's RSI and ATR);
 * - RSI = 100 − 100 / (1 + average gain / average loss), 100 when there was no loss; its first
 *   value needs period + 1 closes (period changes);
 * - ATR smooths the true range max(high − low, |high − previous close|, |low − previous close|),
 *   which starts at the second bar;
 * - Bollinger bands are SMA ± k × the population standard deviation of the window;
 * - MACD is EMA(fast) − EMA(slow) from the slow EMA's first value, its signal an EMA of it.
 */

/** What every indicator here has: feed it, read it. */
export interface Indicator {
  /** The current value (NaN until `ready`). */
  readonly value: number;
  /** Whether the window is full. */
  readonly ready: boolean;
  /** Forget everything (a new series). */
  reset(): void;
}

/**
 * A value must be a number: one NaN (a mid of an empty book) would stay in a running sum or an
 * average for the rest of the run, so it is an error where it enters, not NaN ever after.
 */
function checkValue(x: number, what: string): void {
  if (!Number.isFinite(x)) throw new RangeError(`${what}: a value of ${x} (feed numbers only: skip the bar or tick without one)`);
}

function checkPeriod(period: number, what: string): void {
  if (!(Number.isInteger(period) && period >= 1)) throw new RangeError(`${what} period must be a whole number ≥ 1, got ${period}`);
}

/** Simple moving average of the last `period` values. */
export class Sma implements Indicator {
  private readonly ring: Float64Array;
  private n = 0;
  private sum = 0;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'SMA');
    this.ring = new Float64Array(period);
  }

  get ready(): boolean {
    return this.n >= this.period;
  }

  update(x: number): number {
    checkValue(x, 'SMA');
    const i = this.n % this.period;
    if (this.n >= this.period) this.sum -= this.ring[i]!;
    this.ring[i] = x;
    this.sum += x;
    this.n++;
    if (this.n >= this.period) this.value = this.sum / this.period;
    return this.value;
  }

  reset(): void {
    this.n = 0;
    this.sum = 0;
    this.value = NaN;
  }
}

/** Exponential moving average, α = 2 / (period + 1), seeded with the SMA of the first `period` values. */
export class Ema implements Indicator {
  private readonly seed: Sma;
  private readonly alpha: number;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'EMA');
    this.seed = new Sma(period);
    this.alpha = 2 / (period + 1);
  }

  get ready(): boolean {
    return this.seed.ready;
  }

  update(x: number): number {
    checkValue(x, 'EMA');
    this.value = this.seed.ready ? (x - this.value) * this.alpha + this.value : this.seed.update(x);
    return this.value;
  }

  reset(): void {
    this.seed.reset();
    this.value = NaN;
  }
}

/**
 * Wilder's moving average (RMA, "smoothed MA", α = 1 / period), seeded with the SMA of the first
 * `period` values, written as TA-Lib writes it for RSI and ATR: (previous × (period − 1) + x) / period.
 */
export class Rma implements Indicator {
  private readonly seed: Sma;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'RMA');
    this.seed = new Sma(period);
  }

  get ready(): boolean {
    return this.seed.ready;
  }

  update(x: number): number {
    checkValue(x, 'RMA');
    this.value = this.seed.ready ? (this.value * (this.period - 1) + x) / this.period : this.seed.update(x);
    return this.value;
  }

  reset(): void {
    this.seed.reset();
    this.value = NaN;
  }
}

/** Wilder's relative strength index of closes, 0–100. */
export class Rsi implements Indicator {
  private readonly gain: Rma;
  private readonly loss: Rma;
  private prev = NaN;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'RSI');
    this.gain = new Rma(period);
    this.loss = new Rma(period);
  }

  get ready(): boolean {
    return this.gain.ready;
  }

  /** The smoothed average gain and loss (NaN until ready). */
  get averageGain(): number {
    return this.gain.value;
  }

  get averageLoss(): number {
    return this.loss.value;
  }

  update(close: number): number {
    checkValue(close, 'RSI');
    if (!Number.isNaN(this.prev)) {
      const d = close - this.prev;
      const g = this.gain.update(d > 0 ? d : 0);
      const l = this.loss.update(d < 0 ? -d : 0);
      if (this.gain.ready) this.value = l === 0 ? 100 : 100 - 100 / (1 + g / l);
    }
    this.prev = close;
    return this.value;
  }

  reset(): void {
    this.gain.reset();
    this.loss.reset();
    this.prev = NaN;
    this.value = NaN;
  }
}

/** Average true range (Wilder) of bars. */
export class Atr implements Indicator {
  private readonly rma: Rma;
  private prevClose = NaN;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'ATR');
    this.rma = new Rma(period);
  }

  get ready(): boolean {
    return this.rma.ready;
  }

  update(high: number, low: number, close: number): number {
    checkValue(high, 'ATR high');
    checkValue(low, 'ATR low');
    checkValue(close, 'ATR close');
    if (!Number.isNaN(this.prevClose)) {
      const tr = Math.max(high - low, Math.abs(high - this.prevClose), Math.abs(low - this.prevClose));
      this.value = this.rma.update(tr);
    }
    this.prevClose = close;
    return this.value;
  }

  reset(): void {
    this.rma.reset();
    this.prevClose = NaN;
    this.value = NaN;
  }
}

/**
 * Population standard deviation of the last `period` values, computed from the window in two
 * passes (mean, then squared deviations): O(period) a value rather than O(1), because a running
 * sum of squares leaves a small positive deviation on a flat window (√ε × the price: 4e-6 on
 * 250), which a z-score or %B would divide by.
 */
export class RollingStd implements Indicator {
  private readonly ring: Float64Array;
  private n = 0;
  private mean = NaN;
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period, 'standard deviation');
    this.ring = new Float64Array(period);
  }

  get ready(): boolean {
    return this.n >= this.period;
  }

  /** The window's mean (NaN until ready). */
  get windowMean(): number {
    return this.mean;
  }

  update(x: number): number {
    checkValue(x, 'standard deviation');
    const p = this.period;
    this.ring[this.n % p] = x;
    this.n++;
    if (this.n < p) return this.value;
    const r = this.ring;
    let s = 0;
    let lo = r[0]!;
    let hi = lo;
    for (let k = 0; k < p; k++) {
      const v = r[k]!;
      s += v;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    // A flat window is exactly flat (a summed mean can miss its value by an ulp: 0.1 × 3 / 3).
    if (lo === hi) {
      this.mean = lo;
      this.value = 0;
      return 0;
    }
    const m = s / p;
    let q = 0;
    for (let k = 0; k < p; k++) q += (r[k]! - m) * (r[k]! - m);
    this.mean = m;
    this.value = Math.sqrt(q / p);
    return this.value;
  }

  reset(): void {
    this.n = 0;
    this.mean = NaN;
    this.value = NaN;
  }
}

/** Bollinger bands: the SMA of the window ± k population standard deviations. */
export class Bollinger implements Indicator {
  private readonly sma: Sma;
  private readonly sd: RollingStd;
  /** The middle band (the SMA); `value` is the same. */
  middle = NaN;
  upper = NaN;
  lower = NaN;

  constructor(
    readonly period: number,
    readonly k = 2,
  ) {
    checkPeriod(period, 'Bollinger');
    this.sma = new Sma(period);
    this.sd = new RollingStd(period);
  }

  get value(): number {
    return this.middle;
  }

  get ready(): boolean {
    return this.sma.ready;
  }

  /** %B: where `x` sits between the bands (0 at the lower, 1 at the upper). */
  percentB(x: number): number {
    return (x - this.lower) / (this.upper - this.lower);
  }

  update(x: number): number {
    const m = this.sma.update(x);
    const s = this.sd.update(x);
    this.middle = m;
    this.upper = m + this.k * s;
    this.lower = m - this.k * s;
    return m;
  }

  reset(): void {
    this.sma.reset();
    this.sd.reset();
    this.middle = this.upper = this.lower = NaN;
  }
}

/**
 * MACD: the fast EMA less the slow EMA of closes (from the slow one's first value), its signal
 * line (an EMA of the MACD) and the histogram (MACD − signal). `value` is the MACD; `ready` once
 * the signal has its window (fast, slow and signal periods default to 12, 26, 9).
 */
export class Macd implements Indicator {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly sig: Ema;
  value = NaN;
  signal = NaN;
  histogram = NaN;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
  ) {
    if (!(fastPeriod < slowPeriod)) throw new RangeError(`MACD fast period ${fastPeriod} must be shorter than the slow ${slowPeriod}`);
    this.fast = new Ema(fastPeriod);
    this.slow = new Ema(slowPeriod);
    this.sig = new Ema(signalPeriod);
  }

  get ready(): boolean {
    return this.sig.ready;
  }

  update(close: number): number {
    checkValue(close, 'MACD');
    const f = this.fast.update(close);
    const sl = this.slow.update(close);
    if (!this.slow.ready) return this.value;
    this.value = f - sl;
    this.signal = this.sig.update(this.value);
    this.histogram = this.value - this.signal;
    return this.value;
  }

  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.sig.reset();
    this.value = this.signal = this.histogram = NaN;
  }
}

/**
 * Highest (or lowest) of the last `period` values — Donchian channels, breakouts — by a monotonic
 * deque held in typed arrays: each value enters and leaves it once (O(1) amortised).
 */
class RollingExtreme implements Indicator {
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private size = 0;
  private n = 0;
  value = NaN;

  constructor(
    readonly period: number,
    private readonly sign: 1 | -1,
  ) {
    this.vals = new Float64Array(period);
    this.idx = new Float64Array(period);
  }

  get ready(): boolean {
    return this.n >= this.period;
  }

  update(x: number): number {
    checkValue(x, this.sign === 1 ? 'rolling max' : 'rolling min');
    const p = this.period;
    const s = this.sign;
    // Drop what left the window, then what the new value dominates.
    if (this.size > 0 && this.idx[this.head]! <= this.n - p) {
      this.head = (this.head + 1) % p;
      this.size--;
    }
    while (this.size > 0) {
      const last = (this.head + this.size - 1) % p;
      if (s * this.vals[last]! > s * x) break;
      this.size--;
    }
    const at = (this.head + this.size) % p;
    this.vals[at] = x;
    this.idx[at] = this.n;
    this.size++;
    this.n++;
    if (this.n >= p) this.value = this.vals[this.head]!;
    return this.value;
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.n = 0;
    this.value = NaN;
  }
}

/** Highest of the last `period` values. */
export class RollingMax extends RollingExtreme {
  constructor(period: number) {
    checkPeriod(period, 'rolling max');
    super(period, 1);
  }
}

/** Lowest of the last `period` values. */
export class RollingMin extends RollingExtreme {
  constructor(period: number) {
    checkPeriod(period, 'rolling min');
    super(period, -1);
  }
}
