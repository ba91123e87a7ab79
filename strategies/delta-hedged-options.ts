import { ASK, BID, defineStrategy, z } from 'primesim';

/**
 * Delta-hedged short options: at the start, sell a strangle on the first expiry of the options
 * venue (the call and the put whose Black-76 delta is nearest `legDelta`), then every
 * `hedgeEveryMinutes` check the portfolio delta — the options' premium-adjusted coin delta plus
 * the perp position — and when it is outside ±`bandCoins`, send a market order on the perp that
 * brings it to `targetDelta` (whole lots, so at most half a lot remains). Every check is written
 * to the `strategy_hedges` table: delta before, lots sent, and delta after the fill.
 */
export default defineStrategy({
  name: 'delta-hedged-options',
  description: 'Sell a 25-delta strangle, hedge its delta with a perp inside a band.',
  params: z.strictObject({
    /** Options venue id (default: the first options venue the agent may trade). */
    options: z.string().optional(),
    /** Hedge when |portfolio delta| exceeds this many coins of underlying. */
    bandCoins: z.coerce.number().positive().default(0.5),
    /** |Black-76 delta| of the legs to sell (0.25 = 25-delta strangle). */
    legDelta: z.coerce.number().gt(0).lt(1).default(0.25),
    /** Lots sold per leg. */
    legLots: z.coerce.number().int().positive().default(100),
    /** Hedge back to this delta, not just to the band edge, so the next check starts centred. */
    targetDelta: z.coerce.number().default(0),
    hedgeEveryMinutes: z.coerce.number().positive().default(15),
  }),
  subscribe: { book: 'none' },
  create(ctx, p) {
    const optId = p.options ?? ctx.optionsIds[0] ?? '';
    const perp = ctx.venue(ctx.venueIds[0]!);
    const lotCoins = Number(perp.instrument.lotSize) * perp.instrument.multiplier;
    const delta = () => ctx.options(optId).greeks().delta + perp.positionLots * lotCoins;
    const pending = new Map<number, { tsUs: number; before: number; lots: number; filled: number }>();
    const SELL = 1;
    const sell = () => {
        const opt = ctx.options(optId);
        const live = opt.contracts();
        const first = Math.min(...live.map((k) => k.expiryUs));
        let call: { symbol: string; err: number } | undefined;
        let put: { symbol: string; err: number } | undefined;
        for (const k of live) {
          if (k.expiryUs !== first) continue;
          const err = Math.abs(Math.abs(opt.mark(k.symbol).deltaUsd) - p.legDelta);
          if (k.kind === 'call' && (!call || err < call.err)) call = { symbol: k.symbol, err };
          if (k.kind === 'put' && (!put || err < put.err)) put = { symbol: k.symbol, err };
        }
        if (!call || !put) throw new Error('the first expiry needs at least one call and one put');
        opt.trade(call.symbol, -p.legLots);
        opt.trade(put.symbol, -p.legLots);
    };
    return {
      onStart(c) {
        // Sell once the first prices are in (timers run after the data at the same instant).
        c.timerAt(c.nowUs, SELL);
        c.setTimer(Math.round(p.hedgeEveryMinutes * 60e6));
      },
      onTimer(c, tag) {
        if (tag === SELL) return sell();
        const d = delta();
        if (Math.abs(d) <= p.bandCoins) {
          c.record('hedges', { ts_us: c.nowUs, phase: 'check', delta_before: d, lots: 0, delta_after: d });
          return;
        }
        const lots = Math.round((p.targetDelta - d) / lotCoins);
        if (lots === 0) return;
        const o = perp.submit({ side: lots > 0 ? BID : ASK, type: 'market', sizeLots: Math.abs(lots), tag: 'hedge' });
        pending.set(o.id, { tsUs: c.nowUs, before: d, lots, filled: 0 });
      },
      onFill(c, f) {
        const h = pending.get(f.orderId);
        if (!h) return;
        h.filled += f.sizeLots;
        if (h.filled < Math.abs(h.lots)) return;
        pending.delete(f.orderId);
        c.record('hedges', { ts_us: h.tsUs, phase: 'hedge', delta_before: h.before, lots: h.lots, delta_after: delta() });
      },
      onOrderUpdate(c, o) {
        // A hedge that ends without filling completely (rejected, cancelled, partly filled).
        const h = pending.get(o.id);
        if (!h || o.status === 'open' || o.status === 'pending' || o.status === 'filled') return;
        pending.delete(o.id);
        c.record('hedges', { ts_us: h.tsUs, phase: `hedge_${o.status}`, delta_before: h.before, lots: h.lots, delta_after: delta() });
      },
    };
  },
});
