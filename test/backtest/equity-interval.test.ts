import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barsEquityInterval, parseBacktestConfig, runBacktest } from '../../src/backtest/run.ts';
import { aggregateBars, writeBarsCatalog } from '../../src/data/bars-catalog.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-eqint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const csv = (name: string, stepMin: number, n: number) => {
  const f = join(root, name);
  const t0 = Date.parse('2022-01-01T00:00:00Z');
  writeFileSync(f, ['timestamp,open,high,low,close,volume', ...Array.from({ length: n }, (_, i) => `${new Date(t0 + i * stepMin * 60e3).toISOString()},100,101,99,100.5,1`)].join('\n') + '\n');
  return f;
};

describe('default equity interval of a bar run', () => {
  // Hourly bars were sampled every minute: 45,058 "1m returns" for 751 bars, 56 of every 60 zero,
  // a PSR "from 45,058 returns (kurtosis 1067)".
  it('is the bars\' interval; a tick run keeps 1s; a given interval wins', () => {
    expect(barsEquityInterval(csv('m1.csv', 1, 5))).toBe('1m');
    // Second bars were sampled each minute (59 in 60 lost).
    expect(barsEquityInterval(csv('s30.csv', 0.5, 5))).toBe('30s');
    expect(barsEquityInterval(csv('m15.csv', 15, 5))).toBe('15m');
    expect(barsEquityInterval(csv('h4.csv', 240, 5))).toBe('4h');
    expect(barsEquityInterval(csv('d1.csv', 1440, 5))).toBe('1d');
    expect(barsEquityInterval(join(root, 'missing.csv'))).toBe('1m');
    const strategy = join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts');
    expect(parseBacktestConfig({ strategy, data: csv('h1.csv', 60, 5) }).equityInterval).toBe('1h');
    expect(parseBacktestConfig({ strategy, data: csv('h1b.csv', 60, 5), equityInterval: '5m' }).equityInterval).toBe('5m');
  });

  it.skipIf(!sharedDataAvailable())('hourly bars from the real minute file: a catalog says 1h, and the run samples hourly', async () => {
    const dir = join(root, 'h1-catalog');
    writeBarsCatalog(dir, aggregateBars(readBars(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv')), 3600e6), { source: 'test', builtWith: 'test' });
    expect(barsEquityInterval(dir)).toBe('1h');
    const r = await runBacktest({ strategy: join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'), data: dir, runsDir: join(root, 'runs'), runId: 'h1' });
    expect(r.metrics.returnPeriod).toBe('1h');
    // One return an hour over the 751 bars: never more returns than bars.
    expect(r.metrics.returnCount).toBeLessThan(751);
    expect(r.metrics.returnCount).toBeGreaterThan(740);
  });

  it('a spec of second bars samples each bar (it sampled them each minute)', async () => {
    const { RunSpecSchema } = await import('../../src/world/spec.ts');
    const { codeSource } = await import('../../src/world/spec-file.ts');
    const { runWorld } = await import('../../src/world/run.ts');
    const file = csv('s10-run.csv', 10 / 60, 60);
    const spec = RunSpecSchema.parse({
      venues: [{ id: 'perp', kind: 'perp', data: { bars: { file, execution: 'bar' } } }],
      accounts: [{ id: 'desk', deposits: { USDT: 100_000 }, margin: 'cross' }],
    });
    const r = await runWorld(spec, codeSource(), { runsDir: join(root, 'runs'), runId: 's10' });
    expect(r.manifest.equityIntervalUs).toBe(10e6);
    // The start, every 10 s after it, and the last bar's close.
    const { readArrow } = await import('../../src/results/arrow-io.ts');
    expect(readArrow(join(r.dir, 'equity.arrow')).numRows).toBe(61);
  });
});
