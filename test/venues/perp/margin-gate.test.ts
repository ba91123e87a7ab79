import { describe, expect, it } from 'vitest';
import { ASK, BID } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../../src/market/instrument.ts';
import { CrossMargin, MarginEngine } from '../../../src/risk/index.ts';
import type { OrderReport } from '../../../src/venues/clob/order.ts';
import { SeriesFunding } from '../../../src/venues/perp/index.ts';
import { makePerp } from './helpers.ts';

const INST = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const ID = 'binance-futures:BTCUSDT';

function setup() {
  const h8 = 8 * 3600e6;
  const x = makePerp(INST, new SeriesFunding('BTCUSDT', [{ tsUs: h8, rate: 0 }]), { kind: 'fixed', intervalUs: h8 });
  x.ledger.transfer(0, 'external:deposit', 'desk:cash', 'USDT', 1_000n * 100_000_000n, 'deposit');
  const engine = new MarginEngine({ ledger: x.ledger });
  // One bracket: IM 5 %, MM 3 % of notional (dYdX-style), so the numbers are easy to check by hand.
  engine.registerInstrument({ id: ID, market: INST, kind: 'perp', underlying: 'BTC', tiers: [{ notionalCap: Infinity, imr: 0.05, mmr: 0.03 }] });
  engine.openAccount('desk', new CrossMargin());
  x.perp.attachMargin(engine, ID);
  x.perp.clob.applyLevel(ASK, 400_010, 100_000);
  x.perp.clob.applyLevel(BID, 400_000, 100_000);
  x.perp.setIndex(0, 400_000); // IndexMark: mark = index = 40,000.0 → pushed to the engine
  const reports: OrderReport[] = [];
  x.perp.setListener({ onOrderUpdate: (o) => reports.push(o), onFill: () => {} });
  return { ...x, engine, reports };
}

describe('perp venue pre-trade margin gate', () => {
  it('rejects an order that would breach IM with the reason, passes one within IM, reduce-only always passes', () => {
    const { sim, perp, position, engine, reports } = setup();
    expect(engine.mark('BTC')).toBe(40_000);
    // 1,000 USDT equity. Market buy 0.6 BTC at the 40,001.0 ask: IM after = 0.6 × 40,000 × 5 % = 1,200;
    // equity after = 1,000 − 0.6 × (40,001 − 40,000) = 999.40 → rejected before the CLOB.
    const big = perp.submit({ side: BID, type: 'market', sizeLots: 600 }, perp.clob.book.midTicks());
    expect(big.status).toBe('rejected');
    expect(big.reason).toBe('insufficient margin: IM after 1200.00 > equity 999.40');
    sim.run(1);
    expect(reports.map((r) => [r.id, r.status, r.reason])).toEqual([[big.id, 'rejected', 'insufficient margin: IM after 1200.00 > equity 999.40']]);
    expect(perp.clob.fills).toHaveLength(0);
    expect(position.lots).toBe(0);

    // 0.4 BTC: IM after 800 ≤ equity 999.60 → goes to the CLOB and fills at the ask.
    const ok = perp.submit({ side: BID, type: 'market', sizeLots: 400 }, perp.clob.book.midTicks());
    expect(ok.id).toBe(big.id + 1);
    sim.run(2);
    expect(ok.status).toBe('filled');
    expect(position.lots).toBe(400);

    // Index falls to 39,000: equity = 1,000 + 0.4 × (39,000 − 40,001) = 599.60 < IM 780. Even one more lot is refused…
    perp.setIndex(3, 390_000);
    expect(engine.state('desk').equity).toBeCloseTo(599.6, 9);
    expect(engine.state('desk').im).toBeCloseTo(780, 9);
    const more = perp.submit({ side: BID, type: 'limit', priceTicks: 390_000, sizeLots: 1 }, perp.clob.book.midTicks());
    expect(more.status).toBe('rejected');
    expect(more.reason).toMatch(/^insufficient margin: IM after 781\.95 > equity 599\.60$/);
    // …but a reduce-only sell (larger than the position: the CLOB trims it) always passes the gate.
    const out = perp.submit({ side: ASK, type: 'market', sizeLots: 1_000, reduceOnly: true }, perp.clob.book.midTicks());
    sim.run(4);
    expect(out.status).toBe('filled');
    expect(position.lots).toBe(0);
    expect(perp.clob.stats.ordersRejected).toBe(2);
    expect(engine.state('desk').im).toBe(0);
  });

  it('without an engine attached, submit is the CLOB submit', () => {
    const h8 = 8 * 3600e6;
    const { sim, perp, position } = makePerp(INST, new SeriesFunding('BTCUSDT', [{ tsUs: h8, rate: 0 }]), { kind: 'fixed', intervalUs: h8 });
    perp.clob.applyLevel(ASK, 400_010, 100_000);
    perp.clob.applyLevel(BID, 400_000, 100_000);
    perp.submit({ side: BID, type: 'market', sizeLots: 5_000 }, perp.clob.book.midTicks());
    sim.run(1);
    expect(position.lots).toBe(5_000);
  });
});
