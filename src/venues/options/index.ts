export { deribitContract, premiumInstrument, type OptionContract } from './contract.ts';
export { loadOptionsChain, snapshotChain, volQuotesFromChain, type ChainQuote, type OptionsChainSnapshot } from './chain.ts';
export { FlatVol, SviSurfaceVols, markOption, type OptionMark, type VolModel, type VolQuote } from './marks.ts';
export { expiryPayout } from './settlement.ts';
export { OptionsVenue, type ExpirySettlement, type OptionPosition, type OptionTrade, type PortfolioGreeks } from './venue.ts';
export { generateOptionChain, generatorSvi, deribitDate, type GeneratedOptionChain } from './generated-chain.ts';
