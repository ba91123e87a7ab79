import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BTCUSDT_CALIBRATION as C, CALIBRATION_SOURCE, calibrateFile, generateMarket, MarketStats, type MarketMeasures } from '../../../src/data/synthetic/index.ts';

const realFile = path.resolve(import.meta.dirname, '../../../../shared/data/binance', CALIBRATION_SOURCE.file);
const haveReal = existsSync(realFile);
if (!haveReal && process.env.CI === 'true') throw new Error(`shared data missing in CI: ${realFile}`);

/** Every number of `a` within relative 1e-9 of `b`, reporting the path of the first difference. */
function compareDeep(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) ? [] : [`${at}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${at}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => compareDeep(x, b[i], `${at}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return [`${at}: keys ${ka.join()} vs ${kb.join()}`];
    return ka.flatMap((k) => compareDeep((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return a === b ? [] : [`${at}: ${String(a)} vs ${String(b)}`];
}

describe('calibration constants', () => {
  it.skipIf(!haveReal)('re-running calibrate.ts on the real capture reproduces calibration.ts to 1e-9', () => {
    const res = calibrateFile(realFile);
    expect(res.sourceSha256).toBe(CALIBRATION_SOURCE.sha256);
    expect(res.sequenceGaps).toBe(0);
    expect(compareDeep(res.measures, C)).toEqual([]);
  });
  if (!haveReal) it.skip(`real capture not found at ${realFile}: reproduction check skipped`, () => {});

  it('are plausible for BTCUSDT perpetual (0.1 tick, 0.001 lot)', () => {
    expect(C.durationSec).toBeGreaterThan(300);
    expect(C.spread.probByTicks[0]).toBeGreaterThan(0.9); // one-tick spread almost always
    expect(C.spread.meanTicks).toBeGreaterThanOrEqual(1);
    expect(C.spread.meanTicks).toBeLessThan(2);
    expect(C.depthLots).toHaveLength(20);
    expect(Math.min(...C.depthLots)).toBeGreaterThan(10);
    expect(C.depthLots[0]).toBeGreaterThan(C.depthLots[1]!); // the touch is the thickest level
    expect(C.trades.ratePerSec).toBeGreaterThan(10);
    expect(C.trades.ratePerSec).toBeLessThan(500);
    expect(C.trades.hawkes.branching).toBeGreaterThan(0.5);
    expect(C.trades.hawkes.branching).toBeLessThan(1);
    expect(C.trades.interArrivalCv).toBeGreaterThan(1);
    expect(C.mid.vol1sTicks).toBeGreaterThan(5);
    expect(C.mid.vol1sTicks).toBeLessThan(500);
    expect(C.latency.meanUs).toBeLessThan(-1e6); // the capture clock runs ~1.3 s behind
    expect(C.latency.jitterQuantilesUs[6]).toBeLessThan(0); // median below mean: right-skewed jitter
  });
});

describe('generated data matches the calibration', () => {
  let g: MarketMeasures;
  beforeAll(() => {
    const st = new MarketStats();
    generateMarket({ seed: 2024, events: 1_000_000 }, (r) => st.push(r));
    g = st.result();
  });
  const rel = (x: number, y: number): number => Math.abs(x / y - 1);
  const TOL = 0.25;

  it(`mean spread within ${TOL * 100}%`, () => expect(rel(g.spread.meanTicks, C.spread.meanTicks)).toBeLessThan(TOL));
  it(`depth profile at levels 1–10 within ${TOL * 100}% each`, () => {
    for (let k = 0; k < 10; k++) expect(rel(g.depthLots[k]!, C.depthLots[k]!), `level ${k + 1}`).toBeLessThan(TOL);
  });
  it(`trade rate within ${TOL * 100}%`, () => expect(rel(g.trades.ratePerSec, C.trades.ratePerSec)).toBeLessThan(TOL));
  it(`mean trade size within ${TOL * 100}%`, () => expect(rel(g.trades.meanLots, C.trades.meanLots)).toBeLessThan(TOL));
  it(`1-s mid volatility within ${TOL * 100}%`, () => expect(rel(g.mid.vol1sTicks, C.mid.vol1sTicks)).toBeLessThan(TOL));
  it('buy fraction, clustering and latency follow too', () => {
    expect(Math.abs(g.trades.buyFraction - C.trades.buyFraction)).toBeLessThan(0.02);
    expect(g.trades.hawkes.branching).toBeGreaterThan(0.8);
    expect(rel(g.latency.jitterStdUs, C.latency.jitterStdUs)).toBeLessThan(TOL);
  });
});
