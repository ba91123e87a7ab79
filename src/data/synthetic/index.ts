export { generateMarket, type GenerateSummary } from './generator.ts';
export { generateDataset, generatorProvenance, GENERATOR_VERSION, type GenerateDatasetOptions } from './dataset.ts';
export { resolveParams, DEFAULT_START_US, type GenerateOptions, type MarketProfile, type ResolvedParams } from './params.ts';
export { BTCUSDT_CALIBRATION, CALIBRATION_SOURCE } from './calibration.ts';
export { calibrateFile, emitCalibrationModule, type CalibrationResult } from './calibrate.ts';
export { MarketStats, type MarketMeasures } from './stats.ts';
export { HawkesClock, fitHawkesFano, fanoFactors, hawkesFano, type HawkesFit } from './hawkes.ts';
