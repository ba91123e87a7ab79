import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { ASK, BID, L2Book } from '../../../src/market/book.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE, type MarketRow } from '../../../src/data/market-rows.ts';
import { generateMarket, type GenerateOptions } from '../../../src/data/synthetic/index.ts';

/** Replays generated rows through L2Book and records every invariant violation. */
function replay(opts: GenerateOptions) {
  const book = new L2Book();
  const bad: string[] = [];
  const fail = (msg: string, r: MarketRow, i: number): void => {
    if (bad.length < 5) bad.push(`row ${i}: ${msg} ${JSON.stringify(r)}`);
  };
  let i = 0;
  let lastTs = -Infinity;
  let lastLocal = -Infinity;
  let bboRows = 0;
  let trades = 0;
  let levelMsgs = 0;
  let inLevelMsg = false;
  const summary = generateMarket(opts, (r) => {
    if (i === 0 && !(r.kind === ROW_SNAPSHOT && r.flags & FLAG_SNAPSHOT_START)) fail('first row is not a snapshot start', r, i);
    if (r.tsUs < lastTs) fail('tsUs goes backwards', r, i);
    if (r.localTsUs < lastLocal) fail('localTsUs goes backwards', r, i);
    if (r.localTsUs < r.tsUs) fail('received before sent', r, i);
    lastTs = r.tsUs;
    lastLocal = r.localTsUs;
    if (!Number.isSafeInteger(r.priceTicks) || r.priceTicks <= 0) fail('price not a positive integer', r, i);
    if (!Number.isInteger(r.sizeLots) || r.sizeLots < 0 || (r.sizeLots === 0 && r.kind !== ROW_LEVEL)) fail('size not a whole positive lot', r, i);
    if (r.kind === ROW_LEVEL || r.kind === ROW_SNAPSHOT) {
      if (r.kind === ROW_LEVEL && r.sizeLots === 0 && book.sizeAt(r.side, r.priceTicks) === 0) fail('removes a level that is not there', r, i);
      book.setLevel(r.side, r.priceTicks, r.sizeLots);
      inLevelMsg = true;
    } else if (r.kind === ROW_TRADE) {
      trades++;
      // Aggressor buy (0) lifts the best ask; a fill never exceeds the resting size.
      const hit = r.side === 0 ? ASK : BID;
      const best = hit === ASK ? book.bestAsk : book.bestBid;
      if (r.priceTicks !== best) fail('trade not at the touched best', r, i);
      if (r.sizeLots > book.bestSize(hit)) fail('trade larger than the level', r, i);
    } else if (r.kind === ROW_BBO) {
      bboRows++;
      const best = r.side === 0 ? book.bestBid : book.bestAsk;
      if (r.priceTicks !== best || r.sizeLots !== book.bestSize(r.side)) fail(`BBO != book (${best} x ${book.bestSize(r.side)})`, r, i);
    }
    if (book.isCrossed() || book.uncrossedLevels !== 0) fail('book crossed', r, i);
    if (r.flags & FLAG_END && inLevelMsg) {
      levelMsgs++;
      inLevelMsg = false;
      if (book.levelCount !== 40) fail(`book has ${book.levelCount} levels, expected 20 a side`, r, i);
    }
    i++;
  });
  return { summary, bad, rows: i, bboRows, trades, levelMsgs };
}

describe('generated market replays cleanly', () => {
  it('300k rows: never crossed, BBO = rebuilt book, whole positive lots, ordered clocks', () => {
    const res = replay({ seed: 7, events: 300_000 });
    expect(res.bad).toEqual([]);
    expect(res.rows).toBe(res.summary.rows);
    expect(res.rows).toBeGreaterThanOrEqual(300_000);
    expect(res.rows).toBeLessThan(300_200); // stops at the first message boundary past the target
    expect(res.trades).toBeGreaterThan(20_000);
    expect(res.bboRows).toBeGreaterThan(80_000);
    expect(res.levelMsgs).toBeGreaterThan(20_000);
  });

  it('volatile and crash profiles with frequent large jumps keep the invariants', () => {
    for (const profile of ['volatile', 'crash'] as const) {
      const res = replay({ seed: 3, events: 150_000, profile, jumpIntensityPerHour: 3600, jumpSizeBps: 100, crashStartUs: undefined, crashDurationUs: 30_000_000 });
      expect(res.bad).toEqual([]);
    }
  });

  it('durationUs bounds market time', () => {
    const res = replay({ seed: 1, durationUs: 20_000_000, startUs: 1_000_000_000_000 });
    expect(res.bad).toEqual([]);
    expect(res.summary.endUs).toBeLessThanOrEqual(1_000_020_000_000);
    expect(res.summary.endUs).toBeGreaterThan(1_000_019_000_000);
  });

  it('rejects bad parameters with ConfigError naming the field', () => {
    const bad: GenerateOptions[] = [
      { seed: 1 },
      { seed: 1, events: -5 },
      { seed: 1, events: 10, hawkesBranching: 1 },
      { seed: 1, events: 10, profile: 'crash', crashFraction: 1.5 },
      { seed: 1, events: 10, profile: 'nope' as never },
      { seed: 1, events: 10, startPrice: 0 },
    ];
    for (const o of bad) expect(() => generateMarket(o, () => {})).toThrow(ConfigError);
    expect(() => generateMarket({ seed: 1, events: 10, hawkesBranching: 1.2 }, () => {})).toThrow(/hawkesBranching/);
  });
});
