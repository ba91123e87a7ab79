import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMA } from 'technicalindicators';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';

/**
 * Differential test of bar execution against an independent bar backtester: grademark 0.3.0
 * (MIT, github.com/grademark/grademark), whose `backtest` enters and exits at the next bar's open
 * after a rule fires on a bar. Both run an SMA 10/20 crossover, long only, on the 45,031 real
 * one-minute BTC-perp bars; the reference's indicators come from `technicalindicators`, ours from
 * primesim's `Sma`, the reference's bars from a plain parse of the CSV, ours from primesim's reader.
 *
 * The strategy here decides with grademark's timing, which is the one thing of its that differs
 * from a bar-by-bar strategy: no rule runs until its lookback (21 bars) is full, and none on the
 * bar whose open executes an entry or an exit. With the same decisions, every round trip must open
 * and close at the same bars at the same opens — except that primesim's laid book has at least a
 * one-tick spread (bid = the open, ask = the open + 0.1 at zero slippage), so an entry costs one
 * tick more than grademark's frictionless open. With a stop-loss, grademark exits at the stop when a
 * bar's low reaches it, even a bar that opened below it; primesim fills a stop that the price is
 * already beyond at the open it gapped to (on these bars: a stop placed on the entry bar whose next
 * bar opens below it), so those trades differ by exactly that.
 */
const require = createRequire(import.meta.url);
// grademark is CommonJS and takes a data-forge DataFrame.
const { backtest } = require('grademark') as { backtest: (strategy: object, input: object) => GmTrade[] };
const { DataFrame } = require('data-forge') as { DataFrame: new (rows: object[]) => object };

interface GmTrade {
  direction: string;
  entryTime: Date;
  entryPrice: number;
  exitTime: Date;
  exitPrice: number;
  exitReason: string;
  holdingPeriod: number;
}

const root = mkdtempSync(join(tmpdir(), 'primesim-grademark-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILE = join(PACKAGE_ROOT, '..', 'shared', 'data', 'bars', 'btc-perp-20211231-20220201_1m.csv');
const LOOKBACK = 21;

const STRATEGY = `import { ASK, BID, defineStrategy, Sma, z } from 'primesim';
export default defineStrategy({
  name: 'sma-cross-grademark-timing', description: 'SMA 10/20 cross, rules on grademark bars', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) {
    const fast = new Sma(10);
    const slow = new Sma(20);
    let prev = NaN;
    let n = 0;
    // none → entering (bought on this close, fills at the next open) → long → exiting → none
    let state = 'none';
    return {
      onBar(c, bar) {
        fast.update(bar.close);
        slow.update(bar.close);
        const d = slow.ready ? fast.value - slow.value : NaN;
        const p = prev;
        prev = d;
        if (++n < ${LOOKBACK}) return;
        if (state === 'entering') { state = 'long'; return; }
        if (state === 'exiting') { state = 'none'; return; }
        if (state === 'none' && p <= 0 && d > 0) {
          c.submit({ side: BID, type: 'market', sizeLots: 1000, tag: 'enter' });
          state = 'entering';
        } else if (state === 'long' && p >= 0 && d < 0) {
          c.submit({ side: ASK, type: 'market', sizeLots: c.positionLots, tag: 'exit' });
          state = 'exiting';
        }
      },
    };
  },
});
`;

/** The reference's inputs: the CSV parsed plainly, SMA 10/20 from technicalindicators (made once). */
let rowsMade: ReturnType<typeof makeReferenceRows> | undefined;
const referenceRows = () => (rowsMade ??= makeReferenceRows());
function makeReferenceRows() {
  const lines = readFileSync(FILE, 'utf8').trim().split('\n').slice(1);
  const bars = lines.map((l) => {
    const [ts, open, high, low, close, volume] = l.split(',');
    return { time: new Date(`${ts!.replace(' ', 'T')}Z`), open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
  });
  const closes = bars.map((b) => b.close);
  const f = SMA.calculate({ period: 10, values: closes });
  const s = SMA.calculate({ period: 20, values: closes });
  const diff = bars.map((_, i) => (i >= 19 ? f[i - 9]! - s[i - 19]! : NaN));
  return bars.map((b, i) => ({ ...b, diff: diff[i]!, prevDiff: i > 0 ? diff[i - 1]! : NaN }));
}
type Row = ReturnType<typeof makeReferenceRows>[number];

/** Stop-loss distance: the stop sits this fraction below the entry bar's open (on the 0.1 grid). */
const STOP = 0.004;

/**
 * The same crossover with a protective stop-market order, in grademark's timing: placed on the
 * entry bar's close (grademark checks its stop from the bar after the entry), cancelled when the
 * exit rule fires (the exit is reduce-only: a stop that fired at the same open leaves it nothing);
 * a bar on which the stop fired runs no rule, as in grademark.
 */
const STOP_STRATEGY = `import { ASK, BID, defineStrategy, Sma, z } from 'primesim';
export default defineStrategy({
  name: 'sma-cross-stop-grademark-timing', description: 'SMA 10/20 cross with a stop, rules on grademark bars', params: z.strictObject({}), subscribe: { book: 'none' },
  create() {
    const fast = new Sma(10);
    const slow = new Sma(20);
    let prev = NaN;
    let n = 0;
    let state = 'none';
    let stop = -1;
    return {
      onBar(c, bar) {
        fast.update(bar.close);
        slow.update(bar.close);
        const d = slow.ready ? fast.value - slow.value : NaN;
        const p = prev;
        prev = d;
        if (++n < ${LOOKBACK}) return;
        if (state === 'entering') {
          state = 'long';
          stop = c.submit({ side: ASK, type: 'stop', priceTicks: Math.round((bar.open * (1 - ${STOP})) / 0.1), sizeLots: 1000, tag: 'stop' }).id;
          return;
        }
        if (state === 'exiting' || (state === 'long' && c.positionLots === 0)) { state = 'none'; return; }
        if (state === 'none' && p <= 0 && d > 0) {
          c.submit({ side: BID, type: 'market', sizeLots: 1000, tag: 'enter' });
          state = 'entering';
        } else if (state === 'long' && p >= 0 && d < 0) {
          c.cancel(stop);
          c.submit({ side: ASK, type: 'market', sizeLots: 1000, reduceOnly: true, tag: 'exit' });
          state = 'exiting';
        }
      },
    };
  },
});
`;

describe('bar execution against grademark (an independent bar backtester)', () => {
  it('SMA 10/20 crossover on the real minute bars: the same round trips, at the same next-bar opens', async () => {
    const rows = referenceRows();
    const trades = backtest(
      {
        lookbackPeriod: LOOKBACK,
        entryRule: (enter: () => void, a: { bar: Row }) => {
          if (a.bar.prevDiff <= 0 && a.bar.diff > 0) enter();
        },
        exitRule: (exit: () => void, a: { bar: Row }) => {
          if (a.bar.prevDiff >= 0 && a.bar.diff < 0) exit();
        },
      },
      new DataFrame(rows),
    );

    const strat = join(root, 'sma-grademark.ts');
    writeFileSync(strat, STRATEGY);
    const r = await runBacktest({ strategy: strat, data: FILE, runsDir: join(root, 'runs'), runId: 'gm', equityInterval: '1h', fees: '0:0' });
    const got = (await queryRuns([r.dir], 'SELECT status, open_ts_us, close_ts_us, entry_price, exit_price, direction FROM trades ORDER BY trip')).rows;

    // grademark closes a position still open after the last bar at that bar's close ("finalize");
    // primesim keeps it as an open round trip.
    const closed = trades.filter((t) => t.exitReason === 'exit-rule');
    const last = trades[trades.length - 1]!;
    expect(closed.length).toBeGreaterThan(1000);
    expect(trades.length - closed.length).toBeLessThanOrEqual(1);
    expect(got.length).toBe(trades.length);
    for (let k = 0; k < closed.length; k++) {
      const t = closed[k]!;
      const g = got[k]!;
      expect(g[0]).toBe('closed');
      expect(g[5]).toBe('long');
      // A fill lands at the open of the bar grademark executes on (time in µs).
      expect(Number(g[1])).toBe(t.entryTime.getTime() * 1000);
      expect(Number(g[2])).toBe(t.exitTime.getTime() * 1000);
      // Entry: grademark's open plus the laid book's one tick (0.1); exit: the open itself.
      expect(Number(g[3])).toBeCloseTo(t.entryPrice + 0.1, 9);
      expect(Number(g[4])).toBeCloseTo(t.exitPrice, 9);
    }
    if (last.exitReason === 'finalize') {
      const g = got[got.length - 1]!;
      expect(g[0]).toBe('open');
      expect(Number(g[1])).toBe(last.entryTime.getTime() * 1000);
      expect(Number(g[3])).toBeCloseTo(last.entryPrice + 0.1, 9);
    }
  }, 120_000);
  it('with a stop-loss: stops fill at grademark\'s stop price, except across a gap (at the open: grademark ignores gaps)', async () => {
    const rows = referenceRows();
    const stopOf = (entry: number) => Math.round((entry * (1 - STOP)) / 0.1) * 0.1;
    const trades = backtest(
      {
        lookbackPeriod: LOOKBACK,
        entryRule: (enter: () => void, a: { bar: Row }) => {
          if (a.bar.prevDiff <= 0 && a.bar.diff > 0) enter();
        },
        exitRule: (exit: () => void, a: { bar: Row }) => {
          if (a.bar.prevDiff >= 0 && a.bar.diff < 0) exit();
        },
        stopLoss: (a: { entryPrice: number }) => a.entryPrice - stopOf(a.entryPrice),
      },
      new DataFrame(rows),
    );
    const strat = join(root, 'sma-stop-grademark.ts');
    writeFileSync(strat, STOP_STRATEGY);
    const r = await runBacktest({ strategy: strat, data: FILE, runsDir: join(root, 'runs'), runId: 'gm-stop', equityInterval: '1h', fees: '0:0' });
    const got = (await queryRuns([r.dir], 'SELECT status, open_ts_us, close_ts_us, entry_price, exit_price FROM trades ORDER BY trip')).rows;
    const barAt = new Map(rows.map((b, i) => [b.time.getTime() * 1000, i]));
    const stops = trades.filter((t) => t.exitReason === 'stop-loss');
    const closed = trades.filter((t) => t.exitReason !== 'finalize');
    expect(stops.length).toBeGreaterThan(100);
    expect(closed.length - stops.length).toBeGreaterThan(100);
    expect(got.length).toBe(trades.length);
    let gaps = 0;
    for (let k = 0; k < closed.length; k++) {
      const t = closed[k]!;
      const g = got[k]!;
      expect(g[0]).toBe('closed');
      expect(Number(g[1])).toBe(t.entryTime.getTime() * 1000);
      expect(Number(g[3])).toBeCloseTo(t.entryPrice + 0.1, 9);
      const exitBar = barAt.get(t.exitTime.getTime() * 1000)!;
      const open = rows[exitBar]!.open;
      if (t.exitReason === 'stop-loss') {
        // Fired inside the bar grademark names (its open, or a point after it), at the stop —
        // or at the open when the bar opened below the stop.
        const ts = Number(g[2]);
        expect(Math.floor(ts / 60e6) * 60e6).toBe(t.exitTime.getTime() * 1000);
        const gap = open < t.exitPrice - 1e-9;
        if (gap) gaps++;
        expect(Number(g[4])).toBeCloseTo(gap ? open : t.exitPrice, 9);
      } else {
        expect(Number(g[2])).toBe(t.exitTime.getTime() * 1000);
        expect(Number(g[4])).toBeCloseTo(t.exitPrice, 9);
      }
    }
    // The real minute bars do gap through stops now and then.
    expect(gaps).toBeGreaterThan(0);
  }, 120_000);
});

