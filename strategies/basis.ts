import { ASK, BID, defineStrategy, z } from 'primesim';

/**
 * Cash-and-carry basis: hold spot against a short perpetual of the same asset, one account, one
 * clock. Builds the position in slices while the perp bids at least `entryBps` over the spot ask
 * (IOC at the spot ask), and hedges every spot fill at once with a market sell on the perp, so
 * the account stays delta-neutral within one perp lot. Spot is paid for in cash (the spot venue
 * checks the wallet); the short perp is margined by the shared engine.
 */
export default defineStrategy({
  name: 'basis',
  description: 'Long spot, short perp in hedged slices (cash-and-carry).',
  params: z.strictObject({
    spot: z.string().default('spot'),
    perp: z.string().default('perp'),
    /** Spot holding to build, in base units (e.g. BTC). */
    targetQty: z.coerce.number().positive().default(0.05),
    /** Spot bought per slice, in base units; a multiple of the perp lot keeps the hedge exact. */
    sliceQty: z.coerce.number().positive().default(0.005),
    /** Enter while (perp bid − spot ask) / spot ask ≥ entryBps. */
    entryBps: z.coerce.number().default(-5),
    /** Wait between two entry slices. */
    cooldownMs: z.coerce.number().nonnegative().default(2000),
  }),
  subscribe: { book: 'bbo' },
  create(ctx, p) {
    const spot = ctx.venue(p.spot);
    const perp = ctx.venue(p.perp);
    const spotLot = Number(spot.instrument.lotSize);
    const perpLot = Number(perp.instrument.lotSize) * perp.instrument.multiplier;
    const spotTick = Number(spot.instrument.tickSize);
    const perpTick = Number(perp.instrument.tickSize);
    let lastEntryUs = -Infinity;
    return {
      onBook(c) {
        if (spot.openOrders().length > 0 || perp.openOrders().length > 0) return;
        const spotQty = spot.positionLots * spotLot;
        const shortQty = -perp.positionLots * perpLot;
        // Hedge first: sell on the perp what spot bought beyond the short.
        const gapLots = Math.floor((spotQty - shortQty) / perpLot + 1e-9);
        if (gapLots > 0) {
          perp.submit({ side: ASK, type: 'market', sizeLots: gapLots, tag: 'hedge' });
          return;
        }
        if (spotQty >= p.targetQty - spotLot / 2 || c.nowUs - lastEntryUs < p.cooldownMs * 1000) return;
        const ask = spot.book.bestAsk * spotTick;
        const bid = perp.book.bestBid * perpTick;
        if (!(ask > 0 && bid > 0) || ((bid - ask) / ask) * 1e4 < p.entryBps) return;
        const qty = Math.min(p.sliceQty, p.targetQty - spotQty);
        spot.submit({ side: BID, priceTicks: spot.book.bestAsk, sizeLots: Math.round(qty / spotLot), tif: 'IOC', tag: 'entry' });
        lastEntryUs = c.nowUs;
      },
    };
  },
});
