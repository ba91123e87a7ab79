import { ConfigError } from '../errors.ts';
import type { Tier } from './types.ts';

/**
 * Tiered notional brackets, Binance style: the rate of the bracket that holds the notional is
 * applied to the whole notional minus a "maintenance amount" (cum) that makes the schedule
 * continuous, which is the same as applying each bracket's rate to the slice of notional inside it.
 */
export interface Bracket extends Tier {
  floor: number;
  /** Binance "maintenance amount": cum_i = cum_{i-1} + floor_i × (mmr_i − mmr_{i-1}). */
  cumMm: number;
  cumIm: number;
}

export function buildBrackets(tiers: readonly Tier[], where = 'tiers'): Bracket[] {
  if (tiers.length === 0) throw new ConfigError(`${where}: at least one tier is needed`, { field: 'tiers' });
  const out: Bracket[] = [];
  let floor = 0;
  let cumMm = 0;
  let cumIm = 0;
  let prev: Tier | undefined;
  tiers.forEach((t, i) => {
    const f = `${where}[${i}]`;
    if (!(t.notionalCap > floor)) throw new ConfigError(`${f}: notionalCap ${t.notionalCap} must exceed the previous cap ${floor}`, { field: 'notionalCap' });
    if (!(t.mmr > 0 && t.mmr < 1) || !(t.imr >= t.mmr && t.imr <= 1)) {
      throw new ConfigError(`${f}: need 0 < mmr ${t.mmr} ≤ imr ${t.imr} ≤ 1`, { field: 'mmr' });
    }
    if (prev) {
      if (t.mmr < prev.mmr || t.imr < prev.imr) throw new ConfigError(`${f}: rates must not fall with notional`, { field: 'mmr' });
      cumMm += floor * (t.mmr - prev.mmr);
      cumIm += floor * (t.imr - prev.imr);
    }
    out.push({ ...t, floor, cumMm, cumIm });
    floor = t.notionalCap;
    prev = t;
  });
  if (floor !== Infinity) throw new ConfigError(`${where}: the last tier's notionalCap must be Infinity`, { field: 'notionalCap' });
  return out;
}

export function bracketFor(brackets: readonly Bracket[], notional: number): Bracket {
  // Brackets are few (≤ 10): a linear scan beats a binary search here.
  for (const b of brackets) if (notional <= b.notionalCap) return b;
  return brackets[brackets.length - 1]!;
}

/** Maintenance requirement of a position of absolute notional `n`: n × mmr − cum. */
export function tieredMm(brackets: readonly Bracket[], n: number): number {
  const b = bracketFor(brackets, n);
  return n * b.mmr - b.cumMm;
}

export function tieredIm(brackets: readonly Bracket[], n: number): number {
  const b = bracketFor(brackets, n);
  return n * b.imr - b.cumIm;
}

/** Binance USDⓈ-M BTCUSDT leverage brackets (125x … 1x). */
export const BINANCE_BTCUSDT_TIERS: readonly Tier[] = [
  { notionalCap: 50_000, imr: 1 / 125, mmr: 0.004 },
  { notionalCap: 500_000, imr: 1 / 100, mmr: 0.005 },
  { notionalCap: 8_000_000, imr: 1 / 50, mmr: 0.01 },
  { notionalCap: 50_000_000, imr: 1 / 20, mmr: 0.025 },
  { notionalCap: 80_000_000, imr: 1 / 10, mmr: 0.05 },
  { notionalCap: 100_000_000, imr: 1 / 5, mmr: 0.1 },
  { notionalCap: 200_000_000, imr: 1 / 4, mmr: 0.125 },
  { notionalCap: 300_000_000, imr: 1 / 3, mmr: 0.15 },
  { notionalCap: 500_000_000, imr: 1 / 2, mmr: 0.25 },
  { notionalCap: Infinity, imr: 1, mmr: 0.5 },
];

/**
 * Coin-margined BTCUSD perp brackets in the style of Binance COIN-M (notional caps in BTC =
 * contracts × 100 USD / mark); for inverse instruments tiers are read as coin notional.
 */
export const BINANCE_BTCUSD_COINM_TIERS: readonly Tier[] = [
  { notionalCap: 5, imr: 1 / 125, mmr: 0.004 },
  { notionalCap: 10, imr: 1 / 100, mmr: 0.005 },
  { notionalCap: 20, imr: 1 / 50, mmr: 0.01 },
  { notionalCap: 50, imr: 1 / 20, mmr: 0.025 },
  { notionalCap: 100, imr: 1 / 10, mmr: 0.05 },
  { notionalCap: 200, imr: 1 / 5, mmr: 0.075 },
  { notionalCap: 400, imr: 1 / 4, mmr: 0.1 },
  { notionalCap: 1000, imr: 1 / 3, mmr: 0.125 },
  { notionalCap: 1500, imr: 1 / 2, mmr: 0.25 },
  { notionalCap: Infinity, imr: 1, mmr: 0.5 },
];

/** dYdX v3 BTC-USD: initial margin fraction 5%, maintenance 3%, one bracket. */
export const DYDX_BTC_TIERS: readonly Tier[] = [{ notionalCap: Infinity, imr: 0.05, mmr: 0.03 }];

/** The same brackets as flat typed arrays: the hot path looks up a bracket without object access. */
export class BracketTable {
  readonly caps: Float64Array;
  readonly imr: Float64Array;
  readonly mmr: Float64Array;
  readonly cumIm: Float64Array;
  readonly cumMm: Float64Array;

  constructor(brackets: readonly Bracket[]) {
    this.caps = Float64Array.from(brackets, (b) => b.notionalCap);
    this.imr = Float64Array.from(brackets, (b) => b.imr);
    this.mmr = Float64Array.from(brackets, (b) => b.mmr);
    this.cumIm = Float64Array.from(brackets, (b) => b.cumIm);
    this.cumMm = Float64Array.from(brackets, (b) => b.cumMm);
  }

  index(notional: number): number {
    const c = this.caps;
    let i = 0;
    while (i < c.length - 1 && notional > c[i]!) i++;
    return i;
  }
}
