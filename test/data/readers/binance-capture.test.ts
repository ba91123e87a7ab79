import { expect, it } from 'vitest';
import { L2Book } from '../../../src/market/book.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../../../src/market/instrument.ts';
import { readBinanceCapture, type CaptureSummary } from '../../../src/data/readers/index.ts';
import { applyRow, describeShared, shared, topOfBook } from './shared-data.ts';

/** The shared table's spot lot (0.00001) is the order step; book sizes need 8 decimals. */
const SPOT: Instrument = { ...KNOWN_INSTRUMENTS['binance:BTCUSDT']!, lotSize: '0.00000001' };

interface Oracle {
  summary: CaptureSummary;
  compared: number;
  equal: number;
  mismatches: string[];
}

/**
 * Replays a capture into an L2Book and compares the book after each applied diff with every
 * bookTicker carrying the same update id (the two streams arrive in either order, so states
 * are keyed by id rather than compared in stream order).
 */
async function replayAgainstBookTicker(file: string, instrument: Instrument, band?: [number, number]): Promise<Oracle> {
  const book = new L2Book();
  const afterDiff = new Map<number, string>();
  const tickers: { u: number; top: string }[] = [];
  const summary = await readBinanceCapture(
    shared('binance', file),
    {
      instrument,
      onEvent: (e) => {
        if (e.type === 'depth' && e.applied) afterDiff.set(e.u, topOfBook(book));
        else if (e.type === 'bookTicker') tickers.push({ u: e.u, top: `${e.bidTicks}x${e.bidLots} / ${e.askTicks}x${e.askLots}` });
      },
    },
    (r) => {
      // L2Book caps its ladder at 2^24 ticks; spot diffs touch stray levels (e.g. 200000.00)
      // that far from the touch. They can never be the best level, so the test leaves them out.
      if (band && (r.priceTicks < band[0] || r.priceTicks > band[1])) return;
      applyRow(book, r);
    },
  );
  let compared = 0;
  let equal = 0;
  const mismatches: string[] = [];
  for (const t of tickers) {
    const state = afterDiff.get(t.u);
    if (state === undefined) continue;
    compared++;
    if (state === t.top) equal++;
    else if (mismatches.length < 5) mismatches.push(`u=${t.u}: book ${state} bookTicker ${t.top}`);
  }
  console.log(`${file}: ${summary.diffsApplied} diffs applied (${summary.diffsDropped} dropped as pre-snapshot), ${tickers.length} bookTickers, ${compared} compared with the rebuilt book, ${equal} equal`);
  return { summary, compared, equal, mismatches };
}

describeShared('Binance capture replay vs bookTicker', () => {
  const futures: [string, string, number][] = [
    ['usdm_btcusdt_20240808.gz', 'binance-futures:BTCUSDT', 500],
    ['usdm_ethusdt_20240808.gz', 'binance-futures:ETHUSDT', 500],
    ['cm_btcusd_perp_20240808.gz', 'binance-delivery:BTCUSD_PERP', 500],
  ];
  for (const [file, key, atLeast] of futures) {
    it(`${file}: every bookTicker at a diff's final u equals the rebuilt book`, async () => {
      const o = await replayAgainstBookTicker(file, KNOWN_INSTRUMENTS[key]!);
      expect(o.summary.snapshots).toBe(1);
      expect(o.summary.skipped.count).toBe(0);
      expect(o.compared).toBeGreaterThanOrEqual(atLeast);
      expect(o.mismatches).toEqual([]);
      expect(o.equal).toBe(o.compared);
    });
  }

  it('spot_btcusdt: bookTickers whose u equals an applied depth@100ms batch end equal the rebuilt book', async () => {
    // Spot bookTicker u is the last update id it includes and a depth@100ms diff covers [U, u],
    // so when the ids coincide both describe the book after the same update: exact comparison
    // is possible, just for fewer tickers (most fall inside a 100 ms batch).
    const o = await replayAgainstBookTicker('spot_btcusdt_20240808.gz', SPOT, [5_000_000, 7_000_000]);
    expect(o.compared).toBeGreaterThan(100);
    expect(o.mismatches).toEqual([]);
    expect(o.equal).toBe(o.compared);
  });

  it('rows follow the capture: localTs non-decreasing, trades carry the aggressor side, BBO comes in bid/ask pairs', async () => {
    let last = -Infinity;
    let backwards = 0;
    let sells = 0;
    let buys = 0;
    let bboBid = 0;
    let bboAsk = 0;
    let minOffsetUs = Infinity;
    await readBinanceCapture(shared('binance', 'usdm_btcusdt_20240808.gz'), { instrument: KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']! }, (r) => {
      if (r.localTsUs < last) backwards++;
      last = r.localTsUs;
      if (r.kind === 2) (r.side === 1 ? sells++ : buys++);
      if (r.kind === 3) (r.side === 0 ? bboBid++ : bboAsk++);
      minOffsetUs = Math.min(minOffsetUs, r.localTsUs - r.tsUs);
    });
    expect(backwards).toBe(0);
    expect(buys + sells).toBe(21313);
    // `zcat … | grep @trade | grep -c '"m":true'` = 11697: buyer-is-maker trades are sells.
    expect(sells).toBe(11697);
    expect(bboBid).toBe(66089);
    expect(bboAsk).toBe(66089);
    // The capture clock runs ~1.3 s behind the exchange's: accepted, not an error.
    expect(minOffsetUs).toBeLessThan(-1_000_000);
    console.log(`usdm_btcusdt trades: ${buys} buy-aggressor, ${sells} sell-aggressor; min(local - exchange) = ${(minOffsetUs / 1e6).toFixed(3)} s`);
  });
});
