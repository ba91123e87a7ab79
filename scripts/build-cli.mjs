// Compile the CLI to JavaScript (dist/), run by `npm install` (prepare). bin/primesim.js runs it
// for every command while it is newer than every source file (a dist/ older than any source file
// is ignored: the sources then run under tsx, slower to start but never stale). Without the
// TypeScript loader a command starts ~0.6-0.8 s sooner: tsx loads modules on a second thread.
// Also the spill thread's task (dist/spill-task.js, one file): a run starts that thread in ~0.15 s
// from JavaScript against ~0.4 s through the TypeScript loader (src/results/spill-thread.ts uses
// it under the same freshness rule, src/dist-fresh.mjs).
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built beside dist/ and swapped in whole: a command running meanwhile (a long Monte Carlo run
// whose workers import `primesim` for every path) never finds dist/ empty or half written.
const out = join(root, `dist.building-${process.pid}`);
rmSync(out, { recursive: true, force: true });
// Both: one ES module tree for Node 20, dependencies left to node_modules.
const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };
// One build, several entries sharing their chunks (one copy of every engine module): the CLI, the
// library strategies import as `primesim`, the sweep's worker process and the Monte Carlo pool's task.
await build({
  ...common,
  entryPoints: {
    main: join(root, 'src', 'cli', 'main.ts'),
    index: join(root, 'src', 'index.ts'),
    'sweep-worker': join(root, 'src', 'sweep', 'worker.ts'),
    'mc-worker': join(root, 'src', 'mc', 'path-task.ts'),
  },
  outdir: out,
  splitting: true,
});
await build({ ...common, entryPoints: [join(root, 'src', 'results', 'spill-task.ts')], outfile: join(out, 'spill-task.js') });
const dist = join(root, 'dist');
const old = join(root, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });
