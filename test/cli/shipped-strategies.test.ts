import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, resolveShippedFile } from '../../src/package-root.ts';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'primesim-shipped-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('strategies named as the docs write them', () => {
  it('strategies/<example> is the shipped example from any folder; a file of the user at that path wins; nothing else is looked up', () => {
    const cwd = process.cwd();
    try {
      process.chdir(work);
      expect(resolveShippedFile('strategies/sma-cross.ts')).toBe(join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'));
      // Only the examples: a path into the package's sources or elsewhere stays the user's (and fails as not found).
      expect(resolveShippedFile('src/index.ts')).toBe(join(work, 'src', 'index.ts'));
      expect(resolveShippedFile('strategies/../package.json')).toBe(join(work, 'package.json'));
      mkdirSync(join(work, 'strategies'), { recursive: true });
      writeFileSync(join(work, 'strategies', 'sma-cross.ts'), '// mine');
      expect(resolveShippedFile('strategies/sma-cross.ts')).toBe(join(work, 'strategies', 'sma-cross.ts'));
      rmSync(join(work, 'strategies'), { recursive: true });
    } finally {
      process.chdir(cwd);
    }
  });

  // The demo's "Explore it: npx primesim sweep strategies/market-maker.ts …" failed outside a clone: file not found.
  it.skipIf(!sharedDataAvailable())('`primesim backtest strategies/sma-cross.ts` runs in a folder without one', async () => {
    const r = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'), '--to', '2022-01-02', '--run-id', 'shipped', '--json'], work);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { strategy: { file: string } }).strategy.file).toBe(join(PACKAGE_ROOT, 'strategies', 'sma-cross.ts'));
  });

  it('scenarios/<example> is the shipped scenario from any folder (run, sweep, mc); a file of the user at that path wins', () => {
    const cwd = process.cwd();
    try {
      process.chdir(work);
      expect(resolveShippedFile('scenarios/mc-cascade.yaml')).toBe(join(PACKAGE_ROOT, 'scenarios', 'mc-cascade.yaml'));
      expect(resolveShippedFile('scenarios/nope.yaml')).toBe(join(work, 'scenarios', 'nope.yaml'));
      mkdirSync(join(work, 'scenarios'), { recursive: true });
      writeFileSync(join(work, 'scenarios', 'mc-cascade.yaml'), 'name: mine\n');
      expect(resolveShippedFile('scenarios/mc-cascade.yaml')).toBe(join(work, 'scenarios', 'mc-cascade.yaml'));
      rmSync(join(work, 'scenarios'), { recursive: true });
    } finally {
      process.chdir(cwd);
    }
  });

  // "npx primesim run scenarios/… " as the README writes it failed outside a clone: "cannot read spec file: no such file".
  it('`primesim run scenarios/cascade-drop.yaml` runs in a folder without one', async () => {
    const r = await primesim(['run', 'scenarios/cascade-drop.yaml', '--run-id', 'shipped-spec', '--no-report', '--json'], work);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { config: { name: string } }).config.name).toBe('cascade-drop');
  });

  // A spec in the user's folder naming strategies/leveraged-long.ts failed: "…/strategies/leveraged-long.ts: unknown strategy: file not found".
  it('a spec outside the clone may name strategies/<example>.ts', async () => {
    writeFileSync(join(work, 'mine.yaml'), `name: mine
seed: 1
venues:
  - id: perp
    kind: perp
    data:
      path:
        source: { jumpDiffusion: { start: "2023-11-14T22:13:20Z", price: 60000, vol: 1.0, step: 1s, length: 2m } }
    fees: "2:5"
accounts:
  - { id: desk, deposits: { USDT: 10000 }, margin: cross }
agents:
  - strategy: strategies/leveraged-long.ts
    account: desk
    venues: [perp]
`);
    const r = await primesim(['run', 'mine.yaml', '--run-id', 'mine', '--no-report', '--json'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(join(PACKAGE_ROOT, 'strategies', 'leveraged-long.ts')));
  });
});
