import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { queryRuns } from '../../src/results/query.ts';

/**
 * Bar execution against a reference model of the documented convention (README, "Bars"; the
 * BarSource doc comment), over random bars and random market, limit, stop, trailing-stop and stop-limit orders (fast-check):
 * every fill — which order, when, at what price, maker or taker — and every order left resting
 * must be what the convention says. The reference is written from the documentation alone, one
 * bar at a time and without the engine's event queue, book, venue or skipping of idle points:
 *   - a bar is four points: open at its start (a gap from the last close), then high and low
 *     (up bar, close ≥ open) or low and high (down bar) at +⅓ and +⅔, then close 1 µs before the
 *     next bar; at each point the book is one deep level a side, bid ⌊p(1 − s)⌋, ask ⌈p(1 + s)⌉
 *     in ticks (at least one tick apart);
 *   - at a point, stop orders whose move (from the last point to this one) reaches their trigger
 *     fire first (one already beyond it at the move's start first, then by distance from the
 *     start), filled at the trigger ± slippage, across a gap at the open ± slippage, already beyond
 *     at the start of the move ± slippage; then resting limits whose price the laid book reaches
 *     fill at their own price (maker);
 *   - orders decided on a bar's close arrive just after the next open is laid: market ones fill
 *     there (taker, at the laid ask or bid), limits that cross it take it (taker, at the laid
 *     price), other limits rest, stops start watching from the open;
 *   - a trailing stop's trigger, before each move, is the best price since it arrived (the open,
 *     then each point's) less its trail for a sell, plus it for a buy, rounded to the tick away
 *     from the price; then it fires as a stop does;
 *   - a stop-limit fires as a stop at its trigger, filled there only if that price (± slippage)
 *     is at its limit or better; otherwise it rests as a limit at its limit price from then on.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-bars-ref-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TICK = 0.1;
const MIN_US = 60_000_000;
const T0 = Date.parse('2024-03-01T00:00:00Z') * 1000;

interface Bar {
  open: number;
  high: number;
  low: number;
  close: number;
}
interface PlannedOrder {
  /** Decided on this bar's close. */
  bar: number;
  type: 'market' | 'limit' | 'stop' | 'trail' | 'stoplimit';
  side: 0 | 1;
  /** Limit price or stop trigger, ticks from the decision bar's close; a trailing stop's trail is 10 + 5·|offset| bps. */
  offset: number;
}
interface RefFill {
  tsUs: number;
  tag: string;
  side: 'buy' | 'sell';
  price: number;
  maker: boolean;
}

function reference(bars: Bar[], orders: PlannedOrder[], slippageBps: number): { fills: RefFill[]; resting: string[] } {
  const s = slippageBps / 10_000;
  const ticks = (p: number) => Math.round(p / TICK);
  const stopFill = (p: number, side: 0 | 1) => (side === 0 ? Math.ceil(p * (1 + s) - 1e-9) : Math.floor(p * (1 - s) + 1e-9));
  type Live = { tag: string; side: 0 | 1; type: PlannedOrder['type']; price: number; id: number; trailBps?: number; ext?: number; limit?: number };
  const fills: RefFill[] = [];
  let stops: Live[] = [];
  let limits: Live[] = [];
  let last = NaN;
  const fill = (tsUs: number, o: Live, priceTicks: number, maker: boolean) => fills.push({ tsUs, tag: o.tag, side: o.side === 0 ? 'buy' : 'sell', price: priceTicks * TICK, maker });
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const t = T0 + i * MIN_US;
    const up = b.close >= b.open;
    const points: [number, number][] = [
      [t, b.open],
      [t + MIN_US / 3, up ? b.high : b.low],
      [t + (2 * MIN_US) / 3, up ? b.low : b.high],
      [t + MIN_US - 1, b.close],
    ];
    points.forEach(([ts, p], j) => {
      const to = p / TICK;
      const from = Number.isNaN(last) ? to : last;
      const gap = j === 0;
      const hits: { o: Live; at: number; rank: number }[] = [];
      for (const o of stops) {
        if (o.trailBps !== undefined) {
          // Trailing: the trigger trails the best price before this move, rounded away from the price; then the best moves on.
          const ext = o.ext ?? from;
          o.price = o.side === 1 ? Math.floor(ext * (1 - o.trailBps / 10_000) + 1e-9) : Math.ceil(ext * (1 + o.trailBps / 10_000) - 1e-9);
          o.ext = o.side === 1 ? Math.max(ext, to) : Math.min(ext, to);
        }
        if (o.side === 0 ? from >= o.price : from <= o.price) hits.push({ o, at: from, rank: -1 });
        else if (o.side === 0 ? to >= o.price : to <= o.price) hits.push({ o, at: gap ? to : o.price, rank: Math.abs(o.price - from) });
      }
      hits.sort((x, y) => x.rank - y.rank || x.o.id - y.o.id);
      for (const h of hits) {
        const px = stopFill(h.at, h.o.side);
        // A stop-limit fills as a stop only at its limit or better; else it rests as that limit.
        if (h.o.limit !== undefined && (h.o.side === 0 ? px > h.o.limit : px < h.o.limit)) limits.push({ ...h.o, price: h.o.limit });
        else fill(ts, h.o, px, false);
      }
      stops = stops.filter((o) => !hits.some((h) => h.o === o));
      last = to;
      const bid = Math.floor((p * (1 - s)) / TICK + 1e-9);
      let ask = Math.ceil((p * (1 + s)) / TICK - 1e-9);
      if (ask <= bid) ask = bid + 1;
      const crossed = limits.filter((o) => (o.side === 0 ? ask <= o.price : bid >= o.price));
      for (const o of crossed) fill(ts, o, o.price, true);
      limits = limits.filter((o) => !crossed.includes(o));
      if (j !== 0) return;
      // Orders decided on the previous close arrive now.
      orders.forEach((po, id) => {
        if (po.bar !== i - 1) return;
        const o: Live = { tag: `o${id}`, side: po.side, type: po.type, price: ticks(bars[i - 1]!.close) + po.offset, id, ...(po.type === 'trail' ? { trailBps: 10 + 5 * Math.abs(po.offset) } : {}), ...(po.type === 'stoplimit' ? { limit: ticks(bars[i - 1]!.close) + po.offset + stopLimitGap(po) } : {}) };
        if (po.type === 'stop' || po.type === 'trail' || po.type === 'stoplimit') stops.push(o);
        else if (po.type === 'market') fill(ts, o, po.side === 0 ? ask : bid, false);
        else if (po.side === 0 ? o.price >= ask : o.price <= bid) fill(ts, o, po.side === 0 ? ask : bid, false);
        else limits.push(o);
      });
    });
  }
  return { fills, resting: [...stops, ...limits].map((o) => o.tag).sort() };
}

/** A stop-limit's limit in ticks from its trigger: from 1 tick worse than it to 3 better, by side. */
function stopLimitGap(o: PlannedOrder): number {
  const g = (Math.abs(o.offset) % 5) - 1;
  return o.side === 0 ? g : -g;
}

/** A strategy that submits the planned orders on their bars' closes, tagged o<index>. */
function strategySource(orders: PlannedOrder[]): string {
  return `import { defineStrategy, z } from 'primesim';
const PLAN = ${JSON.stringify(orders)};
export default defineStrategy({
  name: 'bar-plan', description: 'planned orders', params: z.strictObject({}), subscribe: { book: 'none' },
  create() {
    let k = 0;
    return {
      onBar(c, bar) {
        const close = Math.round(bar.close / 0.1);
        PLAN.forEach((o, id) => {
          if (o.bar !== k) return;
          const tag = 'o' + id;
          if (o.type === 'market') c.submit({ side: o.side, type: 'market', sizeLots: 1, tag });
          else if (o.type === 'trail') c.submit({ side: o.side, type: 'stop', trailBps: 10 + 5 * Math.abs(o.offset), sizeLots: 1, tag });
          else if (o.type === 'stoplimit') c.submit({ side: o.side, type: 'stop', priceTicks: close + o.offset, limitTicks: close + o.offset + (o.side === 0 ? 1 : -1) * ((Math.abs(o.offset) % 5) - 1), sizeLots: 1, tag });
          else c.submit({ side: o.side, type: o.type, priceTicks: close + o.offset, sizeLots: 1, tag });
        });
        k++;
      },
    };
  },
});
`;
}

/** Random bars on the 0.1 grid: a walk of closes, opens that sometimes gap, highs and lows around them. */
const barsArb = fc
  .array(fc.record({ gap: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -30, max: 30 })), move: fc.integer({ min: -40, max: 40 }), up: fc.integer({ min: 0, max: 25 }), down: fc.integer({ min: 0, max: 25 }) }), { minLength: 4, maxLength: 14 })
  .map((steps) => {
    let close = 1000; // ticks: 100.0
    return steps.map((st) => {
      const open = Math.max(50, close + st.gap);
      const c = Math.max(50, open + st.move);
      const high = Math.max(open, c) + st.up;
      const low = Math.max(1, Math.min(open, c) - st.down);
      close = c;
      // The prices as the CSV writes and the reader parses them (one decimal).
      const px = (x: number) => Number((x * TICK).toFixed(1));
      return { open: px(open), high: px(high), low: px(low), close: px(c) };
    });
  });

const caseArb = barsArb.chain((bars) =>
  fc.record({
    bars: fc.constant(bars),
    orders: fc.array(
      fc.record({
        bar: fc.integer({ min: 0, max: bars.length - 2 }),
        type: fc.constantFrom('market' as const, 'limit' as const, 'limit' as const, 'stop' as const, 'stop' as const, 'trail' as const, 'stoplimit' as const),
        side: fc.constantFrom(0 as const, 1 as const),
        offset: fc.integer({ min: -60, max: 60 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    slippageBps: fc.constantFrom(0, 5, 25),
  }),
);

const fmt = (x: number) => x.toFixed(1);

describe('bar execution against a reference model of the documented convention (fast-check)', () => {
  it('every fill (order, time, price, maker/taker) and every order left resting, on random bars and orders', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ bars, orders, slippageBps }) => {
        const k = n++;
        const csv = join(root, `bars-${k}.csv`);
        writeFileSync(csv, ['timestamp,open,high,low,close,volume', ...bars.map((b, i) => `${new Date((T0 + i * MIN_US) / 1000).toISOString().replace('T', ' ').replace('Z', '')},${fmt(b.open)},${fmt(b.high)},${fmt(b.low)},${fmt(b.close)},10`)].join('\n'));
        const strat = join(root, `plan-${k}.ts`);
        writeFileSync(strat, strategySource(orders));
        const r = await runBacktest({ strategy: strat, data: csv, slippageBps, fees: '0:0', capital: 1e9, runsDir: join(root, 'runs'), runId: `case-${k}`, equityInterval: '1h' });
        const got = (await queryRuns([r.dir], 'SELECT f.ts_us, o.tag, f.side, f.price, f.liquidity FROM fills f JOIN orders o ON o.order_id = f.order_id')).rows.map((x) => ({ tsUs: Number(x[0]), tag: String(x[1]), side: String(x[2]) as RefFill['side'], price: Number(Number(x[3]).toFixed(6)), maker: x[4] === 'maker' }));
        const resting = (await queryRuns([r.dir], "SELECT tag FROM orders WHERE status = 'open' ORDER BY tag")).rows.map((x) => String(x[0]));
        const want = reference(bars, orders, slippageBps);
        const key = (f: RefFill) => `${f.tsUs} ${f.tag}`;
        const sort = (xs: RefFill[]) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        expect(sort(got)).toEqual(sort(want.fills.map((f) => ({ ...f, price: Number(f.price.toFixed(6)) }))));
        expect(resting).toEqual(want.resting);
        rmSync(r.dir, { recursive: true, force: true });
      }),
      { seed: 20261207, numRuns: 40 },
    );
  }, 300_000);
});
