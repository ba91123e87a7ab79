/**
 * Chain history throughput on the real 2024-01-05 USDC/WETH 0.05% day: importing the raw logs
 * (decoding every Swap/Mint/Burn/Collect with the pool ABI; and the whole `data import` into a
 * catalog) and replaying the day through the
 * bit-exact swap math with every check (issue 9 targets: 100k logs/s, 200k events/s).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { importChainFile } from '../src/data/chain-catalog.ts';
import path from 'node:path';
import { readV3EventsCsv, readV3RawLogsCsv } from '../src/data/readers/uniswap-v3-day.ts';
import { replayV3Day } from '../src/venues/amm/v3/log-replay.ts';
import { readAaveRawLogsCsv } from '../src/data/readers/aave-events.ts';
import { replayAaveReserve } from '../src/venues/lending/reserve-replay.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

const DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'chain', 'uniswap-v3');

/**
 * Timed repetitions per figure. A day's replay takes ~0.02 s and an import ~0.05 s, while this
 * host has pauses of a few tenths of a second (other tenants): over 50 repetitions (1–3 s) one
 * pause cannot move the median, over 20 it could.
 */
const RUNS = 50;

/** `n` timed calls: the median and the best, in seconds. */
function repeat(n: number, f: (i: number) => unknown): { median: number; best: number } {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f(i);
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(n / 2)]!, best: t[0]! };
}

export async function run(): Promise<BenchResult[]> {
  const raw = path.join(DIR, 'usdc-weth-005_20240105.raw.csv');
  const dec = path.join(DIR, 'usdc-weth-005_20240105.events.csv');
  if (!existsSync(raw)) return [];
  for (let i = 0; i < 3; i++) readV3RawLogsCsv(raw);
  const decodes = repeat(RUNS, () => readV3RawLogsCsv(raw));
  const imp: BenchResult = { name: `raw v3 logs decoded (ABI), median of ${RUNS}`, events: 6234, seconds: decodes.median, unit: 'logs', note: `read + CSV parse + ABI decode; best of ${RUNS}: ${Math.round(6234 / decodes.best).toLocaleString('en-US')}/s` };
  // `primesim data import` of the raw logs: decode + columns + hashed files + manifest. These
  // runs take ~0.05 s each, so one pause (GC, another process) moves a short average a lot: after
  // a warm-up, RUNS timed repetitions, reported as their median and their best.
  const tmp = mkdtempSync(path.join(tmpdir(), 'primesim-bench-chain-'));
  for (let i = 0; i < 3; i++) importChainFile(raw, path.join(tmp, `warm${i}`));
  const imports = repeat(RUNS, (i) => importChainFile(raw, path.join(tmp, `c${i}`)));
  rmSync(tmp, { recursive: true, force: true });
  const cat: BenchResult = { name: `raw v3 logs imported to a catalog (data import), median of ${RUNS}`, events: 6234, seconds: imports.median, unit: 'logs', note: `decode, columns, hashed files, manifest; best of ${RUNS}: ${Math.round(6234 / imports.best).toLocaleString('en-US')}/s` };
  const ev = readV3EventsCsv(dec);
  // The day's replay as `data replay-pool` runs it (every search on; the last-resort search for
  // two unobserved segments in one swap alone finds nothing left to do on this day): once cold,
  // then RUNS times warm.
  let t0 = performance.now();
  const n = replayV3Day(ev, { feePips: 500, tickSpacing: 10 }).swaps.length;
  const rep: BenchResult = { name: 'v3 day replay with exact checks, first run', events: ev.length, seconds: (performance.now() - t0) / 1000, unit: 'events', note: `${n} swaps checked; includes compiling the swap math` };
  for (let i = 0; i < 5; i++) replayV3Day(ev, { feePips: 500, tickSpacing: 10 });
  const replays = repeat(RUNS, () => replayV3Day(ev, { feePips: 500, tickSpacing: 10 }));
  const fast: BenchResult = { name: `v3 day replay with exact checks, median of ${RUNS}`, events: ev.length, seconds: replays.median, unit: 'events', note: `tick inference, segment liquidity, two segments solved from six swaps; best of ${RUNS}: ${Math.round(ev.length / replays.best).toLocaleString('en-US')}/s` };
  // The Aave reserve replay of the Polygon WETH day (starting totals solved for, every log checked).
  const aave = path.resolve(DIR, '..', 'aave', 'polygon-events-20240106', 'weth.raw.csv');
  const R = 10n ** 27n;
  const k = { optimalUsageRay: (R * 8n) / 10n, baseVariableRateRay: R / 100n, variableSlope1Ray: (R * 33n) / 1000n, variableSlope2Ray: (R * 8n) / 10n, reserveFactorBps: 1500 };
  const aev = readAaveRawLogsCsv(aave);
  replayAaveReserve(aev, k);
  t0 = performance.now();
  for (let i = 0; i < 3; i++) replayAaveReserve(aev, k);
  const lend: BenchResult = { name: 'Aave reserve replay (Polygon WETH day)', events: 3 * aev.length, seconds: (performance.now() - t0) / 1000, unit: 'events', note: 'starting totals solved for, 445 ReserveDataUpdated checked; × 3' };
  return [imp, cat, fast, rep, lend];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) console.log(`${r.name}: ${r.events} ${r.unit} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(0)}/s (${r.note ?? ''})`);
}
