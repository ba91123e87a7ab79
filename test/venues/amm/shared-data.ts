/** Locates <repoRoot>/../shared/data; missing data skips locally but fails under CI=true. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const uniswapDataDir = resolve(repoRoot, '../shared/data/uniswap');
export const hasUniswapData = existsSync(uniswapDataDir);

/** Registers a failing test under CI (or logs a skip message locally) when the data folder is missing. */
export function requireSharedData(): void {
  if (hasUniswapData) return;
  if (process.env.CI === 'true') {
    it('shared data folder is present', () => {
      throw new Error(`missing ${uniswapDataDir} (required under CI=true)`);
    });
  } else {
    console.warn(`skipping Uniswap reference-data tests: ${uniswapDataDir} not found`);
  }
}
