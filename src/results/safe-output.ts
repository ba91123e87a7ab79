import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
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

/** Hidden temporary sibling of `final` for this process. */
export function tempSibling(final: string): string {
  return join(dirname(final), `.${basename(final)}.tmp-${process.pid}`);
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
  const aside = join(dirname(final), `.${basename(final)}.old-${process.pid}`);
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
 * of REPORT_KINDS); any other existing file or a folder is refused.
 */
export function checkReportTarget(file: string): string {
  const abs = resolve(file);
  if (!existsSync(abs)) return abs;
  if (statSync(abs).isDirectory()) throw new ConfigError(`${file} is a folder, not a report file`, { field: '--out', hint: 'give a file name such as report.html' });
  const head = readFileSync(abs, 'utf8').slice(0, 400);
  if (!REPORT_TITLE.test(head)) throw new ConfigError(`${file} exists and is not a primesim report; refusing to replace it`, { field: '--out', hint: 'choose another file name' });
  return abs;
}
