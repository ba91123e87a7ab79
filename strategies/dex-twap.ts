/**
 * DEX TWAP through an AMM pool, public mempool or private relay. The logic lives in the library
 * (`src/strategy/lib/dex-twap.ts`) so the legacy `primesim stress dex-twap` scenario can use it
 * without `src/` importing `strategies/`; this module is where a user starts a copy.
 */
export * from '../src/strategy/lib/dex-twap.ts';
export { default } from '../src/strategy/lib/dex-twap.ts';
