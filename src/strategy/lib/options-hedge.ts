/**
 * Delta-hedged short options: sell a strip on the chain (a 25-delta strangle by default) and keep
 * the portfolio delta inside a band with a perp, paying or receiving funding on the hedge.
 *
 * This is the hedger's decision logic as a plain module; `src/scenarios/hedger` drives it through
 * the simulation kernel (a seeded underlying, a perp book, an SVI-marked chain). It does not run
 * under `primesim backtest`, which drives a single CLOB venue.
 */

export interface HedgerParams {
  /** Hedge when |portfolio delta| exceeds this many coins of underlying. */
  bandCoins: number;
  /** |Black-76 delta| of the legs to sell (0.25 = 25-delta strangle). */
  legDelta: number;
  /** Lots sold per leg. */
  legLots: number;
  /** Hedge back to this delta (0 = flat), not just to the band edge, so the next check starts centred. */
  targetDelta: number;
}

export const DEFAULT_HEDGER_PARAMS: HedgerParams = { bandCoins: 0.5, legDelta: 0.25, legLots: 100, targetDelta: 0 };

export interface StripCandidate<C> {
  contract: C;
  kind: 'call' | 'put';
  /** Black-76 (USD) delta of one contract: in (0, 1) for calls, (−1, 0) for puts. */
  delta: number;
}

/** The call and the put whose |delta| is nearest `legDelta` (ties: the first listed). */
export function pickStrangle<C>(cands: readonly StripCandidate<C>[], legDelta: number): { call: C; put: C } {
  let call: StripCandidate<C> | undefined;
  let put: StripCandidate<C> | undefined;
  for (const c of cands) {
    const err = Math.abs(Math.abs(c.delta) - legDelta);
    if (c.kind === 'call' && (!call || err < Math.abs(Math.abs(call.delta) - legDelta))) call = c;
    if (c.kind === 'put' && (!put || err < Math.abs(Math.abs(put.delta) - legDelta))) put = c;
  }
  if (!call || !put) throw new Error('pickStrangle: the chain needs at least one call and one put');
  return { call: call.contract, put: put.contract };
}

/**
 * Signed perp lots to trade at a check: zero inside the band, else the lots that bring the delta
 * to `targetDelta` (rounded to whole lots, so the residual is at most half a lot).
 */
export function hedgeLots(portfolioDelta: number, lotCoins: number, p: Pick<HedgerParams, 'bandCoins' | 'targetDelta'>): number {
  if (Math.abs(portfolioDelta) <= p.bandCoins) return 0;
  return Math.round((p.targetDelta - portfolioDelta) / lotCoins);
}
