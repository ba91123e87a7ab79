import { ASK, Atr, BID, defineStrategy, priceToTicks, RollingMax, RollingMin, z } from 'primesim';

/**
 * Donchian breakout with a bracket, both ways (bar venues). A close above the highest high of the
 * `period` bars before it buys `size` at the next open; a close below their lowest low sells it.
 * As soon as the entry fills, the position gets two reduce-only exits: a take-profit limit
 * `takeAtr` ATRs away and a trailing stop `trailBps` behind the best price since. Whichever fills
 * first closes the position, and the venue cancels the other (a reduce-only order never outlives
 * what it reduces), so the two act as one-cancels-the-other without the strategy tracking them.
 */
export default defineStrategy({
  name: 'breakout-bracket',
  description: 'Donchian breakout, long and short, with a take-profit and a trailing stop.',
  params: z.strictObject({
    period: z.coerce.number().int().min(2).default(55),
    atr: z.coerce.number().int().min(2).default(14),
    /** Take-profit distance in ATRs from the entry fill. */
    takeAtr: z.coerce.number().positive().default(3),
    /** Trailing stop, basis points behind the best price since entry. */
    trailBps: z.coerce.number().gt(0).lt(10_000).default(150),
    /** Position size in base units (e.g. 1 BTC). */
    size: z.coerce.number().positive().default(1),
    /** Also sell breakouts down (on a spot cash account only longs are possible: set false). */
    shorts: z.coerce.boolean().default(true),
  }),
  subscribe: { book: 'none' },
  create(ctx, p) {
    const inst = ctx.instrument;
    if (inst.kind === 'inverse') throw new Error(`${inst.symbol} is an inverse contract: size the entry in contracts (this example trades linear and spot instruments)`);
    const lots = Math.round(p.size / (Number(inst.lotSize) * inst.multiplier));
    if (lots < 1) throw new Error(`size ${p.size} is under one lot of ${inst.symbol} (${inst.lotSize} ${inst.base}): give at least that`);
    const hi = new RollingMax(p.period);
    const lo = new RollingMin(p.period);
    const atr = new Atr(p.atr);
    return {
      onBar(c, bar) {
        // The channel of the bars before this one: a close beyond it is the breakout.
        const up = hi.ready && bar.close > hi.value;
        const down = lo.ready && bar.close < lo.value;
        hi.update(bar.high);
        lo.update(bar.low);
        atr.update(bar.high, bar.low, bar.close);
        if (!atr.ready || c.positionLots !== 0 || c.openOrders().length > 0) return;
        if (up) c.submit({ side: BID, type: 'market', sizeLots: lots, tag: 'entry-long' });
        else if (down && p.shorts) c.submit({ side: ASK, type: 'market', sizeLots: lots, tag: 'entry-short' });
      },
      onFill(c, f) {
        // The entry filled: bracket the position at once (the exits reach the venue with the
        // entry latency, before the path moves on).
        if (c.positionLots === 0 || c.openOrders().length > 0) return;
        const long = c.positionLots > 0;
        const held = Math.abs(c.positionLots);
        const entry = f.priceTicks * Number(inst.tickSize);
        const take = priceToTicks(inst, long ? entry + p.takeAtr * atr.value : entry - p.takeAtr * atr.value);
        c.submit({ side: long ? ASK : BID, priceTicks: take, sizeLots: held, reduceOnly: true, tag: 'take-profit' });
        c.submit({ side: long ? ASK : BID, type: 'stop', trailBps: p.trailBps, sizeLots: held, reduceOnly: true, tag: 'trailing-stop' });
      },
    };
  },
});
