import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_LEVEL, ROW_SNAPSHOT, type MarketRow } from '../../../src/data/market-rows.ts';
import { BadRows, readBinanceCapture, readBinanceDepthCsv, readTardis, type ReaderOptions } from '../../../src/data/readers/index.ts';
import { L2_HEADER, TEST_INST, TRADES_HEADER, captureLines, tempDir, writeTemp } from './fixtures.ts';

const dir = tempDir();
const opts: ReaderOptions = { instrument: TEST_INST };

/** Runs `read` and returns the DataError it must throw. */
async function dataError(read: () => Promise<unknown>): Promise<DataError> {
  try {
    await read();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, the read succeeded');
}

function expectWhere(e: DataError, file: string, line: number, field: string, text: RegExp): void {
  expect(e.message).toContain(`${file}:${line}`);
  expect(e.message).toContain(`field ${field}`);
  expect(e.message).toMatch(text);
  expect(e.message).not.toContain('\n');
}

const tardis = (name: string, lines: string[]) => () => readTardis(writeTemp(dir, name, lines), opts, () => {});

describe('bad input is a DataError naming file, line and field', () => {
  it('malformed row (wrong column count)', async () => {
    const e = await dataError(tardis('malformed.csv', [TRADES_HEADER, 'x,BTCUSDT,1,1,a,buy,100.0,1', 'x,BTCUSDT,2,2,b,buy,100.0']));
    expectWhere(e, 'malformed.csv', 3, 'columns', /7 columns, the header has 8/);
  });

  it('unknown column in a header', async () => {
    const e = await dataError(tardis('unknown-col.csv', [L2_HEADER + ',venue_id', 'x,BTCUSDT,1,1,true,bid,100.0,1,7']));
    expectWhere(e, 'unknown-col.csv', 1, 'venue_id', /unknown column/);
  });

  it('missing column in a header', async () => {
    const e = await dataError(tardis('missing-col.csv', ['exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price', 'x,BTCUSDT,1,1,true,bid,100.0']));
    expectWhere(e, 'missing-col.csv', 1, 'amount', /missing column/);
  });

  it('timestamp going backwards (Tardis local_timestamp, capture receive time)', async () => {
    const e = await dataError(tardis('backwards.csv', [TRADES_HEADER, 'x,BTCUSDT,10,20,a,buy,100.0,1', 'x,BTCUSDT,11,19,b,sell,100.0,1']));
    expectWhere(e, 'backwards.csv', 3, 'local_timestamp', /backwards/);
    const lines = captureLines();
    const l4 = lines[4]!;
    lines[4] = '1723161254000000000' + l4.slice(l4.indexOf(' '));
    const e2 = await dataError(() => readBinanceCapture(writeTemp(dir, 'cap-backwards.gz', lines, true), opts, () => {}));
    expectWhere(e2, 'cap-backwards.gz', 5, 'local_ts', /backwards/);
  });

  it('sequence gap: pu differs from the previous u', async () => {
    const lines = captureLines({});
    lines[5] = lines[5]!.replace('"pu":110', '"pu":109');
    const e = await dataError(() => readBinanceCapture(writeTemp(dir, 'gap.gz', lines, true), opts, () => {}));
    expectWhere(e, 'gap.gz', 6, 'pu', /sequence gap: pu=109 but the previous diff ended at u=110/);
  });

  it('sequence gap in skip mode is still fatal', async () => {
    const lines = captureLines();
    lines[5] = lines[5]!.replace('"pu":110', '"pu":108');
    const e = await dataError(() => readBinanceCapture(writeTemp(dir, 'gap-skip.gz', lines, true), { ...opts, onBadRow: 'skip' }, () => {}));
    expectWhere(e, 'gap-skip.gz', 6, 'pu', /sequence gap/);
  });

  it('sequence gap in a Binance depth CSV', async () => {
    const h = 'symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu';
    const e = await dataError(() =>
      readBinanceDepthCsv(writeTemp(dir, 'depth-gap.csv', [h, 'BTCUSDT,1,10,20,a,set,100.1,1,5', 'BTCUSDT,2,21,30,a,set,100.2,1,20', 'BTCUSDT,3,31,40,b,set,99.0,1,29']), opts, () => {}),
    );
    expectWhere(e, 'depth-gap.csv', 4, 'pu', /pu=29 but the previous update ended at 30/);
  });

  it('crossed book after a snapshot (capture, Tardis L2, Tardis book_snapshot)', async () => {
    const lines = captureLines();
    lines[0] = lines[0]!.replace('["99.9","2.000"]', '["100.1","2.000"]');
    const e = await dataError(() => readBinanceCapture(writeTemp(dir, 'crossed.gz', lines, true), { ...opts, onBadRow: 'skip' }, () => {}));
    expectWhere(e, 'crossed.gz', 1, 'bids', /crossed book after snapshot/);
    const e2 = await dataError(tardis('crossed-l2.csv', [L2_HEADER, 'x,BTCUSDT,1,1,false,bid,99.0,1', 'x,BTCUSDT,2,2,true,bid,100.5,1', 'x,BTCUSDT,2,2,true,ask,100.2,1', 'x,BTCUSDT,3,3,false,bid,99.0,1']));
    expectWhere(e2, 'crossed-l2.csv', 3, 'price', /crossed book after snapshot: best bid 1005 ticks >= best ask 1002 ticks/);
    const h = 'exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount';
    const e3 = await dataError(tardis('crossed-snap.csv', [h, 'x,BTCUSDT,1,1,100.2,1,100.1,1', 'x,BTCUSDT,2,2,100.2,1,100.3,1']));
    expectWhere(e3, 'crossed-snap.csv', 3, 'bids[0].price', /crossed/);
  });

  it('NaN, negative, off-grid values', async () => {
    const nan = await dataError(tardis('nan.csv', [L2_HEADER, 'x,BTCUSDT,1,1,true,bid,100.0,NaN']));
    expectWhere(nan, 'nan.csv', 2, 'amount', /size "NaN" is not a number/);
    const neg = await dataError(tardis('neg.csv', [L2_HEADER, 'x,BTCUSDT,1,1,true,bid,100.0,1', 'x,BTCUSDT,1,1,true,ask,100.5,-1']));
    expectWhere(neg, 'neg.csv', 3, 'amount', /size "-1" is negative/);
    const grid = await dataError(tardis('grid.csv', [TRADES_HEADER, 'x,BTCUSDT,1,1,a,buy,100.05,1']));
    expectWhere(grid, 'grid.csv', 2, 'price', /not a multiple of the tick size 0.1/);
    const lines = captureLines();
    lines[3] = lines[3]!.replace('["100.3","1.000"]', '["100.3","0.0005"]');
    const lot = await dataError(() => readBinanceCapture(writeTemp(dir, 'lot.gz', lines, true), opts, () => {}));
    expectWhere(lot, 'lot.gz', 4, 'a[1][1]', /not a multiple of the lot size 0.001/);
  });
});

describe("onBadRow 'skip'", () => {
  it('skips and counts bad rows with `file:line field: reason` examples, keeps the good ones', async () => {
    const bad = new BadRows('skip');
    const rows: MarketRow[] = [];
    const lines = [TRADES_HEADER, 'x,BTCUSDT,1,1,a,buy,100.0,1', 'x,BTCUSDT,2,2,b,buy,abc,1', 'x,BTCUSDT,3,3,c,buy', 'x,BTCUSDT,4,0,d,sell,100.0,1', 'x,BTCUSDT,5,5,e,sell,100.1,2'];
    for (let i = 0; i < 30; i++) lines.push(`x,BTCUSDT,6,6,f${i},buy,-5,1`);
    const s = await readTardis(writeTemp(dir, 'skip.csv', lines), { ...opts, badRows: bad }, (r) => rows.push({ ...r }));
    expect(rows.map((r) => r.priceTicks)).toEqual([1000, 1001]);
    expect(s.skipped.count).toBe(33);
    expect(s.skipped.examples).toHaveLength(20);
    expect(s.skipped.examples.slice(0, 3)).toEqual([
      'skip.csv:3 price: price "abc" is not a number',
      'skip.csv:4 columns: row has 6 columns, the header has 8',
      'skip.csv:5 local_timestamp: local_timestamp goes backwards (0 < 1)',
    ]);
  });

  it('a skipped malformed diff keeps the sequence (ids are fine) and drops only that message', async () => {
    const lines = captureLines();
    lines[3] = lines[3]!.replace('["100.3","1.000"]', '["100.3","x"]');
    const rows: MarketRow[] = [];
    const s = await readBinanceCapture(writeTemp(dir, 'skip-diff.gz', lines, true), { ...opts, onBadRow: 'skip' }, (r) => rows.push({ ...r }));
    expect(s.skipped.count).toBe(1);
    expect(s.diffsApplied).toBe(2);
    expect(rows.filter((r) => r.kind === ROW_LEVEL)).toHaveLength(2);
  });
});

describe('well-formed synthetic inputs', () => {
  it('capture: snapshot, chained diffs, trade, bookTicker become the expected rows', async () => {
    const rows: MarketRow[] = [];
    const s = await readBinanceCapture(writeTemp(dir, 'ok.gz', captureLines(), true), opts, (r) => rows.push({ ...r }));
    expect(s).toMatchObject({ snapshots: 1, diffsApplied: 3, trades: 1, bookTickers: 1 });
    expect(rows.map((r) => [r.kind, r.side, r.flags, r.priceTicks, r.sizeLots])).toEqual([
      [ROW_SNAPSHOT, 0, FLAG_SNAPSHOT_START, 1000, 1000],
      [ROW_SNAPSHOT, 0, 0, 999, 2000],
      [ROW_SNAPSHOT, 1, 0, 1001, 1500],
      [ROW_SNAPSHOT, 1, FLAG_END, 1002, 3000],
      [ROW_LEVEL, 0, FLAG_END, 1000, 500],
      [3, 0, 0, 1000, 500],
      [3, 1, FLAG_END, 1001, 1500],
      [ROW_LEVEL, 1, 0, 1001, 0],
      [ROW_LEVEL, 1, FLAG_END, 1003, 1000],
      [2, 0, FLAG_END, 1002, 10],
      [ROW_LEVEL, 0, FLAG_END, 1001, 200],
    ]);
    expect(rows[0]!.localTsUs).toBe(1723161255000000);
    expect(rows[0]!.tsUs).toBe(1723161256000000);
  });

  it('capture: diffs before the REST snapshot are held and replayed at its receive time; stale ones dropped', async () => {
    const l = captureLines();
    // order: stale diff (u < lastUpdateId), straddling diff, then the snapshot line
    const stale = l[1]!.replace('"U":95,"u":105,"pu":94', '"U":80,"u":94,"pu":79');
    const ns = (s: string) => s.slice(0, s.indexOf(' '));
    const body = (s: string) => s.slice(s.indexOf(' '));
    const lines = [ns(l[0]!) + body(stale), ns(l[1]!) + body(l[1]!), ns(l[2]!) + body(l[0]!), ...l.slice(3)];
    const rows: MarketRow[] = [];
    const s = await readBinanceCapture(writeTemp(dir, 'early.gz', lines, true), opts, (r) => rows.push({ ...r }));
    expect(s).toMatchObject({ diffsApplied: 3, diffsDropped: 1 });
    const snapLocal = rows[0]!.localTsUs;
    expect(rows[0]!.kind).toBe(ROW_SNAPSHOT);
    expect(rows[4]).toMatchObject({ kind: ROW_LEVEL, priceTicks: 1000, sizeLots: 500, localTsUs: snapLocal });
  });

  it('Tardis incremental_book_L2: same-timestamp rows form one message, a snapshot run after diffs starts a new snapshot', async () => {
    const rows: MarketRow[] = [];
    await readTardis(
      writeTemp(dir, 'l2.csv', [
        L2_HEADER,
        'x,BTCUSDT,1,1,true,bid,99.0,1',
        'x,BTCUSDT,1,1,true,ask,101.0,1',
        'x,BTCUSDT,2,2,false,bid,99.5,2',
        'x,BTCUSDT,2,3,false,ask,101.0,0',
        'x,BTCUSDT,3,4,false,ask,100.5,1',
        'x,BTCUSDT,4,5,true,bid,98.0,1',
        'x,BTCUSDT,4,5,true,ask,102.0,1',
      ]),
      opts,
      (r) => rows.push({ ...r }),
    );
    expect(rows.map((r) => [r.kind, r.flags])).toEqual([
      [ROW_SNAPSHOT, FLAG_SNAPSHOT_START],
      [ROW_SNAPSHOT, FLAG_END],
      [ROW_LEVEL, 0],
      [ROW_LEVEL, FLAG_END],
      [ROW_LEVEL, FLAG_END],
      [ROW_SNAPSHOT, FLAG_SNAPSHOT_START],
      [ROW_SNAPSHOT, FLAG_END],
    ]);
  });
});
