import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from './package-root.ts';

/**
 * Whether this process runs the compiled CLI (dist/, built by `npm install`) rather than the
 * TypeScript sources under tsx: bundled, this module sits in dist/ itself. Code that starts
 * another process or thread, or loads a strategy, starts it the same way.
 */
export const FROM_DIST = basename(dirname(fileURLToPath(import.meta.url))) === 'dist';

/** A file of the compiled CLI (dist/<name>). */
export const distFile = (name: string): string => join(PACKAGE_ROOT, 'dist', name);
