/**
 * Delta-hedged short options: sell a strip on the chain (a 25-delta strangle by default) and keep
 * the portfolio delta inside a band with a perp. The decision logic lives in the library
 * (`src/strategy/lib/options-hedge.ts`) so the legacy `primesim stress hedger` scenario can use it
 * without `src/` importing `strategies/`; this module is where a user starts a copy.
 */
export * from '../src/strategy/lib/options-hedge.ts';
