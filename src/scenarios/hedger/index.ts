export { runHedgerScenario, type HedgerScenarioOptions } from './run.ts';
export { BasisProcess, JumpDiffusionPath, refreshSyntheticBook, type JumpDiffusionParams, type SyntheticBookParams } from './market.ts';
export { deribitDate, scenarioSvi, syntheticChain, type SyntheticChain } from './chain.ts';
export { DeskMargin, type DeskMarginRow } from './margin.ts';
