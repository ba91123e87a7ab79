/** Price sources for the lending pool: a plain map, or Chainlink-style OracleFeeds read at time t. */
import type { OracleFeed } from '../../chain/oracle.ts';
import { ModelError } from '../../errors.ts';
import type { PriceSource } from './types.ts';

function checked(asset: string, p: bigint | undefined, where: string): bigint {
  if (p === undefined) throw new ModelError(`no oracle price for ${asset}${where}`, { field: 'price', hint: 'configure a price for every reserve' });
  if (p <= 0n) {
    throw new ModelError(`oracle price of ${asset} is ${p}${where}`, { field: 'price', hint: 'a zero or negative oracle price is never valid; the pool refuses to value positions with it' });
  }
  return p;
}

/** A mutable price map (scenarios and tests move prices by hand). */
export class StaticPriceSource implements PriceSource {
  private readonly prices = new Map<string, bigint>();

  constructor(initial: Record<string, bigint> = {}) {
    for (const [k, v] of Object.entries(initial)) this.prices.set(k, v);
  }

  set(asset: string, price: bigint): void {
    this.prices.set(asset, price);
  }

  price(asset: string, _tsUs: number): bigint {
    return checked(asset, this.prices.get(asset), '');
  }
}

/** Reads the latest published round of one OracleFeed per asset, as a contract would at t. */
export class OracleFeedPriceSource implements PriceSource {
  constructor(private readonly feeds: Record<string, OracleFeed>) {}

  price(asset: string, tsUs: number): bigint {
    const feed = this.feeds[asset];
    if (feed === undefined) throw new ModelError(`no oracle feed for ${asset}`, { field: 'price' });
    const answer = feed.latest(tsUs)?.answer;
    // The error's location is formatted only for an error (this is read for every borrower at every block).
    return answer !== undefined && answer > 0n ? answer : checked(asset, answer, ` at ${tsUs} µs (feed ${feed.name})`);
  }
}
