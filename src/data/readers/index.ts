export { BadRows, MAX_EXAMPLES, type OnBadRow, type SkippedRows } from './bad-rows.ts';
export { readBinanceCapture, type CaptureEvent, type CaptureOptions, type CaptureSummary } from './binance-capture.ts';
export { BINANCE_DEPTH_CSV_COLUMNS, readBinanceDepthCsv, type DepthCsvSummary } from './binance-depth-csv.ts';
export { DecimalScaler, significantDecimals, unitForDecimals, type ConvertProblem } from './decimal.ts';
export {
  binanceCaptureInstrument,
  binanceDepthCsvInstrument,
  detectFormat,
  inferUnits,
  makeInstrument,
  tardisInstrument,
  type DatasetFormat,
  type InstrumentHints,
} from './detect.ts';
export { headLines, isGzipFile, lineBatches, readLines, type LineBatch, type ReadStats } from './lines.ts';
export { readOptionsChain, type OptionsChainOptions, type OptionsChainRecord } from './options-chain.ts';
export { readDerivativeTicker, type DerivativeTickerRow } from './derivative-ticker.ts';
export { readTardis, type TardisSummary } from './tardis.ts';
export { detectTardisHeader, type TardisHeader, type TardisKind } from './tardis-detect.ts';
export { type ReadSummary, type ReaderOptions, type RowSink } from './types.ts';
export { readMarketRows, resolveInstrument } from './read-any.ts';
export { hyperliquidInstrument, readHyperliquid, type HyperliquidSummary } from './hyperliquid.ts';
