#!/usr/bin/env node
// Launcher. Runs the compiled CLI in dist/ (built by `npm install`, see scripts/build-cli.mjs)
// when it is newer than every source file: no TypeScript loader to start, whose module loads on a
// second thread cost a command ~0.6-0.8 s. Otherwise (sources edited since the build) it runs the
// TypeScript sources under tsx: slower to start, never stale.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distFresh } from '../src/dist-fresh.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (distFresh(join(root, 'dist', 'main.js'))) {
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
