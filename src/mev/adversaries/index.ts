/** MEV adversaries: sandwich, CEX–DEX back-run arbitrage, liquidation searchers in a PGA. */
export { ChainBank, NATIVE, BURN_ACCOUNT, BUILDER_ACCOUNT, type Movement } from './chain-bank.ts';
export { ChainV2Pool, makeSwapTx, isSwapTx, SWAP_GAS_LIMIT, SWAP_GAS_USED, type GasBid, type SwapIntent, type SwapOutcome, type SwapTx } from './chain-amm.ts';
export { planSandwich, maxFrontRun, victimOutAfter, type SandwichPlan } from './sandwich-math.ts';
export { SandwichAttacker, type SandwichParams } from './sandwich.ts';
export { CexDexArbitrageur, planArbitrage, type CexDexParams } from './cex-dex-arb.ts';
export { LiquidationPga, LIQ_GAS_USED, LIQ_GAS_LIMIT, type LiquidationSearcher, type Opportunity, type PgaBid, type PgaOptions, type PgaRecord } from './pga.ts';
export { MevHarness, bundleTip, type TxTiming } from './harness.ts';
export type { AdversaryConfig, AdversaryContext, AdversaryModel, MevKind, MevRecord } from './types.ts';
