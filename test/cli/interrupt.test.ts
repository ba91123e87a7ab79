import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { primesim, ROOT, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

/**
 * Ctrl-C in a terminal signals the command's whole process group (its sweep workers too). Each
 * test starts primesim as a group leader, waits until it is writing (a hidden temporary name
 * appears), signals the group and checks what is left: the earlier outputs byte for byte, and no
 * hidden name.
 */
const work = mkdtempSync(join(tmpdir(), 'primesim-interrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BARS = join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv');

function treeHash(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const k of readdirSync(d).sort()) {
      const p = join(d, k);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const hidden = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('.')) : []);

/** Start primesim in its own process group; signal the group once `ready()` holds. */
function interrupted(args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; sent: boolean }> {
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'primesim.js'), ...args], { cwd: work, env: { ...process.env, PRIMESIM_NO_PROGRESS: '1' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = setInterval(() => {
      if (!sent && ready()) {
        sent = true;
        process.kill(-child.pid!, signal);
      }
    }, 20);
    const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolveP({ code, signal: sig, stderr, sent });
    });
  });
}

/** Wait (pool workers clean up after the command exits) until no hidden name is left, or 20 s. */
async function settled(dir: string): Promise<string[]> {
  for (let i = 0; i < 200 && hidden(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return hidden(dir);
}

describe('an interrupted command leaves what was there and nothing half-written', () => {
  it('Ctrl-C during a run: exit 130, one line naming the run, the earlier run untouched, no temporary left', async () => {
    if (!sharedDataAvailable()) return;
    const runs = join(work, 'runs');
    const first = await primesim(['backtest', join(ROOT, 'strategies', 'sma-cross.ts'), '--data', BARS, '--runs', runs, '--run-id', 'earlier'], work);
    expect(first.code, first.stderr).toBe(0);
    const before = treeHash(runs);
    // The Jan 2022 cascade (10,000 accounts) replays for seconds: long enough to be caught mid-run.
    const r = await interrupted(['stress', 'cascade-2022-01', '--runs', runs, '--run-id', 'cascade'], () => hidden(runs).some((n) => n.startsWith('.cascade.tmp-')), 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^primesim: interrupted \(SIGINT\); removed the unfinished runs\/cascade; finished outputs are kept/);
    expect(await settled(runs)).toEqual([]);
    expect(readdirSync(runs)).toEqual(['earlier']);
    expect(treeHash(runs)).toEqual(before);
  });

  it('SIGTERM to a sweep rerun: its workers stop too, every earlier run of the sweep is still whole', async () => {
    if (!sharedDataAvailable()) return;
    const runs = join(work, 'sweeps');
    const args = ['sweep', join(ROOT, 'strategies', 'sma-cross.ts'), '--data', BARS, '--grid', 'fast=5,10', '--grid', 'slow=30,60', '--workers', '2', '--runs', runs, '--name', 'sma'];
    const first = await primesim(args, work);
    expect(first.code, first.stderr).toBe(0);
    const dir = join(runs, 'sma');
    const before = treeHash(dir);
    expect(Object.keys(before).filter((f) => f.endsWith('manifest.json'))).toHaveLength(4);
    // The rerun is caught while a worker writes a run (its temporary name in the sweep folder).
    const r = await interrupted(args, () => hidden(dir).some((n) => /\.tmp-\d+/.test(n)), 'SIGTERM');
    expect(r.sent).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^primesim: interrupted \(SIGTERM\); finished outputs are kept, nothing unfinished is left$/)]);
    expect(await settled(dir)).toEqual([]);
    // A rerun writes the same bytes, so each run is either the earlier one or its identical successor.
    expect(treeHash(dir)).toEqual(before);
  });
});
