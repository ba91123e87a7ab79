// Piscina worker (plain JavaScript so a thread can load it with no hooks): registers tsx's
// TypeScript hooks in this thread, then runs one Monte Carlo path per task with the function
// every runner shares (src/mc/path-run.ts).
import { register } from 'tsx/esm/api';

register();
const { runPath } = await import('./path-run.ts');

export default function run(job) {
  return runPath(job);
}
