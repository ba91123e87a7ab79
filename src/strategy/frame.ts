import { pathToFileURL } from 'node:url';

/** `file:line:column` of the first stack frame in the strategy file (source-mapped), if any. */
export function strategyFrame(e: unknown, abs: string): { line: number; column: number } | undefined {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const url = pathToFileURL(abs).href;
  for (const l of stack.split('\n')) {
    const i = l.includes(url) ? l.indexOf(url) + url.length : l.includes(abs) ? l.indexOf(abs) + abs.length : -1;
    if (i < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(l.slice(i));
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}
