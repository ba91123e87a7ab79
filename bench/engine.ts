/**
 * Engine benchmarks, one workload per process so peak RSS is the workload's own:
 *   raw-read  — read every catalog column chunk and touch every row (the I/O + decode floor)
 *   book-only — replay into the venue's L2 book through the kernel (no strategy)
 *   mm        — market maker with recorder (orders, fills, equity, ledger) and Arrow output
 * Usage: tsx bench/engine.ts <workload> <catalog dir>; prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../src/backtest/run.ts';
import { ReplaySource } from '../src/backtest/replay-source.ts';
import { CatalogReader, readManifest } from '../src/data/catalog.ts';
import { Simulation } from '../src/kernel/simulation.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { Position } from '../src/ledger/portfolio.ts';
import { ConstantLatency } from '../src/market/latency.ts';
import { RiskAverseQueue } from '../src/market/queue-model.ts';
import { MakerTakerFees } from '../src/venues/clob/fees.ts';
import { ClobVenue } from '../src/venues/clob/venue.ts';

const [workload, dir] = process.argv.slice(2);
if (!workload || !dir) throw new Error('usage: tsx bench/engine.ts <raw-read|book-only|mm> <catalog dir>');

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

function bookOnly(d: string): number {
  const ds = readManifest(d);
  const sim = new Simulation(1);
  const ledger = new Ledger();
  const position = new Position(ds.instrument, 'desk', ledger, 'venue:bench');
  const venue = new ClobVenue(
    sim,
    { instrument: ds.instrument, queue: new RiskAverseQueue(), fees: new MakerTakerFees(0, 0), entryLatency: new ConstantLatency(0), responseLatency: new ConstantLatency(0), feedLatencyFromData: false, clockOffsetUs: ds.clockOffsetUs },
    position,
  );
  const src = new ReplaySource(sim, d, venue, undefined);
  sim.addSource(src);
  sim.run();
  src.close();
  return sim.events;
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

const t0 = performance.now();
const events = workload === 'raw-read' ? rawRead(dir) : workload === 'book-only' ? bookOnly(dir) : await mm(dir);
const seconds = (performance.now() - t0) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ workload, dir, events, seconds, peakRssMb, replaySeconds }) + '\n');
