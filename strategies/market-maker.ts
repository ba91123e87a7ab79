import { ASK, BID, defineStrategy, z } from 'primesim';
import type { OrderView } from 'primesim';

/**
 * Inventory-skewed market maker (Avellaneda–Stoikov in spirit): quote around a reservation price
 * that leans against inventory, post-only, one order per side, requote only when the target
 * moves by more than `requoteTicks` so queue priority is not thrown away on every tick.
 */
export default defineStrategy({
  name: 'market-maker',
  description: 'Post-only two-sided quotes around mid, skewed against inventory.',
  params: z.strictObject({
    spreadBps: z.coerce.number().positive().default(2),
    sizeLots: z.coerce.number().int().positive().default(10),
    maxPositionLots: z.coerce.number().int().positive().default(100),
    skewBpsPerLot: z.coerce.number().nonnegative().default(0.02),
    requoteTicks: z.coerce.number().int().nonnegative().default(2),
  }),
  subscribe: { book: 'bbo' },
  create(ctx, p) {
    const quotes: [OrderView | undefined, OrderView | undefined] = [undefined, undefined];
    const live = (o: OrderView | undefined) => o !== undefined && (o.status === 'open' || o.status === 'pending');

    function quote(side: typeof BID | typeof ASK, target: number | undefined): void {
      const cur = quotes[side];
      if (target === undefined) {
        if (live(cur)) ctx.cancel(cur!.id);
        return;
      }
      if (live(cur)) {
        if (Math.abs(cur!.priceTicks - target) <= p.requoteTicks || cur!.pendingAmend) return;
        ctx.amend(cur!.id, target, p.sizeLots);
        return;
      }
      quotes[side] = ctx.submit({ side, priceTicks: target, sizeLots: p.sizeLots, postOnly: true, tag: side === BID ? 'bid' : 'ask' });
    }

    return {
      onBook(c) {
        const mid = c.book.midTicks();
        if (!Number.isFinite(mid)) return;
        const pos = c.positionLots;
        const reservation = mid * (1 - (p.skewBpsPerLot * pos) / 1e4);
        const half = (mid * p.spreadBps) / 2 / 1e4;
        const bid = Math.min(Math.floor(reservation - half), c.book.bestAsk - 1);
        const ask = Math.max(Math.ceil(reservation + half), c.book.bestBid + 1);
        quote(BID, pos + p.sizeLots <= p.maxPositionLots ? bid : undefined);
        quote(ASK, pos - p.sizeLots >= -p.maxPositionLots ? ask : undefined);
      },
      onOrderUpdate(_c, o) {
        if (o.status === 'rejected' || o.status === 'cancelled') {
          if (quotes[o.side]?.id === o.id) quotes[o.side] = undefined;
        }
      },
      onEnd(c) {
        c.cancelAll();
      },
    };
  },
});
