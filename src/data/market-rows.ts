/**
 * The normalised market-data row every reader produces and every replay consumes. One dataset
 * stream holds book updates, trades and the exchange's own BBO in arrival order, as columns.
 */
export const ROW_LEVEL = 0; // incremental: set absolute size of a level (0 removes)
export const ROW_SNAPSHOT = 1; // snapshot level; the first row of a snapshot carries FLAG_SNAPSHOT_START
export const ROW_TRADE = 2; // side = aggressor side: 0 buy (lifts asks), 1 sell (hits bids)
export const ROW_BBO = 3; // exchange best bid (side 0) / best ask (side 1); does not change the book

/** Last row of one exchange message: the book is consistent after it (notify strategies here). */
export const FLAG_END = 1;
/** First row of a snapshot: clear the book before applying it. */
export const FLAG_SNAPSHOT_START = 2;

export type RowKind = typeof ROW_LEVEL | typeof ROW_SNAPSHOT | typeof ROW_TRADE | typeof ROW_BBO;

export interface MarketRow {
  tsUs: number; // exchange timestamp, µs since epoch
  localTsUs: number; // receive timestamp, µs since epoch (equals tsUs when the data has only one)
  kind: RowKind;
  side: 0 | 1;
  flags: number;
  priceTicks: number;
  sizeLots: number;
}

/** Column names and their typed-array types, in file order. */
export const MARKET_COLUMNS = [
  { name: 'tsUs', type: 'f64' },
  { name: 'localTsUs', type: 'f64' },
  { name: 'kind', type: 'u8' },
  { name: 'side', type: 'u8' },
  { name: 'flags', type: 'u8' },
  { name: 'priceTicks', type: 'f64' },
  { name: 'sizeLots', type: 'f64' },
] as const;

export type ColumnType = 'f64' | 'u8' | 'i32';
export type MarketColumnName = (typeof MARKET_COLUMNS)[number]['name'];

/** A chunk of rows as parallel typed arrays; readers refill the same arrays (no allocation per row). */
export interface MarketChunk {
  length: number;
  tsUs: Float64Array;
  localTsUs: Float64Array;
  kind: Uint8Array;
  side: Uint8Array;
  flags: Uint8Array;
  priceTicks: Float64Array;
  sizeLots: Float64Array;
}

export function allocChunk(capacity: number): MarketChunk {
  return {
    length: 0,
    tsUs: new Float64Array(capacity),
    localTsUs: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    side: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
    priceTicks: new Float64Array(capacity),
    sizeLots: new Float64Array(capacity),
  };
}
