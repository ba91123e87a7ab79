import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ASK, BID } from '../../../src/market/book.ts';
import { makeVenue } from '../../helpers/venue.ts';

/**
 * A bid level at 100 ticks with 6 visible lots; our 10-lot bid joins behind them. Others join
 * behind us (+10), then 8 lots are cancelled in four steps, then 10 lots trade at 100.
 * Risk-averse: cancels came from behind, we are still 6 deep → 10 − 6 = 4 lots fill.
 * Optimistic (every cancel ahead of us): we are at the front → all 10 fill.
 */
function scenario(queue: string, seed: number): number {
  const { venue, flush } = makeVenue({ queue, seed });
  venue.applyLevel(BID, 100, 6);
  venue.applyLevel(ASK, 101, 50);
  const o = venue.submit({ side: BID, priceTicks: 100, sizeLots: 10 }, 100.5);
  flush();
  expect(o.status).toBe('open');
  expect(o.ahead).toBe(6);
  venue.applyLevel(BID, 100, 16);
  for (const s of [14, 12, 10, 8]) venue.applyLevel(BID, 100, s);
  venue.applyTrade(1, 1, 100, 10);
  return o.filledLots;
}

describe('queue models on a synthetic level', () => {
  it('risk-averse fills exactly 4 of the 10 lots that trade through', () => {
    expect(scenario('risk-averse', 1)).toBe(4);
  });

  for (const q of ['power:3', 'power:1', 'log']) {
    it(`${q} fills between the risk-averse (4) and optimistic (10) results`, () => {
      const fills = Array.from({ length: 200 }, (_, s) => scenario(q, s + 1));
      for (const f of fills) {
        expect(f).toBeGreaterThanOrEqual(4);
        expect(f).toBeLessThanOrEqual(10);
      }
      const mean = fills.reduce((a, b) => a + b, 0) / fills.length;
      expect(mean).toBeGreaterThan(4);
      expect(mean).toBeLessThan(10);
    });
  }

  it('a different seed gives a different fill path under a probabilistic model', () => {
    const fills = new Set(Array.from({ length: 40 }, (_, s) => scenario('power:3', s + 1)));
    expect(fills.size).toBeGreaterThan(1);
  });

  it('two own orders at one price share one FIFO: a 10-lot print fills 4 in total, not 4 each', () => {
    const { venue, flush } = makeVenue();
    venue.applyLevel(BID, 100, 6);
    venue.applyLevel(ASK, 101, 50);
    const a = venue.submit({ side: BID, priceTicks: 100, sizeLots: 3 }, 100.5);
    const b = venue.submit({ side: BID, priceTicks: 100, sizeLots: 3 }, 100.5);
    flush();
    venue.applyTrade(1, 1, 100, 10);
    expect(a.filledLots).toBe(3);
    expect(b.filledLots).toBe(1);
  });

  it('property: queue positions never go negative and no order fills beyond its size', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('level' as const), size: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ k: fc.constant('trade' as const), size: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ k: fc.constant('order' as const), size: fc.integer({ min: 1, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom('risk-averse', 'power:2', 'power:3', 'log'), fc.integer({ min: 1, max: 1000 }), fc.array(op, { maxLength: 60 }), (queue, seed, ops) => {
        const { venue, flush } = makeVenue({ queue, seed });
        venue.applyLevel(BID, 100, 20);
        venue.applyLevel(ASK, 105, 20);
        const orders = [];
        for (const x of ops) {
          if (x.k === 'level') venue.applyLevel(BID, 100, x.size);
          else if (x.k === 'trade') venue.applyTrade(1, 1, 100, x.size);
          else {
            orders.push(venue.submit({ side: BID, priceTicks: 100, sizeLots: x.size }, 102));
            flush();
          }
          for (const o of orders) {
            expect(o.ahead).toBeGreaterThanOrEqual(0);
            expect(o.filledLots).toBeLessThanOrEqual(o.sizeLots);
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
