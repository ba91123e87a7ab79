/** The Tardis.dev normalized CSV data types this project reads, told apart by their header. */
export type TardisKind = 'incremental_book_L2' | 'trades' | 'quotes' | 'book_snapshot' | 'options_chain';

export const TARDIS_COMMON = ['exchange', 'symbol', 'timestamp', 'local_timestamp'] as const;
export const TARDIS_L2 = [...TARDIS_COMMON, 'is_snapshot', 'side', 'price', 'amount'] as const;
export const TARDIS_TRADES = [...TARDIS_COMMON, 'id', 'side', 'price', 'amount'] as const;
export const TARDIS_QUOTES = [...TARDIS_COMMON, 'ask_amount', 'ask_price', 'bid_price', 'bid_amount'] as const;
export const TARDIS_OPTIONS = [
  ...TARDIS_COMMON,
  'type', 'strike_price', 'expiration', 'open_interest', 'last_price', 'bid_price', 'bid_amount', 'bid_iv',
  'ask_price', 'ask_amount', 'ask_iv', 'mark_price', 'mark_iv', 'underlying_index', 'underlying_price',
  'delta', 'gamma', 'vega', 'theta', 'rho',
] as const;

export interface TardisHeader {
  kind: TardisKind;
  /** Levels per side for book_snapshot_N. */
  depth: number;
}

/** Which Tardis file this header belongs to, or null. Only the distinguishing column is looked at; the full check happens when reading. */
export function detectTardisHeader(header: string): TardisHeader | null {
  const cols = header.split(',').map((c) => c.trim());
  if (cols[0] !== 'exchange' || cols[1] !== 'symbol') return null;
  const has = (c: string): boolean => cols.includes(c);
  if (has('strike_price')) return { kind: 'options_chain', depth: 0 };
  if (has('is_snapshot')) return { kind: 'incremental_book_L2', depth: 0 };
  if (has('ask_amount') && !has('asks[0].price')) return { kind: 'quotes', depth: 0 };
  if (has('asks[0].price') || has('bids[0].price')) {
    let depth = 0;
    while (has(`asks[${depth}].price`) || has(`bids[${depth}].price`)) depth++;
    return { kind: 'book_snapshot', depth };
  }
  if (has('id') && has('side')) return { kind: 'trades', depth: 0 };
  return null;
}

/** Expected columns of a book_snapshot_N header. */
export function snapshotColumns(depth: number): string[] {
  const cols: string[] = [...TARDIS_COMMON];
  for (let i = 0; i < depth; i++) cols.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
  return cols;
}
