import { BID, defineStrategy, z } from 'primesim';

/**
 * Goes long `leverage` × equity with one market order at `entryAt` (or the first book), then
 * holds: a probe of the margin engine. At high leverage a real move against it ends in the
 * liquidation engine; at low leverage it does not. Sizes with the account's equity from the
 * shared engine, so fees and the mark are those of the run.
 */
export default defineStrategy({
  name: 'leveraged-long',
  description: 'One market buy of leverage × equity, then hold.',
  params: z.strictObject({
    leverage: z.coerce.number().positive().default(2),
    /** ISO time of entry; default the first book. */
    entryAt: z.string().optional(),
  }),
  subscribe: { book: 'bbo' },
  create(ctx, p) {
    const entryUs = p.entryAt === undefined ? -Infinity : Date.parse(p.entryAt) * 1000;
    let done = false;
    return {
      onBook(c) {
        if (done || c.nowUs < entryUs) return;
        done = true;
        const inst = c.instrument;
        const price = c.book.bestAsk * Number(inst.tickSize);
        const qty = (c.account.equity() * p.leverage) / price;
        const lots = Math.floor(qty / (Number(inst.lotSize) * inst.multiplier));
        if (lots > 0) c.submit({ side: BID, type: 'market', sizeLots: lots, tag: 'entry' });
      },
    };
  },
});
