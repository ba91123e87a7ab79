import { readFileSync } from 'node:fs';
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

/** Code and runtime versions recorded in every manifest. */
export function versions(): Record<string, string> {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    primesim: own.version,
    node: process.version,
    'apache-arrow': pkgVersion('apache-arrow'),
    '@duckdb/node-api': pkgVersion('@duckdb/node-api'),
  };
}
