import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_INSTRUMENTS } from '../../src/market/instrument.ts';
import { closedTrips, RoundTrips, tripStats } from '../../src/results/round-trips.ts';

const LINEAR = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!; // tick 0.1, lot 0.001
const INVERSE = KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']!; // tick 0.1, 1 contract = 100 USD
const E8 = 1e8;

describe('round trips (the trades table)', () => {
  it('flat → long → flat, a fill through zero closing one trip and opening the next, a liquidation ending one', () => {
    const rt = new RoundTrips(LINEAR, E8);
    // Minor units (1e-8 USDT): realized and fees exact, as the ledger books them.
    rt.book(0, 2000, 500_000, 0n, 20_000_000n, 'orders'); // buy 2 BTC at 50,000, fee 0.2
    rt.book(10, -1000, 500_050, 5_00000000n, 10_000_000n, 'orders'); // sell 1 at 50,005: +5
    rt.book(20, -1000, 500_030, 3_00000000n, 10_000_000n, 'orders'); // sell 1 at 50,003: +3 → trip pnl 8 − 0.4
    rt.book(30, -1000, 500_000, 0n, 10_000_000n, 'orders'); // open short 1
    rt.book(50, 3000, 500_040, -4_00000000n, 30_000_001n, 'orders'); // buy 3 at 50,004 through zero: closes the short (−4, a third of the fee, rounded down) and opens long 2
    rt.book(70, -2000, 500_010, -6_00000000n, 0n, 'liquidation'); // the long closed by the risk engine at 50,001
    rt.book(80, 1000, 500_000, 0n, 10_000_000n, 'orders'); // still open at the end
    const t = rt.table('perp', 'desk');
    expect(Array.from(t.trip as Int32Array)).toEqual([0, 1, 2, 3]);
    expect(t.direction).toEqual(['long', 'short', 'long', 'long']);
    expect(t.status).toEqual(['closed', 'closed', 'closed', 'open']);
    expect(t.exit).toEqual(['orders', 'orders', 'liquidation', '']);
    expect(Array.from(t.open_ts_us as Float64Array)).toEqual([0, 30, 50, 80]);
    expect(Array.from(t.close_ts_us as Float64Array)).toEqual([20, 50, 70, NaN]);
    expect(Array.from(t.holding_us as Float64Array)).toEqual([20, 20, 20, NaN]);
    expect(Array.from(t.bookings as Int32Array)).toEqual([3, 2, 2, 1]);
    expect(Array.from(t.max_qty as Float64Array)).toEqual([2, 1, 2, 1]);
    // Entry: the opening fills' average; exit: the reducing fills' (the through-zero fill in both).
    expect(Array.from(t.entry_price as Float64Array)).toEqual([50_000, 50_000, 50_004, 50_000]);
    expect(Array.from(t.exit_price as Float64Array)).toEqual([50_004, 50_004, 50_001, NaN]);
    expect(Array.from(t.realized_minor as BigInt64Array)).toEqual([8_00000000n, -4_00000000n, -6_00000000n, 0n]);
    // 30,000,001 split 1:2 → 10,000,000 to the short, 20,000,001 to the next trip: nothing lost.
    expect(Array.from(t.fee_minor as BigInt64Array)).toEqual([40_000_000n, 20_000_000n, 20_000_001n, 10_000_000n]);
    expect(Array.from(t.pnl as Float64Array)).toEqual([7.6, -4.2, -6.20000001, -0.1]);
    // Return on the entry value: 7.6 / (2 × 50,000).
    expect((t.return as Float64Array)[0]).toBeCloseTo(7.6 / 100_000, 15);
    expect(() => rt.book(90, 1, 1, 0n, 0n, 'orders')).toThrow(/after table/);
  });

  it('each trip keeps the tag of the order that closed it: the last reducing fill, a through-zero fill, none for a liquidation or the open trip', () => {
    const rt = new RoundTrips(LINEAR, E8);
    rt.book(0, 2000, 500_000, 0n, 0n, 'orders', 'entry');
    rt.book(10, -1000, 500_050, 0n, 0n, 'orders', 'take-profit-1');
    rt.book(20, -1000, 500_030, 0n, 0n, 'orders', 'take-profit-2'); // closes trip 0
    rt.book(30, -1000, 500_000, 0n, 0n, 'orders', 'entry-short');
    rt.book(50, 3000, 500_040, 0n, 0n, 'orders', 'stop'); // closes the short through zero, opens a long
    rt.book(70, -2000, 500_010, 0n, 0n, 'liquidation');
    rt.book(80, 1000, 500_000, 0n, 0n, 'orders', 'entry');
    rt.table('perp', 'desk');
    expect(rt.exitTags).toEqual(['take-profit-2', 'stop', '', '']);
  });

  it('inverse contracts: the harmonic average price and a return on the coin value', () => {
    const rt = new RoundTrips(INVERSE, E8);
    rt.book(0, 100, 400_000, 0n, 0n, 'orders'); // 100 contracts (10,000 USD) at 40,000
    rt.book(5, 100, 500_000, 0n, 0n, 'orders'); // 100 more at 50,000
    rt.book(9, -200, 450_000, 1_000_000n, 0n, 'orders');
    const t = rt.table('inv', 'desk');
    // 200 contracts for 10,000/40,000 + 10,000/50,000 BTC: 20,000 USD ÷ 0.45 BTC.
    expect((t.entry_price as Float64Array)[0]).toBeCloseTo(20_000 / (10_000 / 40_000 + 10_000 / 50_000), 9);
    expect((t.exit_price as Float64Array)[0]).toBeCloseTo(45_000, 9);
    expect((t.max_qty as Float64Array)[0]).toBe(200);
    expect((t.return as Float64Array)[0]).toBeCloseTo(0.01 / (20_000 / (t.entry_price as Float64Array)[0]!), 12);
  });

  it('property: trips add up to the bookings exactly, one open trip iff the position is not flat, trips in time order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lots: fc.integer({ min: -50, max: 50 }), realized: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fee: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 10n }), liq: fc.boolean() }), { maxLength: 300 }),
        (bookings) => {
          const rt = new RoundTrips(LINEAR, E8);
          let pos = 0;
          let realized = 0n;
          let fee = 0n;
          let crossings = 0;
          bookings.forEach((b, i) => {
            if (b.lots === 0) return;
            const after = pos + b.lots;
            if (pos !== 0 && (after === 0 || Math.sign(after) !== Math.sign(pos))) crossings++;
            pos = after;
            realized += b.realized;
            fee += b.fee;
            rt.book(i, b.lots, 500_000 + i, b.realized, b.fee, b.liq ? 'liquidation' : 'orders');
          });
          const t = rt.table('v', 'a');
          const status = t.status as string[];
          expect(status.filter((s) => s === 'closed').length).toBe(crossings);
          expect(status.filter((s) => s === 'open').length).toBe(pos === 0 ? 0 : 1);
          expect((t.realized_minor as BigInt64Array).reduce((s, x) => s + x, 0n)).toBe(realized);
          expect((t.fee_minor as BigInt64Array).reduce((s, x) => s + x, 0n)).toBe(fee);
          const open = t.open_ts_us as Float64Array;
          const close = t.close_ts_us as Float64Array;
          for (let i = 0; i < open.length; i++) {
            if (status[i] === 'closed') expect(close[i]!).toBeGreaterThanOrEqual(open[i]!);
            if (i > 0) expect(open[i]!).toBeGreaterThanOrEqual(close[i - 1]!);
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
  it('trade statistics of closed round trips: hit rate, profit factor, expectancy, holding', () => {
    const trips = [
      { openUs: 0, closeUs: 20, pnl: 7.6 },
      { openUs: 30, closeUs: 50, pnl: -4.2 },
      { openUs: 50, closeUs: 70, pnl: 5.6 },
    ];
    const s = tripStats(trips)!;
    expect(s.trips).toBe(3);
    expect(s.hitRate).toBeCloseTo(2 / 3, 12);
    expect(s.profitFactor).toBeCloseTo((7.6 + 5.6) / 4.2, 12);
    expect(s.expectancy).toBeCloseTo((7.6 - 4.2 + 5.6) / 3, 12);
    expect(s.avgHoldingUs).toBeCloseTo((20 + 20 + 20) / 3, 12);
    expect(tripStats([])).toBeUndefined();
    expect(tripStats([{ openUs: 0, closeUs: 1, pnl: 1 }])!.profitFactor).toBe(Infinity);
  });

  it("closed trips of one account from a trades table (open trips and other accounts left out)", () => {
    const rt = new RoundTrips(LINEAR, E8);
    rt.book(0, 10, 500_000, 0n, 0n, 'orders');
    rt.book(5, -10, 500_100, 1_00000000n, 0n, 'orders');
    rt.book(9, 10, 500_000, 0n, 0n, 'orders');
    const t = rt.table('perp', 'desk');
    expect(closedTrips(t, 'desk')).toEqual([{ openUs: 0, closeUs: 5, pnl: 1 }]);
    expect(closedTrips(t, 'other')).toEqual([]);
    expect(closedTrips(t, 'desk', 'spot')).toEqual([]);
  });
});
