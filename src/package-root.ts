import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root folder (package.json, src/, strategies/), wherever the user runs from. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A strategy or scenario file named on the command line (or in a spec): as given, relative to the
 * working folder (the spec's folder); when no such file exists and the path names one of the
 * examples shipped with primesim (e.g. `strategies/market-maker.ts` or `scenarios/mc-cascade.yaml`,
 * as the README and the demo write them), that example — so the commands the docs print work from any folder, not only a
 * clone of the repository. A file of the user's at that path always wins.
 */
export function resolveShippedFile(file: string, baseDir = process.cwd()): string {
  const own = resolve(baseDir, file);
  if (existsSync(own) || isAbsolute(file)) return own;
  const shipped = resolve(PACKAGE_ROOT, file);
  const inShipped = ['strategies', 'scenarios'].some((d) => shipped.startsWith(resolve(PACKAGE_ROOT, d) + sep));
  return inShipped && existsSync(shipped) ? shipped : own;
}

/**
 * A run spec named on the command line (`run`, `mc`, `sweep`): a file as resolveShippedFile finds
 * it, or — when no such file exists and the argument is a bare name (no folder, no extension) — the
 * scenario of that name as `stress` takes it: ./scenarios/<name>.yaml, else primesim's. `primesim
 * run crash-50x` said "cannot read spec file: no such file" though `stress crash-50x` ran it.
 */
/** Where scenarios are looked up by name: the working folder's scenarios/ (a user's own) first, then primesim's. */
export function scenarioDirs(): string[] {
  return [resolve('scenarios'), resolve(PACKAGE_ROOT, 'scenarios')];
}

export function resolveSpecArg(arg: string): string {
  const file = resolveShippedFile(arg);
  if (existsSync(file) || /[\\/]/.test(arg) || /\.[A-Za-z0-9]+$/.test(arg)) return file;
  for (const dir of scenarioDirs()) {
    const named = join(dir, `${arg}.yaml`);
    if (existsSync(named)) return named;
  }
  return file;
}
