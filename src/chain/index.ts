export { Chain, effectivePriorityFee, MIN_TX_GAS } from './chain.ts';
export { nextBaseFee, gasTarget, ETHEREUM_BASE_FEE_PARAMS, type BaseFeeParams } from './eip1559.ts';
export { ETHEREUM, L2_ROLLUP, finalityOf, type ChainProfile, type FinalityTimes, type L1Finality, type L2Finality } from './profiles.ts';
export { ChainState, type Checkpoint } from './state.ts';
export { OracleFeed, type OracleParams, type OracleRound } from './oracle.ts';
export type { BackgroundDemand, Block, Bundle, ChainTx, Receipt, SubmitOptions, TxOutcome } from './types.ts';
export { CHAIN_TOKENS, tokenDecimals, toMinor, fromMinor } from './tokens.ts';
