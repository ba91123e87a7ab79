import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/data/catalog.ts';
import { openRun } from '../../src/results/run-store.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-mixups-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const folder = (name: string, manifest: object) => {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(manifest));
  return d;
};

describe('a catalog where a run is wanted, and a run where a catalog is', () => {
  // "report <catalog>": "manifest.json has no primesim-run/1 format"; "backtest --data <run>": "unknown catalog format primesim-run/1".
  it('each is named for what it is', () => {
    const cat = folder('cat', { format: 'primesim-catalog/1', kind: 'bars' });
    const run = folder('run', { format: 'primesim-run/1', files: [] });
    expect(() => openRun(cat)).toThrow(/cat\/manifest\.json, field format: not a run: this is a dataset catalog \(the input of a run: backtest --data, a spec's catalog\)/);
    expect(() => readManifest(run)).toThrow(/run\/manifest\.json, field format: not a dataset catalog: this is a run folder \(a run's results: primesim query or report/);
    expect(() => openRun(folder('other', { format: 'x' }))).toThrow(/not a run: manifest\.json has no primesim-run\/1 format/);
  });
});
