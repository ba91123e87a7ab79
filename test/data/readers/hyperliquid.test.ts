import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { FLAG_END, ROW_TRADE } from '../../../src/data/market-rows.ts';
import { detectFormat, hyperliquidInstrument, readHyperliquid } from '../../../src/data/readers/index.ts';
import { ASK, BID, L2Book } from '../../../src/market/book.ts';
import { applyRow, describeShared, shared } from './shared-data.ts';

describeShared('Hyperliquid capture', () => {
  const file = shared('hyperliquid', 'hyperliquid_btcusd_20250126.gz');

  it('every l2Book snapshot rebuilds a book equal level by level to the message; trades parse', async () => {
    expect(await detectFormat(file)).toEqual({ type: 'hyperliquid' });
    const inst = await hyperliquidInstrument(file);
    expect([inst.symbol, inst.venue, inst.settle]).toEqual(['BTC', 'hyperliquid', 'USDC']);
    // Independent expectation: the raw messages, parsed here with plain JSON and decimal math.
    const tick = Number(inst.tickSize);
    const lot = Number(inst.lotSize);
    const expected: { bids: [number, number][]; asks: [number, number][] }[] = [];
    let trades = 0;
    for (const l of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
      if (!l) continue;
      const m = JSON.parse(l.slice(l.indexOf(' ') + 1)) as { channel: string; data: { levels?: { px: string; sz: string }[][] } | unknown[] };
      if (m.channel === 'trades') trades += (m.data as unknown[]).length;
      if (m.channel !== 'l2Book') continue;
      const lv = (m.data as { levels: { px: string; sz: string }[][] }).levels;
      const conv = (x: { px: string; sz: string }): [number, number] => [Math.round(Number(x.px) / tick), Math.round(Number(x.sz) / lot)];
      expected.push({ bids: lv[0]!.map(conv), asks: lv[1]!.map(conv) });
    }
    const book = new L2Book();
    const P = new Float64Array(64);
    const S = new Float64Array(64);
    let snap = 0;
    let tradeRows = 0;
    const s = await readHyperliquid(file, { instrument: inst }, (r) => {
      if (r.kind === ROW_TRADE) {
        tradeRows++;
        return;
      }
      applyRow(book, r);
      if (!(r.flags & FLAG_END)) return;
      const e = expected[snap++]!;
      for (const [side, want] of [[BID, e.bids], [ASK, e.asks]] as const) {
        const n = book.levels(side, 64, P, S);
        expect(n).toBe(want.length);
        want.forEach(([p, q], i) => {
          expect(P[i]).toBe(p);
          expect(S[i]).toBe(q);
        });
      }
    });
    console.log(`hyperliquid: ${snap} snapshots compared level by level (${expected[0]!.bids.length} levels a side), ${tradeRows} trades`);
    expect(snap).toBe(46);
    expect(s.snapshots).toBe(46);
    expect(tradeRows).toBe(trades);
    expect(trades).toBeGreaterThan(0);
  });
});
