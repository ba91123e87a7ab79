import { ConfigError, ModelError } from '../errors.ts';
import { NumberMap } from '../kernel/number-map.ts';
import type { Ledger, LedgerAccount, Transfer } from '../ledger/ledger.ts';
import { Position, type FillAccounting } from '../ledger/portfolio.ts';
import { ASSETS, assetScale } from '../market/instrument.ts';
import { black76Price, inversePrice, US_PER_YEAR, type VolSurface } from '../pricing/index.ts';
import { checkInstrument, legSettleValue, type InstrumentEntry } from './instruments.ts';
import type { CanPlace, GroupRequirement, GroupView, Leg, MarginModel, MarginState, OrderIntent, RiskInstrument } from './types.ts';
import type { AccountState, Group, MarginEngineOptions, MarginListener, OpenPosition, OrderGate, PosEntry, TrackedPosition } from './margin-engine-types.ts';
import { AdlCandidates, entryUpnl, type AdlRankFn, type Entrant, type PositionFigures } from './adl-candidates.ts';

/** Why the margin engine booked a trade (see `applyFill`). */
export type BookingReason = 'trade' | 'liquidation' | 'adl';
/** A margin account by id, or its state as openAccount returned it (no lookup). */
export type AccountRef = string | AccountState;

export type { AccountState, MarginEngineOptions, MarginListener, OpenPosition, OrderGate, TrackedPosition } from './margin-engine-types.ts';

export type { AdlRankFn, PositionFigures } from './adl-candidates.ts';
export { legSettleValue } from './instruments.ts';

/**
 * One margin engine for venues and the desk. It keeps per-account, per-underlying aggregates
 * (unrealized PnL, IM, MM of that underlying's legs) so a mark change of one underlying revalues
 * only the accounts and legs of that underlying: O(positions of that underlying), not of everything.
 * Cash comes from the ledger: every transfer touching `<account>:cash` refreshes that account's
 * collateral, so fees, funding and realized PnL are seen as they happen.
 */
export class MarginEngine {
  readonly ledger: Ledger;
  readonly settleAsset: string;
  /** 10^decimals of the settle asset: minor units per whole unit. */
  readonly settleScale: number;
  private readonly haircuts: Record<string, number>;
  private readonly instruments = new Map<string, InstrumentEntry>();
  /** Coin settle assets of registered instruments: they count as margin (haircut 0 unless configured). */
  private readonly marginAssets = new Set<string>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly byCash = new Map<string, AccountState>();
  /**
   * Per underlying, the non-lazy accounts holding a group of it (in the order they first did) and
   * those groups (in the order they were made): what a mark revalues, walked as arrays.
   */
  private readonly holders = new Map<string, Holders>();
  /** Counts marks: an account revalued by the current one has `revaluedAt` equal to it. */
  private markSeq = 0;
  /**
   * Every account's entry for each instrument (with its group), lazy accounts included, in the
   * order they first held it: ADL scans only these, without map lookups per account.
   */
  private readonly entrants = new Map<InstrumentEntry, Entrant[]>();
  /** Long lots per instrument, kept by the positions' `onLots` (the open interest). */
  private readonly longLots = new Map<InstrumentEntry, { lots: number }>();
  private readonly recountInterest = new Set<InstrumentEntry>();
  /** Per instrument: the entrants holding it long, and short (kept by `onLots`; unordered). */
  private readonly holdersBySide = new Map<InstrumentEntry, [Entrant[], Entrant[]]>();
  /** ADL's candidates and rank orders, kept between calls (see positionsOn with `inProfit`, adlRanked). */
  private readonly adl = new AdlCandidates(this);
  /** Test hook: check every kept ADL candidate set against a full scan, and every rank order against a fresh sort (throws on a difference). */
  get verifyAdlSets(): boolean {
    return this.adl.verify;
  }
  set verifyAdlSets(on: boolean) {
    this.adl.verify = on;
  }
  private readonly collateralHolders = new Map<string, Set<AccountState>>();
  private readonly marks = new NumberMap();
  private readonly basis = new Map<string, number>();
  private readonly ivs = new Map<string, number>();
  private readonly surfaces = new Map<string, VolSurface>();
  private readonly gates = new Map<string, OrderGate>();
  private readonly listeners: MarginListener[] = [];
  /** > 0 while a fill is being booked: its transfers refresh cash but notify once at the end. */
  private quiet = 0;
  nowUs = 0;

  constructor(opts: MarginEngineOptions) {
    this.ledger = opts.ledger;
    this.settleAsset = opts.settleAsset ?? 'USDT';
    this.haircuts = { ...(opts.haircuts ?? {}) };
    for (const [a, h] of Object.entries(this.haircuts)) {
      if (!(h >= 0 && h <= 1)) throw new ConfigError(`haircut for ${a} must be in [0, 1], got ${h}`, { field: `haircuts.${a}` });
    }
    if (!ASSETS[this.settleAsset]) throw new ConfigError(`unknown settle asset ${this.settleAsset}`, { field: 'settleAsset' });
    this.settleScale = 10 ** ASSETS[this.settleAsset]!.decimals;
    this.ledger.onTransfer((t) => this.onTransfer(t));
  }

  registerInstrument(spec: RiskInstrument): void {
    const e = checkInstrument(spec, this.settleAsset, ASSETS[this.settleAsset]!.decimals);
    e.basis = this.instruments.get(spec.id)?.basis ?? this.basis.get(spec.id) ?? 0;
    this.instruments.set(spec.id, e);
    this.lastInstId = undefined;
    if (e.coin) this.marginAssets.add(spec.market.settle);
  }

  /** The last instrument asked and its entry: a perp venue asks its own at every mark change. */
  private lastInstId: string | undefined;
  private lastInst: InstrumentEntry | undefined;

  /** Haircut of an asset's positive equity: configured, else 0 for the settle and margin coins, else 1 (counts nothing). */
  haircut(asset: string): number {
    if (asset === this.settleAsset) return 0;
    return this.haircuts[asset] ?? (this.marginAssets.has(asset) ? 0 : 1);
  }

  /** Decimals of an asset (minor units per unit = 10^decimals). */
  instrumentScale(asset: string): number {
    return ASSETS[asset]?.decimals ?? 8;
  }

  /** Haircut value (settle asset) of an account's cash in one asset. */
  cashValue(a: AccountState, asset: string): number {
    return this.poolValue(asset, a.cash.get(asset) ?? 0);
  }

  /** Price of one unit of an asset in the engine's settle asset (1 for itself, the mark otherwise, NaN if unmarked). */
  assetPrice(asset: string): number {
    return asset === this.settleAsset ? 1 : (this.marks.get(asset) ?? NaN);
  }

  instrument(id: string): InstrumentEntry {
    if (id === this.lastInstId) return this.lastInst!;
    const e = this.instruments.get(id);
    if (!e) throw new ConfigError(`instrument ${id} is not registered with the margin engine (no margin model)`, { field: 'instrument' });
    this.lastInstId = id;
    this.lastInst = e;
    return e;
  }

  /**
   * Open a margin account. A `lazy` account is not revalued on every mark change: its owner
   * calls `revalue` when the mark nears the account's liquidation price (populations of thousands
   * of accounts keep a price index instead of revaluing everyone on every tick).
   */
  openAccount(id: string, model: MarginModel, opts: { lazy?: boolean } = {}): AccountState {
    if (this.accounts.has(id)) throw new ConfigError(`margin account ${id} already exists`, { field: 'account' });
    const cashAccount = `${id}:cash`;
    const la = this.ledger.account(cashAccount);
    const a: AccountState = { id, model, cashAccount, cashLedger: la, groups: new Map(), assets: new Set([this.settleAsset]), cash: new Map(), collateral: 0, tracked: false, lazy: opts.lazy ?? false, revaluedAt: 0, state: { equity: 0, im: 0, mm: 0, marginRatio: 0 } };
    this.accounts.set(id, a);
    this.byCash.set(cashAccount, a);
    // Its ledger account leads to it from a transfer (see marginOf).
    if (la.owner === undefined) la.owner = { engine: this, state: a } satisfies CashOwner;
    else this.ownersShared = true;
    this.refreshCollateral(a);
    this.total(a);
    return a;
  }

  /**
   * An account by id, or the account itself: a caller that keeps the state openAccount returned
   * (a population of 10,000) passes it instead of its id (a lookup in that map misses the cache).
   */
  account(id: AccountRef): AccountState {
    if (typeof id !== 'string') return id;
    // The last account asked: a liquidation step, a fill and its transfers ask for one account
    // many times in a row, and a population's map of 10,000 misses the cache.
    if (id === this.lastAccountId) return this.lastAccount!;
    const a = this.accounts.get(id);
    if (!a) throw new ConfigError(`unknown margin account ${id}`, { field: 'account' });
    this.lastAccountId = id;
    this.lastAccount = a;
    return a;
  }

  private lastAccountId: string | undefined;
  private lastAccount: AccountState | undefined;

  accountIds(): string[] {
    return [...this.accounts.keys()];
  }

  /** Every account's state, in opening order (no copy). */
  accountStates(): IterableIterator<AccountState> {
    return this.accounts.values();
  }

  /**
   * Called with an account after its state was recomputed: a fill, a transfer, a revaluation. A
   * mark that cannot change a healthy account (it holds nothing of that underlying) does not
   * call it; an account under water (equity < MM) hears of every mark.
   */
  onUpdate(fn: MarginListener): void {
    this.listeners.push(fn);
  }

  setGate(underlying: string, gate: OrderGate): void {
    this.gates.set(underlying, gate);
  }

  setSurface(underlying: string, surface: VolSurface): void {
    this.surfaces.set(underlying, surface);
  }

  /** Per-position implied vol (used when the underlying has no surface). */
  setIv(instrumentId: string, vol: number): void {
    if (!(vol > 0) || !Number.isFinite(vol)) throw new ModelError(`implied vol for ${instrumentId} must be > 0, got ${vol}`, { field: 'vol' });
    this.ivs.set(instrumentId, vol);
  }

  /**
   * A delta-one instrument's new basis and its underlying's new mark in one call (what a perp
   * venue does on every mark change): `setBasis` then `setMark`, one instrument lookup. With
   * `drives` false another instrument's venue gives the underlying's mark (a second perp on BTC):
   * only this instrument's own mark changes, and its holders are revalued at the same underlying.
   */
  markInstrument(instrumentId: string, basis: number, underlyingPrice: number, tsUs: number, drives = true): void {
    const e = this.instrument(instrumentId);
    checkBasis(instrumentId, basis);
    e.basis = basis;
    // Its own mark, kept as given (the same product priceLeg made from the underlying it set).
    e.ownMark = underlyingPrice * (1 + basis);
    const und = e.spec.underlying;
    const s = drives ? underlyingPrice : (this.marks.get(und) ?? underlyingPrice);
    this.setMark(und, s, tsUs);
  }

  /** Delta-one mark = underlying mark × (1 + basis); the perp venue sets its premium here. */
  setBasis(instrumentId: string, b: number): void {
    checkBasis(instrumentId, b);
    const e = this.instruments.get(instrumentId);
    // Kept on the entry; before registration, here until it registers. The mark follows the
    // underlying from now on (no own mark).
    if (e !== undefined) {
      e.basis = b;
      e.ownMark = 0;
    } else this.basis.set(instrumentId, b);
  }

  mark(underlying: string): number {
    return this.marks.get(underlying) ?? NaN;
  }

  /** Mark price of one underlying unit of an instrument (option premium for options). */
  instrumentMark(id: string): number {
    const e = this.instrument(id);
    const s = this.marks.get(e.spec.underlying);
    if (s === undefined) throw new ModelError(`no mark for underlying ${e.spec.underlying} of ${id}`, { field: 'mark' });
    const leg: Leg = { inst: e.spec, qty: 0, mark: 0 };
    this.priceLeg(leg, e, s);
    return leg.mark;
  }

  private lastMarked: string | undefined;
  private lastHeld: Holders | undefined;
  private lastColl: Set<AccountState> | undefined;

  /** New mark of an underlying: revalue only the accounts holding it (positions or collateral). */
  setMark(underlying: string, price: number, tsUs: number): void {
    // Small enough for V8 to inline into the mark's callers (a bar run marks twice a bar): the
    // revaluation is its own method, which reads the time from `nowUs` (a double passed to a call
    // that is not inlined is boxed on the heap).
    if (!(price > 0) || !Number.isFinite(price)) throw new ModelError(`mark for ${underlying} must be a positive number, got ${price}`, { field: 'mark' });
    this.nowUs = tsUs;
    this.marks.set(underlying, price);
    // The last underlying's entries, kept until either map gains an entry (entries are never
    // removed): a run marks the same underlying at every book point.
    if (underlying !== this.lastMarked) {
      this.lastHeld = this.holders.get(underlying);
      this.lastColl = this.collateralHolders.get(underlying);
      this.lastMarked = underlying;
    }
    const seq = ++this.markSeq;
    if (this.lastHeld !== undefined || this.lastColl !== undefined) this.revalueHolders(this.lastHeld, this.lastColl, seq);
  }

  /**
   * setMark's revaluation of the accounts holding the marked underlying, at `nowUs`. A group that
   * holds nothing (flat, already revalued flat) is the same at any mark: it is not revalued, and
   * an account none of whose groups moved keeps its state — its listeners would see the same
   * healthy state again (a bar backtest is flat half the time, a bench floor always). (Revaluing
   * a group writes only that group: the order of the groups does not matter.)
   */
  private revalueHolders(held: Holders | undefined, coll: Set<AccountState> | undefined, seq: number): void {
    const tsUs = this.nowUs;
    if (held) {
      const groups = held.groups;
      for (let i = 0; i < groups.length; i++) {
        const x = groups[i]!;
        if (flatGroup(x.g)) continue;
        this.refreshGroup(x.a, x.g);
        x.a.revaluedAt = seq;
      }
    }
    if (coll) for (const a of coll) this.refreshCollateral(a);
    if (held) {
      const accounts = held.accounts;
      for (let i = 0; i < accounts.length; i++) {
        const a = accounts[i]!;
        // Unchanged and not under water: its listeners (the liquidation engine) would do nothing.
        if (a.revaluedAt === seq || !(a.state.equity >= a.state.mm) || this.adl.active || coll?.has(a)) this.finish(a, tsUs);
      }
    }
    if (coll) for (const a of coll) if (!held?.set.has(a)) this.finish(a, tsUs);
  }

  /** The account's position in an instrument (created on first use, bound to the ledger). */
  position(account: string, instrumentId: string): Position {
    const e = this.entry(this.account(account), instrumentId);
    if (!e.owned) throw new ConfigError(`${account}/${instrumentId} is a tracked position owned by its venue`, { field: 'instrument' });
    return e.pos as Position;
  }

  /**
   * Margin a position that a venue books on this engine's ledger (e.g. `PerpVenue`'s Position, an
   * options venue's premium-paid position): the engine reads its lots and cost basis at every
   * revaluation instead of booking fills itself. Call `revalue` (or `setMark`) after it changes.
   */
  trackPosition(account: string, instrumentId: string, pos: TrackedPosition): void {
    const a = this.account(account);
    const inst = this.instrument(instrumentId);
    if (a.groups.get(groupKey(inst))?.entries.some((x) => x.inst === inst)) {
      throw new ConfigError(`account ${account} already holds ${instrumentId} in the engine`, { field: 'instrument' });
    }
    this.entry(a, instrumentId, pos);
    a.tracked = true;
  }

  /** Revalue every group of an account at the current marks (after tracked positions changed). */
  revalue(account: AccountRef, tsUs: number): void {
    const a = this.account(account);
    for (const g of a.groups.values()) this.refreshGroup(a, g);
    this.finish(a, tsUs);
  }

  /**
   * Told every trade booked here (liquidation steps, ADL, owned positions' fills) with the position
   * it changed, what it realized and why: the recorder ends a venue position's round trip where the
   * risk engine closed it (a venue's own fills it sees from the venue).
   */
  onBooked: ((pos: Position | TrackedPosition, tsUs: number, lots: number, priceTicks: number, booked: FillAccounting, reason: BookingReason) => void) | undefined = undefined;

  /**
   * Apply a trade through `Position.applyFill` and update the account's margin. `reason`: a trade,
   * a liquidation step of the account, or auto-deleveraging of it as a bankrupt's counterparty.
   */
  applyFill(account: AccountRef, instrumentId: string, tsUs: number, lots: number, priceTicks: number, feeBps: number, ref = 0, reason: BookingReason = 'trade'): void {
    const a = this.account(account);
    const e = this.entry(a, instrumentId);
    // A tracked `Position` (a CLOB venue's) books on this engine's ledger like an owned one: the
    // liquidation engine closes it here and the venue sees the new lots on the same object.
    if (!e.owned && !(e.pos instanceof Position)) throw new ConfigError(`${account}/${instrumentId} is tracked: its venue books the fills, not the margin engine`, { field: 'instrument' });
    if (tsUs > this.nowUs) this.nowUs = tsUs;
    // Price and margin the new leg alone first: a missing vol, mark or margin rule must fail
    // before any money moves, not halfway through booking the fill.
    const s = this.marks.get(e.inst.spec.underlying);
    if (s === undefined) throw new ModelError(`no mark for ${e.inst.spec.underlying}: cannot book a fill in ${instrumentId}`, { field: 'mark' });
    const probe: Leg = { inst: e.inst.spec, qty: lots * e.inst.unitQty, mark: 0 };
    this.priceLeg(probe, e.inst, s);
    a.model.groupRequirement({ account: a.id, underlying: e.inst.spec.underlying, spot: s, nowUs: this.nowUs, legs: [probe], coin: e.inst.coin });
    this.quiet++;
    let booked: FillAccounting;
    try {
      booked = (e.pos as Position).applyFill(tsUs, lots, priceTicks, feeBps, ref);
    } finally {
      this.quiet--;
    }
    this.onBooked?.(e.pos, tsUs, lots, priceTicks, booked, reason);
    e.basis = Number(e.pos.costBasis) / e.inst.unitScale;
    this.refreshGroup(a, a.groups.get(groupKey(e.inst))!);
    this.finish(a, tsUs);
  }

  state(account: AccountRef): MarginState {
    return this.account(account).state;
  }

  /** One group: `underlying` for quote-settled legs, `underlying:COIN` (e.g. "BTC:BTC") for coin-settled ones. */
  group(account: string, key: string): { legs: readonly Leg[]; upnl: number; req: GroupRequirement; settle: string } | undefined {
    return this.account(account).groups.get(key);
  }

  /** Signed lots of the account in one instrument (0 when flat), without building anything. */
  positionLots(account: AccountRef, instrumentId: string): number {
    return this.entryIn(this.account(account), instrumentId)?.pos.lots ?? 0;
  }

  /**
   * Signed qty of the account's leg in one instrument as of its last revaluation (underlying
   * units; USD face for inverse delta-one; 0 when flat), without building anything: what
   * openPositions gives as `qty`, for callers that ask it of many accounts on every mark.
   */
  positionQty(account: AccountRef, instrumentId: string): number {
    const e = this.entryIn(this.account(account), instrumentId);
    return e === undefined || e.pos.lots === 0 ? 0 : e.leg.qty;
  }

  private entryIn(a: AccountState, instrumentId: string): PosEntry | undefined {
    // The instrument's group by key (no iterator over the account's groups: ADL asks this of every account).
    const g = a.groups.get(groupKey(this.instrument(instrumentId)));
    if (!g) return undefined;
    for (let i = 0; i < g.entries.length; i++) if (g.entries[i]!.inst.spec.id === instrumentId) return g.entries[i]!;
    return undefined;
  }

  /**
   * Every account holding `instrumentId` on `side` (sign of lots), with the figures openPosition
   * gives; with `inProfit`, only positions in profit in accounts with positive equity (what ADL
   * ranks). One pass over the accounts that ever held the instrument, in the order they first
   * did, with no lookups or objects per account: ADL ranks them all on each event. The figures
   * (see PositionFigures) are valid during the call only.
   */
  positionsOn(instrumentId: string, side: number, fn: (a: AccountState, fig: PositionFigures) => void, inProfit = false): void {
    const inst = this.instrument(instrumentId);
    // The holders of that side when the positions tell their changes (the order differs from
    // first entry: callers rank, they do not depend on it); else every account that held it.
    const held = this.recountInterest.has(inst) ? undefined : this.holdersBySide.get(inst);
    if (inProfit && held !== undefined && this.adl.fromSets(inst, held, side, fn)) return;
    const list = held ? held[side > 0 ? 0 : 1] : this.entrants.get(inst);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      const e = x.e;
      const lots = e.pos.lots;
      if (lots === 0 || (lots > 0 ? 1 : -1) !== side) continue;
      const upnl = entryUpnl(e);
      // ADL asks only for positions in profit in accounts with equity: skip the rest before valuing them.
      if (inProfit && !(upnl > 0 && x.a.state.equity > 0)) continue;
      fn(x.a, this.adl.fill(x, lots, upnl));
    }
  }

  /**
   * ADL's queue from the kept candidate sets, best first (see AdlCandidates.ranked): `visit` gets
   * each candidate of `side` with its figures and rank until it returns false. Returns false,
   * having visited nothing, when the kept order cannot answer — an instrument settled in another
   * asset than the engine's (its value moves with that asset's price), one whose interest is
   * recounted, or a NaN rank: the caller scans (positionsOn).
   */
  adlRanked(instrumentId: string, side: number, rank: AdlRankFn, visit: (a: AccountState, fig: PositionFigures, rank: number) => boolean): boolean {
    const inst = this.instrument(instrumentId);
    if (inst.spec.market.settle !== this.settleAsset) return false;
    const held = this.recountInterest.has(inst) ? undefined : this.holdersBySide.get(inst);
    if (held === undefined) return false;
    return this.adl.ranked(inst, held, side, rank, visit);
  }

  /** Open interest of an instrument in lots: the longs' total (= the shorts' total when every side is an account here). */
  openInterest(instrumentId: string): number {
    const inst = this.instruments.get(instrumentId);
    if (inst === undefined) return 0;
    if (!this.recountInterest.has(inst)) return this.longLots.get(inst)?.lots ?? 0;
    let oi = 0;
    for (const x of this.entrants.get(inst) ?? []) if (x.e.pos.lots > 0) oi += x.e.pos.lots;
    return oi;
  }

  /** The account's open position in one instrument (undefined when flat): openPositions without the rest. */
  openPosition(account: AccountRef, instrumentId: string): OpenPosition | undefined {
    for (const g of this.account(account).groups.values()) {
      for (const e of g.entries) {
        if (e.pos.lots === 0 || e.inst.spec.id !== instrumentId) continue;
        const value = legSettleValue(e.inst, e.leg.qty, e.leg.mark);
        return {
          instrument: e.inst.spec.id, settle: g.settle, inverse: e.inst.inverse, lots: e.pos.lots, qty: e.leg.qty, mark: e.leg.mark,
          upnl: entryUpnl(e), basis: e.basis, value: Math.abs(value), valueRef: Math.abs(value) * this.assetPrice(g.settle),
        };
      }
    }
    return undefined;
  }

  /**
   * Σ |lots| of the account's open positions (0 when flat): what a liquidation step asks before and
   * after each fill, without openPositions' objects (a cascade asks it tens of thousands of times).
   */
  openLots(account: AccountRef): number {
    let n = 0;
    for (const g of this.account(account).groups.values()) {
      const entries = g.entries;
      for (let i = 0; i < entries.length; i++) n += Math.abs(entries[i]!.pos.lots);
    }
    return n;
  }

  /**
   * Open legs of an account: instrument id, lots, signed qty (underlying units; USD face for inverse
   * delta-one), mark, and in the settle asset's units: upnl, entry basis and |value at the mark|;
   * `valueRef` is that value in the engine's settle asset.
   */
  openPositions(account: AccountRef): OpenPosition[] {
    const out: OpenPosition[] = [];
    for (const g of this.account(account).groups.values()) {
      for (const e of g.entries) {
        if (e.pos.lots === 0) continue;
        const value = legSettleValue(e.inst, e.leg.qty, e.leg.mark);
        out.push({
          instrument: e.inst.spec.id, settle: g.settle, inverse: e.inst.inverse, lots: e.pos.lots, qty: e.leg.qty, mark: e.leg.mark,
          upnl: entryUpnl(e), basis: e.basis, value: Math.abs(value), valueRef: Math.abs(value) * this.assetPrice(g.settle),
        });
      }
    }
    return out;
  }

  /** Pre-trade check: circuit breaker gate, reduce-only, then IM after the order at its price. */
  canPlace(account: string, order: OrderIntent): CanPlace {
    const a = this.account(account);
    const e = this.instrument(order.instrument);
    const und = e.spec.underlying;
    const key = groupKey(e);
    const cur = a.groups.get(key)?.entries.find((x) => x.inst === e);
    const resting = order.restingLots ?? 0;
    const lots0 = (cur?.pos.lots ?? 0) + resting;
    const lots1 = lots0 + order.lots;
    const reducing = lots0 !== 0 && Math.abs(lots1) <= Math.abs(lots0) && Math.sign(lots1) !== -Math.sign(lots0);
    const s = this.marks.get(und);
    if (s === undefined) return { ok: false, reason: `no mark for ${und}`, imAfter: a.state.im };
    const leg: Leg = { inst: e.spec, qty: order.lots * e.unitQty, mark: 0 };
    this.priceLeg(leg, e, s);
    const priceTicks = order.priceTicks ?? leg.mark / e.tick;
    const gate = this.gates.get(und);
    if (gate) {
      const g = gate.admits(order, reducing, priceTicks, e.tick);
      if (!g.ok) return { ok: false, reason: g.reason, imAfter: a.state.im };
    }
    if (order.reduceOnly && !reducing) return { ok: false, reason: 'reduce-only order would increase or flip the position', imAfter: a.state.im };
    if (a.model.isolated && (cur?.pos.lots ?? 0) === 0) {
      for (const g of a.groups.values()) {
        if (g.entries.some((x) => x.pos.lots !== 0)) return { ok: false, reason: `isolated account ${a.id} already holds a position`, imAfter: a.state.im };
      }
    }
    const g = a.groups.get(key);
    // The requirement with the resting orders and this one filled; the fill's edge is this order's only.
    const add = leg.qty + resting * e.unitQty;
    // This instrument's leg at the mark now: a flat group is not revalued on marks, so its leg kept
    // the mark of its last revaluation (an entry after a 30% move was margined at the old price).
    const legs: Leg[] = g ? g.legs.map((l) => (l.inst === e.spec ? { ...l, qty: l.qty + add, mark: leg.mark } : l)) : [];
    if (!cur) legs.push({ ...leg, qty: add });
    const req = a.model.groupRequirement({ account: a.id, underlying: und, spot: s, nowUs: this.nowUs, legs, coin: e.coin });
    // A coin group's requirement and the fill's edge over the mark are in coin: convert at the mark.
    const px = this.assetPrice(e.spec.market.settle);
    const imAfter = a.state.im + (req.im - (g?.req.im ?? 0)) * px;
    const fillPx = priceTicks * e.tick;
    // Binance's "open loss": a fill worse than the mark costs its loss up front, a better one
    // (a buy limit under the mark) credits nothing until it fills (its gain was counted as
    // equity, so an order the margin could not carry passed on a gain it might never make).
    const edge = Math.min(0, e.inverse ? leg.qty / fillPx - leg.qty / leg.mark : leg.qty * (leg.mark - fillPx));
    const equityAfter = a.state.equity + edge * px;
    if (reducing) return { ok: true, reason: 'reduces the position', imAfter };
    if (equityAfter < imAfter) return { ok: false, reason: `insufficient margin: IM after ${imAfter.toFixed(2)} > equity ${equityAfter.toFixed(2)}`, imAfter };
    return { ok: true, reason: 'ok', imAfter };
  }

  private entry(a: AccountState, instrumentId: string, tracked?: TrackedPosition): PosEntry {
    const inst = this.instrument(instrumentId);
    const und = inst.spec.underlying;
    const key = groupKey(inst);
    let g = a.groups.get(key);
    if (a.model.isolated && !(g?.entries.some((x) => x.inst === inst) ?? false) && a.groups.size > 0) {
      throw new ConfigError(`isolated account ${a.id} already holds another instrument; open one account per isolated position`, { field: 'instrument' });
    }
    if (!g) {
      g = { key, underlying: und, settle: inst.spec.market.settle, coin: inst.coin, entries: [], legs: [], upnl: 0, req: { im: 0, mm: 0 } };
      a.groups.set(key, g);
      if (!a.assets.has(g.settle)) this.addAsset(a, g.settle);
      if (!a.lazy) {
        let h = this.holders.get(und);
        if (!h) {
          this.holders.set(und, (h = { set: new Set(), accounts: [], groups: [] }));
          this.lastMarked = undefined;
        }
        if (!h.set.has(a)) {
          h.set.add(a);
          h.accounts.push(a);
        }
        h.groups.push({ a, g });
      }
    }
    let e = g.entries.find((x) => x.inst === inst);
    if (!e) {
      const pos = tracked ?? new Position(inst.spec.market, a.id, this.ledger, inst.spec.market.venue, undefined, a.cashLedger);
      e = { inst, pos, owned: !tracked, leg: { inst: inst.spec, qty: 0, mark: 0 }, basis: 0 };
      g.entries.push(e);
      g.legs.push(e.leg);
      let list = this.entrants.get(inst);
      if (!list) this.entrants.set(inst, (list = []));
      const made: Entrant = { a, g, e, side: -1, at: -1, adlSide: -1, adlAt: -1, ranked: -1, rank: NaN };
      list.push(made);
      this.adl.register(e, made);
      this.adl.note(a);
      // Open interest follows every change of this position's lots from here on (a tracked
      // position that is not a Position cannot tell: that instrument's interest is recounted).
      if (pos instanceof Position) {
        let oi = this.longLots.get(inst);
        if (!oi) this.longLots.set(inst, (oi = { lots: 0 }));
        const interest = oi;
        interest.lots += Math.max(0, pos.lots);
        // …and the lists of long and short holders (ADL scans only the side it needs): an
        // entrant knows its list (0 long, 1 short, −1 flat) and its place in it.
        let sides = this.holdersBySide.get(inst);
        if (!sides) this.holdersBySide.set(inst, (sides = [[], []]));
        const sd = sides;
        const x = list[list.length - 1]!;
        const join = (lots: number) => {
          if (lots === 0) return;
          x.side = lots > 0 ? 0 : 1;
          x.at = sd[x.side]!.length;
          sd[x.side]!.push(x);
        };
        const leave = () => {
          if (x.side < 0) return;
          const l = sd[x.side]!;
          const last = l.pop()!;
          if (last !== x) {
            l[x.at] = last;
            last.at = x.at;
          }
          x.side = -1;
        };
        join(pos.lots);
        pos.onLots = (before, after) => {
          this.adl.note(x.a);
          interest.lots += Math.max(0, after) - Math.max(0, before);
          if (Math.sign(before) !== Math.sign(after)) {
            leave();
            join(after);
          }
        };
      } else this.recountInterest.add(inst);
    }
    return e;
  }

  private priceLeg(leg: Leg, e: InstrumentEntry, s: number): void {
    const spec = e.spec;
    if (spec.kind !== 'option') {
      leg.mark = e.ownMark > 0 ? e.ownMark : s * (1 + e.basis);
      return;
    }
    const o = spec.option!;
    const t = (o.expiryUs - this.nowUs) / US_PER_YEAR;
    leg.t = t;
    if (t <= 0) {
      leg.vol = undefined;
      const intrinsic = Math.max(0, o.kind === 'call' ? s - o.strike : o.strike - s);
      leg.mark = e.coin ? intrinsic / s : intrinsic;
      return;
    }
    const surf = this.surfaces.get(spec.underlying);
    const vol = surf ? surf.vol(Math.log(o.strike / s), t) : this.ivs.get(spec.id);
    if (vol === undefined) throw new ModelError(`instrument ${spec.id} has no implied vol (no surface for ${spec.underlying}, no per-position IV)`, { field: 'vol' });
    if (!(vol > 0) || !Number.isFinite(vol)) throw new ModelError(`instrument ${spec.id}: implied vol ${vol} must be > 0`, { field: 'vol' });
    leg.vol = vol;
    const input = { kind: o.kind, forward: s, strike: o.strike, t, vol };
    leg.mark = e.coin ? inversePrice(input) : black76Price(input);
  }

  /** Reused for every group revaluation: a model reads it during the call only. */
  private readonly view: GroupView = { account: '', underlying: '', spot: 0, nowUs: 0, legs: [], coin: false };

  private refreshGroup(a: AccountState, g: Group): void {
    const und = g.underlying;
    const s = this.marks.get(und);
    let upnl = 0;
    const entries = g.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const pos = e.pos;
      e.leg.qty = pos.lots * e.inst.unitQty;
      // A tracked position's cost basis changes only with its fills: converted when it changed.
      if (!e.owned && pos.costBasis !== e.basisOf) {
        e.basisOf = pos.costBasis;
        e.basis = Number(pos.costBasis) / e.inst.unitScale;
      }
      if (s === undefined) {
        if (pos.lots !== 0) throw new ModelError(`account ${a.id} holds ${e.inst.spec.id} but ${und} has no mark yet`, { field: 'mark' });
        continue;
      }
      this.priceLeg(e.leg, e.inst, s);
      upnl += entryUpnl(e);
    }
    g.upnl = upnl;
    // g.req is the group's own object, overwritten in place (a model may reuse what it returns).
    if (s === undefined) {
      g.req.im = 0;
      g.req.mm = 0;
      return;
    }
    const v = this.view;
    v.account = a.id;
    v.underlying = und;
    v.spot = s;
    v.nowUs = this.nowUs;
    v.legs = g.legs;
    v.coin = g.coin;
    const r = a.model.groupRequirement(v);
    const req = g.req;
    req.im = r.im;
    req.mm = r.mm;
    // A portfolio model's worst scenario and add-ons: its own new objects each call, kept by reference.
    if (r.worst !== undefined || req.worst !== undefined) req.worst = r.worst;
    if (r.addOns !== undefined || req.addOns !== undefined) req.addOns = r.addOns;
  }

  private refreshCollateral(a: AccountState): void {
    let c = 0;
    for (const asset of a.assets) {
      const bal = a.cashLedger.balances.get(asset) ?? 0n;
      const units = Number(bal) / assetScale(asset);
      a.cash.set(asset, units);
      if (bal === 0n) continue;
      c += this.poolValue(asset, units);
    }
    a.collateral = c;
  }

  /** An asset pool's equity in the settle asset: haircut on a positive pool, a deficit counts in full, unpriced counts 0. */
  private poolValue(asset: string, units: number): number {
    if (asset === this.settleAsset) return units;
    const px = this.marks.get(asset);
    if (px === undefined) return 0;
    return units > 0 ? units * px * (1 - this.haircut(asset)) : units * px;
  }

  private addAsset(a: AccountState, asset: string): void {
    a.assets.add(asset);
    if (a.lazy) return;
    let set = this.collateralHolders.get(asset);
    if (!set) {
      this.collateralHolders.set(asset, (set = new Set()));
      this.lastMarked = undefined;
    }
    set.add(a);
  }

  private onTransfer(t: Transfer): void {
    // The sending account's, then the receiving one's (no list per transfer: a cascade books tens of thousands).
    const from = this.marginOf(t.fromAccount, t.from);
    const to = this.marginOf(t.toAccount, t.to);
    if (from) this.afterTransfer(from, t);
    if (to && to !== from) this.afterTransfer(to, t);
  }

  /**
   * The margin account whose cash a ledger account is, if any: from the tag openAccount left on
   * it (a lookup by name in a population's map missed the processor's caches on every transfer);
   * by name only when another engine on the same ledger tagged an account first.
   */
  private marginOf(acct: LedgerAccount, name: string): AccountState | undefined {
    const o = acct.owner as CashOwner | undefined;
    if (o !== undefined && o.engine === this) return o.state;
    return this.ownersShared ? this.byCash.get(name) : undefined;
  }

  /** Whether another engine tagged one of this engine's cash accounts first (see marginOf). */
  private ownersShared = false;

  private afterTransfer(acct: AccountState, t: Transfer): void {
    if (!acct.assets.has(t.asset)) this.addAsset(acct, t.asset);
    this.refreshCollateral(acct);
    // A venue's fill books realized PnL and fees after changing the tracked lots: revalue them too.
    // (Groups without a mark yet wait for their first setMark.)
    if (acct.tracked) for (const g of acct.groups.values()) if (this.marks.has(g.underlying)) this.refreshGroup(acct, g);
    if (this.quiet === 0) this.finish(acct, t.tsUs);
  }

  /**
   * Totals: one pool per asset (cash + PnL of the legs settled in it, their IM/MM), each converted
   * at its mark with the haircut on a positive pool equity. Quote-settled accounts without coin
   * legs reduce to collateral + Σ uPnL as before.
   */
  private total(a: AccountState): void {
    if (a.groups.size === 1) {
      // The usual account: one quote-settled group.
      const g = a.groups.values().next().value!;
      if (!g.coin) {
        // 0 + x, as the sum over groups below gives (−0 becomes +0: the same bytes in the margin table).
        const eq = a.collateral + g.upnl;
        const mm = 0 + g.req.mm;
        setState(a, eq, 0 + g.req.im, mm);
        return;
      }
    }
    let coinLegs = false;
    for (const g of a.groups.values()) if (g.coin) coinLegs = true;
    if (!coinLegs) {
      let eq = a.collateral;
      let im = 0;
      let mm = 0;
      for (const g of a.groups.values()) {
        eq += g.upnl;
        im += g.req.im;
        mm += g.req.mm;
      }
      setState(a, eq, im, mm);
      return;
    }
    const pools: Record<string, { equity: number; im: number; mm: number; marginRatio: number }> = {};
    for (const asset of a.assets) pools[asset] = { equity: a.cash.get(asset) ?? 0, im: 0, mm: 0, marginRatio: 0 };
    for (const g of a.groups.values()) {
      const p = (pools[g.settle] ??= { equity: 0, im: 0, mm: 0, marginRatio: 0 });
      p.equity += g.upnl;
      p.im += g.req.im;
      p.mm += g.req.mm;
    }
    let eq = 0;
    let im = 0;
    let mm = 0;
    for (const [asset, p] of Object.entries(pools)) {
      p.marginRatio = ratio(p.mm, p.equity);
      const px = this.assetPrice(asset);
      if (!(px > 0)) continue;
      eq += this.poolValue(asset, p.equity);
      im += p.im * px;
      mm += p.mm * px;
    }
    a.state = { equity: eq, im, mm, marginRatio: ratio(mm, eq), perAsset: pools };
  }

  private finish(a: AccountState, tsUs: number): void {
    this.total(a);
    this.adl.note(a);
    for (const l of this.listeners) l(a, tsUs);
  }
}

function checkBasis(instrumentId: string, b: number): void {
  if (!Number.isFinite(b) || b <= -1) throw new ModelError(`basis for ${instrumentId} must be finite and > -1, got ${b}`, { field: 'basis' });
}

/**
 * An account's totals, written into its state object: every mark revalues the accounts holding
 * it, and a new object each time was the largest allocation of a bar run (readers take the
 * figures at once; none keeps the object). A state that had per-asset pools is replaced whole.
 */
function setState(a: AccountState, equity: number, im: number, mm: number): void {
  const s = a.state;
  if (s.perAsset !== undefined) {
    a.state = { equity, im, mm, marginRatio: ratio(mm, equity) };
    return;
  }
  s.equity = equity;
  s.im = im;
  s.mm = mm;
  s.marginRatio = ratio(mm, equity);
}

function ratio(mm: number, eq: number): number {
  return eq > 0 ? mm / eq : mm > 0 ? Infinity : 0;
}

/** The accounts holding a group of one underlying, and those groups (what its mark revalues). */
interface Holders {
  set: Set<AccountState>;
  accounts: AccountState[];
  groups: { a: AccountState; g: Group }[];
}

/** Linear legs share one group per underlying; coin-settled legs form their own (coin) pool. */

function groupKey(e: InstrumentEntry): string {
  return e.coin ? `${e.spec.underlying}:${e.spec.market.settle}` : e.spec.underlying;
}


/** What a margin engine leaves on its accounts' cash ledger accounts (LedgerAccount.owner). */
interface CashOwner {
  engine: MarginEngine;
  state: AccountState;
}

/**
 * Whether a mark cannot change this group: every position flat, and its last revaluation already
 * made it so (legs priced, no uPnL, no requirement, no cost basis) — revaluing it again would
 * write the same numbers.
 */
function flatGroup(g: Group): boolean {
  if (g.upnl !== 0 || g.req.im !== 0 || g.req.mm !== 0) return false;
  const entries = g.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.pos.lots !== 0 || e.leg.qty !== 0 || e.leg.mark === 0 || e.basis !== 0) return false;
    if (!e.owned && e.pos.costBasis !== e.basisOf) return false;
  }
  return true;
}

