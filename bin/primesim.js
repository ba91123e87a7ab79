#!/usr/bin/env node
// Launcher. Help (`--help`, `-h`, `--version`, a bare `primesim`) comes from the compiled CLI in
// dist/ (built by `npm install`, see scripts/build-cli.mjs) when it is newer than every source
// file: no TypeScript loader to start, so it prints at once. Everything else runs the TypeScript
// sources under tsx (no build step to forget).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distFresh } from '../src/dist-fresh.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const helpOnly = args.length === 0 || args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V') || args[0] === 'help';

if (helpOnly && distFresh(join(root, 'dist', 'main.js'))) {
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
