import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogReader } from '../../../src/data/catalog.ts';
import { FLAG_SNAPSHOT_START, ROW_SNAPSHOT } from '../../../src/data/market-rows.ts';
import { generateDataset } from '../../../src/data/synthetic/index.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-synth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const shas = (m: ReturnType<typeof generateDataset>): string[] => m.columns.map((c) => c.sha256);

describe('generateDataset', () => {
  it('is deterministic: same seed and parameters → identical column files; another seed differs', () => {
    const progress: number[] = [];
    const a = generateDataset({ dir: join(root, 'a'), seed: 42, events: 200_000, onProgress: (n) => progress.push(n), progressEveryRows: 50_000 });
    const b = generateDataset({ dir: join(root, 'b'), seed: 42, events: 200_000 });
    const c = generateDataset({ dir: join(root, 'c'), seed: 43, events: 200_000 });
    expect(shas(a)).toEqual(shas(b));
    expect(a.rows).toBe(b.rows);
    // Every column that carries randomness differs with the seed (kind/side/flags could in principle coincide, prices cannot).
    for (const name of ['tsUs', 'localTsUs', 'priceTicks', 'sizeLots']) {
      expect(a.columns.find((x) => x.name === name)!.sha256).not.toBe(c.columns.find((x) => x.name === name)!.sha256);
    }
    expect(progress.slice(0, 4)).toEqual([50_000, 100_000, 150_000, 200_000]);
    expect(progress.at(-1)).toBe(a.rows);
  });

  it('writes a readable catalog with synthetic provenance recording seed and parameters', () => {
    const dir = join(root, 'p');
    const m = generateDataset({ dir, seed: 'demo', events: 50_000, profile: 'volatile', jumpIntensityPerHour: 12 });
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    expect(m.provenance.source).toBe('synthetic');
    const g = m.provenance.generator!;
    expect(g['seed']).toBe('demo');
    expect(g['profile']).toBe('volatile');
    expect(g['jumpIntensityPerHour']).toBe(12);
    expect(g['instrument']).toBe('binance-futures:BTCUSDT');
    expect(m.counts.trade).toBeGreaterThan(1000);
    expect(m.counts.snapshot).toBe(40);
    expect(m.clockOffsetUs).toBeGreaterThanOrEqual(0);
    const r = new CatalogReader(dir);
    let rows = 0;
    let first = true;
    while (r.next()) {
      if (first) {
        expect(r.chunk.kind[0]).toBe(ROW_SNAPSHOT);
        expect(r.chunk.flags[0]! & FLAG_SNAPSHOT_START).toBeTruthy();
        first = false;
      }
      rows += r.chunk.length;
    }
    r.close();
    expect(rows).toBe(m.rows);
  });

  it('leaves no folder behind when parameters are bad', () => {
    const dir = join(root, 'bad');
    expect(() => generateDataset({ dir, seed: 1, events: 1000, hawkesBranching: 2 })).toThrow(/hawkesBranching/);
    expect(existsSync(dir)).toBe(false);
  });
});
