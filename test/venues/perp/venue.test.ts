import { describe, expect, it } from 'vitest';
import { ASK, BID } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../../src/market/instrument.ts';
import { SeriesFunding } from '../../../src/venues/perp/index.ts';
import { makePerp } from './helpers.ts';

const INST = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;

describe('perp venue composes the CLOB venue', () => {
  it('a market order fills on the perp book; funding then charges the filled position at the mark', () => {
    const h8 = 8 * 3600e6;
    const { sim, ledger, position, perp } = makePerp(INST, new SeriesFunding('BTCUSDT', [{ tsUs: h8, rate: 0.0005 }]), { kind: 'fixed', intervalUs: h8 });
    perp.clob.applyLevel(ASK, 400010, 700);
    perp.clob.applyLevel(ASK, 400020, 900);
    perp.clob.applyLevel(BID, 400000, 1000);
    perp.setIndex(0, 400000);
    perp.clob.submit({ side: BID, type: 'market', sizeLots: 1200 }, perp.clob.book.midTicks());
    perp.scheduleFunding(0, h8);
    sim.run();
    // Filled 700 @ 40001.0 and 500 @ 40002.0: long 1.2 BTC.
    expect(position.lots).toBe(1200);
    expect(perp.clob.fills.map((f) => [f.priceTicks, f.sizeLots])).toEqual([[400010, 700], [400020, 500]]);
    expect(perp.openInterestLots()).toBe(1200);
    // Mark = index 40000.0: funding = 1.2 × 40000 × 0.0005 = 24 USDT paid by the long.
    expect(perp.fundingLog[0]!.payment).toBe(2_400_000_000n);
    expect(ledger.balance('desk:cash', 'USDT')).toBe(-2_400_000_000n);
    // Unrealized at the mark: 1.2 × 40000 − (0.7 × 40001 + 0.5 × 40002) = −1.7 USDT.
    expect(position.unrealized(perp.markTicks())).toBe(-170_000_000n);
  });
});

describe('perp venue errors', () => {
  it('funding before any mark is a DataError naming the instrument and time', () => {
    const h8 = 8 * 3600e6;
    const { position, perp } = makePerp(INST, new SeriesFunding('BTCUSDT', [{ tsUs: h8, rate: 0.0001 }]), { kind: 'fixed', intervalUs: h8 });
    position.lots = 5;
    expect(() => perp.settleFunding(h8)).toThrow(/no mark price for BTCUSDT at funding time 1970-01-01T08:00:00.000Z/);
  });
});
