export { runDexTwapScenario, type DexTwapScenarioOptions } from './dex-twap.ts';
