/** Public API of the Aave v3-style lending venue. */
export * from './wad-ray-math.ts';
export * from './account-math.ts';
export { StaticPriceSource, OracleFeedPriceSource } from './prices.ts';
export { LendingPool, fmtWad, type LendingPoolOptions } from './pool.ts';
export type {
  AccountData, EModeCategory, LiquidationParams, LiquidationQuote, LiquidationResult, PriceSource, ReserveConfig,
} from './types.ts';
