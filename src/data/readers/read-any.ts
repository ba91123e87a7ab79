import { basename } from 'node:path';
import { DataError } from '../../errors.ts';
import type { Instrument } from '../../market/instrument.ts';
import { readBinanceCapture } from './binance-capture.ts';
import { readBinanceDepthCsv } from './binance-depth-csv.ts';
import { binanceCaptureInstrument, binanceDepthCsvInstrument, detectFormat, tardisInstrument, type DatasetFormat, type InstrumentHints } from './detect.ts';
import { readTardis } from './tardis.ts';
import { hyperliquidInstrument, readHyperliquid } from './hyperliquid.ts';
import type { ReadSummary, ReaderOptions, RowSink } from './types.ts';

/** The instrument to read `file` with: given, else known or inferred per format (see detect.ts). */
export async function resolveInstrument(file: string, format: DatasetFormat, given?: Instrument, hints?: InstrumentHints): Promise<Instrument> {
  if (given) {
    // A given instrument relabels the venue or fixes a tick, but a file of another symbol is a
    // mistake (it failed later as "size … is not a multiple of the lot size" on some row).
    const own = await inferInstrument(file, format, hints).catch(() => undefined);
    const norm = (x: string) => x.toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (own && norm(own.symbol) !== norm(given.symbol)) throw new DataError(`the file holds ${own.symbol}, not ${given.symbol}`, { file: basename(file), field: '--instrument', hint: `give an instrument of ${own.symbol} (e.g. ${own.venue}:${own.symbol}), or none to take the file's` });
    return given;
  }
  return inferInstrument(file, format, hints);
}

/** The instrument a file says it holds (known, or inferred per format; see detect.ts). */
async function inferInstrument(file: string, format: DatasetFormat, hints?: InstrumentHints): Promise<Instrument> {
  if (format.type === 'binance-capture') return binanceCaptureInstrument(file, hints);
  if (format.type === 'binance-depth-csv') return binanceDepthCsvInstrument(file, hints);
  if (format.type === 'hyperliquid') return hyperliquidInstrument(file, hints);
  return tardisInstrument(file, hints);
}

/** Reads any supported book/trade/quote file into MarketRows, dispatching on the detected format. */
export async function readMarketRows(file: string, format: DatasetFormat, opts: ReaderOptions, sink: RowSink): Promise<ReadSummary> {
  if (format.type === 'binance-capture') return readBinanceCapture(file, opts, sink);
  if (format.type === 'binance-depth-csv') return readBinanceDepthCsv(file, opts, sink);
  if (format.type === 'hyperliquid') return readHyperliquid(file, opts, sink);
  if (format.kind === 'options_chain') {
    throw new DataError('options_chain is not a market-data (book/trade/quote) format', { file: basename(file), line: 1, field: 'strike_price', hint: 'an options venue reads it in a run spec: optionChain: { file: <path> } (scenarios/hedger.yaml has an options venue)' });
  }
  return readTardis(file, opts, sink);
}

export { detectFormat };
