import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBacktestConfig } from '../../src/backtest/config-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'primesim-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('backtest config files', () => {
  it('reads YAML and JSON with the CLI settings', () => {
    const y = write('a.yaml', 'strategy: strategies/market-maker.ts\ndata: datasets/x\nseed: 7\nlatencyEntry: 2ms\nqueue: power:3\nparams:\n  spreadBps: 2\n');
    expect(loadBacktestConfig(y)).toEqual({ strategy: 'strategies/market-maker.ts', data: 'datasets/x', seed: 7, latencyEntry: '2ms', queue: 'power:3', params: { spreadBps: 2 } });
    const j = write('a.json', JSON.stringify({ strategy: 's.ts', fees: '-0.5:2.5' }));
    expect(loadBacktestConfig(j)).toEqual({ strategy: 's.ts', fees: '-0.5:2.5' });
  });

  it('a wrong type names the file, the line and the field', () => {
    const f = write('bad.yaml', 'strategy: strategies/market-maker.ts\ndata: datasets/x\n\nseed: seven\n');
    expect(() => loadBacktestConfig(f)).toThrow(/bad\.yaml:4, field seed: /);
  });

  it('an unknown setting names its line', () => {
    const f = write('unk.yaml', 'strategy: s.ts\nlatency_entry: 2ms\n');
    expect(() => loadBacktestConfig(f)).toThrow(/unk\.yaml:2, field latency_entry: unknown setting latency_entry \(did you mean latencyEntry\?\)/);
  });

  it('broken YAML names the line', () => {
    const f = write('broken.yaml', 'strategy: s.ts\nparams: {spreadBps: 2\n');
    expect(() => loadBacktestConfig(f)).toThrow(/broken\.yaml:\d+: not valid YAML/);
  });
});
