import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/data/synthetic/index.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { primesim, ROOT, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

/**
 * Issue 7: destructive inputs leave every pre-existing file byte-identical and print one line.
 * The tree under a scratch folder is hashed before and after the whole matrix.
 */
let work: string;
let ds: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'primesim-safety-'));
  ds = join(work, 'ds');
  generateDataset({ dir: ds, seed: 5, events: 20_000, profile: 'calm' });
  mkdirSync(join(work, 'victim', 'sub'), { recursive: true });
  writeFileSync(join(work, 'victim', 'notes.txt'), 'years of work\n');
  writeFileSync(join(work, 'victim', 'sub', 'model.bin'), Buffer.from([1, 2, 3, 4]));
  // A stand-in for a repository root: a project folder with a package.json and sources.
  mkdirSync(join(work, 'repo', 'src'), { recursive: true });
  writeFileSync(join(work, 'repo', 'package.json'), '{"name":"mine"}\n');
  writeFileSync(join(work, 'repo', 'src', 'index.ts'), 'export const x = 1;\n');
  writeFileSync(join(work, 'afile.txt'), 'not a folder\n');
  mkdirSync(join(work, 'runs', 'sub', 'keep'), { recursive: true });
  writeFileSync(join(work, 'runs', 'sub', 'keep', 'precious.txt'), 'keep me\n');
  writeFileSync(join(work, 'runs', 'other.txt'), 'sibling of sub\n');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

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

function oneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('destructive inputs never lose a file', () => {
  it('run ids, --out and --runs matrix leaves the tree byte-identical', async () => {
    const before = treeHash(work);
    const bt = (extra: string[], cwd = ROOT) => primesim(['backtest', join(ROOT, 'strategies/market-maker.ts'), '--data', ds, ...extra], cwd);
    const runsSub = join(work, 'runs', 'sub');
    const cases: [Promise<{ code: number; stdout: string; stderr: string }>, RegExp][] = [
      [bt(['--runs', runsSub, '--run-id', '..']), /field --run-id.*run id "\.\." is not a plain folder name/],
      [bt(['--runs', runsSub, '--run-id', '.']), /run id "\." is not a plain folder name/],
      [bt(['--runs', runsSub, '--run-id', 'a/b']), /run id "a\/b" is not a plain folder name/],
      [bt(['--runs', runsSub, '--run-id', join(work, 'victim')]), /is not a plain folder name/],
      [bt(['--runs', work, '--run-id', 'victim']), /victim already exists and holds files that primesim did not write.*--force/],
      [bt(['--runs', join(work, 'afile.txt')]), /afile\.txt is a file, not a folder/],
      [bt(['--runs', join(work, 'afile.txt', 'deeper')]), /afile\.txt is a file/],
      [primesim(['stress', 'cascade', '--runs', runsSub, '--run-id', '..']), /run id "\.\." is not a plain folder name/],
      [primesim(['data', 'generate', '--out', join(work, 'victim'), '--events', '1000']), /victim already exists and holds files that primesim did not write.*--force/],
      [primesim(['data', 'generate', '--out', join(work, 'repo'), '--events', '1000']), /repo already exists and holds files/],
      [primesim(['data', 'generate', '--out', '.', '--events', '1000'], join(work, 'repo')), /holds the current folder/],
      [primesim(['data', 'generate', '--out', '.', '--events', '1000', '--force'], join(work, 'repo')), /holds the current folder/],
      [primesim(['data', 'generate', '--out', join(work, 'afile.txt'), '--events', '1000']), /afile\.txt exists and is a file/],
      [primesim(['data', 'generate', '--out', ds, '--events', '1000', '--seed', '6'], join(work, 'repo')), /^$/],
      [primesim(['sweep', join(ROOT, 'strategies/market-maker.ts'), '--data', ds, '--grid', 'spreadBps=1', '--runs', join(work, 'afile.txt')]), /afile\.txt is a file/],
    ];
    if (sharedDataAvailable()) {
      const cap = join(SHARED, 'binance', 'spot_btcusdt_20240808.gz');
      cases.push([primesim(['data', 'import', cap, '--out', join(work, 'victim')]), /victim already exists and holds files that primesim did not write/]);
      cases.push([primesim(['data', 'import', cap, '--out', join(work, 'repo')]), /repo already exists/]);
      cases.push([primesim(['data', 'import', cap, '--out', join(work, 'afile.txt')]), /afile\.txt exists and is a file/]);
    }
    const results = await Promise.all(cases.map(([p]) => p));
    results.forEach((r, i) => {
      const pattern = cases[i]![1];
      if (pattern.source === '^$') {
        // Replacing a catalog with a catalog is allowed (and atomic).
        expect(r.code, r.stderr).toBe(0);
      } else oneLine(r, pattern);
    });
    const after = treeHash(work);
    // Only the one legitimate catalog replacement changed files, and only inside the catalog.
    for (const [k, h] of Object.entries(before)) if (!k.startsWith('ds/')) expect(after[k], k).toBe(h);
    for (const k of Object.keys(after)) if (!k.startsWith('ds/')) expect(before[k], k).toBeDefined();
    expect(JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')).rows).toBeGreaterThan(0);
  });

  it('an existing run is replaced atomically, a non-run folder only with --force', async () => {
    const runs = join(work, 'runs2');
    mkdirSync(join(runs, 'mine'), { recursive: true });
    writeFileSync(join(runs, 'mine', 'x.txt'), 'x');
    const args = ['backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--run-id'];
    let r = await primesim([...args, 'mine']);
    oneLine(r, /--force/);
    expect(readFileSync(join(runs, 'mine', 'x.txt'), 'utf8')).toBe('x');
    r = await primesim([...args, 'mine', '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(runs, 'mine'))).toContain('manifest.json');
    r = await primesim([...args, 'mine']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(runs).filter((k) => k.startsWith('.'))).toEqual([]);
    // A report replaces only an earlier report, never another file.
    const notes = join(work, 'victim', 'notes.txt');
    oneLine(await primesim(['report', join(runs, 'mine'), '--out', notes]), /notes\.txt exists and is not a primesim report/);
    expect(readFileSync(notes, 'utf8')).toBe('years of work\n');
    const rep = join(work, 'rep-out.html');
    for (let k = 0; k < 2; k++) expect((await primesim(['report', join(runs, 'mine'), '--out', rep])).code).toBe(0);
    // --out a folder (holding a file of the user's): the report goes in it under its own name.
    const shelf = join(work, 'shelf');
    mkdirSync(shelf);
    writeFileSync(join(shelf, 'notes.txt'), 'mine\n');
    r = await primesim(['report', join(runs, 'mine'), '--out', shelf]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(shelf).sort()).toEqual(['mine.html', 'notes.txt']);
    expect(readFileSync(join(shelf, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(r.stdout).toContain(join(shelf, 'mine.html'));
    // A report named without .html: its charts were written over it (the page lost); now beside it.
    // The page and its charts were written through `<name>.tmp`, replacing a user's file of that
    // name (weekly.tmp): now through hidden names of this process, none left behind.
    const weekly = join(work, 'weekly');
    writeFileSync(`${weekly}.tmp`, 'my draft\n');
    r = await primesim(['report', join(runs, 'mine'), '--out', weekly, '--png']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(weekly, 'utf8')).toMatch(/^<!doctype html>.*<title>primesim report: /is);
    expect(readFileSync(`${weekly}.tmp`, 'utf8')).toBe('my draft\n');
    const pngs = readdirSync(work).filter((f) => f.startsWith('weekly-') && f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(3);
    expect(r.stdout.match(/^png: /gm)?.length).toBe(pngs.length);
    expect(readdirSync(work).filter((f) => f.startsWith('.') || f.endsWith('.png.tmp'))).toEqual([]);
    // A copy of a run (a backup) keeps the run id in its manifest: its report took the original's
    // name, reports/mine.html, and replaced it. Reports are named for the folder.
    expect((await primesim(['report', join(runs, 'mine')], work)).code).toBe(0);
    const original = readFileSync(join(work, 'reports', 'mine.html'));
    cpSync(join(runs, 'mine'), join(runs, 'mine-backup'), { recursive: true });
    r = await primesim(['report', join(runs, 'mine-backup')], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(work, 'reports', 'mine-backup.html'));
    expect(readFileSync(join(work, 'reports', 'mine.html')).equals(original)).toBe(true);
    // stress refuses the same way and takes the --force its message names (it had none).
    mkdirSync(join(runs, 'theirs'), { recursive: true });
    writeFileSync(join(runs, 'theirs', 'x.txt'), 'x');
    // (In the work folder: stress writes its report to ./reports.)
    oneLine(await primesim(['stress', 'crash-50x', '--runs', runs, '--run-id', 'theirs'], work), /pass --force/);
    expect(readFileSync(join(runs, 'theirs', 'x.txt'), 'utf8')).toBe('x');
    r = await primesim(['stress', 'crash-50x', '--runs', runs, '--run-id', 'theirs', '--force'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(runs, 'theirs'))).toContain('manifest.json');
  });

  it('every command whose refusal says "pass --force" has a --force option', async () => {
    for (const cmd of [['backtest'], ['run'], ['stress'], ['sweep'], ['mc'], ['data', 'generate'], ['data', 'import']]) {
      const r = await primesim([...cmd, '--help']);
      expect(r.stdout, cmd.join(' ')).toMatch(/--force/);
    }
  });
});

describe('read-only queries and tamper detection', () => {
  it('refuses writes and foreign files, names a changed result file', async () => {
    const runs = join(work, 'qruns');
    let r = await primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--run-id', 'q1', '--param', 'spreadBps=1']);
    expect(r.code, r.stderr).toBe(0);
    const run = join(runs, 'q1');
    const fillsBefore = readFileSync(join(run, 'fills.parquet'));
    r = await primesim(['query', run, `COPY fills TO '${join(run, 'fills.parquet')}' (FORMAT parquet)`]);
    oneLine(r, /read-only.*--allow-files/);
    r = await primesim(['query', run, "select * from read_csv('/etc/passwd')"]);
    oneLine(r, /SQL error: Permission Error.*--allow-files/);
    r = await primesim(['query', run, "ATTACH '/tmp/x.duckdb'"]);
    oneLine(r, /read-only/);
    expect(readFileSync(join(run, 'fills.parquet')).equals(fillsBefore)).toBe(true);
    r = await primesim(['query', run, 'select count(*) as n from fills', '-f', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    // Tamper by hand: append a byte to the Parquet copy, then flip a byte of an Arrow file in place.
    writeFileSync(join(run, 'fills.parquet'), Buffer.concat([fillsBefore, Buffer.from([0])]));
    r = await primesim(['query', run, 'select count(*) from fills']);
    oneLine(r, /q1\/fills\.parquet: changed since the run was written/);
    writeFileSync(join(run, 'fills.parquet'), fillsBefore);
    const eq = join(run, 'equity.arrow');
    const bytes = readFileSync(eq);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    writeFileSync(eq, bytes);
    r = await primesim(['query', run, 'select count(*) from equity']);
    expect(r.code, r.stderr).toBe(0); // same size: the cheap check passes…
    r = await primesim(['query', run, 'select count(*) from equity', '--verify']);
    oneLine(r, /q1\/equity\.arrow: changed since the run was written: sha256/); // …the full one does not
    // `report` crashed on a cut Arrow file ("Cannot read properties of null (reading 'fieldsLength')"):
    // it checks sizes as `query` does, and an Arrow file that does not parse is named.
    writeFileSync(eq, bytes.subarray(0, bytes.length - 100));
    r = await primesim(['report', run, '--out', join(work, 'cut.html')]);
    oneLine(r, /q1\/equity\.arrow: changed since the run was written: \d+ bytes, the manifest says \d+/);
    const junk = join(work, 'junk.arrow');
    writeFileSync(junk, bytes.subarray(0, 64));
    expect(() => readArrow(junk)).toThrow(/junk\.arrow: not a readable Arrow file \(cut short or overwritten\?\)/);
  });
});

describe('strategies from anywhere, errors that point at the cause', () => {
  it('a strategy outside the repository gives byte-identical results', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'primesim-strat-'));
    try {
      copyFileSync(join(ROOT, 'strategies', 'market-maker.ts'), join(outside, 'mm.ts'));
      const runs = join(work, 'sruns');
      const [a, b] = await Promise.all([
        primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--run-id', 'inside', '--queue', 'power:2', '--json']),
        primesim(['backtest', join(outside, 'mm.ts'), '--data', ds, '--runs', runs, '--run-id', 'outside', '--queue', 'power:2', '--json'], outside),
      ]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const ma = JSON.parse(a.stdout) as { resultsSha256: string; counts: { fills: number } };
      const mb = JSON.parse(b.stdout) as { resultsSha256: string };
      expect(ma.counts.fills).toBeGreaterThan(0);
      expect(mb.resultsSha256).toBe(ma.resultsSha256);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a syntax error names file, line and column; a thrown exception names file, line, callback and simulated time', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'primesim-strat-'));
    try {
      writeFileSync(join(outside, 'broken.ts'), "import { defineStrategy, z } from 'primesim';\n\nexport default defineStrategy({\n  name: 'broken',\n  params: z.strictObject({}),\n  create() { return { onBook() { const x = ; } }; },\n});\n");
      let r = await primesim(['backtest', join(outside, 'broken.ts'), '--data', ds, '--runs', join(work, 'eruns')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/broken\.ts:6:\d+: Unexpected ";"/);
      writeFileSync(
        join(outside, 'thrower.ts'),
        "import { defineStrategy, z } from 'primesim';\n\nexport default defineStrategy({\n  name: 'thrower',\n  description: 'throws on its 30th book',\n  params: z.strictObject({}),\n  create() {\n    let n = 0;\n    return {\n      onBook() {\n        if (++n === 30) throw new Error('inventory blew up');\n      },\n    };\n  },\n});\n",
      );
      r = await primesim(['backtest', join(outside, 'thrower.ts'), '--data', ds, '--runs', join(work, 'eruns')]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/thrower\.ts:11:\d+: onBook threw at simulated time 2024-08-\d\dT[\d:.]+Z \(event \d+\): inventory blew up/);
      expect(r.stderr).not.toMatch(/at Object\.onBook/); // no stack without --debug…
      r = await primesim(['backtest', join(outside, 'thrower.ts'), '--data', ds, '--runs', join(work, 'eruns'), '--debug']);
      expect(r.stderr).toMatch(/at Object\.onBook \(.*thrower\.ts:11:\d+\)/); // …the stack with it
      r = await primesim(['backtest', '--help']);
      expect(r.stdout).toMatch(/--debug\s+print stack traces/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('inputs that mean one thing', () => {
  it('durations need a unit and intervals must be positive; funding series must cover the run', async () => {
    const bt = (extra: string[]) => primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', join(work, 'iruns'), ...extra]);
    const [zero, bare, lean] = await Promise.all([
      bt(['--equity-interval', '0s']),
      bt(['--latency-entry', '2']),
      sharedDataAvailable() ? bt(['--funding', `lean:${join(SHARED, 'lean', 'cryptofuture_binance_margin_interest_btcusd.csv')}`]) : Promise.resolve(null),
    ]);
    oneLine(zero, /field --equity-interval.*duration "0s" must be greater than zero/);
    oneLine(bare, /field --latency-entry: duration "2" needs a unit/);
    if (lean) oneLine(lean, /funding series does not cover the run \(2024-08-09T00:00:00.*the series runs 2020-12-29T00:00:00\.000Z to 2022-12-13/);
  });

  it('I/O errors name the file: truncated gzip, a folder as input', async () => {
    if (!sharedDataAvailable()) return;
    const trunc = join(work, 'trunc.gz');
    writeFileSync(trunc, readFileSync(join(SHARED, 'binance', 'spot_btcusdt_20240808.gz')).subarray(0, 30_000));
    const [imp, val, dir] = await Promise.all([
      primesim(['data', 'import', trunc, '--out', join(work, 'trunc-out')]),
      primesim(['data', 'validate', trunc]),
      primesim(['data', 'import', work, '--out', join(work, 'dir-out')]),
    ]);
    oneLine(imp, /trunc\.gz:\d+: the gzip file is truncated/);
    expect(val.code).toBe(1);
    expect(val.stdout).toMatch(/trunc\.gz:\d+: the gzip file is truncated/);
    oneLine(dir, /is a folder, not a data file/);
  });
});

describe('sweeps you can analyse', () => {
  it('each sweep gets its own folder; the runs table has parameter, model and sweep columns', async () => {
    const runs = join(work, 'sweeps');
    const sw = (grid: string[]) => primesim(['sweep', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--workers', '1', ...grid.flatMap((g) => ['--grid', g])]);
    const a = await sw(['spreadBps=1,2']);
    expect(a.code, a.stderr).toBe(0);
    const b = await sw(['spreadBps=4', 'queue=risk-averse,power:2']);
    expect(b.code, b.stderr).toBe(0);
    const dirs = readdirSync(runs).sort();
    expect(dirs).toHaveLength(2);
    expect(b.stdout).not.toMatch(/spreadBps-1/); // the second summary holds only its own runs
    const q = await primesim(['query', runs, 'select sweep, param_spread_bps, model_queue, seed from runs order by sweep, param_spread_bps, model_queue', '-f', 'json']);
    expect(q.code, q.stderr).toBe(0);
    const rows = JSON.parse(q.stdout) as { sweep: string; param_spread_bps: string; model_queue: string; seed: number }[];
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.sweep))).toEqual(new Set(dirs));
    expect(rows.map((r) => `${r.param_spread_bps}/${r.model_queue}`).sort()).toEqual(['1/risk-averse', '2/risk-averse', '4/power:2', '4/risk-averse']);
    // Seeds that cannot change anything are called out, not silently swept.
    const seeds = await sw(['seed=1..2']);
    expect(seeds.code, seeds.stderr).toBe(0);
    expect(seeds.stderr).toMatch(/note: with a constant --latency-entry and the risk-averse queue nothing draws from the RNG, so every seed gives the same result/);
  });
});
