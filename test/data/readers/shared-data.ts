import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from 'vitest';
import { L2Book } from '../../../src/market/book.ts';
import { FLAG_SNAPSHOT_START, ROW_LEVEL, ROW_SNAPSHOT, type MarketRow } from '../../../src/data/market-rows.ts';

/** `<repoRoot>/../shared/data`: real reference samples, never copied into the project. */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../../shared/data');
export const HAVE_SHARED = existsSync(SHARED_DATA);
if (!HAVE_SHARED) {
  if (process.env.CI === 'true') throw new Error(`shared reference data missing at ${SHARED_DATA} (required under CI=true)`);
  console.log(`skipping real-data tests: ${SHARED_DATA} not found`);
}
export const describeShared = HAVE_SHARED ? describe : describe.skip;

export function shared(...p: string[]): string {
  return resolve(SHARED_DATA, ...p);
}

/** Applies a book row the way replay does: a snapshot start clears, levels set absolute sizes. */
export function applyRow(book: L2Book, r: Readonly<MarketRow>): void {
  if (r.kind === ROW_SNAPSHOT) {
    if (r.flags & FLAG_SNAPSHOT_START) book.clear();
    book.setLevel(r.side, r.priceTicks, r.sizeLots);
  } else if (r.kind === ROW_LEVEL) book.setLevel(r.side, r.priceTicks, r.sizeLots);
}

export function topOfBook(book: L2Book): string {
  return `${book.bestBid}x${book.bestSize(0)} / ${book.bestAsk}x${book.bestSize(1)}`;
}
