import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.ts';

/**
 * Where a command may write, and what it may replace. Every output folder is written under a
 * hidden temporary name beside it and renamed into place when whole; an existing folder at the
 * target is replaced only when it is the same kind of thing the command makes (a run folder
 * with a primesim-run manifest, a catalog with a primesim-catalog manifest) or empty. Anything
 * else is refused unless `--force`, and even `--force` never replaces a folder that holds the
 * current directory, the home folder or a file-system root.
 */
export type OutputKind = 'run' | 'catalog' | 'sweep';

const FORMATS: Record<OutputKind, string> = {
  run: 'primesim-run/1',
  catalog: 'primesim-catalog/1',
  sweep: 'primesim-sweep/1',
};

/** A run id is one plain path segment: letters, digits, `_`, `-` and inner dots; never `.`/`..`. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export function checkRunId(id: string, field = '--run-id'): string {
  if (!SEGMENT.test(id) || id.includes('..')) {
    throw new ConfigError(`run id "${id}" is not a plain folder name`, {
      field,
      hint: 'use letters, digits, "_", "-" and inner dots; no "/", "." or ".."',
    });
  }
  return id;
}

/** What kind of primesim output a folder holds, from its manifest (or null). */
export function outputKindOf(dir: string): OutputKind | 'empty' | null {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  if (entries.length === 0) return 'empty';
  const mf = join(dir, entries.includes('sweep.json') ? 'sweep.json' : 'manifest.json');
  if (!existsSync(mf)) return null;
  try {
    const m = JSON.parse(readFileSync(mf, 'utf8')) as { format?: unknown };
    for (const [k, f] of Object.entries(FORMATS)) if (m.format === f) return k as OutputKind;
  } catch {
    /* not JSON: not ours */
  }
  return null;
}

/** True when `inner` is `outer` or inside it. */
function contains(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function isProtected(abs: string): boolean {
  const home = process.env.HOME ? resolve(process.env.HOME) : undefined;
  return dirname(abs) === abs || contains(abs, process.cwd()) || (home !== undefined && contains(abs, home));
}

const WHAT: Record<OutputKind, string> = { run: 'a run folder', catalog: 'a dataset catalog', sweep: 'a sweep folder' };

/**
 * Check that `target` may be (re)written as `kind`. Returns its absolute path. Throws a
 * ConfigError naming the path and `--force` when the folder holds something else.
 */
export function checkOutputTarget(target: string, kind: OutputKind, opts: { force?: boolean; field?: string } = {}): string {
  const abs = resolve(target);
  const field = opts.field ?? '--out';
  if (!existsSync(abs)) {
    checkParentDir(dirname(abs), field);
    return abs;
  }
  const st = lstatSync(abs);
  if (!st.isDirectory()) {
    throw new ConfigError(`${target} exists and is ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}, not ${WHAT[kind]}; refusing to replace it`, { field, hint: 'choose another path' });
  }
  if (isProtected(abs)) {
    throw new ConfigError(`${target} holds the current folder, the home folder or is a root; refusing to replace it`, { field, hint: 'choose a new folder name' });
  }
  const found = outputKindOf(abs);
  if (found === kind || found === 'empty') return abs;
  if (opts.force) return abs;
  const held = found === null ? 'files that primesim did not write' : WHAT[found];
  throw new ConfigError(`${target} already exists and holds ${held}, not ${WHAT[kind]}; refusing to replace it`, {
    field,
    hint: 'choose a new folder, or pass --force to replace it',
  });
}

/** A folder that output goes into (e.g. `--runs`): created if missing, must not be a file. */
export function checkParentDir(dir: string, field = '--runs'): string {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new ConfigError(`${dir} is a file, not a folder`, { field, hint: 'give a folder to write into' });
    return abs;
  }
  // Find the nearest existing ancestor: a file there is the same mistake one level up.
  let p = dirname(abs);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new ConfigError(`${p} is a file, so ${dir} cannot be created`, { field });
  return abs;
}

/**
 * This machine in temporary names: Monte Carlo workers on several machines write into one shared
 * folder, and a process id means something only on the machine that has it.
 */
export const TEMP_HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * A temporary name primesim writes beside an output: `.<name>.tmp-<pid>-<host>` (the folder or
 * file being written), the same + `.spill` (a run's long tables spilled while it runs), `.<name>.old-<pid>-<host>`
 * (the previous output moved aside for the instant of the swap). Earlier versions wrote
 * `.<name>.tmp-<pid>` and `.<name>.tmp-<pid>.spill` (no machine part).
 */
const TEMP_NAME = /^\.(.+)\.(tmp|old)-(\d+)(?:-([0-9a-f]{8}))?(\.spill)?$/;

/** Folders this process writes temporary siblings into (see removeOwnTemps). */
const outputFolders = new Set<string>();

/** Hidden temporary sibling of `final` for this process. */
export function tempSibling(final: string): string {
  const dir = dirname(resolve(final));
  watchOutputFolder(dir);
  return join(dir, `.${basename(final)}.tmp-${process.pid}-${TEMP_HOST}`);
}

/**
 * A folder that this process (or its worker threads) writes outputs into (a sweep's runs, a Monte Carlo
 * run's paths): their temporary names carry this process's id, so an interrupted main thread can
 * remove them although the threads registered them, not it.
 */
export function watchOutputFolder(dir: string): void {
  const abs = resolve(dir);
  if (outputFolders.has(abs)) return;
  outputFolders.add(abs);
  // The first time this process writes here: clear what killed processes left.
  removeAbandonedTemps(abs);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary names in `dir` left by a primesim process of this machine that is gone (killed, out
 * of memory, the machine restarted): an unfinished output (folder or file) or spill folder is removed; a previous
 * output moved aside whose replacement never arrived is moved back. Another live process's names
 * (a parallel run) and other machines' (shared storage) are kept. Returns the names handled.
 */
export function removeAbandonedTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[3]);
    if ((m[4] !== undefined && m[4] !== TEMP_HOST) || pid === process.pid || isAlive(pid)) continue;
    // Only what is surely ours: a folder whose name carries this machine's tag, or (names of
    // earlier versions, without it) a run's spill folder. Another program's `.x.tmp-123` stays.
    if (m[4] === undefined && m[5] === undefined) continue;
    // A file under such a name is a page or row being written (writeFileWhole); earlier
    // versions wrote files under visible names only, so a file without the tag is not ours.
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st || (!st.isDirectory() && m[4] === undefined)) continue;
    dropTemp(dir, name, m);
    done.push(name);
  }
  return done;
}

/**
 * One temporary name gone: a previous output moved aside goes back to its place if that is empty,
 * anything else is removed. Returns the output an unfinished `.tmp` folder was for.
 */
function dropTemp(dir: string, name: string, m: RegExpExecArray): string | undefined {
  const p = join(dir, name);
  const final = join(dir, m[1]!);
  if (m[2] === 'old' && m[5] === undefined && !existsSync(final)) {
    renameSync(p, final);
    return undefined;
  }
  rmSync(p, { recursive: true, force: true, maxRetries: 3 });
  return m[2] === 'tmp' ? final : undefined;
}

/**
 * Remove every temporary name of this process (an interrupted command: what it was writing is
 * not whole, and nothing it replaced has been touched yet). A previous output moved aside goes
 * back. Returns the outputs that were being written (their final paths).
 */
export function removeOwnTemps(): string[] {
  const removed: string[] = [];
  for (const dir of outputFolders) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = TEMP_NAME.exec(name);
      if (!m || Number(m[3]) !== process.pid || (m[4] !== undefined && m[4] !== TEMP_HOST)) continue;
      // A run's folder and its spill folder are one unfinished output.
      const final = dropTemp(dir, name, m);
      if (final !== undefined && !removed.includes(final)) removed.push(final);
    }
  }
  return removed;
}

/**
 * Move a finished temporary folder into place. The old folder (already checked with
 * checkOutputTarget) is first renamed aside, so at every instant either the old or the new
 * output is whole at `final`; the old one is deleted only after the new one is in place.
 */
export function commitOutput(tmp: string, final: string): void {
  if (!existsSync(final)) {
    renameSync(tmp, final);
    return;
  }
  const aside = join(dirname(final), `.${basename(final)}.old-${process.pid}-${TEMP_HOST}`);
  rmSync(aside, { recursive: true, force: true });
  renameSync(final, aside);
  try {
    renameSync(tmp, final);
  } catch (e) {
    renameSync(aside, final);
    throw e;
  }
  rmSync(aside, { recursive: true, force: true });
}

/**
 * Write one file whole: to this process's hidden temporary sibling (`.<name>.tmp-<pid>-<host>`),
 * then renamed over `file`. A reader never sees half a file, an interrupt leaves nothing (the
 * temporary is this process's, removed with the others), and no other name is touched: a fixed
 * `<file>.tmp` was a name a user could own (`--out summary` replaced the user's summary.tmp).
 */
export function writeFileWhole(file: string, data: string | Uint8Array): void {
  const tmp = tempSibling(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A run folder path inside `runsDir`, checked: the id is one segment and the result stays inside. */
export function runTarget(runsDir: string, runId: string, force = false): { runsDir: string; final: string; tmp: string } {
  checkRunId(runId);
  const root = checkParentDir(runsDir, '--runs');
  const final = join(root, runId);
  if (dirname(final) !== root || !final.startsWith(root + sep)) throw new ConfigError(`run id "${runId}" leaves ${runsDir}`, { field: '--run-id' });
  checkOutputTarget(final, 'run', { force, field: '--run-id' });
  mkdirSync(root, { recursive: true });
  return { runsDir: root, final, tmp: tempSibling(final) };
}

/**
 * The kinds of report page primesim writes: each page's <title> starts with "primesim <kind>"
 * (report.ts, compare.ts, mc-report.ts, liquidation-fit-report.ts), which is how an earlier report
 * is told from a file it must not replace.
 */
export const REPORT_KINDS = ['report', 'comparison', 'Monte Carlo', 'liquidation fit'] as const;

const REPORT_TITLE = new RegExp(`<title>primesim (${REPORT_KINDS.join('|')})[:<]`);

/**
 * A report file may replace only an earlier primesim report (an HTML page whose title names one
 * of REPORT_KINDS); any other existing file is refused. `--out` naming a folder (one that exists,
 * or any path ending in a separator) puts the report there under its default name, as `cp` and
 * `mv` do with a folder.
 */
export function checkReportTarget(file: string, defaultName = 'report.html'): string {
  let abs = resolve(file);
  if (/[\\/]$/.test(file) || (existsSync(abs) && statSync(abs).isDirectory())) abs = join(abs, defaultName);
  if (!existsSync(abs)) return abs;
  if (statSync(abs).isDirectory()) throw new ConfigError(`${abs} is a folder, not a report file`, { field: '--out', hint: 'give a file name such as report.html' });
  const head = readFileSync(abs, 'utf8').slice(0, 400);
  if (!REPORT_TITLE.test(head)) throw new ConfigError(`${abs === resolve(file) ? file : abs} exists and is not a primesim report; refusing to replace it`, { field: '--out', hint: 'choose another file name' });
  return abs;
}
