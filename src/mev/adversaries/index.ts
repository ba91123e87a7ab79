/** MEV adversaries: sandwich, CEX–DEX back-run arbitrage, liquidation searchers in a PGA. */
export { ChainBank, NATIVE, BURN_ACCOUNT, BUILDER_ACCOUNT, type Movement } from './chain-bank.ts';
export { ChainV2Pool, makeSwapTx, isSwapTx, SWAP_GAS_LIMIT, SWAP_GAS_USED, type GasBid, type SwapIntent, type SwapOutcome, type SwapTx } from './chain-amm.ts';
export { planSandwich, maxFrontRun, victimOutAfter, type SandwichPlan } from './sandwich-math.ts';
export { ChainV3Pool, cloneV3Pool, type ChainV3Config, type V3PositionSpec } from './chain-v3-pool.ts';
export { planSandwichV3, maxFrontRunV3, victimOutAfterV3, exactInV3, stateAfter, type V3SandwichPlan, type V3SearchStats, type V3SwapOut } from './sandwich-math-v3.ts';
export { planArbitrageV3 } from './arb-math-v3.ts';
export { SandwichAttacker, type SandwichParams } from './sandwich.ts';
export { CexDexArbitrageur, planArbitrage, type ArbPlan, type CexDexParams } from './cex-dex-arb.ts';
export { LiquidationPga, LIQ_GAS_USED, LIQ_GAS_LIMIT, type LiquidationSearcher, type Opportunity, type PgaBid, type PgaOptions, type PgaRecord } from './pga.ts';
export { MevHarness, bundleTip, type TxTiming } from './harness.ts';
export type { AdversaryConfig, AdversaryContext, AdversaryModel, ChainPool, MevKind, MevRecord } from './types.ts';
