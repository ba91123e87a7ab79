/**
 * Sweep worker process: receives backtest configs over IPC, runs them one at a time, reports
 * each result (or its one-line error). Runs in its own process so a sweep uses every core.
 */
import { runBacktest, type BacktestConfig } from '../backtest/run.ts';
import type { SpecJob } from './spec-job.ts';
import { removeOwnTemps } from '../results/safe-output.ts';

async function run(cfg: BacktestConfig | SpecJob) {
  if ('kind' in cfg && cfg.kind === 'spec') {
    const { specWithOverrides } = await import('./spec-job.ts');
    const { runWorld } = await import('../world/run.ts');
    const { spec, source } = specWithOverrides(cfg.file, cfg.overrides);
    return runWorld(spec, source, { runsDir: cfg.runsDir, runId: cfg.runId, extra: { sweep: cfg.sweep }, clock: () => Date.now() });
  }
  return runBacktest(cfg as BacktestConfig, { clock: () => Date.now() });
}

/**
 * A worker never outlives its sweep: when the sweep's process is gone (its IPC channel closed) or
 * the worker is signalled (Ctrl-C reaches the whole process group), the run it was writing is
 * removed and it stops without a word (the sweep reports the interrupt). Runs pause every few
 * thousand events, so this happens promptly.
 */
const stop = (code: number) => () => {
  removeOwnTemps();
  process.exit(code);
};
process.on('disconnect', stop(1));
process.once('SIGINT', stop(130));
process.once('SIGTERM', stop(143));

const send = (m: unknown) => {
  if (process.connected) process.send!(m);
};

process.on('message', (msg: { id: number; cfg: BacktestConfig | SpecJob } | 'exit') => {
  if (msg === 'exit') process.exit(0);
  run(msg.cfg).then(
    (r) => send({ id: msg.id, ok: true, dir: r.dir, runId: r.runId, metrics: r.metrics, events: r.manifest.counts.events ?? 0, resultsSha256: r.manifest.resultsSha256 }),
    (e: unknown) => send({ id: msg.id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) }),
  );
});
