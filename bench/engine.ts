/**
 * Engine benchmarks, one workload per process so peak RSS is the workload's own:
 *   raw-read  — read every catalog column chunk and touch every row (the I/O + decode floor)
 *   book-only — replay into the venue's L2 book through the kernel (no strategy), built by src/world
 *   two-books — two catalogs (the dataset and a second one generated with another seed) as two
 *               venues merged on one clock, book-only, built by src/world
 *   mm        — market maker as a backtest (a one-venue run spec): perp venue with the mark model,
 *               the margin engine revaluing the account on every mark change, liquidation engine,
 *               recorder and Arrow/Parquet output
 *   bars      — strategies/sma-cross.ts (SMA 10/20) as a bar backtest on a bars catalog (`dir`): bar
 *               execution, margin, recorder, Arrow/Parquet output; events = bars
 *   bars-floor — the same run with bench/strategies/do-nothing-bars.ts (reads every bar, never
 *               trades): what the world costs per bar with no order
 * Usage: tsx bench/engine.ts <workload> <catalog dir | bars file>; prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../src/backtest/run.ts';
import { CatalogReader, readManifest } from '../src/data/catalog.ts';
import { buildWorld } from '../src/world/build.ts';
import { RunSpecSchema } from '../src/world/spec.ts';
import { codeSource } from '../src/world/spec-file.ts';

const [workload, dir, dir2] = process.argv.slice(2);
if (!workload || !dir) throw new Error('usage: tsx bench/engine.ts <raw-read|book-only|two-books|mm|bars|bars-floor> <catalog dir>');

function rawRead(d: string): number {
  const r = new CatalogReader(d);
  let rows = 0;
  let acc = 0;
  while (r.next()) {
    const c = r.chunk;
    for (let i = 0; i < c.length; i++) acc += c.priceTicks[i]! + c.sizeLots[i]! + c.kind[i]! + c.localTsUs[i]!;
    rows += c.length;
  }
  r.close();
  if (acc === 42) console.error('');
  return rows;
}

/** Book-only replay of one venue per catalog, merged on one clock, wired by the one builder (no agents). */
async function bookOnly(dirs: string[]): Promise<number> {
  const spec = RunSpecSchema.parse({
    venues: dirs.map((d, i) => ({ id: `v${i}`, kind: readManifest(d).instrument.kind === 'spot' ? 'spot' : 'perp', data: { catalog: d }, queue: 'risk-averse', fees: '0:0', latency: { entry: '0us', response: '0us', feed: 'none' } })),
    accounts: [{ id: 'desk', deposits: { USDT: 1 }, margin: 'cash' }],
    record: { equityInterval: '1h' },
  });
  const w = await buildWorld(spec, codeSource());
  w.start();
  w.sim.run(w.endUs);
  for (const v of w.venues) v.source.close();
  return w.sim.events;
}

let replaySeconds: number | undefined;
async function mm(d: string): Promise<number> {
  const runs = mkdtempSync(join(tmpdir(), 'primesim-bench-'));
  try {
    const r = await runBacktest({ strategy: 'strategies/market-maker.ts', data: d, seed: 1, queue: 'power:3', runsDir: runs }, { clock: () => performance.now() });
    replaySeconds = r.manifest.timing.replaySeconds;
    return r.manifest.counts.events;
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}

let orders: number | undefined;

/** A bar strategy (the SMA crossover, or the do-nothing floor) on bars, end to end; returns the number of bars. */
async function barsRun(file: string, strategy: string): Promise<number> {
  const runs = mkdtempSync(join(tmpdir(), 'primesim-bench-'));
  try {
    const r = await runBacktest({ strategy, data: file, seed: 1, equityInterval: '1h', fees: '0:0', capital: 10_000_000, runsDir: runs }, { clock: () => performance.now() });
    replaySeconds = r.manifest.timing.replaySeconds;
    orders = r.manifest.counts.orders;
    return r.manifest.counts.rows;
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
}

const t0 = performance.now();
const events = workload === 'raw-read' ? rawRead(dir) : workload === 'book-only' ? await bookOnly([dir]) : workload === 'two-books' ? await bookOnly([dir, dir2 ?? dir]) : workload === 'bars' ? await barsRun(dir, 'strategies/sma-cross.ts') : workload === 'bars-floor' ? await barsRun(dir, 'bench/strategies/do-nothing-bars.ts') : await mm(dir);
const seconds = (performance.now() - t0) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ workload, dir, events, seconds, peakRssMb, replaySeconds, orders }) + '\n');
