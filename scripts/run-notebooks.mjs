// Execute the Jupyter notebooks in notebooks/ headless with the TypeScript kernel (tslab) and
// render each to HTML: `npm run notebooks` (HTML in reports/notebooks, runs in runs/notebooks).
// Needs Debian `jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client`; the tslab
// kernel spec is installed into a temporary prefix each time (nothing is written to ~/.local).
// Usage: node scripts/run-notebooks.mjs [--html <dir>] [--runs <dir>] [notebook.ipynb …]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return resolve(v);
};
const html = opt('--html', join(root, 'reports', 'notebooks'));
const runs = opt('--runs', join(root, 'runs', 'notebooks'));
const books = args.length ? args.map((a) => resolve(a)) : readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(root, 'notebooks', f));

if (spawnSync('jupyter-nbconvert', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('notebooks: jupyter-nbconvert is not installed; run:\n  sudo apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client');
  process.exit(1);
}
const bin = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, PRIMESIM_NB_OUT: runs, PRIMESIM_NO_PROGRESS: '1' };
const prefix = mkdtempSync(join(tmpdir(), 'primesim-jupyter-'));
try {
  execFileSync(join(bin, 'tslab'), ['install', '--python=/usr/bin/python3', `--prefix=${prefix}`], { env, stdio: 'ignore' });
  env.JUPYTER_PATH = join(prefix, 'share', 'jupyter');
  mkdirSync(html, { recursive: true });
  mkdirSync(runs, { recursive: true });
  let failed = 0;
  for (const nb of books) {
    const t0 = Date.now();
    const r = spawnSync('jupyter-nbconvert', ['--to', 'html', '--execute', '--ExecutePreprocessor.kernel_name=tslab', '--ExecutePreprocessor.timeout=900', '--ExecutePreprocessor.startup_timeout=300', '--output-dir', html, nb], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      failed++;
      console.error(`notebooks: ${nb} failed:\n${(r.stderr ?? '').split('\n').filter((l) => !/MissingIDField|validate\(nb\)/.test(l)).slice(-30).join('\n')}`);
    } else console.log(`${nb} → ${join(html, nb.replace(/^.*\//, '').replace(/\.ipynb$/, '.html'))} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(prefix, { recursive: true, force: true });
}
