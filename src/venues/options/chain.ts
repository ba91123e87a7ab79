import { ModelError } from '../../errors.ts';
import { readOptionsChain, type OptionsChainRecord } from '../../data/readers/options-chain.ts';
import { deribitContract, type OptionContract } from './contract.ts';
import type { VolQuote } from './marks.ts';

export interface ChainQuote {
  contract: OptionContract;
  record: OptionsChainRecord;
}

export interface OptionsChainSnapshot {
  /** Every record read, in file order. */
  records: OptionsChainRecord[];
  /** Latest record per symbol with timestamp ≤ asOfUs, sorted by symbol. */
  quotes: ChainQuote[];
  asOfUs: number;
}

/** Latest quote per symbol as of a time (records must be in time order, as the reader guarantees by local_timestamp). */
export function snapshotChain(records: readonly OptionsChainRecord[], asOfUs: number, style: OptionContract['style'] = 'inverse'): ChainQuote[] {
  const latest = new Map<string, OptionsChainRecord>();
  for (const r of records) if (r.timestampUs <= asOfUs) latest.set(r.symbol, r);
  return [...latest.keys()].sort().map((s) => {
    const record = latest.get(s)!;
    return { contract: deribitContract(record.symbol, record.type, record.strikePrice, record.expirationUs, { style }), record };
  });
}

/** Read a Tardis options_chain file and snapshot it as of `asOfUs` (default: the last record). */
export async function loadOptionsChain(file: string, opts: { asOfUs?: number; style?: OptionContract['style'] } = {}): Promise<OptionsChainSnapshot> {
  const records: OptionsChainRecord[] = [];
  await readOptionsChain(file, { onBadRow: 'error' }, (r) => records.push(r));
  const asOfUs = opts.asOfUs ?? records.reduce((m, r) => Math.max(m, r.timestampUs), -Infinity);
  return { records, quotes: snapshotChain(records, asOfUs, opts.style), asOfUs };
}

/** Surface-fit inputs from chain quotes: mark IV (percent in Tardis) over the row's own underlying price. */
export function volQuotesFromChain(quotes: readonly ChainQuote[]): VolQuote[] {
  return quotes.map(({ contract, record }) => {
    if (record.markIv === null) throw new ModelError(`${contract.symbol}: no mark_iv in the chain row`, { field: 'mark_iv' });
    if (record.underlyingPrice === null) throw new ModelError(`${contract.symbol}: no underlying_price in the chain row`, { field: 'underlying_price' });
    return { contract, forward: record.underlyingPrice, vol: record.markIv / 100 };
  });
}
