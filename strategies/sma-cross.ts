import { ASK, BID, defineStrategy, Sma, z } from 'primesim';

/**
 * SMA crossover, long only, fixed size: buy `size` when the fast SMA of closes crosses above
 * the slow one, sell it all when it crosses back below. Runs on a bar-execution venue (data
 * `bars` with `execution: bar`): decisions on a bar's close fill at the next bar's open.
 * The averages are primesim's streaming `Sma` (a running sum over a ring buffer: no allocation
 * per bar); `Ema`, `Rsi`, `Atr`, `Bollinger`, `Macd`, `RollingMax`/`RollingMin` work the same way.
 */
export default defineStrategy({
  name: 'sma-cross',
  description: 'SMA fast/slow crossover, long-only, fixed size.',
  params: z.strictObject({
    fast: z.coerce.number().int().positive().default(10),
    slow: z.coerce.number().int().positive().default(20),
    /** Position size in base units (e.g. 1 BTC; on an inverse contract, its USD value at the decision close). */
    size: z.coerce.number().positive().default(1),
    // In the schema, not in create(): a sweep checks every grid point's parameters before it runs any.
  }).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  subscribe: { book: 'none' },
  create(ctx, p) {
    const fast = new Sma(p.fast);
    const slow = new Sma(p.slow);
    let prevDiff = NaN;
    const inst = ctx.instrument;
    // Linear and spot: lots of base units. Inverse (coin-margined, contracts of `multiplier` USD):
    // as many contracts as `size` base units are worth at the close the order is decided on.
    const unit = Number(inst.lotSize) * inst.multiplier;
    const lotsAt = (close: number) => Math.round(inst.kind === 'inverse' ? (p.size * close) / unit : p.size / unit);
    // A size under half a lot rounds to no order at all: said at the start, not at the first cross.
    if (inst.kind !== 'inverse' && lotsAt(0) < 1) throw new Error(`size ${p.size} is under one lot of ${inst.symbol} (${unit} ${inst.base}): give at least that`);
    return {
      onBar(c, bar) {
        fast.update(bar.close);
        slow.update(bar.close);
        if (!slow.ready) return;
        const diff = fast.value - slow.value;
        // The position the venue reported, not the orders sent: an entry the desk rejected (a
        // cash account short of the price) leaves it flat, and the next cross up tries again
        // instead of selling what it never bought.
        if (prevDiff <= 0 && diff > 0) {
          // (Inverse: `size` BTC is worth whole 100-USD contracts only above a price; below, no entry.)
          const lots = lotsAt(bar.close);
          if (lots > 0 && c.positionLots === 0 && c.openOrders().length === 0) c.submit({ side: BID, type: 'market', sizeLots: lots, tag: 'enter' });
        } else if (prevDiff >= 0 && diff < 0) {
          const held = c.positionLots;
          if (held > 0 && c.openOrders().length === 0) c.submit({ side: ASK, type: 'market', sizeLots: held, tag: 'exit' });
        }
        prevDiff = diff;
      },
    };
  },
});
