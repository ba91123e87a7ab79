import { describe, expect, it } from 'vitest';
import { ASK, BID } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../../src/market/instrument.ts';
import { IndexMark, MedianMark, MidMark, SeriesFunding, median3 } from '../../../src/venues/perp/index.ts';
import { makePerp } from './helpers.ts';

const INST = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const sched = { kind: 'fixed', intervalUs: 8 * 3600e6 } as const;

describe('mark price modes, by hand', () => {
  it("index, mid and Binance's median(index×(1+funding basis), index+MA(mid−index), last)", () => {
    const none = new SeriesFunding('BTCUSDT', []);
    const tau = 1e6 / Math.LN2; // Δt = 1 s gives EMA weight 1 − e^{−ln 2} = ½
    const venues = [new IndexMark(), new MidMark(), new MedianMark(tau)].map((m) => makePerp(INST, none, sched, m).perp);
    for (const v of venues) {
      v.clob.applyLevel(BID, 100010, 5);
      v.clob.applyLevel(ASK, 100020, 5);
      v.lastTicks = 100030;
      v.setIndex(0, 100000);
    }
    const [ix, mid, med] = venues as [(typeof venues)[0], (typeof venues)[0], (typeof venues)[0]];
    expect(ix.markTicks()).toBe(100000);
    expect(mid.markTicks()).toBe(100015);
    // No funding rate known: P1 = index = 100000. Basis mid − index = 15 ticks seeds the MA → P2 = 100015.
    // median(100000, 100015, last 100030) = 100015.
    expect(med.markTicks()).toBe(100015);
    for (const v of venues) {
      v.clob.applyLevel(BID, 100010, 0);
      v.clob.applyLevel(ASK, 100020, 0);
      v.clob.applyLevel(BID, 100040, 5);
      v.clob.applyLevel(ASK, 100050, 5);
      v.lastTicks = 99990;
      v.setIndex(1e6, 100000);
    }
    expect(ix.markTicks()).toBe(100000);
    expect(mid.markTicks()).toBe(100045);
    // basis 45 ticks, MA = 15 + ½(45 − 15) = 30 → P2 = 100030; P1 = 100000; median(100000, 100030, 99990) = 100000.
    // (The raw mid, 100045, is not a leg of the median.)
    expect((med.cfg.mark as MedianMark).basisEma).toBeCloseTo(30, 12);
    expect(med.markTicks()).toBe(100000);
    // Same timestamp again: no time passed, the MA does not move.
    med.updateMark(1e6);
    expect((med.cfg.mark as MedianMark).basisEma).toBeCloseTo(30, 12);
  });

  it('the funding leg: index × (1 + last rate × time to funding / interval), after the first settlement', () => {
    const v = makePerp(INST, new SeriesFunding('BTCUSDT', [{ tsUs: 8 * 3600e6, rate: 0.0003 }]), sched, new MedianMark(60e6)).perp;
    v.clob.applyLevel(BID, 100090, 5);
    v.clob.applyLevel(ASK, 100110, 5); // mid 100100: basis MA 100 ticks → P2 = 100100
    v.lastTicks = 100200;
    v.setIndex(0, 100000);
    // No rate settled yet: P1 = 100000 → median(100000, 100100, 100200) = 100100.
    expect(v.markTicks()).toBe(100100);
    v.settleFunding(8 * 3600e6);
    expect(v.lastFundingRate).toBe(0.0003);
    // Two hours later, 6 h of the 8 h period left: P1 = 100000 × (1 + 0.0003 × 6/8) = 100022.5;
    // P2 = 100100 (basis unchanged), last 100200 → mark = 100100. Drop the last trade to 100010:
    v.lastTicks = 100010;
    v.setIndex(10 * 3600e6, 100000);
    expect(v.fundingBasis(10 * 3600e6)).toBeCloseTo(0.0003 * 0.75, 15);
    expect(v.markTicks()).toBe(100022.5);
  });

  it('mid falls back to the index on an empty book; median3 is the middle value in every order', () => {
    const v = makePerp(INST, new SeriesFunding('BTCUSDT', []), sched, new MidMark()).perp;
    v.setIndex(0, 123456);
    expect(v.markTicks()).toBe(123456);
    for (const [a, b, c] of [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] as const) expect(median3(a, b, c)).toBe(2);
  });
});
