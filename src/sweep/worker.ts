/**
 * Sweep worker process: receives backtest configs over IPC, runs them one at a time, reports
 * each result (or its one-line error). Runs in its own process so a sweep uses every core.
 */
import { runBacktest, type BacktestConfig } from '../backtest/run.ts';

process.on('message', (msg: { id: number; cfg: BacktestConfig } | 'exit') => {
  if (msg === 'exit') process.exit(0);
  runBacktest(msg.cfg, { clock: () => Date.now() }).then(
    (r) => process.send!({ id: msg.id, ok: true, dir: r.dir, runId: r.runId, metrics: r.metrics, events: r.manifest.counts.events }),
    (e: unknown) => process.send!({ id: msg.id, ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) }),
  );
});
