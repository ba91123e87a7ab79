// Compile the CLI to JavaScript (dist/), run by `npm install` (prepare). bin/primesim.js uses it
// for `--help`, `--version` and a bare `primesim`, so help prints without starting the
// TypeScript loader (~0.4 s); every other command runs the TypeScript sources under tsx, and a
// dist/ older than any source file is ignored (help then comes from the sources, slower but never stale).
// Also the spill thread's task (dist/spill-task.js, one file): a run starts that thread in ~0.15 s
// from JavaScript against ~0.4 s through the TypeScript loader (src/results/spill-thread.ts uses
// it under the same freshness rule, src/dist-fresh.mjs).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
// Both: one ES module tree for Node 20, dependencies left to node_modules.
const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };
await build({ ...common, entryPoints: [join(root, 'src', 'cli', 'main.ts')], outdir: join(root, 'dist'), splitting: true });
await build({ ...common, entryPoints: [join(root, 'src', 'results', 'spill-task.ts')], outfile: join(root, 'dist', 'spill-task.js') });
