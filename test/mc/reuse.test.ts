/**
 * `primesim mc` reuses the paths an MC folder already holds, but only those written by the same
 * code: after an upgrade (or an edit of the sources) a path is run again, not mixed in. A queue
 * worker running other code refuses a job instead of writing into the folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { runPath } from '../../src/mc/path-run.ts';
import { runMcGrid } from '../../src/mc/grid.ts';
import { runMc } from '../../src/mc/run-mc.ts';
import { codeFingerprint } from '../../src/results/versions.ts';
import { sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-mcreuse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SPEC = join(PACKAGE_ROOT, 'scenarios', 'mc-btc-eth.yaml');
const small = { 'agents.2.population.count': '100', 'agents.3.population.count': '100', 'mc.generate.0.bootstrap.length': '120' };

describe('Monte Carlo paths are reused only from the same code', () => {
  it('a path whose manifest names other code is run again; the same code is reused', async () => {
    if (!sharedDataAvailable()) return;
    const o = { file: SPEC, overrides: small, paths: 4, only: [1], runsDir: root, workers: 0 };
    const first = await runMc(o);
    expect([first.ran, first.reused]).toEqual([1, 0]);
    const manifest = join(first.dir, 'path-00001', 'manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { versions: { code: string }; resultsSha256: string };
    expect(m.versions.code).toBe(codeFingerprint());
    expect(m.versions.code).toMatch(/^[0-9a-f]{12}$/);
    const again = await runMc(o);
    expect([again.ran, again.reused]).toEqual([0, 1]);
    // Written by other code: run again, to the same bytes (the code did not really change here).
    writeFileSync(manifest, JSON.stringify({ ...m, versions: { ...m.versions, code: '000000000000' } }));
    const rerun = await runMc(o);
    expect([rerun.ran, rerun.reused]).toEqual([1, 0]);
    const m2 = JSON.parse(readFileSync(manifest, 'utf8')) as { versions: { code: string }; resultsSha256: string };
    expect(m2.versions.code).toBe(codeFingerprint());
    expect(m2.resultsSha256).toBe(m.resultsSha256);
  }, 300_000);

  it('refused commands write nothing: a path outside the set, a grid value that is not a shock (checked before any point runs)', async () => {
    const runsDir = join(root, 'refused');
    await expect(runMc({ file: SPEC, overrides: small, paths: 4, only: [7], runsDir, workers: 0 })).rejects.toThrow(/field --only: path 7 is outside 0…3/);
    await expect(runMcGrid({ file: SPEC, overrides: small, axes: [['shock', ['1', 'a']]], paths: 2, runsDir, workers: 0 })).rejects.toThrow(/field --grid: shock=a: a shock is a positive number/);
    expect(existsSync(runsDir)).toBe(false);
  });

  it('a worker refuses a job made by other code, naming both', async () => {
    await expect(runPath({ file: SPEC, overrides: small, k: 0, dir: join(root, 'other'), code: 'abcdefabcdef' })).rejects.toThrow(new RegExp(`this worker runs primesim code ${codeFingerprint()}, the MC was enqueued by code abcdefabcdef`));
  });
});
