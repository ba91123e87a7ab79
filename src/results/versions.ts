import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

const require = createRequire(import.meta.url);
// The package's root, from the sources or from the compiled dist/ alike.
const root = PACKAGE_ROOT;

function pkgVersion(name: string): string {
  try {
    const p = require.resolve(`${name}/package.json`, { paths: [root] });
    return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
  } catch {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  }
}

let fingerprint: string | undefined;

/**
 * A fingerprint of the code that ran: sha256 of every source file (src/, else the compiled dist/
 * of an install without sources), names and bytes, sorted; 12 hex digits. The package version
 * does not move with each change, and reusing a Monte Carlo path written by other code would mix
 * two models in one set of paths. Computed once per process (~1 MB read).
 */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const base = existsSync(join(root, 'src')) ? join(root, 'src') : join(root, 'dist');
  const h = createHash('sha256');
  const files: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else if (/\.(ts|mts|js|mjs)$/.test(e.name)) files.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(base)) walk(base, '');
  for (const f of files.sort()) {
    h.update(f).update('\0').update(readFileSync(join(base, f))).update('\0');
  }
  return (fingerprint = h.digest('hex').slice(0, 12));
}

/** Code and runtime versions recorded in every manifest. */
export function versions(): Record<string, string> {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    primesim: own.version,
    code: codeFingerprint(),
    node: process.version,
    'apache-arrow': pkgVersion('apache-arrow'),
    '@duckdb/node-api': pkgVersion('@duckdb/node-api'),
  };
}
