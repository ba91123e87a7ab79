import { ASK, BID, defineStrategy, z } from 'primesim';

/**
 * Taker on trade-flow imbalance: an exponentially weighted net aggressor volume; when it
 * exceeds a threshold, cross the spread with an IOC in its direction, then flatten after a
 * holding period. A simple momentum baseline that pays spread and taker fees.
 */
export default defineStrategy({
  name: 'trade-flow-taker',
  description: 'IOC orders in the direction of recent aggressive flow; exits after a holding time.',
  params: z.strictObject({
    halfLifeMs: z.coerce.number().positive().default(2000),
    thresholdLots: z.coerce.number().positive().default(2000),
    sizeLots: z.coerce.number().int().positive().default(5),
    holdMs: z.coerce.number().positive().default(5000),
    maxPositionLots: z.coerce.number().int().positive().default(20),
  }),
  subscribe: { book: 'none', trades: true },
  create(ctx, p) {
    let flow = 0;
    let lastUs = ctx.nowUs;
    let enteredUs = -Infinity;
    const decayPerUs = Math.LN2 / (p.halfLifeMs * 1000);
    return {
      onStart(c) {
        c.setTimer(250_000);
      },
      onTrade(c, t) {
        flow *= Math.exp(-(t.tsUs - lastUs) * decayPerUs);
        lastUs = t.tsUs;
        flow += t.aggressor === BID ? t.sizeLots : -t.sizeLots;
        const pos = c.positionLots;
        if (c.openOrders().length > 0) return;
        if (flow > p.thresholdLots && pos + p.sizeLots <= p.maxPositionLots) {
          c.submit({ side: BID, priceTicks: c.book.bestAsk, sizeLots: p.sizeLots, tif: 'IOC', tag: 'entry' });
          enteredUs = c.nowUs;
        } else if (flow < -p.thresholdLots && pos - p.sizeLots >= -p.maxPositionLots) {
          c.submit({ side: ASK, priceTicks: c.book.bestBid, sizeLots: p.sizeLots, tif: 'IOC', tag: 'entry' });
          enteredUs = c.nowUs;
        }
      },
      onTimer(c) {
        const pos = c.positionLots;
        if (pos !== 0 && c.nowUs - enteredUs >= p.holdMs * 1000 && c.openOrders().length === 0) {
          c.submit({ side: pos > 0 ? ASK : BID, type: 'market', sizeLots: Math.abs(pos), reduceOnly: true, tag: 'exit' });
        }
      },
    };
  },
});
