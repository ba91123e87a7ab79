/**
 * The Monte Carlo pool's task as compiled JavaScript (dist/mc-worker.js): one path per call with
 * the function every runner shares. Under tsx the pool loads pool-worker.mjs, which registers the
 * TypeScript hooks first.
 */
import { runPath } from './path-run.ts';
import type { PathJob } from './path-run.ts';

export default function run(job: PathJob): ReturnType<typeof runPath> {
  return runPath(job);
}
