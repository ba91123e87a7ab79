/**
 * Monte Carlo throughput: paths/s of scenarios/mc-cascade.yaml with its full 10,000 accounts
 * (8,000 leveraged traders on the perp, 2,000 Aave borrowers) on bootstrapped 4-hour paths, with
 * one and with two worker threads (piscina). The acceptance target is 1,000 paths × 10,000
 * accounts in 60 s (≈ 17 paths/s); the figures here say how far from it the engine is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMc } from '../src/mc/run-mc.ts';
import { specWithOverrides } from '../src/sweep/spec-job.ts';
import { pathSpec } from '../src/world/mc-paths.ts';
import { runWorld } from '../src/world/run.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

const SPEC = path.resolve(import.meta.dirname, '..', 'scenarios', 'mc-cascade.yaml');

async function paths(n: number, workers: number): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'primesim-bench-mc-'));
  try {
    const t0 = performance.now();
    const r = await runMc({ file: SPEC, overrides: { 'mc.historical': '[]', 'mc.generate.0.bootstrap.length': '240', 'mc.generate.1.jumpDiffusionFrom.length': '4h' }, paths: n, runsDir: dir, workers });
    const seconds = (performance.now() - t0) / 1000;
    const liq = r.rows.reduce((s, x) => s + x.liquidations, 0) / n;
    return { name: `mc paths, 10,000 accounts, ${workers} worker${workers > 1 ? 's' : ''}`, events: n, seconds, unit: 'paths', note: `4-hour bootstrapped paths, ${liq.toFixed(0)} liquidation steps per path` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where a path's time goes, on the spec's real one-day paths: paths 2–9 are its eight generated
 * kinds (bootstrap and jump-diffusion at shocks ×1, ×1.5, ×2, ×3), run one after another in this
 * thread as a pool worker runs them (no spill thread, no forced collections), timed as replay
 * (building the world before it) and writing the run folder (Arrow files and Parquet copies).
 * The target leaves 0.12 CPU-s a path (60 s × 2 cores ÷ 1,000 paths).
 */
async function phases(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'primesim-bench-mc-'));
  try {
    let replay = 0;
    let write = 0;
    let cpu = 0;
    const ks = [2, 3, 4, 5, 6, 7, 8, 9];
    for (const k of [10, ...ks]) {
      const { spec, source } = specWithOverrides(SPEC, {});
      const p = pathSpec(spec, k);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      // As a Monte Carlo path runs (see mc/path-run.ts).
      const r = await runWorld(p.spec, source, { runsDir: dir, runId: `path-${k}`, force: true, collectGarbage: false, spillThread: false, spillInMemory: true, clock: () => performance.now() });
      const all = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      if (k === 10) continue; // warm-up: the first path also loads the shared data
      replay += Number(r.manifest.timing.replaySeconds);
      write += all - Number(r.manifest.timing.wallSeconds);
      cpu += (c.user + c.system) / 1e6;
    }
    const n = ks.length;
    const note = (x: number) => `${(x / n).toFixed(2)} s a path (mean of paths 2–9, one day each)`;
    return [
      { name: 'mc path, one day, 1 thread: replay', events: n, seconds: replay, unit: 'paths', note: note(replay) },
      { name: 'mc path, one day, 1 thread: writing its run folder', events: n, seconds: write, unit: 'paths', note: note(write) },
      { name: 'mc path, one day, 1 thread: all, CPU', events: n, seconds: cpu, unit: 'paths', note: `${(cpu / n).toFixed(2)} CPU-s a path (GC threads included); the 60 s target leaves 0.12` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  // The same eight paths both times (paths differ a lot in cost: a crash path liquidates far more).
  const one = await paths(8, 1);
  const two = await paths(8, 2);
  // Eight paths are mostly start-up (each worker loads the sources and the shared data) and the
  // slowest path: the rate a 1,000-path run sees is the marginal one, from 24 paths against 8.
  const more = await paths(24, 2);
  const steady: BenchResult = { name: 'mc paths, 10,000 accounts, 2 workers, steady state', events: 16, seconds: more.seconds - two.seconds, unit: 'paths', note: `paths 9–24 of a 24-path run (${more.seconds.toFixed(1)} s in all)` };
  return [one, two, steady, ...(await phases())];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) console.log(`${r.name}: ${r.events} ${r.unit} in ${r.seconds.toFixed(1)} s = ${(r.events / r.seconds).toFixed(3)}/s (${r.note ?? ''})`);
}
