import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { L2Book } from '../../../src/market/book.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_LEVEL, ROW_SNAPSHOT, type MarketRow } from '../../../src/data/market-rows.ts';
import { binanceDepthCsvInstrument, readBinanceDepthCsv } from '../../../src/data/readers/index.ts';
import { applyRow, describeShared, shared } from './shared-data.ts';

async function read(name: string): Promise<MarketRow[]> {
  const file = shared('binance', name);
  const rows: MarketRow[] = [];
  await readBinanceDepthCsv(file, { instrument: await binanceDepthCsvInstrument(file) }, (r) => rows.push({ ...r }));
  return rows;
}

describeShared('Binance historical depth CSV', () => {
  it('snap file: one snapshot message of 100 levels, book matches the CSV', async () => {
    const rows = await read('binance_btcusdt-depth-snap.csv');
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.kind === ROW_SNAPSHOT && r.tsUs === 1667346579146000)).toBe(true);
    expect(rows[0]!.flags).toBe(FLAG_SNAPSHOT_START);
    expect(rows.filter((r) => r.flags & FLAG_END)).toHaveLength(1);
    expect(rows[99]!.flags & FLAG_END).toBe(FLAG_END);
    const book = new L2Book();
    for (const r of rows) applyRow(book, r);
    const csv = readFileSync(shared('binance', 'binance_btcusdt-depth-snap.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const bids = csv.filter((c) => c[4] === 'b').map((c) => Math.round(Number(c[6]) * 10));
    expect(book.bestBid).toBe(Math.max(...bids));
    expect(book.isCrossed()).toBe(false);
    expect(book.levelCount).toBe(csv.filter((c) => Number(c[7]) > 0).length);
  });

  it('update file: one diff message (one last_update_id group)', async () => {
    const rows = await read('binance_btcusdt-depth-update.csv');
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.kind === ROW_LEVEL)).toBe(true);
    expect(rows.map((r) => r.flags & FLAG_END).filter(Boolean)).toHaveLength(1);
    expect(rows[0]).toMatchObject({ side: 1, priceTicks: 204728, sizeLots: 0 });
  });
});
