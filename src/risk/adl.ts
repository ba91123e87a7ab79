import type { AccountState, AdlRankFn, MarginEngine } from './margin-engine.ts';

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
 * equity (unordered).
 */
function adlCandidates(engine: MarginEngine, instrumentId: string, bankruptSide: number, exclude: string): AdlCandidate[] {
  const out: AdlCandidate[] = [];
  engine.positionsOn(instrumentId, -bankruptSide, (a, fig) => {
    const equity = a.state.equity;
    const lots = fig[0]!;
    const upnl = fig[1]!;
    const valueRef = fig[3]!;
    if (a.id === exclude || !(equity > 0) || !(upnl > 0)) return;
    // PnL% in the settle asset; leverage from the position's value in the engine's settle asset.
    const entryNotional = Math.abs(fig[2]!);
    out.push({ account: a.id, lots, upnl, entryNotional, notional: valueRef, equity, rank: adlRank(upnl, entryNotional, valueRef, equity) });
  });
  return out;
}

/** The whole ADL queue: candidates best rank first (ties by account id, so the queue is deterministic). */
export function adlQueue(engine: MarginEngine, instrumentId: string, bankruptSide: number, exclude: string): AdlCandidate[] {
  return adlCandidates(engine, instrumentId, bankruptSide, exclude).sort((x, y) => y.rank - x.rank || (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
}

/** Scratch for adlTop, reused across calls: an ADL event ranks thousands of accounts, objects only for the head. */
let scratchRank = new Float64Array(1024);
let scratchIdx = new Int32Array(1024);
const scratchAcc: (AccountState | undefined)[] = [];
const scratchFig: number[] = [];

/** adlRank from the engine's figures (lots, upnl, basis, value) and the equity: the engine keeps its candidates in this order. */
const rankOfFigures: AdlRankFn = (fig, equity) => adlRank(fig[1]!, Math.abs(fig[2]!), fig[3]!, equity);

/**
 * The head of adlQueue: candidates in the same order, as many as cover `lotsNeeded` plus `extra`
 * more (all of them when they cannot cover it). Read from the order the engine keeps between
 * events (MarginEngine.adlRanked); where it keeps none, the ranks go into typed arrays and a heap
 * gives the order one pop at a time, so an ADL event neither allocates per candidate nor sorts
 * thousands of them to use the first few.
 */
export function adlTop(engine: MarginEngine, instrumentId: string, bankruptSide: number, exclude: string, lotsNeeded: number, extra: number): AdlCandidate[] {
  const head: AdlCandidate[] = [];
  let have = 0;
  let left = extra;
  const kept = engine.adlRanked(instrumentId, -bankruptSide, rankOfFigures, (a, fig, rank) => {
    const equity = a.state.equity;
    const upnl = fig[1]!;
    if (a.id === exclude || !(equity > 0) || !(upnl > 0)) return true;
    if (have >= lotsNeeded && left-- <= 0) return false;
    head.push({ account: a.id, lots: fig[0]!, upnl, entryNotional: Math.abs(fig[2]!), notional: fig[3]!, equity, rank });
    have += Math.abs(fig[0]!);
    return true;
  });
  if (kept) return head;
  let n = 0;
  engine.positionsOn(instrumentId, -bankruptSide, (a, fig) => {
    const equity = a.state.equity;
    const upnl = fig[1]!;
    if (a.id === exclude || !(equity > 0) || !(upnl > 0)) return;
    const lots = fig[0]!;
    const basis = fig[2]!;
    const valueRef = fig[3]!;
    if (n === scratchRank.length) {
      const r = new Float64Array(n * 2);
      r.set(scratchRank);
      scratchRank = r;
      const x = new Int32Array(n * 2);
      x.set(scratchIdx);
      scratchIdx = x;
    }
    scratchRank[n] = adlRank(upnl, Math.abs(basis), valueRef, equity);
    scratchIdx[n] = n;
    scratchAcc[n] = a;
    // lots, upnl, |basis|, valueRef, equity: what the candidate's record needs.
    const f = 5 * n;
    scratchFig[f] = lots;
    scratchFig[f + 1] = upnl;
    scratchFig[f + 2] = Math.abs(basis);
    scratchFig[f + 3] = valueRef;
    scratchFig[f + 4] = equity;
    n++;
  }, true);
  const rank = scratchRank;
  const c = scratchIdx;
  // x before y: higher rank, then lower account id (adlQueue's order; ids are unique, so total).
  const before = (x: number, y: number): boolean => rank[x]! > rank[y]! || (rank[x] === rank[y] && scratchAcc[x]!.id < scratchAcc[y]!.id);
  const down = (i: number, size: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const m = r < size && before(c[r]!, c[l]!) ? r : l;
      if (!before(c[m]!, c[i]!)) return;
      const t = c[i]!;
      c[i] = c[m]!;
      c[m] = t;
      i = m;
    }
  };
  for (let i = (n >> 1) - 1; i >= 0; i--) down(i, n);
  const out: AdlCandidate[] = [];
  let covered = 0;
  let more = extra;
  for (let size = n; size > 0; ) {
    if (covered >= lotsNeeded && more-- <= 0) break;
    const k = c[0]!;
    const f = 5 * k;
    out.push({ account: scratchAcc[k]!.id, lots: scratchFig[f]!, upnl: scratchFig[f + 1]!, entryNotional: scratchFig[f + 2]!, notional: scratchFig[f + 3]!, equity: scratchFig[f + 4]!, rank: rank[k]! });
    covered += Math.abs(scratchFig[f]!);
    c[0] = c[--size]!;
    down(0, size);
  }
  // Drop the account references (the scratch must not keep a finished world alive), keeping the
  // array's room for the next event.
  scratchAcc.fill(undefined, 0, n);
  return out;
}
