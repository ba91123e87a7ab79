import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { chainRows } from '../../src/report/summary-rows.ts';
import type { ChainMetrics } from '../../src/world/chain-results.ts';
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

describe('swap metrics per direction', () => {
  // A strategy that sells WETH and buys it back: the MEV loss was one sum of USDC and WETH, and
  // the average price USDC and WETH out over WETH and USDC in.
  it('each direction its own MEV loss and average price, in its own tokens; no total across them', async () => {
    const strat = join(work, 'both.ts');
    writeFileSync(strat, `import { defineStrategy, z } from 'primesim';
export default defineStrategy({ name: 'both-ways', description: '', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) { return { onStart() { const p = ctx.pool('weth-usdc'); p.swap({ amountIn: 2n * 10n ** 18n, zeroForOne: true, amountOutMin: 0n }); p.swap({ amountIn: 3000n * 10n ** 6n, zeroForOne: false, amountOutMin: 0n }); } }; } });
`);
    const text = readFileSync(join(PACKAGE_ROOT, 'scenarios', 'dex-twap.yaml'), 'utf8')
      .replace('strategy: ../strategies/dex-twap.ts', `strategy: ${strat}`)
      .replace(/\n {4}params: \{ amount: 50[^\n]*/, '')
      .replace('onchain: { WETH: 50, ETH: 10 }', 'onchain: { WETH: 50, ETH: 10, USDC: 100000 }');
    const file = join(work, 'both.yaml');
    writeFileSync(file, text);
    const { spec, source } = loadSpecFile(file);
    const r = await runWorld(spec, source, { runsDir: join(work, 'runs'), runId: 'both', force: true });
    const m = r.manifest.metrics as unknown as ChainMetrics;
    const pairs = m.swapsByPair!;
    expect(pairs.map((p) => [p.tokenIn, p.tokenOut, p.swaps, p.filled])).toEqual([['WETH', 'USDC', 1, 1], ['USDC', 'WETH', 1, 1]]);
    // Selling WETH gets about the pool's price in USDC; buying WETH with USDC its inverse.
    expect(pairs[0]!.avgPrice).toBeGreaterThan(500);
    expect(pairs[1]!.avgPrice).toBeLessThan(0.01);
    expect(pairs[0]!.avgPrice * pairs[1]!.avgPrice).toBeLessThan(1); // fees and price impact both ways
    expect(pairs[0]!.avgPrice * pairs[1]!.avgPrice).toBeGreaterThan(0.98);
    // The totals that would mix tokens are not given (null in the manifest).
    expect(m.swapMevLoss).toBeNull();
    expect(m.swapAvgPrice).toBeNull();
    const rows = Object.fromEntries(chainRows({ ...m, swapMevLoss: NaN, swapAvgPrice: NaN }));
    expect(Object.keys(rows)).toEqual(expect.arrayContaining(['WETH → USDC: MEV loss on the swaps (USDC)', 'WETH → USDC: average price (USDC per WETH)', 'USDC → WETH: MEV loss on the swaps (WETH)', 'USDC → WETH: average price (WETH per USDC)']));
    expect(Object.keys(rows).some((k) => k.includes('output token'))).toBe(false);
  });
});

