// Plain JavaScript (no loader needed): used by bin/primesim.js before the TypeScript loader starts,
// and by the spill thread to pick its built task.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Whether `file` (something built from src/ into dist/) exists and is newer than every file under src/. */
export function distFresh(file) {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  const newer = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() ? newer(p) : statSync(p).mtimeMs > built) return true;
    }
    return false;
  };
  return !newer(SRC);
}
