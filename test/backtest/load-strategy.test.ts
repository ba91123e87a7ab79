import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'primesim-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadStrategy', () => {
  it('threads of one process load the same strategy at once without taking each other\'s bundle (the Monte Carlo pool)', async () => {
    // A file outside the package is bundled to a temporary module, imported, then removed. The
    // pool's threads share the process id and each counts its own loads: bundles named by those
    // alone collided, and one thread removed the bundle another was about to import (a 1,000-path
    // MC failed at path ~370 with "Cannot find module …primesim-strategies/…").
    const file = join(root, 'probe.ts');
    writeFileSync(file, `import { defineStrategy, z } from 'primesim';\nexport default defineStrategy({ name: 'probe', description: 'x', params: z.strictObject({}), create() { return {}; } });\n`);
    const threads = 4;
    const n = 25;
    const results = await Promise.all(
      Array.from({ length: threads }, () => new Promise<{ ok: number; errors: string[] }>((res, rej) => {
        const w = new Worker(new URL('../helpers/load-strategy-worker.mjs', import.meta.url), { workerData: { file, n } });
        w.once('message', res);
        w.once('error', rej);
      })),
    );
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.map((r) => r.ok)).toEqual(Array.from({ length: threads }, () => n));
  }, 120_000);
});
