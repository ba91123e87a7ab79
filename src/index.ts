/** Library API for notebooks and scripts: `import { runBacktest, Simulation, … } from 'primesim'`. */
export { DataError, ConfigError, ModelError, PrimesimError } from './errors.ts';
export { Simulation, EventQueue, Rng, PRIO_DATA, PRIO_VENUE, PRIO_RESPONSE, PRIO_TIMER, type Source, type EventHandler } from './kernel/index.ts';
export { L2Book, BID, ASK, NO_BID, NO_ASK, type Side } from './market/book.ts';
export { KNOWN_INSTRUMENTS, ASSETS, priceToTicks, ticksToPrice, lotsToQty, type Instrument, type Asset } from './market/instrument.ts';
export { RiskAverseQueue, PowerProbQueue, LogProbQueue, parseQueueModel, type QueueModel } from './market/queue-model.ts';
export { ConstantLatency, EmpiricalLatency, parseLatencyModel, parseDurationUs, type LatencyModel } from './market/latency.ts';
export { Ledger, Notional, Position, type Transfer } from './ledger/index.ts';
export { ClobVenue } from './venues/clob/venue.ts';
export { MakerTakerFees, parseFees, type FeeModel } from './venues/clob/fees.ts';
export { Sma, Ema, Rma, Rsi, Atr, RollingStd, Bollinger, Macd, RollingMax, RollingMin, type Indicator } from './strategy/indicators.ts';
export { defineStrategy, z, type ParentOrder, type RouteDecision, type BookView, type PnlView, type Strategy, type StrategyContext, type StrategyModule, type Subscription, type TradeView, type OrderRequest, type OrderView, type Fill } from './strategy/index.ts';
export { runBacktest, type BacktestConfig, type BacktestResult, type RunManifest } from './backtest/run.ts';
export { CatalogReader, CatalogWriter, readManifest, type CatalogManifest } from './data/catalog.ts';
// From their own modules: the synthetic index also loads the calibration tools (a strategy imports primesim).
export { generateDataset } from './data/synthetic/dataset.ts';
export { generateMarket } from './data/synthetic/generator.ts';
import type { QueryOptions, QueryResult } from './results/query.ts';
export { readArrow, writeArrow } from './results/arrow-io.ts';
export { writeRunFolder } from './results/run-writer.ts';
import type { ReportOptions } from './report/report.ts';
import type { ImportOptions, ValidateOptions, ValidationReport } from './data/import/index.ts';
import type { CatalogManifest } from './data/catalog.ts';

/**
 * Import a capture into a catalog (see data/import). Loaded on first use: the importers' modules
 * took ~15 ms of every strategy's load (a strategy imports `primesim`).
 */
export async function importDataset(opts: ImportOptions): Promise<CatalogManifest> {
  const m = await import('./data/import/index.ts');
  return m.importDataset(opts);
}
/** Check a catalog against its manifest (see data/import). Loaded on first use, as importDataset. */
export async function validateDataset(opts: ValidateOptions): Promise<ValidationReport> {
  const m = await import('./data/import/index.ts');
  return m.validateDataset(opts);
}

/**
 * Write a run's HTML report (and PNGs). Loaded on first use: the report pulls in Observable Plot,
 * jsdom and danfo.js, which every strategy importing `primesim` would otherwise load.
 */
export async function writeReport(runDir: string, opts: ReportOptions = {}): Promise<{ html: string; pngs: string[] }> {
  const m = await import('./report/report.ts');
  return m.writeReport(runDir, opts);
}
/**
 * SQL over run folders with DuckDB (see results/query.ts). Loaded on first use: DuckDB's native
 * module takes ~0.3 s to load, which every strategy importing `primesim` paid before.
 */
export async function queryRuns(paths: string[], sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
  const m = await import('./results/query.ts');
  return m.queryRuns(paths, sql, opts);
}
export * as pricing from './pricing/index.ts';
export * as amm from './venues/amm/index.ts';
export * as chain from './chain/index.ts';
export * as router from './router/index.ts';
