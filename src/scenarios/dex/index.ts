export { runDexTwapScenario, type DexTwapScenarioOptions } from './dex-twap.ts';
export { runLendingLiquidationScenario, type LiquidationScenarioOptions } from './liquidations.ts';
