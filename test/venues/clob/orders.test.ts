import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASK, BID } from '../../../src/market/book.ts';
import { makeVenue } from '../../helpers/venue.ts';
import type { OrderRequest } from '../../../src/venues/clob/order.ts';

function withBook(opts: Parameters<typeof makeVenue>[0] = {}) {
  const v = makeVenue(opts);
  // bids 100:10 99:20 98:30 | asks 101:10 102:20 103:30
  for (const [p, s] of [[100, 10], [99, 20], [98, 30]] as const) v.venue.applyLevel(BID, p, s);
  for (const [p, s] of [[101, 10], [102, 20], [103, 30]] as const) v.venue.applyLevel(ASK, p, s);
  return v;
}

describe('CLOB own orders', () => {
  // A JavaScript strategy's `side: 'buy'` was a sell: anything that was not BID counted as ASK.
  it('a request a compiler would have caught is refused, naming the field; nothing is booked', () => {
    const { venue } = makeVenue();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ side: 'buy', type: 'market', sizeLots: 5 }, /^field side: order side "buy" is not BID \(0\) or ASK \(1\)/],
      [{ side: 2, type: 'market', sizeLots: 5 }, /^field side: order side 2 is not BID/],
      [{ side: BID, type: 'Market', sizeLots: 5 }, /^field type: order type "Market" is not limit, market or stop \(did you mean 'market'\?\)$/],
      [{ side: BID, priceTicks: 1000, sizeLots: 5, tif: 'GTD' }, /^field tif: time in force "GTD" is not GTC, IOC or FOK$/],
      [{ side: BID, priceTicks: 1000, sizeLots: 5, tif: 'gtc' }, /^field tif: time in force "gtc" is not GTC, IOC or FOK \(did you mean 'GTC'\?\)$/],
      [{ side: ASK, type: 'market', sizeLots: 0 }, /^field sizeLots: order size 0 lots is not a positive integer$/],
      [{ side: ASK, priceTicks: 100.5, sizeLots: 1 }, /^field priceTicks: limit order price 100.5 ticks is not a positive integer$/],
    ];
    for (const [req, want] of bad) expect(() => venue.submit(req as unknown as OrderRequest, 100.5), JSON.stringify(req)).toThrow(want);
    expect(venue.orderCount).toBe(0);
  });

  // An amend to 950.5 ticks rested and filled at a fractional tick; one to -5 ticks rested.
  it('an amend takes a positive whole price and size, as a new order does', () => {
    const { venue, flush } = withBook();
    const o = venue.submit({ side: BID, priceTicks: 90, sizeLots: 5 }, 100.5);
    flush();
    expect(() => venue.amend(o.id, 95.5, 5)).toThrow(/^field priceTicks: amend price 95.5 ticks is not a positive integer$/);
    expect(() => venue.amend(o.id, -5, 5)).toThrow(/^field priceTicks: amend price -5 ticks is not a positive integer$/);
    expect(() => venue.amend(o.id, 95, 0)).toThrow(/^field sizeLots: amend size 0 lots is not a positive integer \(cancel the order to take it off\)$/);
    flush();
    expect([o.priceTicks, o.sizeLots, o.status]).toEqual([90, 5, 'open']);
  });

  it('a market order walks the book, pays taker fees, and fills at each level price', () => {
    const { venue, flush, position } = withBook({ takerBps: 5 });
    const o = venue.submit({ side: BID, type: 'market', sizeLots: 25 }, 100.5);
    flush();
    expect(o.status).toBe('filled');
    expect(venue.fills.map((f) => [f.priceTicks, f.sizeLots, f.maker])).toEqual([
      [101, 10, false],
      [102, 15, false],
    ]);
    expect(position.lots).toBe(25);
    expect(position.fees).toBeGreaterThan(0n);
  });

  it('own taker liquidity is consumed until the replayed book refreshes the level (no double fills)', () => {
    const { venue, flush } = withBook();
    venue.submit({ side: BID, type: 'market', sizeLots: 10 }, 100.5);
    flush();
    const o2 = venue.submit({ side: BID, priceTicks: 101, sizeLots: 5, tif: 'IOC' }, 100.5);
    flush();
    expect(o2.filledLots).toBe(0); // the 10 lots at 101 were already taken by us
    venue.applyLevel(ASK, 101, 8); // the feed refreshes the level
    const o3 = venue.submit({ side: BID, priceTicks: 101, sizeLots: 5, tif: 'IOC' }, 100.5);
    flush();
    expect(o3.filledLots).toBe(5);
  });

  it('IOC cancels its remainder; FOK rejects when the limit cannot fill it whole', () => {
    const { venue, flush } = withBook();
    const ioc = venue.submit({ side: ASK, priceTicks: 99, sizeLots: 50, tif: 'IOC' }, 100.5);
    flush();
    expect(ioc.filledLots).toBe(30);
    expect(ioc.status).toBe('cancelled');
    const fok = venue.submit({ side: BID, priceTicks: 102, sizeLots: 31, tif: 'FOK' }, 100.5);
    flush();
    expect(fok.status).toBe('rejected');
    expect(fok.filledLots).toBe(0);
    const fok2 = venue.submit({ side: BID, priceTicks: 102, sizeLots: 30, tif: 'FOK' }, 100.5);
    flush();
    expect(fok2.status).toBe('filled');
  });

  it('post-only rejects a marketable order; reduce-only never increases the position', () => {
    const { venue, flush, position } = withBook();
    const po = venue.submit({ side: BID, priceTicks: 101, sizeLots: 1, postOnly: true }, 100.5);
    flush();
    expect(po.status).toBe('rejected');
    const ro = venue.submit({ side: ASK, type: 'market', sizeLots: 3, reduceOnly: true }, 100.5);
    flush();
    expect(ro.status).toBe('rejected');
    venue.submit({ side: BID, type: 'market', sizeLots: 4 }, 100.5);
    flush();
    const ro2 = venue.submit({ side: ASK, type: 'market', sizeLots: 10, reduceOnly: true }, 100.5);
    flush();
    expect(ro2.filledLots).toBe(4);
    expect(position.lots).toBe(0);
  });

  it('a resting reduce-only order is cut as the position shrinks and cancelled once it is closed (it used to open the other way)', () => {
    const { venue, flush, position, sim } = withBook();
    venue.submit({ side: BID, type: 'market', sizeLots: 6 }, 100.5);
    flush();
    expect(position.lots).toBe(6);
    const tp = venue.submit({ side: ASK, priceTicks: 105, sizeLots: 6, reduceOnly: true }, 100.5);
    flush();
    // Another order sells 4: the take-profit is cut to the 2 left, keeping its place.
    venue.submit({ side: ASK, type: 'market', sizeLots: 4 }, 100.5);
    flush();
    expect([position.lots, tp.status, tp.sizeLots]).toEqual([2, 'open', 2]);
    // The rest sold: nothing left to reduce, the take-profit is cancelled with the reason.
    venue.submit({ side: ASK, type: 'market', sizeLots: 2 }, 100.5);
    flush();
    expect([position.lots, tp.status, tp.reason]).toEqual([0, 'cancelled', 'reduce-only: no position left to reduce']);
    // The book later trades through 105: nothing fills, the position stays flat.
    venue.applyTrade(sim.nowUs, BID, 106, 50);
    flush();
    expect(position.lots).toBe(0);
  });

  it('whatever mix of orders, trades and amends fills, a reduce-only fill never adds to the position nor flips it (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ side: fc.constantFrom(BID, ASK), market: fc.boolean(), price: fc.integer({ min: 97, max: 104 }), size: fc.integer({ min: 1, max: 15 }), ro: fc.boolean(), trade: fc.option(fc.record({ aggressor: fc.constantFrom(BID, ASK), price: fc.integer({ min: 97, max: 104 }), size: fc.integer({ min: 1, max: 40 }) })), amend: fc.option(fc.record({ which: fc.nat(), price: fc.integer({ min: 97, max: 104 }), size: fc.integer({ min: 1, max: 30 }) })) }),
          { minLength: 1, maxLength: 40 },
        ),
        (steps) => {
          const { venue, flush, position, sim } = withBook();
          const byId = new Map<number, boolean>();
          let before = 0;
          venue.setFillObserver((_ts, f) => {
            const after = f.positionLots;
            if (byId.get(f.orderId)) {
              // Reduce-only: |position| falls and its sign never changes.
              expect(Math.abs(after)).toBeLessThan(Math.abs(before));
              expect(Math.sign(after) === 0 || Math.sign(after) === Math.sign(before)).toBe(true);
            }
            before = after;
          });
          for (const s of steps) {
            const o = venue.submit(s.market ? { side: s.side, type: 'market', sizeLots: s.size, reduceOnly: s.ro } : { side: s.side, priceTicks: s.price, sizeLots: s.size, reduceOnly: s.ro }, 100.5);
            byId.set(o.id, s.ro);
            flush();
            if (s.trade) {
              venue.applyTrade(sim.nowUs, s.trade.aggressor, s.trade.price, s.trade.size);
              flush();
            }
            if (s.amend) {
              // Amend one of the orders sent so far (a done one's amend is ignored), up or down.
              const id = 1 + (s.amend.which % venue.orderCount);
              if (venue.orderById(id)?.status === 'open') {
                venue.amend(id, s.amend.price, s.amend.size);
                flush();
              }
            }
          }
          expect(Number.isInteger(position.lots)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('a resting order fills as maker when the print trades through its price or the book crosses it', () => {
    const { venue, flush } = withBook({ makerBps: -0.5 });
    const o = venue.submit({ side: BID, priceTicks: 99, sizeLots: 5 }, 100.5);
    flush();
    venue.applyTrade(1, 1, 98, 1); // sell print below our bid: we were hit first
    expect(o.status).toBe('filled');
    expect(venue.fills[0]!.maker).toBe(true);
    expect(venue.fills[0]!.fee).toBeLessThan(0n); // rebate
    const a = venue.submit({ side: ASK, priceTicks: 103, sizeLots: 2 }, 100.5);
    flush();
    venue.applyLevel(BID, 103, 7); // the book moves through our ask
    venue.checkCrossed(2);
    expect(a.status).toBe('filled');
    expect(venue.fills[1]!.priceTicks).toBe(103);
  });

  it('amend: a size decrease keeps queue priority, a price change goes to the back', () => {
    const { venue, flush } = withBook();
    const o = venue.submit({ side: BID, priceTicks: 99, sizeLots: 10 }, 100.5);
    flush();
    expect(o.ahead).toBe(20);
    venue.applyTrade(1, 1, 99, 5);
    expect(o.ahead).toBe(15);
    venue.amend(o.id, 99, 6);
    flush();
    expect(o.ahead).toBe(15);
    expect(o.sizeLots).toBe(6);
    venue.amend(o.id, 98, 6);
    flush();
    expect(o.priceTicks).toBe(98);
    expect(o.ahead).toBe(30);
  });

  it('cancel removes a resting order; later prints do not fill it', () => {
    const { venue, flush } = withBook();
    const o = venue.submit({ side: BID, priceTicks: 100, sizeLots: 5 }, 100.5);
    flush();
    venue.cancel(o.id);
    flush();
    expect(o.status).toBe('cancelled');
    venue.applyTrade(1, 1, 99, 100);
    expect(o.filledLots).toBe(0);
  });

  it('rejects bad order sizes and prices with the field name', () => {
    const { venue } = withBook();
    expect(() => venue.submit({ side: BID, priceTicks: 100, sizeLots: 0 }, 100)).toThrow(/sizeLots/);
    expect(() => venue.submit({ side: BID, priceTicks: -3, sizeLots: 1 }, 100)).toThrow(/priceTicks/);
  });
});
