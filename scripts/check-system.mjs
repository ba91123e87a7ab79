// `npm test` needs Debian packages: chromium (the report's browser test), Jupyter's nbconvert
// with the Python kernel machinery (the notebooks test) and redis-server (the Monte Carlo job
// queue test starts its own server on a free port and stops it). Installs what is missing with
// apt when it can (root, or passwordless sudo), as .ci/run does; otherwise stops with the line to run.
import { spawnSync } from 'node:child_process';

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = [];
if (!has('chromium') && !has('chromium-browser')) missing.push('chromium');
if (!has('jupyter-nbconvert')) missing.push('jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel', 'jupyter-client');
if (!has('redis-server')) missing.push('redis-server');
if (missing.length === 0) process.exit(0);
const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const root = process.getuid?.() === 0;
const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!root && !sudo) {
  console.error(`npm test needs Debian packages that are not installed. Run:\n  sudo ${line}`);
  process.exit(1);
}
console.error(`installing ${missing.join(', ')} for the test suite …`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync(root ? args[0] : 'sudo', root ? args.slice(1) : args, { stdio: 'inherit', env }).status === 0;
if (!run(['apt-get', ...line.split(' ').slice(1)]) && !(run(['apt-get', 'update', '-q']) && run(['apt-get', ...line.split(' ').slice(1)]))) {
  console.error(`could not install them; run:\n  sudo ${line}`);
  process.exit(1);
}
