/**
 * Sweep worker process: receives backtest configs over IPC, runs them one at a time, reports
 * each result (or its one-line error). Runs in its own process so a sweep uses every core.
 */
import { runBacktest, type BacktestConfig } from '../backtest/run.ts';
import type { SpecJob } from './spec-job.ts';

async function run(cfg: BacktestConfig | SpecJob) {
  if ('kind' in cfg && cfg.kind === 'spec') {
    const { specWithOverrides } = await import('./spec-job.ts');
    const { runWorld } = await import('../world/run.ts');
    const { spec, source } = specWithOverrides(cfg.file, cfg.overrides);
    return runWorld(spec, source, { runsDir: cfg.runsDir, runId: cfg.runId, extra: { sweep: cfg.sweep }, clock: () => Date.now() });
  }
  return runBacktest(cfg as BacktestConfig, { clock: () => Date.now() });
}

process.on('message', (msg: { id: number; cfg: BacktestConfig | SpecJob } | 'exit') => {
  if (msg === 'exit') process.exit(0);
  run(msg.cfg).then(
    (r) => process.send!({ id: msg.id, ok: true, dir: r.dir, runId: r.runId, metrics: r.metrics, events: r.manifest.counts.events ?? 0 }),
    (e: unknown) => process.send!({ id: msg.id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) }),
  );
});
