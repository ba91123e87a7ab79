import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { runWorld } from '../../src/world/run.ts';
import { loadSpecFile } from '../../src/world/spec-file.ts';

const work = mkdtempSync(join(tmpdir(), 'primesim-poolport-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** scenarios/dex-twap.yaml with its strategy replaced by one swap of `swap` at the start. */
async function swapWith(swap: string): Promise<unknown> {
  const strat = join(work, 'swap.ts');
  writeFileSync(strat, `import { defineStrategy, z } from 'primesim';
export default defineStrategy({ name: 'swap-once', description: '', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) { return { onStart() { ctx.pool('weth-usdc').swap(${swap}); } }; } });
`);
  const text = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'dex-twap.yaml'), 'utf8')
    .replace('strategy: ../strategies/dex-twap.ts', `strategy: ${strat}`)
    .replace(/\n {4}params: \{ amount: 50[^\n]*/, '');
  const file = join(work, 'spec.yaml');
  writeFileSync(file, text);
  const { spec, source } = loadSpecFile(file);
  try {
    await runWorld(spec, source, { runsDir: join(work, 'runs'), runId: 'swap', force: true });
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('pool swaps from a strategy', () => {
  // A JavaScript strategy's zeroForOne: 'false' was a true (a string is truthy): it sold the other token.
  it('a direction that is not a boolean, or gas that is not a number, is an error naming the field; a good swap runs', async () => {
    expect(await swapWith("{ amountIn: 10n ** 18n, zeroForOne: 'false', amountOutMin: 0n }")).toMatch(/field zeroForOne: swap on weth-usdc: zeroForOne must be true or false, got "false"/);
    expect(await swapWith('{ amountIn: 10n ** 18n, zeroForOne: true, amountOutMin: 0n, tipGwei: NaN }')).toMatch(/field tipGwei: swap on weth-usdc: tipGwei must be a number of gwei, got NaN/);
    expect(await swapWith("{ amountIn: 10n ** 18n, zeroForOne: true, amountOutMin: 0n, maxFeeGwei: '50' }")).toMatch(/field maxFeeGwei: swap on weth-usdc: maxFeeGwei must be a number of gwei, got "50"/);
    expect(await swapWith('{ amountIn: 10n ** 18n, zeroForOne: true, amountOutMin: 0n }')).toBe('no error');
  });
});
