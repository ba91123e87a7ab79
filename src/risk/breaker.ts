import { ConfigError } from '../errors.ts';
import type { OrderGate } from './margin-engine.ts';
import type { OrderIntent } from './types.ts';

export interface BreakerConfig {
  /** Halt when the mark moves more than this fraction from the window's extreme (default 10%). */
  haltThreshold: number;
  /** Look-back window (default 5 min). */
  windowUs: number;
  /** Halt length (default 60 s). */
  haltUs: number;
  /** Limit orders priced further than this from the mark are rejected (default 5%, 0 = off). */
  bandPct: number;
}

export const DEFAULT_BREAKER: BreakerConfig = { haltThreshold: 0.1, windowUs: 300_000_000, haltUs: 60_000_000, bandPct: 0.05 };

export type BreakerKind = 'halt' | 'resume' | 'band_reject' | 'halt_reject';

export interface BreakerEvent {
  tsUs: number;
  kind: BreakerKind;
  mark: number;
  reason: string;
}

/**
 * Price bands and volatility halts on one underlying's mark, in the manner of exchange limit-up /
 * limit-down rules: a move beyond `haltThreshold` against the window's high or low halts trading
 * for `haltUs`; while halted only reduce-only (position-reducing) orders pass. Window extremes are
 * kept in monotonic deques, so each mark costs O(1) amortised.
 */
export class CircuitBreaker implements OrderGate {
  readonly cfg: BreakerConfig;
  readonly events: BreakerEvent[] = [];
  private maxQ: { ts: number; p: number }[] = [];
  private minQ: { ts: number; p: number }[] = [];
  private haltUntil = -Infinity;
  private halted = false;
  private lastMark = NaN;
  private nowUs = 0;

  constructor(readonly underlying: string, cfg: Partial<BreakerConfig> = {}) {
    this.cfg = { ...DEFAULT_BREAKER, ...cfg };
    const c = this.cfg;
    if (!(c.haltThreshold > 0 && c.haltThreshold < 1)) throw new ConfigError(`breaker ${underlying}: haltThreshold must be in (0,1), got ${c.haltThreshold}`, { field: 'haltThreshold' });
    if (!(c.windowUs > 0) || !(c.haltUs >= 0)) throw new ConfigError(`breaker ${underlying}: windowUs must be > 0 and haltUs ≥ 0`, { field: 'windowUs' });
    if (!(c.bandPct >= 0)) throw new ConfigError(`breaker ${underlying}: bandPct must be ≥ 0, got ${c.bandPct}`, { field: 'bandPct' });
  }

  /** Is trading halted at `tsUs`? Records the resume when a halt has run out. */
  isHalted(tsUs: number): boolean {
    this.poll(tsUs);
    return this.halted;
  }

  get haltEndUs(): number {
    return this.haltUntil;
  }

  poll(tsUs: number): void {
    this.nowUs = Math.max(this.nowUs, tsUs);
    if (this.halted && tsUs >= this.haltUntil) {
      this.halted = false;
      this.events.push({ tsUs: this.haltUntil, kind: 'resume', mark: this.lastMark, reason: 'halt elapsed' });
      // A fresh window after a halt: the pre-halt move has been "absorbed" and must not re-trigger.
      this.maxQ = [];
      this.minQ = [];
    }
  }

  /** Feed a mark; returns true when this mark starts a halt. */
  onMark(tsUs: number, mark: number): boolean {
    this.poll(tsUs);
    if (this.halted) return false;
    this.lastMark = mark;
    const lo = tsUs - this.cfg.windowUs;
    while (this.maxQ.length && this.maxQ[0]!.ts < lo) this.maxQ.shift();
    while (this.minQ.length && this.minQ[0]!.ts < lo) this.minQ.shift();
    while (this.maxQ.length && this.maxQ[this.maxQ.length - 1]!.p <= mark) this.maxQ.pop();
    while (this.minQ.length && this.minQ[this.minQ.length - 1]!.p >= mark) this.minQ.pop();
    this.maxQ.push({ ts: tsUs, p: mark });
    this.minQ.push({ ts: tsUs, p: mark });
    const hi = this.maxQ[0]!.p;
    const low = this.minQ[0]!.p;
    const drop = 1 - mark / hi;
    const rise = mark / low - 1;
    if (drop > this.cfg.haltThreshold || rise > this.cfg.haltThreshold) {
      this.halted = true;
      this.haltUntil = tsUs + this.cfg.haltUs;
      const pct = (drop > rise ? -drop : rise) * 100;
      this.events.push({
        tsUs,
        kind: 'halt',
        mark,
        reason: `mark moved ${pct.toFixed(2)}% within ${this.cfg.windowUs / 1e6}s (threshold ${(this.cfg.haltThreshold * 100).toFixed(1)}%), halted until ${this.haltUntil}`,
      });
      return true;
    }
    return false;
  }

  admits(order: OrderIntent, reducing: boolean, priceTicks: number, tick: number): { ok: boolean; reason: string } {
    if (this.isHalted(this.nowUs) && !(reducing && order.reduceOnly === true)) {
      const reason = `${this.underlying} halted until ${this.haltUntil}: only reduce-only orders accepted`;
      this.events.push({ tsUs: this.nowUs, kind: 'halt_reject', mark: this.lastMark, reason });
      return { ok: false, reason };
    }
    if (this.cfg.bandPct > 0 && order.priceTicks !== undefined && Number.isFinite(this.lastMark)) {
      const p = priceTicks * tick;
      const dev = Math.abs(p / this.lastMark - 1);
      if (dev > this.cfg.bandPct) {
        const reason = `price ${p} is ${(dev * 100).toFixed(2)}% from mark ${this.lastMark}, outside the ±${(this.cfg.bandPct * 100).toFixed(1)}% band`;
        this.events.push({ tsUs: this.nowUs, kind: 'band_reject', mark: this.lastMark, reason });
        return { ok: false, reason };
      }
    }
    return { ok: true, reason: 'ok' };
  }
}
