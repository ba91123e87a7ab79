// A worker thread that loads one strategy file `n` times (test/backtest/load-strategy.test.ts):
// several of these in one process load as the Monte Carlo pool's threads do.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { loadStrategy } = await import('../../src/backtest/load-strategy.ts');
let ok = 0;
const errors = [];
for (let i = 0; i < workerData.n; i++) {
  try {
    await loadStrategy(workerData.file);
    ok++;
  } catch (e) {
    errors.push(e.message);
  }
}
parentPort.postMessage({ ok, errors: errors.slice(0, 3) });
