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
 * tick more than grademark's frictionless open.
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

describe('bar execution against grademark (an independent bar backtester)', () => {
  it('SMA 10/20 crossover on the real minute bars: the same round trips, at the same next-bar opens', async () => {
    // The reference: the CSV parsed plainly, SMAs from technicalindicators, grademark's backtest.
    const lines = readFileSync(FILE, 'utf8').trim().split('\n').slice(1);
    const bars = lines.map((l) => {
      const [ts, open, high, low, close, volume] = l.split(',');
      return { time: new Date(`${ts!.replace(' ', 'T')}Z`), open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
    });
    const closes = bars.map((b) => b.close);
    const f = SMA.calculate({ period: 10, values: closes });
    const s = SMA.calculate({ period: 20, values: closes });
    const diff = bars.map((_, i) => (i >= 19 ? f[i - 9]! - s[i - 19]! : NaN));
    const rows = bars.map((b, i) => ({ ...b, diff: diff[i]!, prevDiff: i > 0 ? diff[i - 1]! : NaN }));
    type Row = (typeof rows)[number];
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
});
