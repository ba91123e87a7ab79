import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCatalogs } from '../../src/data/catalog-list.ts';
import { writeBarsCatalog } from '../../src/data/bars-catalog.ts';
import { importChainFile } from '../../src/data/chain-catalog.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-list-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data list', () => {
  it.skipIf(!sharedDataAvailable())('lists the market, bars and chain catalogs of a folder as their manifests say; runs and other folders are counted, not listed', async () => {
    const dir = join(root, 'datasets');
    mkdirSync(dir);
    writeTinyDataset(join(dir, 'b-market'), 3, 2000);
    const csv = join(root, 'bars.csv');
    writeFileSync(csv, ['timestamp,open,high,low,close,volume', '2024-01-01 00:00:00,100,101,99,100.5,10', '2024-01-01 00:01:00,101,103,100,102,10', '2024-01-01 00:02:00,102,102.5,98,99,10'].join('\n'));
    writeBarsCatalog(join(dir, 'a-bars'), readBars(csv), { source: 'bars.csv', builtWith: 'test' });
    importChainFile(join(SHARED, 'chain', 'chainlink', 'usdc-usd_rounds.csv'), join(dir, 'c-rounds'));
    mkdirSync(join(dir, 'notes'));
    mkdirSync(join(dir, 'a-run'));
    writeFileSync(join(dir, 'a-run', 'manifest.json'), JSON.stringify({ format: 'primesim-run/1' }));
    const { catalogs, others } = listCatalogs(dir);
    expect(catalogs.map((c) => [c.dir, c.kind])).toEqual([[join(dir, 'a-bars'), 'bars'], [join(dir, 'b-market'), 'market'], [join(dir, 'c-rounds'), 'oracle-rounds']]);
    expect(others).toBe(2);
    for (const c of catalogs) {
      const m = JSON.parse(readFileSync(join(c.dir, 'manifest.json'), 'utf8')) as { rows: number; columns: { bytes: number }[]; timeRange?: { startUs: number; endUs: number } };
      expect(c.rows).toBe(m.rows);
      expect(c.bytes).toBe(m.columns.reduce((s, x) => s + x.bytes, 0));
      expect([c.fromUs, c.toUs]).toEqual([m.timeRange?.startUs, m.timeRange?.endUs]);
    }
    expect(catalogs[0]!.intervalUs).toBe(60e6);
    expect(catalogs[0]!.rows).toBe(3);
    // The CLI's table: a line per catalog, the bars' interval, the chain catalog without a time range.
    const r = await primesim(['data', 'list', dir]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^catalog\s+kind\s+instrument\s+rows\s+from\s+to\s+span\s+size$/);
    expect(lines[2]).toMatch(/a-bars\s+bars 1 min\s+—\s+3\s+2024-01-01T00:00:00Z\s+2024-01-01T00:03:00Z\s+3 min\s+\d+ B$/);
    expect(lines[3]).toMatch(/b-market\s+market\s+binance-futures:BTCUSDT\s+[\d,]+\s/);
    expect(lines[4]).toMatch(/c-rounds\s+oracle-rounds\s+—\s+[\d,]+\s+—\s+—\s+—\s/);
    expect(lines[5]).toBe(`(2 other folders in ${dir}: not catalogs)`);
    // One catalog named directly is listed alone; a missing folder says how to make one.
    expect(listCatalogs(join(dir, 'b-market')).catalogs.length).toBe(1);
    const none = await primesim(['data', 'list', join(root, 'nothing')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no folder ${join(root, 'nothing')} (import data first (primesim data import <file> --out datasets/<name>), or name the folder that holds your catalogs)`);
  });
});

