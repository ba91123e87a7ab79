import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/data/synthetic/index.ts';
import { buildWorld } from '../../src/world/build.ts';
import { loadSpecFile } from '../../src/world/spec-file.ts';
import { primesim, ROOT } from '../helpers/cli.ts';

/** Bad specs fail with one line naming the spec file, the line and the field. */
const root = mkdtempSync(join(tmpdir(), 'primesim-spec-'));
let ds = '';
beforeAll(() => {
  ds = join(root, 'ds');
  generateDataset({ dir: ds, seed: 2, events: 20_000, profile: 'calm' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const good = () => `seed: 1
venues:
  - id: perp
    kind: perp
    data: { catalog: ${ds} }
accounts:
  - id: desk
    deposits: { USDT: 1000 }
agents:
  - strategy: ${join(ROOT, 'strategies', 'market-maker.ts')}
    account: desk
    venues: [perp]
`;

async function problem(text: string): Promise<string> {
  const f = join(root, 'spec.yaml');
  writeFileSync(f, text);
  try {
    const { spec, source } = loadSpecFile(f);
    await buildWorld(spec, source);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('bad run specs', () => {
  it('the good spec builds', async () => {
    expect(await problem(good())).toBe('no error');
  });

  it('each mistake names file, line and field', async () => {
    const cases: [string, RegExp][] = [
      [good().replace('kind: perp', 'kind: dark-pool'), /spec\.yaml:4, field venues\[0\]\.kind: unknown venue kind "dark-pool" \(kinds: spot, perp, options, amm-v2, amm-v3, lending\)/],
      [good().replace('venues: [perp]', 'venues: [perp, spot]'), /spec\.yaml:12, field agents\[0\]\.venues\[1\]: the strategy trades venue "spot", which the spec does not have/],
      [good().replace('USDT: 1000', 'USDT: 1000, DOGE: 5'), /spec\.yaml:8, field accounts\[0\]\.deposits\.DOGE: unknown asset DOGE/],
      [good().replace(`catalog: ${ds}`, 'catalog: ./nowhere'), /spec\.yaml:5, field venues\[0\]\.data\.catalog: catalog folder \.\/nowhere does not exist/],
      [good().replace('seed: 1', 'seed: 1\ntime: { start: "2031-01-01T00:00:00Z" }'), /spec\.yaml:2, field time\.start: start 2031-01-01T00:00:00\.000Z is outside the data/],
      [good().replace('seed: 1', 'seed: 1\nchain: { slot: 12s }'), /spec\.yaml:2, field chain\.slot: unknown setting slot/],
      [good().replace('account: desk', 'account: treasury'), /spec\.yaml:11, field agents\[0\]\.account: unknown account treasury/],
      [good().replace("    kind: perp\n", "    kind: perp\n    latency: { entry: '2' }\n"), /spec\.yaml:5, field venues\[0\]\.latency\.entry: duration "2" needs a unit/],
      [good().replace('deposits: { USDT: 1000 }', 'deposits: { USDT: 1000 }\n    margin: cash'), /field accounts\[0\]\.margin: account desk trades perp venue perp but is a cash account/],
      [good().replace('seed: 1', 'seed: one'), /spec\.yaml:1, field seed: /],
      // An agent's own mistake, not the union's "Invalid input": the shape its key picks is checked.
      [good().replace(`  - strategy: ${join(ROOT, 'strategies', 'market-maker.ts')}\n    account: desk\n    venues: [perp]\n`, '  - strategy: { file: mm.ts, venue: perp }\n'), /spec\.yaml:10, field agents\[0\]\.strategy: Invalid input: expected string, received object \(a strategy agent: \{ strategy: <file>, account: <id>, venues: \[<id>, …\], params: \{…\} \}\)/],
      [good().replace('    venues: [perp]\n', '    venues: [perp]\n    venue: perp\n'), /spec\.yaml:1[23], field agents\[0\]\.venue: unknown setting venue/],
      [`${good()}  - population: { venue: perp, count: 0 }\n`, /spec\.yaml:13, field agents\[1\]\.population\.count: Too small/],
      // A venue's data is one of four shapes: the one whose keys it uses is checked, to the leaf.
      [good().replace(`data: { catalog: ${ds} }`, 'data: { catalog: 5 }'), /spec\.yaml:5, field venues\[0\]\.data\.catalog: Invalid input: expected string, received number/],
      [good().replace(`data: { catalog: ${ds} }`, 'data: { path: { source: { jumpDiffusion: { price: 100 } } } }'), /spec\.yaml:5, field venues\[0\]\.data\.path\.source\.jumpDiffusion\.start: missing \(required\)/],
      [good().replace(`data: { catalog: ${ds} }`, 'data: { path: { source: { jumpDiffusion: { start: 2024-01-01T00:00:00Z, price: 100, vol: 0.5, step: 1s, length: 1h, jumps: yes } } } }'), /spec\.yaml:5, field venues\[0\]\.data\.path\.source\.jumpDiffusion\.jumps: unknown setting jumps/],
      [good().replace(`data: { catalog: ${ds} }`, 'data: { csv: x.csv }'), /spec\.yaml:5, field venues\[0\]\.data: unknown setting csv \(one of: catalog, generate, bars, path\)/],
      // A misspelt setting: the one it resembles, also where the key it meant is then missing.
      [good().replace("    kind: perp\n", "    kind: perp\n    queu: power:3\n"), /spec\.yaml:5, field venues\[0\]\.queu: unknown setting queu \(did you mean queue\?\)$/],
      // A bare number where a duration goes: what it lacks, not "expected string, received number".
      [good().replace("    kind: perp\n", "    kind: perp\n    latency: { entry: 5 }\n"), /spec\.yaml:5, field venues\[0\]\.latency\.entry: duration "5" needs a unit/],
      [`${good()}record: { equityInterval: 60 }\n`, /field record\.equityInterval: duration "60" needs a unit/],
      [good().replace('seed: 1', 'sed: 1'), /spec\.yaml:1, field sed: unknown setting sed \(did you mean seed\?\)$/],
      [good().replace('deposits: { USDT: 1000 }', 'depostis: { USDT: 1000 }'), /spec\.yaml:8, field accounts\[0\]\.depostis: unknown setting depostis \(did you mean deposits\?\)$/],
      [`${good()}  - { bots: 3 }\n`, /spec\.yaml:13, field agents\[1\]: not an agent \(an agent has one of the keys strategy \(with account and venues\), population, adversary, borrowers\)/],
    ];
    for (const [text, want] of cases) expect(await problem(text)).toMatch(want);
  });

  it('a missing catalog that the spec says how to make: the hint is that exact command, from the folder where its --out is the catalog', async () => {
    // The shipped scenarios on real captures say it in their header; the error said only "create one with `primesim data import`".
    const header = '# Import the capture first:\n#   npx primesim data import ../shared/data/binance/usdm_btcusdt_20240808.gz --out datasets/usdm-btcusdt-20240808\n';
    const text = header + good().replace(`catalog: ${ds}`, 'catalog: ../datasets/usdm-btcusdt-20240808');
    const msg = await problem(text);
    // The capture's path is written for a clone (../shared/data/…); from this folder it is not there, so the hint gives primesim's.
    const capture = existsSync(join(ROOT, '..', 'shared')) ? resolve(ROOT, '..', 'shared', 'data', 'binance', 'usdm_btcusdt_20240808.gz') : '../shared/data/binance/usdm_btcusdt_20240808.gz';
    expect(msg).toContain(`catalog folder ../datasets/usdm-btcusdt-20240808 does not exist (make it with: cd ${dirname(root)} && npx primesim data import ${capture} --out datasets/usdm-btcusdt-20240808)`);
    // Also after words on the comment's line (scenarios/liquidation-20240808.yaml's "# Import first: npx …" got the generic hint).
    const oneLine = '# Import first: npx primesim data import ../shared/data/binance/usdm_btcusdt_20240808.gz --out datasets/usdm-btcusdt-20240808\n';
    expect(await problem(oneLine + good().replace(`catalog: ${ds}`, 'catalog: ../datasets/usdm-btcusdt-20240808'))).toContain(`(make it with: cd ${dirname(root)} && npx primesim data import ${capture} --out datasets/usdm-btcusdt-20240808)`);
    // A command for another folder is not offered.
    expect(await problem(header + good().replace(`catalog: ${ds}`, 'catalog: ./nowhere'))).toMatch(/does not exist \(create one with `primesim data import` or `data generate`\)/);
  });

  it('the CLI prints one line and exits non-zero', async () => {
    const f = join(root, 'cli-spec.yaml');
    writeFileSync(f, good().replace('kind: perp', 'kind: dark-pool'));
    const r = await primesim(['run', f, '--runs', join(root, 'runs')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cli-spec\.yaml:4, field venues\[0\]\.kind/);
  });
});
