import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/risk/breaker.ts';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { deposit, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

const S = 1_000_000;

describe('CircuitBreaker', () => {
  it('halts on a >10% move within 5 minutes, not on 9% or on a slower move', () => {
    const b = new CircuitBreaker('BTC', { haltThreshold: 0.1, windowUs: 300 * S, haltUs: 60 * S });
    // 9% down within a minute: no halt.
    for (let i = 0; i <= 60; i++) expect(b.onMark(T0 + i * S, 60_000 * (1 - 0.0015 * i))).toBe(false);
    // 12% down over 10 minutes (≤ 6% in any 5-minute window): still no halt.
    const slow = new CircuitBreaker('BTC', { haltThreshold: 0.1, windowUs: 300 * S });
    for (let i = 0; i <= 600; i++) expect(slow.onMark(T0 + i * S, 60_000 * (1 - 0.0002 * i))).toBe(false);
    // From the window high (60,000) to 53,900 is −10.17%: halt.
    expect(b.onMark(T0 + 61 * S, 53_900)).toBe(true);
    expect(b.isHalted(T0 + 61 * S + 59 * S)).toBe(true);
    expect(b.isHalted(T0 + 61 * S + 60 * S)).toBe(false);
    expect(b.events.map((e) => e.kind)).toEqual(['halt', 'resume']);
    expect(b.events[0]!.reason).toMatch(/-10\.17% within 300s/);
    expect(b.events[1]!.tsUs).toBe(T0 + 121 * S);
    // A fresh window after the halt: the next small move does not re-halt.
    expect(b.onMark(T0 + 122 * S, 53_000)).toBe(false);
  });

  it('halts on a >10% rise too', () => {
    const b = new CircuitBreaker('BTC');
    b.onMark(T0, 50_000);
    expect(b.onMark(T0 + 10 * S, 55_100)).toBe(true);
  });

  it('through canPlace: only reduce-only orders while halted, price band otherwise', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    const b = new CircuitBreaker('BTC', { bandPct: 0.05 });
    engine.setGate('BTC', b);
    b.onMark(T0, 60_000);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 100_000);
    engine.applyFill('a', PERP, T0, 1000, 600_000, 0);
    // Band: a buy limit 6% above the mark is rejected, 4% passes.
    expect(engine.canPlace('a', { instrument: PERP, lots: 10, priceTicks: 636_000 }).reason).toMatch(/outside the ±5.0% band/);
    expect(engine.canPlace('a', { instrument: PERP, lots: 10, priceTicks: 624_000 }).ok).toBe(true);
    b.onMark(T0 + S, 53_000);
    const add = engine.canPlace('a', { instrument: PERP, lots: 10 });
    expect(add.ok).toBe(false);
    expect(add.reason).toMatch(/halted/);
    expect(engine.canPlace('a', { instrument: PERP, lots: -10 }).ok).toBe(false); // reducing but not flagged reduce-only
    expect(engine.canPlace('a', { instrument: PERP, lots: -10, reduceOnly: true }).ok).toBe(true);
    expect(b.events.map((e) => e.kind)).toEqual(['band_reject', 'halt', 'halt_reject', 'halt_reject']);
  });
});
