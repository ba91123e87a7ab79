/**
 * Monte Carlo paths on a real job queue (BullMQ on a Redis server this test starts on a free
 * port): two `primesim worker` processes take the paths, one is SIGKILLed in the middle of a
 * path; every path ends up present exactly once, byte-identical to a local run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { enqueueMc } from '../../src/mc/queue.ts';
import { runMc } from '../../src/mc/run-mc.ts';
import { sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-mcq-'));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
const SPEC = join(PACKAGE_ROOT, 'scenarios', 'mc-cascade.yaml');
const SMALL = { 'agents.1.population.count': '300', 'agents.2.borrowers.count': '50', 'mc.generate.0.bootstrap.length': '240', 'mc.generate.1.jumpDiffusionFrom.length': '4h' };

const haveRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!haveRedis && process.env.CI === 'true') throw new Error('redis-server is missing; .ci/run installs it (apt-get install redis-server)');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('Monte Carlo on a BullMQ queue across worker processes', () => {
  it('two workers, one SIGKILLed mid-path: all paths once, equal to the local run', async () => {
    if (!haveRedis || !sharedDataAvailable()) return;
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    procs.push(redis);
    const url = `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 500));
    const worker = (name: string) => {
      const w = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'primesim.js'), 'worker', '--queue', url, '--lock', '3000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PRIMESIM_NO_PROGRESS: '1' } });
      procs.push(w);
      let out = '';
      w.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      w.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      return { w, log: () => out, name };
    };
    const a = worker('a');
    const b = worker('b');
    // Kill worker a once it has started a path (and before it reports it done).
    let killedDuring = -1;
    const watch = setInterval(() => {
      const m = /start path (\d+)/.exec(a.log());
      if (m && killedDuring < 0) {
        killedDuring = Number(m[1]);
        a.w.kill('SIGKILL');
      }
    }, 20);
    const n = 5;
    let res;
    try {
      res = await enqueueMc({ file: SPEC, overrides: SMALL, paths: n, runsDir: join(root, 'queue'), url, pollMs: 100 });
    } finally {
      clearInterval(watch);
    }
    expect(killedDuring).toBeGreaterThanOrEqual(0);
    expect(a.log()).not.toMatch(new RegExp(`done path ${killedDuring}\\b`));
    // The killed worker's path was run again by the other one.
    expect(b.log()).toMatch(new RegExp(`start path ${killedDuring}\\b`));
    // Every path exactly once: one folder and one row each, nothing half-written left.
    const entries = readdirSync(res.dir).sort();
    expect(entries).toEqual([...Array.from({ length: n }, (_, k) => `path-${String(k).padStart(5, '0')}`), 'rows', 'summary']);
    expect(readdirSync(join(res.dir, 'rows')).length).toBe(n);
    // Equal to a local run of the same paths, file hashes included.
    const local = await runMc({ file: SPEC, overrides: SMALL, paths: n, runsDir: join(root, 'local'), workers: 0 });
    expect(res.rows.map((r) => r.resultsSha256)).toEqual(local.rows.map((r) => r.resultsSha256));
    expect(res.summary).toEqual(local.summary);
    // A signal stops the idle worker cleanly, saying so (it exited without a word).
    const exited = new Promise<number | null>((r) => b.w.once('exit', (code) => r(code)));
    b.w.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(b.log()).toContain('primesim worker: SIGTERM: finishing the path in progress, taking no new one');
    expect(b.log()).toMatch(/primesim worker: stopped\n$/);
    redis.kill('SIGTERM');
  }, 600_000);

  it('a path that fails every attempt stops the wait with its reason (one failed-set query per poll)', async () => {
    if (!haveRedis || !sharedDataAvailable()) return;
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    procs.push(redis);
    const url = `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 500));
    const w = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'primesim.js'), 'worker', '--queue', url], { cwd: root, stdio: 'ignore', env: { ...process.env, PRIMESIM_NO_PROGRESS: '1' } });
    procs.push(w);
    // A strategy parameter the strategy refuses: the spec is valid, each path fails when its world is built.
    const bad = { ...SMALL, 'agents.0.params.leverage': '-1' };
    await expect(enqueueMc({ file: SPEC, overrides: bad, paths: 1, runsDir: join(root, 'failing'), url, pollMs: 100 })).rejects.toThrow(/path 0 failed on the queue after 5 attempts: .*leverage/);
    w.kill('SIGTERM');
    redis.kill('SIGTERM');
  }, 600_000);
});
