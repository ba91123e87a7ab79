import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { L2Book } from '../../../src/market/book.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_SNAPSHOT, ROW_TRADE, type MarketRow } from '../../../src/data/market-rows.ts';
import { readOptionsChain, readTardis, tardisInstrument, type OptionsChainRecord } from '../../../src/data/readers/index.ts';
import { applyRow, describeShared, shared } from './shared-data.ts';

async function rowsOf(file: string): Promise<{ rows: MarketRow[]; kind: string }> {
  const instrument = await tardisInstrument(file);
  const rows: MarketRow[] = [];
  const s = await readTardis(file, { instrument }, (r) => rows.push({ ...r }));
  return { rows, kind: s.kind };
}

/** Levels of a book_snapshot_N CSV line parsed independently (doubles scaled and rounded). */
function expectedLevels(header: string, line: string, tick: number, lot: number): { bids: number[][]; asks: number[][] } {
  const h = header.split(',');
  const c = line.split(',');
  const out = { bids: [] as number[][], asks: [] as number[][] };
  for (const side of ['bids', 'asks'] as const) {
    for (let i = 0; h.includes(`${side}[${i}].price`); i++) {
      const p = c[h.indexOf(`${side}[${i}].price`)]!;
      const a = c[h.indexOf(`${side}[${i}].amount`)]!;
      if (p !== '' && Number(a) > 0) out[side].push([Math.round(Number(p) / tick), Math.round(Number(a) / lot)]);
    }
  }
  return out;
}

describeShared('Tardis samples', () => {
  for (const name of ['binance-futures_book_snapshot_25_BTCUSDT.csv', 'binance-futures_book_snapshot_5_BTCUSDT.csv']) {
    it(`${name}: every row rebuilds a book equal level by level to the row`, async () => {
      const file = shared('tardis', name);
      const instrument = await tardisInstrument(file);
      expect([instrument.tickSize, instrument.lotSize]).toEqual(['0.01', '0.001']);
      const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
      const book = new L2Book();
      const p = new Float64Array(32);
      const q = new Float64Array(32);
      let msg = 0;
      let levelsChecked = 0;
      await readTardis(file, { instrument }, (r) => {
        applyRow(book, r);
        if (!(r.flags & FLAG_END)) return;
        const exp = expectedLevels(header!, lines[msg]!, 0.01, 0.001);
        for (const [side, want] of [[0, exp.bids], [1, exp.asks]] as const) {
          const n = book.levels(side, 32, p, q);
          const got = Array.from({ length: n }, (_, i) => [p[i]!, q[i]!]);
          expect(got).toEqual(want);
          levelsChecked += n;
        }
        msg++;
      });
      expect(msg).toBe(lines.length);
      console.log(`${name}: ${msg} snapshot rows rebuilt, ${levelsChecked} levels equal`);
    });
  }

  it('deribit incremental_book_L2: the 15 snapshot rows are one snapshot message', async () => {
    const { rows, kind } = await rowsOf(shared('tardis', 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
    expect(kind).toBe('incremental_book_L2');
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.kind === ROW_SNAPSHOT && r.side === 1)).toBe(true);
    expect(rows.map((r) => r.flags)).toEqual([FLAG_SNAPSHOT_START, ...Array(13).fill(0), FLAG_END]);
    // Deribit BTC-PERPETUAL is inverse: tick 0.5, sizes in USD in 10-USD contracts:
    // 6421.5 → 12843 ticks, 18640 USD → 1864 contracts.
    const inst = await tardisInstrument(shared('tardis', 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
    expect(inst).toMatchObject({ kind: 'inverse', tickSize: '0.5', lotSize: '10', multiplier: 1, settle: 'BTC', base: 'BTC', quote: 'USD' });
    expect(rows[0]).toMatchObject({ priceTicks: 12843, sizeLots: 1864, tsUs: 1585699200245000, localTsUs: 1585699200355684 });
  });

  it('bitmex trades: aggressor side and sizes', async () => {
    const file = shared('tardis', 'bitmex_trades_XBTUSD.csv');
    const { rows } = await rowsOf(file);
    const text = readFileSync(file, 'utf8');
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.kind === ROW_TRADE && r.flags === FLAG_END)).toBe(true);
    expect(rows.filter((r) => r.side === 1)).toHaveLength(text.split(',sell,').length - 1);
    // XBTUSD is inverse with 1-USD contracts (not linear with 1-BTC lots): tick 0.5, 8531.5 → 17063.
    expect(await tardisInstrument(file)).toMatchObject({ kind: 'inverse', tickSize: '0.5', lotSize: '1', multiplier: 1, settle: 'BTC' });
    expect(rows[0]).toMatchObject({ side: 1, priceTicks: 17063, sizeLots: 2152 });
  });

  it('huobi quotes: one bid/ask ROW_BBO pair per row', async () => {
    const { rows } = await rowsOf(shared('tardis', 'huobi-dm-swap_quotes_BTC-USD.csv'));
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.kind === ROW_BBO)).toBe(true);
    expect(rows.slice(0, 2)).toEqual([
      { tsUs: 1588291201099000, localTsUs: 1588291201234268, kind: ROW_BBO, side: 0, flags: 0, priceTicks: 86292, sizeLots: 806 },
      { tsUs: 1588291201099000, localTsUs: 1588291201234268, kind: ROW_BBO, side: 1, flags: FLAG_END, priceTicks: 86293, sizeLots: 5494 },
    ]);
  });

  it('options_chain: typed records with every column, empty cells as null', async () => {
    const recs: OptionsChainRecord[] = [];
    const r = await readOptionsChain(shared('tardis', 'options_chain.csv'), {}, (x) => recs.push(x));
    expect(r.records).toBe(7);
    expect(recs[0]).toEqual({
      exchange: 'deribit', symbol: 'BTC-9JUN20-9875-P', timestampUs: 1591574399413000, localTimestampUs: 1591574400196008,
      type: 'put', strikePrice: 9875, expirationUs: 1591689600000000, openInterest: 0.1, lastPrice: 0.0295,
      bidPrice: 0.0205, bidAmount: 15.1, bidIv: 55.91, askPrice: 0.0235, askAmount: 15.2, askIv: 68.94,
      markPrice: 0.02210436, markIv: 62.89, underlyingIndex: 'SYN.BTC-9JUN20', underlyingPrice: 9756.36,
      delta: -0.61752, gamma: 0.00103, vega: 2.24964, theta: -53.05655, rho: -0.22796,
    });
    expect(recs[3]).toMatchObject({ type: 'call', openInterest: null, bidPrice: null, askIv: null, markPrice: 0.0316, delta: null, rho: null });
    expect(recs[5]!.askPrice).toBeNull();
    expect(recs[5]!.askAmount).toBe(2.5);
    expect(new Set(recs.map((x) => x.underlyingIndex))).toEqual(new Set(['SYN.BTC-9JUN20', 'SYN.BTC-10JUN20', 'SYN.ETH-9JUN20']));
  });

  it('every file in tardis/ parses (book formats via readTardis, options_chain via readOptionsChain)', async () => {
    const files = readdirSync(shared('tardis')).filter((f) => f.endsWith('.csv') || f.endsWith('.gz'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const name of files) {
      const file = shared('tardis', name);
      const dataLines = readFileSync(file, 'utf8').trim().split('\n').length - 1;
      if (name.startsWith('options_chain')) {
        const r = await readOptionsChain(file, {}, () => {});
        expect(r.records).toBe(dataLines);
        continue;
      }
      const s = await readTardis(file, { instrument: await tardisInstrument(file) }, () => {});
      expect(s.lines - 1, name).toBe(dataLines);
      expect(s.skipped.count, name).toBe(0);
      expect(s.rows, name).toBeGreaterThanOrEqual(dataLines);
      console.log(`${name}: ${s.kind}, ${s.rows} rows, ${s.messages} messages`);
    }
  });

  it('options_chain is refused by the book reader', async () => {
    const file = shared('tardis', 'options_chain.csv');
    await expect(readTardis(file, { instrument: await tardisInstrument(file) }, () => {})).rejects.toThrow(/options_chain/);
  });
});
