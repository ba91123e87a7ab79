import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const SHARED = resolve(ROOT, '..', 'shared', 'data');

/**
 * Run the real `primesim` launcher as a user would. Asynchronous on purpose: a blocking spawnSync
 * would stall the vitest worker's event loop and its RPC with the runner.
 */
export function primesim(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'primesim.js'), ...args], {
      cwd,
      env: { ...process.env, PRIMESIM_NO_PROGRESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Shared real data is required under CI; elsewhere its absence skips the test with a message. */
export function sharedDataAvailable(): boolean {
  if (existsSync(SHARED)) return true;
  if (process.env.CI === 'true') throw new Error(`../shared/data is missing (${SHARED}); real-data tests need it in CI`);
  console.warn(`skipping real-data test: ${SHARED} not found`);
  return false;
}
