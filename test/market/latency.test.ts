import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { ConstantLatency, EmpiricalLatency, parseDurationUs, parseLatencyModel } from '../../src/market/latency.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-lat-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('latency models', () => {
  it('parse durations and specs; bad ones name the field', () => {
    expect(parseDurationUs('2ms')).toBe(2000);
    expect(parseDurationUs('150us')).toBe(150);
    expect(parseDurationUs('1.5s')).toBe(1_500_000);
    expect(parseLatencyModel('2ms')).toBeInstanceOf(ConstantLatency);
    expect(() => parseDurationUs('fast', 'latency-entry')).toThrow(/field latency-entry/);
    const file = join(root, 'samples.txt');
    writeFileSync(file, '# measured round trips, µs\n800\n1200\nabc\n');
    expect(() => parseLatencyModel(`empirical:${file}`, 'latency-entry')).toThrow(/samples\.txt:4, field latency-entry/);
  });

  it('empirical draws come only from the samples, evenly, reproducibly per seed', () => {
    const m = new EmpiricalLatency([100, 200, 300, 400]);
    const draw = (rng: Rng) => Array.from({ length: 4000 }, () => m.sampleUs(rng));
    const a = draw(Rng.root(1).split('lat'));
    const b = draw(Rng.root(1).split('lat'));
    const c = draw(Rng.root(3).split('lat'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of [100, 200, 300, 400]) {
      const share = a.filter((x) => x === v).length / a.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(0.03);
    }
    expect(new Set(a)).toEqual(new Set([100, 200, 300, 400]));
  });

  it('in a backtest every order reaches the venue exactly one sampled entry latency after it was sent', async () => {
    const data = join(root, 'ds');
    writeTinyDataset(data, 2, 3000);
    const r = await runBacktest({ strategy: 'strategies/trade-flow-taker.ts', data, params: { thresholdLots: '30' }, latencyEntry: 'empirical:1ms,5ms,9ms', feedLatency: 'none', runsDir: join(root, 'runs') });
    const o = readArrow(join(r.dir, 'orders.arrow'));
    expect(o.numRows).toBeGreaterThan(20);
    const seen = new Set<number>();
    for (let i = 0; i < o.numRows; i++) {
      const d = Number(o.getChild('arrival_ts_us')!.get(i)) - Number(o.getChild('submit_ts_us')!.get(i));
      expect([1000, 5000, 9000]).toContain(d);
      seen.add(d);
    }
    expect(seen.size).toBe(3);
  });
});
