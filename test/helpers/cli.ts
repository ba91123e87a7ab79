import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const SHARED = resolve(ROOT, '..', 'shared', 'data');

/** Run the real `primesim` launcher as a user would. */
export function primesim(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'primesim.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PRIMESIM_NO_PROGRESS: '1' },
    timeout: 180_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Shared real data is required under CI; elsewhere its absence skips the test with a message. */
export function sharedDataAvailable(): boolean {
  if (existsSync(SHARED)) return true;
  if (process.env.CI === 'true') throw new Error(`../shared/data is missing (${SHARED}); real-data tests need it in CI`);
  console.warn(`skipping real-data test: ${SHARED} not found`);
  return false;
}
