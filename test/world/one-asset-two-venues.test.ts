import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataEndNotes } from '../../src/cli/cmd-run.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { runWorld } from '../../src/world/run.ts';
import { codeSource } from '../../src/world/spec-file.ts';
import { RunSpecSchema } from '../../src/world/spec.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-two-venues-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LEAN = join(PACKAGE_ROOT, '..', 'shared', 'data', 'lean');
const BYBIT = join(LEAN, 'cryptofuture_bybit_minute_btcusdt_20221213_trade.zip');
const BINANCE = join(LEAN, 'cryptofuture_binance_minute_btcusd_20221213_trade.zip');

/** A cross-venue basis position: long 0.5 BTC of Bybit's BTCUSDT, short 85 100-USD contracts of Binance's BTCUSD, held. */
const HOLD = `import { ASK, BID, defineStrategy, z } from 'primesim';
export default defineStrategy({
  name: 'hold-basis', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) {
    let sent = false;
    return {
      onBar() {
        if (sent) return;
        sent = true;
        ctx.venue('bybit').submit({ side: BID, type: 'market', sizeLots: 500, tag: 'long' });
        ctx.venue('binance').submit({ side: ASK, type: 'market', sizeLots: 85, tag: 'short' });
      },
    };
  },
});
`;

describe('one asset on two venues (Bybit BTCUSDT and Binance COIN-M BTCUSD minute bars)', () => {
  it('the asset has one price — the first venue of it, the next once its data ends — and the margin engine values each perp at its own mark', async () => {
    const file = join(root, 'hold.ts');
    writeFileSync(file, HOLD);
    const spec = RunSpecSchema.parse({
      venues: [
        { id: 'bybit', kind: 'perp', data: { bars: { file: BYBIT, execution: 'bar' } } },
        { id: 'binance', kind: 'perp', data: { bars: { file: BINANCE, execution: 'bar' } } },
      ],
      accounts: [{ id: 'desk', deposits: { USDT: 100_000, BTC: 2 }, margin: 'cross' }],
      agents: [{ strategy: file, account: 'desk', venues: ['bybit', 'binance'] }],
      record: { equityInterval: '1m' },
    });
    const r = await runWorld(spec, codeSource(), { runsDir: join(root, 'runs'), runId: 'hold' });
    expect(r.metrics.venuePosition).toMatchObject({ bybit: { lots: 500 }, binance: { lots: -85 } });
    // The wallet's BTC at each whole minute is the laid book's mid at that bar's open (open + half
    // a tick with no slippage): Bybit's (tick 0.5) while its file lasts (to 12:01), then Binance's
    // (tick 0.1). Both venues lay an open at every minute; whichever moved last priced it before.
    const by = readBars(BYBIT);
    const bn = readBars(BINANCE);
    const bybitOpen = new Map(Array.from(by.tsUs, (t, i) => [t, by.open[i]!]));
    const binanceOpen = new Map(Array.from(bn.tsUs, (t, i) => [t, bn.open[i]!]));
    const bybitEnd = by.tsUs[by.tsUs.length - 1]! + by.intervalUs;
    const rows = (await queryRuns([r.dir], 'SELECT ts_us, deposits FROM equity ORDER BY ts_us')).rows.map((x) => x.map(Number));
    let checked = 0;
    let afterHandover = 0;
    for (const [ts, deposits] of rows) {
      const price = ts! < bybitEnd ? bybitOpen.get(ts!)! + 0.25 : binanceOpen.get(ts!)! + 0.05;
      if (!Number.isFinite(price)) continue; // a sample at a fill, between bar opens
      expect(deposits).toBeCloseTo(100_000 + 2 * price, 6);
      checked++;
      if (ts! >= bybitEnd) afterHandover++;
    }
    expect(checked).toBeGreaterThan(1400);
    expect(afterHandover).toBeGreaterThan(700);
    // The engine's equity (BTC counts in full: it margins the COIN-M contract) is the wallet's at
    // every sample: each perp at its own mark. Each took the other's index × its own old premium
    // whenever the other moved, 51 USDT off at worst.
    const diff = (await queryRuns([r.dir], 'SELECT count(*), max(abs(m.equity - e.equity) / e.equity) FROM margin m JOIN equity e USING (ts_us, account)')).rows[0]!.map(Number);
    expect(diff[0]).toBe(rows.length);
    expect(diff[1]).toBeLessThan(1e-9);
  });

  it('a spec whose venues all execute on bars samples equity at the bar interval unless it says otherwise', async () => {
    const spec = (record?: { equityInterval: string }) =>
      RunSpecSchema.parse({
        venues: [{ id: 'bybit', kind: 'perp', data: { bars: { file: BYBIT, execution: 'bar' } } }],
        accounts: [{ id: 'desk', deposits: { USDT: 100_000 }, margin: 'cross' }],
        ...(record ? { record } : {}),
      });
    // A second's sampling of minute bars had 59 zero returns in 60 (and the statistics counted them).
    const byDefault = await runWorld(spec(), codeSource(), { runsDir: join(root, 'runs'), runId: 'default-interval' });
    expect(byDefault.manifest.equityIntervalUs).toBe(60e6);
    const ts = (await queryRuns([byDefault.dir], 'SELECT ts_us FROM equity ORDER BY ts_us')).rows.map((x) => Number(x[0]));
    const by = readBars(BYBIT);
    // The start, every minute after it, and the last bar's close.
    expect(ts.length).toBe(by.tsUs.length + 1);
    expect(ts.slice(0, -1)).toEqual(Array.from(by.tsUs));
    const explicit = await runWorld(spec({ equityInterval: '1s' }), codeSource(), { runsDir: join(root, 'runs'), runId: 'explicit-interval' });
    expect(explicit.manifest.equityIntervalUs).toBe(1e6);
    expect((await queryRuns([explicit.dir], 'SELECT count(*) FROM equity')).rows[0]!.map(Number)[0]).toBeGreaterThan(60 * by.tsUs.length - 60);
  });

  it('an order to a venue whose data has ended is rejected, not filled at its frozen book', async () => {
    const by = readBars(BYBIT);
    const bybitEnd = by.tsUs[by.tsUs.length - 1]! + by.intervalUs;
    const file = join(root, 'late.ts');
    // On Binance's first bar half an hour after Bybit's last: a market buy on Bybit (it filled at
    // Bybit's noon price, hours old), and one on Binance, which still trades.
    writeFileSync(file, `import { BID, defineStrategy, z } from 'primesim';
export default defineStrategy({
  name: 'late', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) {
    let sent = false;
    return {
      onBar(c, bar, venue) {
        if (sent || venue !== 'binance' || bar.tsUs < ${bybitEnd + 30 * 60e6}) return;
        sent = true;
        ctx.venue('bybit').submit({ side: BID, type: 'market', sizeLots: 100, tag: 'late' });
        ctx.venue('binance').submit({ side: BID, type: 'market', sizeLots: 10, tag: 'live' });
      },
    };
  },
});
`);
    const spec = RunSpecSchema.parse({
      venues: [
        { id: 'bybit', kind: 'perp', data: { bars: { file: BYBIT, execution: 'bar' } } },
        { id: 'binance', kind: 'perp', data: { bars: { file: BINANCE, execution: 'bar' } } },
      ],
      accounts: [{ id: 'desk', deposits: { USDT: 100_000, BTC: 2 }, margin: 'cross' }],
      agents: [{ strategy: file, account: 'desk', venues: ['bybit', 'binance'] }],
    });
    const r = await runWorld(spec, codeSource(), { runsDir: join(root, 'runs'), runId: 'late' });
    const orders = (await queryRuns([r.dir], 'SELECT venue, tag, status, reason, filled_lots FROM orders ORDER BY venue')).rows.map((x) => x.map(String));
    expect(orders).toEqual([
      ['binance', 'live', 'filled', '', '10'],
      ['bybit', 'late', 'rejected', 'no market data at bybit after 2022-12-13T12:00:59.999Z: its book is frozen there', '0'],
    ]);
    expect(r.metrics.rejectedOrders).toBe(1);
    // The run's summary says so (Binance's file runs to 23:59:59.999, Bybit's to 12:00:59.999).
    expect(dataEndNotes(r.world)).toBe("note: bybit's data ends at 2022-12-13T12:00:59.999Z, 12 h before the run's: from then its book and mark stand still and orders (and amends) there are refused\n\n");
    expect(r.metrics.venuePosition).toMatchObject({ bybit: { lots: 0 }, binance: { lots: 10 } });
  });

  it('an amend reaching a venue after its data has ended is refused: the order keeps its terms, a cancel still works', async () => {
    const by = readBars(BYBIT);
    const bybitEnd = by.tsUs[by.tsUs.length - 1]! + by.intervalUs;
    const file = join(root, 'amend-late.ts');
    // A buy limit rests on Bybit at 15,000 from the first bar; half an hour after Bybit's data ends
    // it is amended to 20,000 (marketable at Bybit's frozen book: it filled there), and a second
    // resting order is cancelled.
    writeFileSync(file, `import { BID, defineStrategy, z } from 'primesim';
export default defineStrategy({
  name: 'amend-late', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) {
    let step = 0;
    let a = 0;
    let b = 0;
    return {
      onBar(c, bar, venue) {
        const v = ctx.venue('bybit');
        if (step === 0) {
          a = v.submit({ side: BID, type: 'limit', priceTicks: 30000, sizeLots: 100, tag: 'amended' }).id;
          b = v.submit({ side: BID, type: 'limit', priceTicks: 29000, sizeLots: 100, tag: 'cancelled' }).id;
          step = 1;
        } else if (step === 1 && venue === 'binance' && bar.tsUs >= ${bybitEnd + 30 * 60e6}) {
          v.amend(a, 40000, 100);
          v.cancel(b);
          step = 2;
        }
      },
      onOrderUpdate(c, o, venue) {
        if (o.reason.startsWith('amend refused')) c.record('refusals', { id: o.id, reason: o.reason, price: o.priceTicks });
      },
    };
  },
});
`);
    const spec = RunSpecSchema.parse({
      venues: [
        { id: 'bybit', kind: 'perp', data: { bars: { file: BYBIT, execution: 'bar' } } },
        { id: 'binance', kind: 'perp', data: { bars: { file: BINANCE, execution: 'bar' } } },
      ],
      accounts: [{ id: 'desk', deposits: { USDT: 100_000, BTC: 2 }, margin: 'cross' }],
      agents: [{ strategy: file, account: 'desk', venues: ['bybit', 'binance'] }],
    });
    const r = await runWorld(spec, codeSource(), { runsDir: join(root, 'runs'), runId: 'amend-late' });
    const orders = (await queryRuns([r.dir], 'SELECT tag, status, price_ticks, filled_lots FROM orders ORDER BY order_id')).rows.map((x) => x.map(String));
    expect(orders).toEqual([
      ['amended', 'open', '30000', '0'],
      ['cancelled', 'cancelled', '29000', '0'],
    ]);
    const refusals = (await queryRuns([r.dir], 'SELECT reason, price FROM strategy_refusals')).rows.map((x) => x.map(String));
    expect(refusals).toEqual([['amend refused: no market data at bybit after 2022-12-13T12:00:59.999Z: its book is frozen there', '30000']]);
  });
});

