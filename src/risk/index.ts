/** Risk: margin models, the margin engine, liquidation with insurance fund and ADL, circuit breakers. */
export type { CanPlace, GroupRequirement, GroupView, Leg, MarginModel, MarginState, OptionStandardParams, OptionTerms, OrderIntent, RiskInstrument, RiskKind, Scenario, Tier, WorstScenario } from './types.ts';
export { BINANCE_BTCUSD_COINM_TIERS, BINANCE_BTCUSDT_TIERS, DYDX_BTC_TIERS, buildBrackets, bracketFor, tieredIm, tieredMm, type Bracket } from './tiers.ts';
export { DERIBIT_OPTION_STANDARD, StandardRequirement } from './models/standard.ts';
export { CrossMargin, IsolatedMargin } from './models/cross.ts';
export { PortfolioMargin, defaultPortfolioParams, legValue, legValueCoin, scenarioGrid, shockedVol, type PortfolioParams } from './models/portfolio.ts';
export { MarginEngine, legSettleValue, type AccountState, type MarginEngineOptions, type MarginListener, type OpenPosition, type OrderGate, type TrackedPosition } from './margin-engine.ts';
export { isCoinSettled } from './instruments.ts';
export { BookExecutor, walkBook, type ExecFill, type LiquidationExecutor } from './book-exec.ts';
export { CircuitBreaker, DEFAULT_BREAKER, type BreakerConfig, type BreakerEvent, type BreakerKind } from './breaker.ts';
export { LiquidationEngine, DEFAULT_LIQUIDATION, type AdlRecord, type LiquidationConfig, type LiquidationRecord } from './liquidation.ts';
export { adlQueue, adlRank, type AdlCandidate } from './adl.ts';
export { breakersTable, liquidationsTable, MarginColumns } from './recorder.ts';
