import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
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
