import { ModelError } from '../errors.ts';
import { legSettleValue, type InstrumentEntry } from './instruments.ts';
import type { AccountState, Group, PosEntry } from './margin-engine-types.ts';

/**
 * A position's figures as positionsOn gives them: [lots, upnl, basis, valueRef] (upnl and basis in
 * the settle asset, valueRef = |value| in the engine's settle asset). Read during the call only:
 * the array is reused for the next position.
 */
export type PositionFigures = Float64Array;

/**
 * Auto-deleveraging's candidates, kept between calls: per instrument, the entrants of each side in
 * profit in accounts with positive equity, as of the last call, and the accounts revalued (or
 * whose lots changed) since, which alone are examined again; and per side the candidates in rank
 * order. The margin engine owns one, notes every account whose figures change, and asks it for
 * ADL's queue (MarginEngine.positionsOn with `inProfit`, MarginEngine.adlRanked).
 */
export class AdlCandidates {
  private readonly sets = new Map<InstrumentEntry, [Entrant[], Entrant[]]>();
  private readonly changed = new Set<AccountState>();
  private readonly entrantOf = new Map<PosEntry, Entrant>();
  /** Per instrument with kept candidate sets: each side's members in ADL rank order (see ranked). */
  private readonly orders = new Map<InstrumentEntry, [RankOrder, RankOrder]>();
  /** Check every kept candidate set against a full scan, and every rank order against a fresh sort (throws on a difference). */
  verify = false;

  constructor(private readonly host: { assetPrice(asset: string): number }) {}

  /** Whether any candidate set is kept (else nothing needs noting). */
  get active(): boolean {
    return this.sets.size !== 0;
  }

  /** A new entrant (the engine made it for a position entry). */
  register(e: PosEntry, x: Entrant): void {
    this.entrantOf.set(e, x);
  }

  /**
   * The figures handed to a callback, in one reused array: passed as five numbers, each double
   * was boxed on the heap for the call, and ADL visits thousands of accounts per event.
   */
  private readonly figures: PositionFigures = new Float64Array(4);

  /** `x`'s figures (lots and upnl given) in the reused array. */
  fill(x: Entrant, lots: number, upnl: number): PositionFigures {
    const f = this.figures;
    const e = x.e;
    f[0] = lots;
    f[1] = upnl;
    f[2] = e.basis;
    f[3] = Math.abs(legSettleValue(e.inst, e.leg.qty, e.leg.mark)) * this.host.assetPrice(x.g.settle);
    return f;
  }

  /**
   * positionsOn(…, inProfit) from the kept candidate sets: a cascade runs ADL hundreds of times
   * at one mark, and between two calls only the accounts that traded or were revalued can have
   * entered or left a set (every change of lots, basis, leg or equity goes through `finish` or
   * `onLots`, which note the account). The figures are read afresh for every candidate, so the
   * calls see what a full scan sees; callers rank by a total order, not by scan order. Returns
   * false (the caller scans) when a candidate's value has no price: ranks would then tie on NaN.
   */
  fromSets(inst: InstrumentEntry, held: [Entrant[], Entrant[]], side: number, fn: (a: AccountState, fig: PositionFigures) => void): boolean {
    const sets = this.keptSets(inst, held);
    this.drain();
    const set = sets[side > 0 ? 0 : 1];
    for (let i = 0; i < set.length; i++) if (Number.isNaN(this.host.assetPrice(set[i]!.g.settle))) return false;
    if (this.verify) this.verifySet(held[side > 0 ? 0 : 1]!, side, set);
    for (let i = 0; i < set.length; i++) {
      const x = set[i]!;
      fn(x.a, this.fill(x, x.e.pos.lots, entryUpnl(x.e)));
    }
    return true;
  }

  /** An instrument's kept candidate sets, made from its holders at the first call. */
  private keptSets(inst: InstrumentEntry, held: [Entrant[], Entrant[]]): [Entrant[], Entrant[]] {
    let sets = this.sets.get(inst);
    if (sets === undefined) {
      this.sets.set(inst, (sets = [[], []]));
      for (const x of held[0]) this.evaluate(x, sets, undefined);
      for (const x of held[1]) this.evaluate(x, sets, undefined);
    }
    return sets;
  }

  /**
   * ADL's queue from the kept candidate sets, best first: `visit` gets each candidate of `side`
   * (in profit, in an account with positive equity) with its figures (read afresh; valid during
   * the call) and its rank, in order of rank (highest first, ties by account id), until it
   * returns false. The order is kept between calls: a cascade runs ADL hundreds of times at one
   * mark and ranked every candidate each time (thousands per event); only the entrants of
   * accounts noted since (a fill, a revaluation — every change of lots, basis, leg or equity goes
   * through `finish` or `onLots`) are ranked again, or all of them when many were (a new mark).
   * `rank` must be a pure function of the figures and the equity, the same function at every
   * call. `held` is the instrument's holders by side (the engine's). Returns false, having
   * visited nothing, when a rank is NaN (no total order): the caller scans.
   */
  ranked(inst: InstrumentEntry, held: [Entrant[], Entrant[]], side: number, rank: AdlRankFn, visit: (a: AccountState, fig: PositionFigures, rank: number) => boolean): boolean {
    const sets = this.keptSets(inst, held);
    let orders = this.orders.get(inst);
    if (orders === undefined) this.orders.set(inst, (orders = [newRankOrder(), newRankOrder()]));
    this.drain();
    const si = side > 0 ? 0 : 1;
    const set = sets[si];
    const r = orders[si];
    if (this.verify) this.verifySet(held[si], side, set);
    if (!r.built || r.rank !== rank || r.pending.length * 8 > set.length + 64) {
      if (!this.rankAll(r, set, si, rank)) return false;
    } else if (!this.rankPending(r, si)) return false;
    if (this.verify) this.verifyRankOrder(r, set);
    const order = r.order;
    for (let i = 0; i < order.length; i++) {
      const x = order[i]!;
      if (!visit(x.a, this.fill(x, x.e.pos.lots, entryUpnl(x.e)), x.rank)) break;
    }
    return true;
  }

  /** Rank every member of a side's set afresh and sort them; false (order dropped) on a NaN rank. */
  private rankAll(r: RankOrder, set: readonly Entrant[], si: number, rank: AdlRankFn): boolean {
    dropOrder(r);
    const order = r.order;
    for (let i = 0; i < set.length; i++) {
      const x = set[i]!;
      const k = rank(this.fill(x, x.e.pos.lots, entryUpnl(x.e)), x.a.state.equity);
      if (Number.isNaN(k)) {
        dropOrder(r);
        return false;
      }
      x.rank = k;
      x.ranked = si;
      order.push(x);
    }
    order.sort((p, q) => (rankedBefore(p, q) ? -1 : 1));
    r.built = true;
    r.rank = rank;
    return true;
  }

  /** Rank the entrants that joined (or changed in) a side's set since the last call and put them in place. */
  private rankPending(r: RankOrder, si: number): boolean {
    const rank = r.rank!;
    const pending = r.pending;
    for (let i = 0; i < pending.length; i++) {
      const x = pending[i]!;
      if (x.adlSide !== si || x.ranked >= 0) continue; // left again, or already placed
      const k = rank(this.fill(x, x.e.pos.lots, entryUpnl(x.e)), x.a.state.equity);
      if (Number.isNaN(k)) {
        dropOrder(r);
        return false;
      }
      x.rank = k;
      x.ranked = si;
      r.order.splice(rankIndex(r.order, x), 0, x);
    }
    pending.length = 0;
    return true;
  }

  /** verifyAdlSets: the kept order must be the set's members, each at the rank its figures give now, sorted. */
  private verifyRankOrder(r: RankOrder, set: readonly Entrant[]): void {
    const fresh = set.map((x) => {
      return { x, k: r.rank!(this.fill(x, x.e.pos.lots, entryUpnl(x.e)), x.a.state.equity) };
    });
    fresh.sort((p, q) => (p.k > q.k || (p.k === q.k && p.x.a.id < q.x.a.id) ? -1 : 1));
    const ok = fresh.length === r.order.length && fresh.every((f, i) => f.x === r.order[i] && Object.is(f.k, r.order[i]!.rank));
    if (!ok) throw new ModelError(`ADL rank order differs from a fresh sort of its ${set.length} candidates`, { field: 'adl' });
  }

  /** An account whose lots, basis, legs or equity changed: its entrants are examined again at the next call. */
  note(a: AccountState): void {
    if (this.sets.size !== 0) this.changed.add(a);
  }

  /** Examine the noted accounts' entrants again in every kept set. */
  private drain(): void {
    if (this.changed.size === 0) return;
    // Many accounts noted (a new mark revalues every holder): the rank orders are made again
    // whole at their next call rather than mended one entrant at a time.
    if (this.changed.size > 64) for (const o of this.orders.values()) for (const r of o) dropOrder(r);
    for (const a of this.changed) {
      for (const g of a.groups.values()) {
        for (const e of g.entries) {
          const sets = this.sets.get(e.inst);
          const x = sets && this.entrantOf.get(e);
          if (x) this.evaluate(x, sets!, this.orders.get(e.inst));
        }
      }
    }
    this.changed.clear();
  }

  /** Put an entrant in, or take it out of, its instrument's candidate set (full scan's test). */
  private evaluate(x: Entrant, sets: [Entrant[], Entrant[]], orders: [RankOrder, RankOrder] | undefined): void {
    // Out of its rank order first (its figures may have changed); back in, ranked anew, at the next call.
    if (x.ranked >= 0) {
      const r = orders![x.ranked as 0 | 1];
      const i = rankIndex(r.order, x);
      if (r.order[i] !== x) throw new ModelError(`ADL rank order lost account ${x.a.id}`, { field: 'adl' });
      r.order.splice(i, 1);
      x.ranked = -1;
    }
    const lots = x.e.pos.lots;
    const s = x.side;
    const ok = s >= 0 && lots !== 0 && (lots > 0 ? 0 : 1) === s && entryUpnl(x.e) > 0 && x.a.state.equity > 0;
    if (x.adlSide >= 0 && (!ok || x.adlSide !== s)) {
      const l = sets[x.adlSide as 0 | 1];
      const last = l.pop()!;
      if (last !== x) {
        l[x.adlAt] = last;
        last.adlAt = x.adlAt;
      }
      x.adlSide = -1;
      x.adlAt = -1;
    }
    if (ok && x.adlSide < 0) {
      const l = sets[s as 0 | 1];
      x.adlSide = s;
      x.adlAt = l.length;
      l.push(x);
    }
    if (x.adlSide >= 0 && orders !== undefined && orders[x.adlSide as 0 | 1].built) orders[x.adlSide as 0 | 1].pending.push(x);
  }

  /** verifyAdlSets: the kept set must hold exactly the entrants a full scan of the side's holders finds. */
  private verifySet(list: readonly Entrant[], side: number, set: readonly Entrant[]): void {
    const scan = new Set<Entrant>();
    for (const x of list) {
      const lots = x.e.pos.lots;
      if (lots === 0 || (lots > 0 ? 1 : -1) !== side) continue;
      if (entryUpnl(x.e) > 0 && x.a.state.equity > 0) scan.add(x);
    }
    const kept = new Set(set);
    if (kept.size !== set.length || scan.size !== kept.size || [...scan].some((x) => !kept.has(x))) {
      throw new ModelError(`ADL candidate set differs from a full scan: ${kept.size} kept, ${scan.size} scanned`, { field: 'adl' });
    }
  }
}

/** An account's entry for an instrument, with its group, and where the engine and ADL keep it. */
export interface Entrant {
  a: AccountState;
  g: Group;
  e: PosEntry;
  /** Holder list it is in (0 long, 1 short, −1 none) and its index there. */
  side: number;
  at: number;
  /** ADL candidate set it is in (0 long, 1 short, −1 none) and its index there. */
  adlSide: number;
  adlAt: number;
  /** Rank order it is in (0 long, 1 short, −1 none: see adlRanked) and its rank there. */
  ranked: number;
  rank: number;
}

/** ADL's rank of a candidate from its figures (see PositionFigures) and its account's equity. */
export type AdlRankFn = (fig: PositionFigures, equity: number) => number;

/** One side's kept candidates in rank order, and the members to place in it at the next call. */
interface RankOrder {
  order: Entrant[];
  pending: Entrant[];
  built: boolean;
  rank: AdlRankFn | undefined;
}

function newRankOrder(): RankOrder {
  return { order: [], pending: [], built: false, rank: undefined };
}

/** Forget an order (its members are ranked afresh when next asked). */
function dropOrder(r: RankOrder): void {
  for (const x of r.order) x.ranked = -1;
  r.order.length = 0;
  r.pending.length = 0;
  r.built = false;
}

/** ADL order: higher rank first, then lower account id (ids are unique: a total order without NaN). */
function rankedBefore(p: Entrant, q: Entrant): boolean {
  return p.rank > q.rank || (p.rank === q.rank && p.a.id < q.a.id);
}

/** Where `x` (at its kept rank) is, or goes, in a rank order: the first member not before it. */
function rankIndex(order: readonly Entrant[], x: Entrant): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (rankedBefore(order[m]!, x)) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** uPnL in the settle asset: inverse long = basis(face/P0) − face/P (Position's convention), linear = qty × mark − basis. */
export function entryUpnl(e: PosEntry): number {
  return e.inst.inverse ? e.basis - e.leg.qty / e.leg.mark : e.leg.qty * e.leg.mark - e.basis;
}
