import { describe, expect, it } from 'vitest';
import { ASK, BID } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../../src/market/instrument.ts';
import { IndexMark, MedianMark, MidMark, SeriesFunding, median3 } from '../../../src/venues/perp/index.ts';
import { makePerp } from './helpers.ts';

const INST = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const sched = { kind: 'fixed', intervalUs: 8 * 3600e6 } as const;

describe('mark price modes, by hand', () => {
  it('index, mid and median(index×(1+basis EMA), mid, last)', () => {
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
    // basis = 100015/100000 − 1 = 1.5e-4 (seeds the EMA) → index×(1+EMA) = 100015; median(100015, 100015, 100030).
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
    // basis 4.5e-4, EMA = 1.5e-4 + ½(4.5e-4 − 1.5e-4) = 3e-4 → 100030; median(100030, 100045, 99990) = 100030.
    expect((med.cfg.mark as MedianMark).basisEma).toBeCloseTo(3e-4, 12);
    expect(med.markTicks()).toBe(100030);
    // Same timestamp again: no time passed, the EMA does not move.
    med.updateMark(1e6);
    expect((med.cfg.mark as MedianMark).basisEma).toBeCloseTo(3e-4, 12);
  });

  it('mid falls back to the index on an empty book; median3 is the middle value in every order', () => {
    const v = makePerp(INST, new SeriesFunding('BTCUSDT', []), sched, new MidMark()).perp;
    v.setIndex(0, 123456);
    expect(v.markTicks()).toBe(123456);
    for (const [a, b, c] of [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] as const) expect(median3(a, b, c)).toBe(2);
  });
});
