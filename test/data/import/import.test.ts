import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.ts';
import { L2Book } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS } from '../../../src/market/instrument.ts';
import { CatalogReader, sha256File } from '../../../src/data/catalog.ts';
import { ROW_BBO, type MarketRow } from '../../../src/data/market-rows.ts';
import { IMPORTER_VERSION, importDataset, validateDataset } from '../../../src/data/import/index.ts';
import { readBinanceCapture } from '../../../src/data/readers/index.ts';
import { applyRow, describeShared, shared } from '../readers/shared-data.ts';
import { L2_HEADER, TRADES_HEADER, captureLines, tempDir, writeTemp } from '../readers/fixtures.ts';

const USDM = 'usdm_btcusdt_20240808.gz';

describeShared('import round trip (usdm_btcusdt)', () => {
  it('catalog rows equal the reader rows; replayed book matches bookTicker BBO rows', async () => {
    const dir = tempDir('primesim-import-');
    const out = join(dir, 'usdm');
    const input = shared('binance', USDM);
    const calls: [number, number, number][] = [];
    const t0 = performance.now();
    const man = await importDataset({ input, out, onBadRow: 'error', onProgress: (b, t, r) => calls.push([b, t, r]) });
    const secs = (performance.now() - t0) / 1000;
    const mb = statSync(input).size / 1e6;
    console.log(`imported ${man.rows} rows in ${secs.toFixed(2)} s: ${(mb / secs).toFixed(1)} MB/s gzip, ${(man.rows / secs / 1e6).toFixed(2)} M rows/s`);

    expect(man.instrument).toEqual(KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']);
    expect(man.provenance).toMatchObject({ source: USDM, sourceSha256: await sha256File(input), importedWith: IMPORTER_VERSION });
    expect(man.counts).toMatchObject({ trade: 21313, bbo: 2 * 66089, messages: 1 + 6547 + 21313 + 66089 });
    expect(man.clockOffsetUs).toBeLessThan(-1_000_000);
    // progress: every 64k rows plus a final call, bytes never decreasing
    expect(calls.length).toBe(Math.floor(man.rows / 65536) + 1);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
    expect(calls.at(-1)).toEqual([statSync(input).size, statSync(input).size, man.rows]);
    expect(readdirSync(dir)).toEqual(['usdm']);

    // the reader's rows, straight
    const direct: MarketRow[] = [];
    await readBinanceCapture(input, { instrument: man.instrument }, (r) => direct.push({ ...r }));

    const rd = new CatalogReader(out, 50_000);
    const book = new L2Book();
    let i = 0;
    let diffs = 0;
    let bboCompared = 0;
    let bboEqual = 0;
    let bboEqualWindow = 0;
    let bidTicks = 0;
    let bidLots = 0;
    // BBO rows seen since the last depth message end that did not match at their position:
    // they get a second chance against the book after the next depth message.
    let waiting: [number, number, number, number][] = [];
    const top = (b: [number, number, number, number]) => book.bestBid === b[0] && book.bestSize(0) === b[1] && book.bestAsk === b[2] && book.bestSize(1) === b[3];
    while (rd.next()) {
      const c = rd.chunk;
      for (let k = 0; k < c.length; k++, i++) {
        const r: MarketRow = { tsUs: c.tsUs[k]!, localTsUs: c.localTsUs[k]!, kind: c.kind[k] as MarketRow['kind'], side: c.side[k] as 0 | 1, flags: c.flags[k]!, priceTicks: c.priceTicks[k]!, sizeLots: c.sizeLots[k]! };
        if (diffs < 5 && JSON.stringify(r) !== JSON.stringify(direct[i])) diffs++;
        if (r.kind === ROW_BBO) {
          if (r.side === 0) {
            bidTicks = r.priceTicks;
            bidLots = r.sizeLots;
          } else {
            bboCompared++;
            const b: [number, number, number, number] = [bidTicks, bidLots, r.priceTicks, r.sizeLots];
            if (top(b)) {
              bboEqual++;
              bboEqualWindow++;
            } else waiting.push(b);
          }
        } else {
          applyRow(book, r);
          if (r.kind <= 1 && r.flags & 1) {
            for (const b of waiting) if (top(b)) bboEqualWindow++;
            waiting = [];
          }
        }
      }
    }
    rd.close();
    expect(diffs).toBe(0);
    expect(i).toBe(direct.length);
    // The catalog carries no update ids, and a bookTicker often arrives just before the diff
    // with its u (separate streams), so only some match the book "at that point"; counting also
    // those that match right after the next depth message covers both arrival orders. The raw
    // test, keyed by update id, compares 629 (all equal).
    console.log(`catalog replay: ${bboCompared} BBO pairs; ${bboEqual} equal the book at their position, ${bboEqualWindow} at their position or after the next depth message (raw test: 629 by update id)`);
    expect(bboEqualWindow).toBeGreaterThanOrEqual(629);
  });
});

describeShared('import of every sample format', () => {
  it('Tardis samples and Binance depth CSVs import with detected format and instrument', async () => {
    const dir = tempDir('primesim-import-all-');
    const inputs = [
      ...readdirSync(shared('tardis')).filter((f) => !f.startsWith('options_chain')).map((f) => shared('tardis', f)),
      shared('binance', 'binance_btcusdt-depth-snap.csv'),
      shared('binance', 'binance_btcusdt-depth-update.csv'),
    ];
    for (const [i, input] of inputs.entries()) {
      const m = await importDataset({ input, out: join(dir, `c${i}`) });
      expect(m.rows, input).toBeGreaterThan(0);
      console.log(`${m.provenance.source}: ${m.provenance.generator?.format}, ${m.rows} rows, tick ${m.instrument.tickSize} lot ${m.instrument.lotSize}`);
    }
    await expect(importDataset({ input: shared('tardis', 'options_chain.csv'), out: join(dir, 'opt') })).rejects.toThrow(/options_chain/);
    expect(existsSync(join(dir, 'opt'))).toBe(false);
  });
});

describe('failed import leaves nothing behind', () => {
  it('sequence gap: no output folder, no temp folder, sibling and existing catalog untouched', async () => {
    const dir = tempDir('primesim-import-fail-');
    const lines = captureLines();
    lines[5] = lines[5]!.replace('"pu":110', '"pu":109');
    const input = writeTemp(dir, 'gap.gz', lines, true);
    const sibling = join(dir, 'other');
    mkdirSync(sibling);
    writeFileSync(join(sibling, 'keep.txt'), 'keep');
    const out = join(dir, 'cat');
    const instrument = { ...KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!, symbol: 'BTCUSDT' };
    await expect(importDataset({ input, out, instrument, onBadRow: 'skip' })).rejects.toThrow(DataError);
    await expect(importDataset({ input, out, instrument, onBadRow: 'skip' })).rejects.toThrow(/gap\.gz:6, field pu: sequence gap/);
    expect(readdirSync(dir).sort()).toEqual(['gap.gz', 'other']);
    expect(readFileSync(join(sibling, 'keep.txt'), 'utf8')).toBe('keep');

    // a good import, then a failing one into the same folder: the good catalog survives
    const good = writeTemp(dir, 'good.gz', captureLines(), true);
    const m1 = await importDataset({ input: good, out, instrument });
    await expect(importDataset({ input, out, instrument })).rejects.toThrow(/sequence gap/);
    const rd = new CatalogReader(out);
    expect(rd.manifest.rows).toBe(m1.rows);
    expect(rd.manifest.provenance.source).toBe('good.gz');
    rd.close();
    expect(readdirSync(dir).sort()).toEqual(['cat', 'gap.gz', 'good.gz', 'other']);
  });

  it("skip mode records skipped rows in the manifest", async () => {
    const dir = tempDir('primesim-import-skip-');
    const input = writeTemp(dir, 'trades.csv', [TRADES_HEADER, 'x,BTCUSDT,1,1,a,buy,100.0,1', 'x,BTCUSDT,2,2,b,buy,NaN,1', 'x,BTCUSDT,3,3,c,sell,100.5,2']);
    const man = await importDataset({ input, out: join(dir, 'cat'), onBadRow: 'skip' });
    expect(man.rows).toBe(2);
    expect(man.instrument).toMatchObject({ venue: 'x', symbol: 'BTCUSDT', tickSize: '0.1', lotSize: '1' });
    expect(man.skippedRows).toEqual({ count: 1, examples: ['trades.csv:3 price: price "NaN" is not a number'] });
    expect(man.provenance.generator).toEqual({ format: 'tardis:trades' });
  });
});

describe('validateDataset', () => {
  it('collects every skippable problem without writing anything', async () => {
    const dir = tempDir('primesim-validate-');
    const input = writeTemp(dir, 'l2.csv', [L2_HEADER, 'x,S,1,1,true,bid,99.0,1', 'x,S,1,1,true,ask,101.0,1', 'x,S,2,2,false,bid,99.5,-2', 'x,S,3,3,false,bid', 'x,S,4,4,false,ask,100.0,1']);
    const r = await validateDataset({ input });
    expect(r.complete).toBe(true);
    expect(r.rows).toBe(3);
    expect(r.counts).toEqual({ level: 1, snapshot: 2, trade: 0, bbo: 0, messages: 2 });
    expect(r.badRows).toBe(2);
    expect(r.problems).toEqual(['l2.csv:4 amount: size "-2" is negative', 'l2.csv:5 columns: row has 6 columns, the header has 8']);
    expect(readdirSync(dir)).toEqual(['l2.csv']);
  });

  it('stops at a sequence gap and reports it', async () => {
    const dir = tempDir('primesim-validate-gap-');
    const lines = captureLines();
    lines[5] = lines[5]!.replace('"pu":110', '"pu":7');
    const r = await validateDataset({ input: writeTemp(dir, 'gap.gz', lines, true), instrument: KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']! });
    expect(r.complete).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^gap\.gz:6, field pu: sequence gap/);
  });

  it('unknown format is a problem, not a crash', async () => {
    const dir = tempDir('primesim-validate-fmt-');
    const r = await validateDataset({ input: writeTemp(dir, 'what.csv', ['a,b,c', '1,2,3']) });
    expect(r.complete).toBe(false);
    expect(r.problems[0]).toMatch(/what\.csv:1, field header: unrecognised input format/);
  });

  // LEAN's margin_interest files were "unrecognised input format": they are funding series, used as --funding lean:<file>.
  it('a LEAN funding-rate series is named as one, with where it goes', async () => {
    const dir = tempDir('primesim-validate-lean-');
    const r = await validateDataset({ input: writeTemp(dir, 'cryptofuture_bybit_margin_interest_btcusdt.csv', ['20221213 00:00:00,-0.0002016', '20221213 08:00:00,-0.00022398']) });
    expect(r.complete).toBe(false);
    expect(r.problems[0]).toMatch(/margin_interest_btcusdt\.csv:1, field header: a LEAN funding-rate series \(margin_interest\), not market data to import \(give it to a perp's funding: --funding lean:.*margin_interest_btcusdt\.csv/);
  });
});

describeShared('an --instrument of another symbol', () => {
  // The spot BTCUSDT capture imported as ETHUSDT failed on row 3: "size 3.78826000 is not a multiple of the lot size 0.001".
  it('is refused before any row, naming both symbols; one of the same symbol relabels it', async () => {
    const dir = tempDir('primesim-wrong-inst-');
    await expect(importDataset({ input: shared('binance', 'spot_btcusdt_20240808.gz'), out: join(dir, 'eth'), instrument: KNOWN_INSTRUMENTS['binance-futures:ETHUSDT']! })).rejects.toThrow(/spot_btcusdt_20240808\.gz, field --instrument: the file holds BTCUSDT, not ETHUSDT \(give an instrument of BTCUSDT \(e\.g\. binance:BTCUSDT\), or none to take the file's\)/);
    expect(existsSync(join(dir, 'eth'))).toBe(false);
    const m = await importDataset({ input: shared('binance', 'spot_btcusdt_20240808.gz'), out: join(dir, 'btc'), instrument: { ...KNOWN_INSTRUMENTS['binance:BTCUSDT']!, venue: 'my-desk' } });
    expect(`${m.instrument.venue}:${m.instrument.symbol}`).toBe('my-desk:BTCUSDT');
  }, 120_000);
});

describeShared('validateDataset on real data', () => {
  it('spot capture validates clean with the corrected lot size', async () => {
    const r = await validateDataset({ input: shared('binance', 'spot_btcusdt_20240808.gz') });
    expect(r.problems).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.instrument?.lotSize).toBe('0.00000001');
    expect(r.counts.trade).toBe(9757);
    console.log(`spot_btcusdt validate: ${r.rows} rows, counts ${JSON.stringify(r.counts)}`);
  });
});
