import { CatalogWriter } from '../../src/data/catalog.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE, type MarketRow } from '../../src/data/market-rows.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { KNOWN_INSTRUMENTS } from '../../src/market/instrument.ts';

/**
 * A small hand-rolled random-walk book for engine tests, independent of the calibrated
 * generator: 10 levels a side, trades that consume the touch, mid moves of ±1 tick.
 */
export function writeTinyDataset(dir: string, seed: number, messages = 5000): void {
  const inst = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
  const w = new CatalogWriter(dir, inst);
  const rng = Rng.root(seed);
  let ts = 1_723_161_600_000_000;
  let bid = 600_000;
  const row: MarketRow = { tsUs: 0, localTsUs: 0, kind: ROW_LEVEL, side: 0, flags: 0, priceTicks: 0, sizeLots: 0 };
  const emit = (kind: MarketRow['kind'], side: 0 | 1, p: number, s: number, flags: number) => {
    row.tsUs = ts;
    row.localTsUs = ts + 500;
    row.kind = kind;
    row.side = side;
    row.priceTicks = p;
    row.sizeLots = s;
    row.flags = flags;
    w.push(row);
  };
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (let i = 0; i < 10; i++) {
    bids.set(bid - i, 50 + i * 20);
    asks.set(bid + 1 + i, 50 + i * 20);
  }
  let first = true;
  const all: [0 | 1, number, number][] = [...[...bids].map(([p, s]) => [0, p, s] as [0, number, number]), ...[...asks].map(([p, s]) => [1, p, s] as [1, number, number])];
  all.forEach(([sd, p, s], i) => {
    emit(ROW_SNAPSHOT, sd, p, s, (first ? FLAG_SNAPSHOT_START : 0) | (i === all.length - 1 ? FLAG_END : 0));
    first = false;
  });
  for (let m = 0; m < messages; m++) {
    ts += 1000 + rng.int(0, 20_000);
    const u = rng.next();
    if (u < 0.4) {
      // trade at the touch
      const sell = rng.next() < 0.5;
      const side: 0 | 1 = sell ? 1 : 0;
      const book = sell ? bids : asks;
      const p = sell ? bid : bid + 1;
      const have = book.get(p) ?? 0;
      const q = Math.min(have, 1 + rng.int(0, 40));
      if (q <= 0) continue;
      emit(ROW_TRADE, side, p, q, 0);
      book.set(p, have - q);
      emit(ROW_LEVEL, sell ? 0 : 1, p, have - q || 0, FLAG_END);
      if (have - q === 0) {
        book.delete(p);
        if (sell) {
          bid -= 1;
          asks.set(bid + 1, 30);
          emit(ROW_LEVEL, 1, bid + 1, 30, FLAG_END);
        } else {
          bid += 1;
          bids.set(bid, 30);
          emit(ROW_LEVEL, 0, bid, 30, FLAG_END);
        }
      }
    } else {
      // depth change near the touch: add or cancel
      const sideB = rng.next() < 0.5;
      const off = rng.int(0, 5);
      const p = sideB ? bid - off : bid + 1 + off;
      const book = sideB ? bids : asks;
      const have = book.get(p) ?? 0;
      const next = Math.max(1, have + rng.int(-30, 40));
      book.set(p, next);
      emit(ROW_LEVEL, sideB ? 0 : 1, p, next, FLAG_END);
    }
  }
  w.finish({ name: 'tiny', provenance: { source: 'test/helpers/tiny-dataset.ts', importedWith: 'test' } });
}
