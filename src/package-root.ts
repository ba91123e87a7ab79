import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root folder (package.json, src/, strategies/), wherever the user runs from. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
