import { relative } from 'node:path';
import { removeOwnTemps } from '../results/safe-output.ts';

/**
 * Ctrl-C (SIGINT) or SIGTERM while a command writes output: remove what it was writing (an output
 * is whole only once renamed into place, so nothing removed here was ever usable), leave every
 * earlier output as it was, say so on one line and exit 130 / 143 as shells expect. Commands whose
 * long work turns the event loop (runs pause every 4,096 events; pools and imports await) install
 * it; a command with its own graceful stop (`worker`) does not.
 */
export function removeUnfinishedOnInterrupt(): void {
  const on = (signal: 'SIGINT' | 'SIGTERM', code: number) =>
    process.once(signal, () => {
      const removed = removeOwnTemps().map((p) => relative(process.cwd(), p) || p);
      // A progress bar leaves the cursor mid-line.
      if (process.stderr.isTTY) process.stderr.write('\n');
      // Pool workers (sweep processes, MC threads) remove their own; this process names what it held.
      const what = removed.length > 0 ? `removed the unfinished ${removed.join(', ')}; ` : '';
      process.stderr.write(`primesim: interrupted (${signal}); ${what}finished outputs are kept, nothing unfinished is left\n`);
      process.exit(code);
    });
  on('SIGINT', 130);
  on('SIGTERM', 143);
}
