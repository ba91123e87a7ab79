import { BID, defineStrategy, parseDurationUs, router, z } from 'primesim';

/**
 * Works one parent order through the smart order router (`ctx.route`) on a schedule:
 * - `twap`: equal slices at equal intervals over the horizon;
 * - `vwap`: slices in proportion to the traded volume of the warm-up window, bucketed like the
 *   horizon (the profile is learned from the data before the start, never from the future);
 * - `pov`: after every market trade, route up to `participation` of the volume, ours included
 *   (q / (V + q) = ρ), in children of at least `minChild`;
 * - `is`: implementation shortfall, the Almgren–Chriss trajectory with σ, η and γ measured during
 *   the warm-up (realised mid volatility, the book's walk concession for one slice, Kyle's λ).
 * The warm-up (`warmup` before the start) only observes. Every slice is a routing decision across
 * the venues the agent may trade (books and pools); the router records `routes` and `tca`.
 * The schedule and the calibration are recorded as `strategy_schedule` and `strategy_calibration`.
 */
const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);

export default defineStrategy({
  name: 'execute',
  description: 'Work a parent order through the smart order router: TWAP, VWAP, POV or implementation shortfall (Almgren–Chriss).',
  params: z.strictObject({
    side: z.enum(['sell', 'buy']).default('sell'),
    /** Base units (e.g. ETH) to trade. */
    qty: z.coerce.number().positive().default(100),
    algo: z.enum(['twap', 'vwap', 'pov', 'is']).default('twap'),
    /** Observation before the start: VWAP's volume profile, IS's σ, η and γ. */
    warmup: z.string().default('60s'),
    horizon: z.string().default('4m'),
    slices: z.coerce.number().int().positive().default(8),
    /** POV: target share of the traded volume (ours included). */
    participation: z.coerce.number().gt(0).lt(1).default(0.1),
    /** POV: smallest child, base units. */
    minChild: z.coerce.number().positive().default(0.05),
    /** IS: Almgren–Chriss risk aversion λ (per quote unit). */
    riskAversion: z.coerce.number().nonnegative().default(1e-5),
    /** Venue ids to route to (default: all the agent may trade). */
    venues: list.optional(),
    route: z.enum(['public', 'private', 'auto']).default('public'),
    slippageBps: z.coerce.number().int().min(0).max(9999).default(50),
    tipGwei: z.coerce.number().nonnegative().default(1),
    limitPrice: z.coerce.number().positive().optional(),
  }),
  subscribe: { book: 'bbo', trades: true },
  create(ctx, p) {
    const warmupUs = parseDurationUs(p.warmup, 'warmup');
    const horizonUs = parseDurationUs(p.horizon, 'horizon', { positive: true });
    const book0 = ctx.venueIds[0] !== undefined ? ctx.venue(ctx.venueIds[0]) : undefined;
    const tick = book0 ? Number(book0.instrument.tickSize) : 1;
    const lot = book0 ? Number(book0.instrument.lotSize) * book0.instrument.multiplier : 1;
    // What the warm-up sees: mids, trades, and per-second mid changes against signed volume.
    const mids: { ts: number[]; mid: number[] } = { ts: [], mid: [] };
    const trades: { ts: number[]; size: number[] } = { ts: [], size: [] };
    const secMid = new Map<number, number>();
    const secVol = new Map<number, number>();
    let startUs = 0;
    let endUs = 0;
    let routed = 0;
    let marketVolume = 0;
    let started = false;
    let sched: router.Schedule | undefined;
    const px = new Float64Array(200);
    const sz = new Float64Array(200);
    const order = (qty: number) => ({
      id: `${p.algo}-${p.side}`, side: p.side, qty,
      ...(p.venues ? { venues: p.venues } : {}),
      route: p.route, slippageBps: p.slippageBps, tipGwei: p.tipGwei,
      ...(p.limitPrice !== undefined ? { limitPrice: p.limitPrice } : {}),
    });
    const send = (c: typeof ctx, qty: number, slice: number) => {
      const q = Math.min(qty, p.qty - routed);
      if (!(q > 1e-9)) return;
      // Remainders (short IOCs, reverted swaps) are re-routed until the run ends.
      const d = c.route({ ...order(q), deadlineUs: c.endUs });
      routed += q;
      c.record('schedule', { slice, ts_us: c.nowUs, qty: q, sent: d.qty, expected_cost: d.expectedCost, routed_total: routed });
    };
    return {
      onStart(c) {
        startUs = c.nowUs + warmupUs;
        endUs = Math.min(startUs + horizonUs, c.endUs);
        if (!(endUs > startUs)) throw new Error(`the run ends before the order can start (warm-up ${p.warmup})`);
        c.timerAt(startUs, -1);
      },
      onBook(c, venueId) {
        if (started || venueId !== ctx.venueIds[0]) return;
        const mid = c.book.midTicks() * tick;
        mids.ts.push(c.nowUs);
        mids.mid.push(mid);
        const s = Math.floor(c.nowUs / 1e6);
        if (!secMid.has(s)) secMid.set(s, mid);
      },
      onTrade(c, t, venueId) {
        if (venueId !== ctx.venueIds[0]) return;
        const size = t.sizeLots * lot;
        if (!started) {
          trades.ts.push(t.tsUs);
          trades.size.push(size);
          const s = Math.floor(t.tsUs / 1e6);
          // Aggressor BID = a buyer lifted the ask: positive signed volume.
          secVol.set(s, (secVol.get(s) ?? 0) + (t.aggressor === BID ? size : -size));
          return;
        }
        if (p.algo !== 'pov' || c.nowUs > endUs) return;
        marketVolume += size;
        const target = Math.min(p.qty, router.povTarget(marketVolume, p.participation));
        if (target - routed >= p.minChild) send(c, target - routed, -1);
      },
      onEnd(c) {
        if (p.algo === 'pov') c.record('pov', { start_us: startUs, end_us: endUs, market_volume: marketVolume, routed: routed, participation: p.participation });
      },
      onTimer(c, tag) {
        if (tag >= 0) {
          send(c, sched!.slices[tag]!, tag);
          return;
        }
        started = true;
        if (p.algo === 'pov') return;
        sched = schedule(c);
        for (let k = 0; k < sched.tsUs.length; k++) c.timerAt(sched.tsUs[k]!, k);
      },
    };

    function schedule(c: typeof ctx): router.Schedule {
      if (p.algo === 'twap') return router.twapSchedule(p.qty, startUs, endUs, p.slices);
      if (p.algo === 'vwap') {
        const profile = router.volumeProfile(trades.ts, trades.size, startUs - warmupUs, startUs, p.slices);
        c.record('calibration', { algo: 'vwap', sigma: NaN, eta: NaN, gamma: NaN, kappa: NaN, profile: Array.from(profile, (x) => x.toFixed(3)).join(' ') });
        return router.vwapSchedule(p.qty, startUs, endUs, profile);
      }
      // Implementation shortfall: σ, η, γ from the warm-up.
      const sigma = router.realisedVol(mids.ts, mids.mid);
      const tauS = (endUs - startUs) / 1e6 / p.slices;
      const n = book0 ? book0.book.levels(p.side === 'sell' ? 0 : 1, 200, px, sz) : 0;
      for (let j = 0; j < n; j++) { px[j] = px[j]! * tick; sz[j] = sz[j]! * lot; }
      const eta = Math.max(1e-12, router.temporaryImpact(px.subarray(0, n), sz.subarray(0, n), p.qty / p.slices, tauS));
      const secs = [...secMid.keys()].sort((a, b) => a - b);
      const dm: number[] = [];
      const vol: number[] = [];
      for (let i = 1; i < secs.length; i++) {
        dm.push(secMid.get(secs[i]!)! - secMid.get(secs[i - 1]!)!);
        vol.push(secVol.get(secs[i - 1]!) ?? 0);
      }
      // Capped so that η − γτ/2 stays positive (AC's condition for a convex problem).
      const gamma = Math.min(router.kyleLambda(dm, vol), (1.9 * eta) / tauS);
      const ac = { qty: p.qty, horizonS: (endUs - startUs) / 1e6, slices: p.slices, sigma, eta, gamma, lambda: p.riskAversion };
      c.record('calibration', { algo: 'is', sigma, eta, gamma, kappa: router.almgrenChrissKappa(ac), profile: '' });
      return router.almgrenChrissSchedule(ac, startUs);
    }
  },
});
