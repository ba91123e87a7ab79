import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BacktestConfig } from '../backtest/run.ts';
import type { SpecJob } from './spec-job.ts';
import type { RunMetrics } from '../results/metrics.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { distFile, FROM_DIST } from '../runtime.ts';

/**
 * tsx's loader by absolute URL: a bare `--import tsx` would resolve from the user's working
 * folder (wherever they run primesim from), not from primesim's own dependencies.
 */
const TSX_LOADER = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

export type SweepResult = { id: number; ok: true; dir: string; runId: string; metrics: RunMetrics; events: number; resultsSha256: string } | { id: number; ok: false; error: string };

/**
 * Runs backtests over a pool of worker processes (default: one per core). Results come back in
 * completion order; each run is deterministic on its own, so the set of results does not depend
 * on the pool size or scheduling.
 */
export async function runPool(cfgs: (BacktestConfig | SpecJob)[], opts: { workers?: number; onResult?: (r: SweepResult, done: number) => void } = {}): Promise<SweepResult[]> {
  const n = Math.max(1, Math.min(opts.workers ?? availableParallelism(), cfgs.length));
  const results: SweepResult[] = [];
  let next = 0;
  // The compiled worker when this process runs compiled (no TypeScript loader to start in each).
  const workerFile = FROM_DIST ? distFile('sweep-worker.js') : join(PACKAGE_ROOT, 'src', 'sweep', 'worker.ts');
  await Promise.all(
    Array.from({ length: n }, () => {
      const child: ChildProcess = fork(workerFile, [], { execArgv: FROM_DIST ? [] : ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      return new Promise<void>((resolve, reject) => {
        const feed = () => {
          if (next >= cfgs.length) {
            child.send('exit');
            return;
          }
          const id = next++;
          child.send({ id, cfg: cfgs[id] });
        };
        child.on('message', (m: SweepResult) => {
          results.push(m);
          opts.onResult?.(m, results.length);
          feed();
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sweep worker exited with code ${code}`))));
        feed();
      });
    }),
  );
  return results.sort((a, b) => a.id - b.id);
}
