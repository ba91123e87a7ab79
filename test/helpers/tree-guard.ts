import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Global setup: lists the repository's untracked and ignored paths before the suite and fails
 * the run if the suite left new ones behind (tests write only under temporary folders).
 */
const ROOT = resolve(import.meta.dirname, '..', '..');

function entries(): Set<string> {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--ignored', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    // New untracked or ignored paths only; edits to tracked files, and new source files in the
    // code folders, are the developer's own work in progress, not test output.
    return new Set(out.split('\n').filter((l) => /^(\?\?|!!) /.test(l) && !/node_modules\//.test(l) && !/\.vitest-/.test(l) && !/^\?\? (src|test|strategies|scenarios|bench|notebooks)\/.*\.(ts|ya?ml|md)$/.test(l)));
  } catch {
    return new Set(); // not a git checkout: nothing to compare
  }
}

export default function setup(): () => void {
  const before = entries();
  return () => {
    const added = [...entries()].filter((e) => !before.has(e));
    if (added.length > 0) throw new Error(`tests left files in the repository:\n  ${added.slice(0, 20).join('\n  ')}`);
  };
}
