import type { MarginEngine } from './margin-engine.ts';

/** One position eligible for auto-deleveraging, with the raw figures its rank comes from. */
export interface AdlCandidate {
  account: string;
  lots: number;
  /** Unrealized PnL (settle asset units) at the mark. */
  upnl: number;
  /** |entry notional| (settle asset units). */
  entryNotional: number;
  /** |position value at the mark| in the engine's settle asset. */
  notional: number;
  equity: number;
  /** PnL% × effective leverage = (upnl / entryNotional) × (notional / equity), Binance/BitMEX style. */
  rank: number;
}

export function adlRank(upnl: number, entryNotional: number, notional: number, equity: number): number {
  return (upnl / entryNotional) * (notional / equity);
}

/**
 * Opposite-side positions in `instrumentId` that are in profit and whose account has positive
 * equity, best rank first (ties by account id, so the queue is deterministic).
 */
export function adlQueue(engine: MarginEngine, instrumentId: string, bankruptSide: number, exclude: string): AdlCandidate[] {
  const out: AdlCandidate[] = [];
  for (const a of engine.accountStates()) {
    const id = a.id;
    if (id === exclude) continue;
    // Cheap filters first (equity, side): most accounts are not candidates.
    if (!(a.state.equity > 0) || Math.sign(engine.positionLots(a, instrumentId)) !== -bankruptSide) continue;
    const p = engine.openPosition(id, instrumentId);
    if (!p || Math.sign(p.lots) !== -bankruptSide) continue;
    const equity = a.state.equity;
    if (!(p.upnl > 0) || !(equity > 0)) continue;
    // PnL% in the settle asset; leverage from the position's value in the engine's settle asset.
    const notional = p.valueRef;
    const entryNotional = Math.abs(p.basis);
    out.push({ account: id, lots: p.lots, upnl: p.upnl, entryNotional, notional, equity, rank: adlRank(p.upnl, entryNotional, notional, equity) });
  }
  out.sort((x, y) => y.rank - x.rank || (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
  return out;
}
