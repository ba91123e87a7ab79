import { ConfigError } from '../../errors.ts';
import { KNOWN_INSTRUMENTS, validateInstrument, type Instrument } from '../../market/instrument.ts';
import { BTCUSDT_CALIBRATION } from './calibration.ts';
import { normCdf } from './latency.ts';
import type { MarketMeasures } from './stats.ts';

export type MarketProfile = 'calm' | 'volatile' | 'crash';

export interface GenerateOptions {
  seed: number | string;
  /** Target row count: generation stops at the first message boundary at or after it. */
  events?: number;
  /** Market time to generate (µs); with `events`, whichever is reached first. */
  durationUs?: number;
  /** Exchange time of the snapshot, µs since epoch (default 2024-08-09T00:00:00Z). */
  startUs?: number;
  instrument?: Instrument;
  /** Initial mid price in quote units (default 61800 for BTCUSDT, required otherwise). */
  startPrice?: number;
  /** 'calm' is the calibrated market as is; 'volatile' scales activity up; 'crash' adds a drawdown. */
  profile?: MarketProfile;
  /** Statistics to reproduce (default: the real BTCUSDT sample). Ticks and lots of `instrument`. */
  calibration?: MarketMeasures;
  /** Non-empty levels kept on each side (default 20). */
  depthLevels?: number;
  jumpIntensityPerHour?: number;
  /** Mean absolute jump size (exponentially distributed, random sign), basis points of the mid. */
  jumpSizeBps?: number;
  /** Crash profile: fraction of the mid lost over the window (default 0.1). */
  crashFraction?: number;
  /** Crash profile: window start (default startUs + 60 s) and length (default 5 minutes). */
  crashStartUs?: number;
  crashDurationUs?: number;
  /** Overrides of the calibrated trade process; branching 0 gives Poisson arrivals. */
  tradeRatePerSec?: number;
  hawkesBranching?: number;
  hawkesDecayPerSec?: number;
  /** Multiplier on the calibrated 1-second mid volatility. */
  volatilityScale?: number;
  /** Mean feed latency added to the calibrated jitter, µs (default 5000). */
  latencyMeanUs?: number;
}

/** Every number the generator uses; recorded in the catalog's provenance. */
export interface ResolvedParams {
  seed: number | string;
  events: number;
  durationUs: number;
  startUs: number;
  instrument: Instrument;
  startTicks: number;
  profile: MarketProfile;
  depthLevels: number;
  depthLots: number[];
  gapTicks: number[];
  spreadProb: number[];
  refillMeanUs: number;
  refreshRatePerSec: number;
  levelsPerRefresh: number;
  tradeRatePerSec: number;
  hawkesBranching: number;
  hawkesDecayPerSec: number;
  buyFraction: number;
  tradeLogMean: number;
  tradeLogStd: number;
  moveRatePerSec: number;
  moveMeanTicks: number;
  jumpIntensityPerHour: number;
  jumpSizeBps: number;
  crashFraction: number;
  crashStartUs: number;
  crashDurationUs: number;
  latencyMeanUs: number;
  jitterQuantilesUs: number[];
}

const PROFILES: Record<MarketProfile, { vol: number; trades: number; refresh: number; jumpsPerHour: number; jumpBps: number }> = {
  calm: { vol: 1, trades: 1, refresh: 1, jumpsPerHour: 1, jumpBps: 20 },
  volatile: { vol: 2, trades: 1.5, refresh: 1.5, jumpsPerHour: 6, jumpBps: 50 },
  crash: { vol: 1, trades: 1, refresh: 1, jumpsPerHour: 1, jumpBps: 20 },
};

export const DEFAULT_START_US = 1_723_161_600_000_000;
const DEFAULT_INSTRUMENT = 'binance-futures:BTCUSDT';
const DEFAULT_START_PRICE = 61800;

/**
 * Log-mean of the log-normal fill size. A fill never exceeds the best level's size (drawn
 * exponential with mean `levelMean`), so the uncapped log-normal is shifted until the mean of
 * min(size, level) equals the empirical mean fill: E[min(X,S)] = ∫ P(X>x)·P(S>x) dx.
 */
export function cappedLogMean(meanFill: number, sigma: number, levelMean: number): number {
  const capped = (mu: number): number => {
    let sum = 0;
    const lo = -3;
    const hi = Math.log(levelMean) + 6;
    const steps = 4000;
    const h = (hi - lo) / steps;
    for (let i = 0; i <= steps; i++) {
      const y = lo + i * h;
      const x = Math.exp(y);
      const f = (1 - normCdf((y - mu) / sigma)) * Math.exp(-x / levelMean) * x;
      sum += (i === 0 || i === steps ? 0.5 : 1) * f;
    }
    return sum * h + Math.min(1, Math.exp(lo)); // x below e^lo: P(X>x)·P(S>x) ≈ 1
  };
  let a = Math.log(meanFill) - 10;
  let b = Math.log(meanFill) + 10;
  if (capped(b) < meanFill) return b;
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (capped(m) < meanFill) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

function num(name: string, v: number | undefined, dflt: number, ok: (x: number) => boolean, rule: string): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || !ok(x)) throw new ConfigError(`${name} = ${String(v)} must be ${rule}`, { field: name });
  return x;
}

export function resolveParams(o: GenerateOptions): ResolvedParams {
  if (typeof o.seed !== 'number' && typeof o.seed !== 'string') throw new ConfigError('seed is required', { field: 'seed' });
  if (o.events === undefined && o.durationUs === undefined) {
    throw new ConfigError('give events (row count) or durationUs', { field: 'events', hint: 'e.g. events: 1_000_000' });
  }
  const profile = o.profile ?? 'calm';
  const prof = PROFILES[profile];
  if (!prof) throw new ConfigError(`unknown profile "${String(profile)}"`, { field: 'profile', hint: 'calm, volatile or crash' });
  const instrument = validateInstrument(o.instrument ?? KNOWN_INSTRUMENTS[DEFAULT_INSTRUMENT]!);
  const isDefault = instrument.venue === 'binance-futures' && instrument.symbol === 'BTCUSDT';
  if (o.startPrice === undefined && !isDefault) {
    throw new ConfigError(`startPrice is required for ${instrument.venue}:${instrument.symbol}`, { field: 'startPrice' });
  }
  const startPrice = num('startPrice', o.startPrice, DEFAULT_START_PRICE, (x) => x > 0, '> 0');
  const startTicks = Math.round(startPrice / Number(instrument.tickSize));
  if (startTicks < 1000) throw new ConfigError(`startPrice ${startPrice} is only ${startTicks} ticks`, { field: 'startPrice', hint: 'the generator needs at least 1000 ticks of price room' });
  const events = num('events', o.events, Number.MAX_SAFE_INTEGER, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  const durationUs = num('durationUs', o.durationUs, Number.MAX_SAFE_INTEGER, (x) => x > 0, '> 0');
  const startUs = num('startUs', o.startUs, DEFAULT_START_US, (x) => Number.isSafeInteger(x) && x >= 0, 'a non-negative integer');
  const depthLevels = num('depthLevels', o.depthLevels, 20, (x) => Number.isInteger(x) && x >= 2 && x <= 200, 'an integer in 2..200');
  const cal = o.calibration ?? BTCUSDT_CALIBRATION;
  const at = (a: number[], k: number): number => a[Math.min(k, a.length - 1)] ?? 1;
  const volScale = num('volatilityScale', o.volatilityScale, 1, (x) => x >= 0, '>= 0');
  const vol = cal.mid.vol1sTicks * prof.vol * volScale;
  // Diffusive mid moves: compound Poisson with exponential step sizes, so rate·E[step²] =
  // rate·2m² matches the calibrated 1-second variance.
  const moveRate = Math.max(0.01, cal.mid.changeRatePerSec * prof.vol);
  const crashStartUs = num('crashStartUs', o.crashStartUs, startUs + 60_000_000, (x) => x >= startUs, '>= startUs');
  const hawkesBranching = num('hawkesBranching', o.hawkesBranching, cal.trades.hawkes.branching, (x) => x >= 0 && x < 0.99, 'in [0, 0.99)');
  return {
    seed: o.seed,
    events,
    durationUs,
    startUs,
    instrument,
    startTicks,
    profile,
    depthLevels,
    depthLots: Array.from({ length: depthLevels }, (_, k) => Math.max(1, at(cal.depthLots, k))),
    gapTicks: Array.from({ length: depthLevels - 1 }, (_, k) => Math.max(1, at(cal.gapTicks, k))),
    spreadProb: cal.spread.probByTicks.slice(),
    refillMeanUs: Math.max(1, cal.spread.wideEpisodeMeanMs * 1000),
    refreshRatePerSec: cal.levelMessages.ratePerSec * prof.refresh,
    levelsPerRefresh: Math.max(1, cal.levelMessages.windowLevelsPerMsgMean),
    tradeRatePerSec: num('tradeRatePerSec', o.tradeRatePerSec, cal.trades.ratePerSec * prof.trades, (x) => x >= 0, '>= 0'),
    hawkesBranching,
    hawkesDecayPerSec: num('hawkesDecayPerSec', o.hawkesDecayPerSec, cal.trades.hawkes.decayPerSec, (x) => x > 0, '> 0'),
    buyFraction: cal.trades.buyFraction,
    tradeLogMean: cappedLogMean(cal.trades.meanLots, cal.trades.logStd, Math.max(1, at(cal.depthLots, 0))),
    tradeLogStd: cal.trades.logStd,
    moveRatePerSec: moveRate,
    moveMeanTicks: Math.sqrt((vol * vol) / (2 * moveRate)),
    jumpIntensityPerHour: num('jumpIntensityPerHour', o.jumpIntensityPerHour, prof.jumpsPerHour, (x) => x >= 0, '>= 0'),
    jumpSizeBps: num('jumpSizeBps', o.jumpSizeBps, prof.jumpBps, (x) => x >= 0 && x < 5000, 'in [0, 5000)'),
    crashFraction: profile === 'crash' ? num('crashFraction', o.crashFraction, 0.1, (x) => x > 0 && x <= 0.9, 'in (0, 0.9]') : 0,
    crashStartUs,
    crashDurationUs: num('crashDurationUs', o.crashDurationUs, 300_000_000, (x) => x >= 1_000_000, '>= 1 s'),
    latencyMeanUs: num('latencyMeanUs', o.latencyMeanUs, 5000, (x) => x >= 0, '>= 0'),
    jitterQuantilesUs: cal.latency.jitterQuantilesUs.slice(),
  };
}
