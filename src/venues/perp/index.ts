export { IndexMark, MedianMark, MidMark, median3, parseMarkModel, type MarkInputs, type MarkPriceModel } from './mark.ts';
export { FundingCalculator, RATE_DEN, rateToScaled } from './funding-math.ts';
export {
  PremiumFunding,
  SeriesFunding,
  fixedFundingTimes,
  fundingFromTicker,
  isoUs,
  premiumRate,
  readLeanFundingCsv,
  type FundingRateSource,
  type PremiumFundingConfig,
  type TickerFundingRow,
} from './funding-source.ts';
export { PerpVenue, type FundingEvent, type FundingSchedule, type PerpMarginGate, type PerpVenueConfig } from './venue.ts';
