/**
 * A price series from any supported book/trade/quote file: the exchange's best bid/ask mid at
 * each quote (its BBO stream), or the trade prices when the file has no quotes. For estimates
 * over time (e.g. the co-movement of two markets), not for replay.
 */
import { DataError } from '../../errors.ts';
import { ROW_BBO, ROW_TRADE } from '../market-rows.ts';
import { detectFormat, readMarketRows, resolveInstrument } from './read-any.ts';

export interface MidSeries {
  tsUs: Float64Array;
  price: Float64Array;
  instrument: string;
  /** 'bbo' or 'trades': what the prices are. */
  from: 'bbo' | 'trades';
}

export async function readMids(file: string): Promise<MidSeries> {
  const format = await detectFormat(file);
  const inst = await resolveInstrument(file, format);
  const tick = Number(inst.tickSize);
  const qt: number[] = [];
  const qp: number[] = [];
  const tt: number[] = [];
  const tp: number[] = [];
  let bid = NaN;
  let ask = NaN;
  await readMarketRows(file, format, { instrument: inst }, (r) => {
    if (r.kind === ROW_BBO) {
      if (r.side === 0) bid = r.priceTicks;
      else ask = r.priceTicks;
      if (bid === bid && ask === ask && ask > bid) {
        // One point per exchange time: the last quote at that time.
        if (qt.length > 0 && qt[qt.length - 1] === r.tsUs) qp[qp.length - 1] = ((bid + ask) / 2) * tick;
        else {
          qt.push(r.tsUs);
          qp.push(((bid + ask) / 2) * tick);
        }
      }
    } else if (r.kind === ROW_TRADE) {
      tt.push(r.tsUs);
      tp.push(r.priceTicks * tick);
    }
  });
  const [ts, px, from] = qt.length >= 2 ? [qt, qp, 'bbo' as const] : [tt, tp, 'trades' as const];
  if (ts.length < 2) throw new DataError('no quotes or trades to take prices from', { file, line: 1, field: 'price' });
  // Exchange times can step back a little between streams: keep the series in time order.
  const order = ts.map((_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  return { tsUs: Float64Array.from(order, (i) => ts[i]!), price: Float64Array.from(order, (i) => px[i]!), instrument: `${inst.venue}:${inst.symbol}`, from };
}
