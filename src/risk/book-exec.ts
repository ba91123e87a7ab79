import { ConfigError } from '../errors.ts';
import { ASK, BID, type L2Book } from '../market/book.ts';

export interface ExecFill {
  priceTicks: number;
  /** Signed from the taker's side: sell < 0. */
  lots: number;
}

/** How the liquidation engine reaches a market: IOC market orders and a non-mutating quote. */
export interface LiquidationExecutor {
  /** Walk the book for `lots` (signed), not past `limitTicks` when given; removes what it takes. */
  execute(tsUs: number, instrumentId: string, lots: number, limitTicks?: number): ExecFill[];
  /** Volume-weighted price (ticks) and fillable lots of the same order, without touching the book. */
  quote(instrumentId: string, lots: number, limitTicks?: number): { vwapTicks: number; lots: number };
}

/** walkBook's snapshot of levels, reused (it is read before walkBook returns, and it calls nothing that walks a book). */
let scratchPx = new Float64Array(64);
let scratchSz = new Float64Array(64);

/**
 * Market order against an L2Book: a sell hits bids from the best down, a buy lifts asks from the
 * best up. Taken size is removed from the ladder, so the order moves the price: what makes a
 * liquidation cascade feed on itself.
 */
export function walkBook(book: L2Book, lots: number, limitTicks?: number, dryRun = false): ExecFill[] {
  const sell = lots < 0;
  const side = sell ? BID : ASK;
  const want = Math.abs(lots);
  // Most liquidations take a level or two: a snapshot of 64 scanned a sparse ladder's gaps for
  // levels they never reached.
  let cap = 8;
  for (;;) {
    // Plan against a snapshot of the best `cap` levels; page wider only when the order needs it.
    if (scratchPx.length < cap) {
      scratchPx = new Float64Array(cap);
      scratchSz = new Float64Array(cap);
    }
    const px = scratchPx;
    const sz = scratchSz;
    const n = book.levels(side, cap, px, sz);
    const out: ExecFill[] = [];
    let left = want;
    let stopped = false;
    for (let i = 0; i < n && left > 0; i++) {
      const p = px[i]!;
      if (limitTicks !== undefined && (sell ? p < limitTicks : p > limitTicks)) {
        stopped = true;
        break;
      }
      const take = Math.min(sz[i]!, left);
      out.push({ priceTicks: p, lots: sell ? -take : take });
      left -= take;
    }
    if (left > 0 && !stopped && n === cap) {
      cap *= 4;
      continue;
    }
    if (!dryRun) for (const f of out) book.setLevel(side, f.priceTicks, book.sizeAt(side, f.priceTicks) - Math.abs(f.lots));
    return out;
  }
}

/** Executor over one L2Book per instrument (the perp venue's books). */
export class BookExecutor implements LiquidationExecutor {
  constructor(private readonly books: ReadonlyMap<string, L2Book>) {}

  private book(id: string): L2Book {
    const b = this.books.get(id);
    if (!b) throw new ConfigError(`no order book to liquidate ${id} through`, { field: 'instrument' });
    return b;
  }

  execute(_tsUs: number, instrumentId: string, lots: number, limitTicks?: number): ExecFill[] {
    return walkBook(this.book(instrumentId), lots, limitTicks);
  }

  quote(instrumentId: string, lots: number, limitTicks?: number): { vwapTicks: number; lots: number } {
    const fills = walkBook(this.book(instrumentId), lots, limitTicks, true);
    let q = 0;
    let v = 0;
    for (const f of fills) {
      q += Math.abs(f.lots);
      v += Math.abs(f.lots) * f.priceTicks;
    }
    return { vwapTicks: q > 0 ? v / q : NaN, lots: q };
  }
}
