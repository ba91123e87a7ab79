/**
 * Liquidation searchers in a priority-gas auction. When a borrower becomes liquidatable, every
 * searcher that is present and sees it in time values the liquidation (bonus collateral minus
 * the debt it repays, at oracle prices), and the searchers outbid each other in the public
 * mempool — each replacement at least `bumpBps` above the leader, as nodes require — until no
 * one can raise without paying more than the liquidation is worth to it. All final bids go on
 * chain; the highest tip executes first and wins, the others revert (their guard sees the
 * position changed) and still pay gas. Winner's profit = bonus − gas (burn) − priority fee.
 */
import type { Chain } from '../../chain/chain.ts';
import type { Block, ChainTx, TxOutcome } from '../../chain/types.ts';
import type { Rng } from '../../kernel/rng.ts';
import { describe, ModelError } from '../../errors.ts';
import { toBase } from '../../venues/lending/account-math.ts';
import type { LendingPool } from '../../venues/lending/pool.ts';
import type { LiquidationQuote } from '../../venues/lending/types.ts';
import { checkConfig } from './sandwich.ts';
import type { AdversaryConfig, MevRecord } from './types.ts';

export const LIQ_GAS_USED = 250_000;
/** An auction nobody bid in (most of them, deep in a crash): one shared empty list. */
const NO_BIDS: readonly PgaBid[] = Object.freeze([]);
export const LIQ_GAS_LIMIT = 400_000;
const STALE_GAS = 40_000;
const GWEI = 1_000_000_000n;
/** Prices below this convert to numbers exactly (2^53). */
const MAX_EXACT = 2n ** 53n;

export interface LiquidationSearcher extends AdversaryConfig {
  name: string;
  /** The share of its full value a searcher is willing to bid, drawn per auction in [min, max]. */
  aggressionMin: number;
  aggressionMax: number;
}

export interface Opportunity {
  user: string;
  collateralAsset: string;
  debtAsset: string;
}

export interface PgaBid {
  searcher: string;
  hash: string;
  /** Highest priority fee per gas the searcher would pay. */
  capWei: bigint;
  tipWei: bigint;
}

export interface PgaRecord extends MevRecord {
  /** Value of collateral received minus debt repaid, base currency (oracle units). */
  bonusBase: bigint;
  gasBase: bigint;
  feeBase: bigint;
  profitBase: bigint;
}

export interface PgaOptions {
  chain: Chain;
  pool: LendingPool;
  searchers: readonly LiquidationSearcher[];
  rng: Rng;
  /** The reserve whose oracle price values the native gas token (e.g. WETH). */
  nativeAsset: string;
  /** Time of the block under construction, read by tx bodies. */
  blockTsUs: () => number;
  bumpBps?: number;
  /** Skip the exact quote of auctions no searcher can fund: the last quote's, or the least a liquidation repays (default true; false is the reference the tests compare with). */
  quoteMemo?: boolean;
}

/**
 * How long a watched borrower's healthy threshold holds (its interest allowance grows with it):
 * a day when the prices now clear that day's threshold, else an hour. With an hour alone every
 * healthy borrower was valued again every hour (2,000 of them: ~36,000 valuations a one-day path).
 */
const HEALTHY_HORIZONS_US = [86_400_000_000, 3_600_000_000] as const;

/**
 * A watched opportunity (see LiquidationPga.watch) and what proves compete's next answer for it
 * without valuing the account: `healthy` — no opportunity while its prices stay above the
 * pool's threshold; `idle` — no bidder (the searchers' draws discarded) while nothing the idle
 * test read has changed. Either only while the user's nonce, and the time window, hold.
 */
interface Watched {
  opp: Opportunity;
  /** The user's pool slot (−1 until it exists), the pair's index, and whether another watch shares the user. */
  slot: number;
  pair: number;
  shared: boolean;
  kind: 'none' | 'healthy' | 'idle';
  nonce: number;
  sinceUs: number;
  untilUs: number;
  /** healthy: the least collateral ÷ debt price ratio and collateral price that prove it. */
  ratio: number;
  minCollPx: number;
  /** idle: the prices it was decided at, the holdings version and the quote's floor of funds. */
  collPx: number;
  debtPx: number;
  fundsVersion: number;
  floor: bigint;
}

/** A user's last quote (exact, or the least its liquidation repays when no searcher holds that) and what made it (see LiquidationPga.lastQuote). */
interface LastQuote {
  nonce: number;
  tsUs: number;
  collPx: bigint;
  debtPx: bigint;
  /** What a searcher must hold to repay it, less the conversions' rounding margin. */
  floor: bigint;
  /** The pool's proof that the user stays under water (undefined: none). */
  proof: ReturnType<LendingPool['underwaterProof']>;
}

export class LiquidationPga {
  private readonly rngs: Rng[];
  private readonly pending = new Map<string, { searcher: string; opp: Opportunity; quote: LiquidationQuote; debtBefore: bigint; auction: number }>();
  /**
   * Per user, the last auction whose bids are still in the mempool: the user's nonce it was for,
   * how many of its bids are not yet in a block, and the highest max fee among them. While they
   * can still be included and the position has not changed, the searchers wait for them instead
   * of bidding again every slot (which, with blocks too small for every liquidation of a crash,
   * piled hundreds of thousands of duplicate bids into the mempool).
   */
  private readonly open = new Map<string, { auction: number; nonce: number; left: number; maxFeeWei: bigint }>();
  private auctions = 0;
  /**
   * Per user, the last exact quote: with the user's nonce and both oracle prices unchanged, only
   * interest has moved its balances since, and the debt a liquidation repays can only have grown
   * (debt and collateral grow, the close factor only rises as the health factor falls). So when
   * no searcher holds that much, none can bid now either, and the quote need not be made again
   * (deep in a crash, when the searchers' funds are spent, it was most of a path's time).
   */
  private readonly lastQuote = new Map<string, LastQuote>();
  private readonly out: PgaRecord[] = [];
  private seq = 0;
  /** Set by compete when its answer was the idle test's (see watch). */
  private idled = false;
  private readonly watched: Watched[] = [];
  private readonly watchedUsers = new Map<string, number>();
  /** The (collateral, debt) pairs of the watched opportunities, and their prices at beginScan. */
  private readonly pairs: { coll: string; debt: string }[] = [];
  private readonly pairCollPx: number[] = [];
  private readonly pairDebtPx: number[] = [];
  private scanUs = Number.NaN;

  constructor(private readonly o: PgaOptions) {
    for (const s of o.searchers) checkConfig(s);
    this.rngs = o.searchers.map((s) => o.rng.split(s.name));
  }

  records(): readonly PgaRecord[] {
    return this.out;
  }

  /**
   * Runs the auction for one opportunity seen at `tsUs`; final bids are submitted for the block at
   * `blockTsUs`. Undefined when there is no opportunity: liquidationCall would revert whatever the
   * amount (health factor ≥ 1, nothing to seize, nothing owed).
   */
  compete(opp: Opportunity, tsUs: number, blockTsUs: number): readonly PgaBid[] | undefined {
    const { chain, pool } = this.o;
    const baseFee = chain.nextBaseFeeWei;
    const last = this.open.get(opp.user);
    if (last !== undefined && last.left > 0 && last.maxFeeWei >= baseFee && last.nonce === pool.nonce(opp.user)) return NO_BIDS;
    if (this.idle(opp, tsUs)) {
      for (let i = 0; i < this.rngs.length; i++) this.rngs[i]!.discard(2);
      this.idled = true;
      return NO_BIDS;
    }
    let bound: number | undefined;
    try {
      bound = pool.liquidationValueBound(tsUs, opp);
    } catch (e) {
      if (e instanceof ModelError) return NO_BIDS;
      throw e;
    }
    if (bound === undefined) return undefined;
    const nativePrice = pool.price(this.o.nativeAsset, tsUs);
    // Deep in a crash most opportunities cannot pay for their gas at any bid: the bound says so
    // without the exact quote, and the auction below then has no bidder (fullCap ≤ 0) — only the
    // searchers' draws, which are made all the same so later auctions see the same stream.
    let quote: LiquidationQuote | undefined;
    if (worthGas(bound, nativePrice, baseFee) && !this.noneCanFund(opp, tsUs)) {
      // Deep in a crash the searchers' funds are spent: none holds even the least this
      // liquidation repays, so the auction has no bidder — decided without the exact quote, with
      // the same draws and memo (its floor from that least), as when the quote said so.
      const least = this.o.quoteMemo === false ? 0 : pool.repaidLowerBound(tsUs, opp);
      if (least > 0 && Number(this.mostFunds(opp.debtAsset)) * (1 + 1e-9) + 1 < least) {
        this.remember(opp, tsUs, BigInt(Math.floor(least)));
        for (let i = 0; i < this.rngs.length; i++) this.rngs[i]!.discard(2);
        ++this.auctions;
        return NO_BIDS;
      }
      try {
        quote = pool.previewLiquidation(tsUs, { ...opp, debtToCover: pool.debt(opp.user, opp.debtAsset, tsUs) });
      } catch (e) {
        if (e instanceof ModelError) return NO_BIDS;
        throw e;
      }
      this.remember(opp, tsUs, quote.debtRepaid);
    }
    if (quote === undefined) {
      for (let i = 0; i < this.rngs.length; i++) this.rngs[i]!.discard(2);
      return NO_BIDS;
    }
    const bonusBase = this.bonusBase(quote, tsUs);
    // The whole bonus in native wei, then per gas after the burn: the most a rational searcher pays.
    const bonusWei = (bonusBase * 10n ** 18n) / nativePrice;
    const fullCap = bonusWei / BigInt(LIQ_GAS_USED) - baseFee;
    const bids: PgaBid[] = [];
    for (let i = 0; i < this.o.searchers.length; i++) {
      const s = this.o.searchers[i]!;
      const rng = this.rngs[i]!;
      const present = rng.next() < s.presence;
      const aggression = s.aggressionMin + (s.aggressionMax - s.aggressionMin) * rng.next();
      // A searcher bids only with the debt asset it holds now (capital caps what it was funded
      // with; its sales of seized collateral refill it): one without it would see its tx revert.
      if (!present || tsUs + s.latencyUs > blockTsUs || s.capital < quote.debtRepaid || fullCap <= 0n || pool.heldBy(s.name, opp.debtAsset) < quote.debtRepaid) continue;
      const capWei = (fullCap * BigInt(Math.round(aggression * 10_000))) / 10_000n;
      if (capWei < GWEI / 10n) continue;
      bids.push({ searcher: s.name, hash: `${s.name}:liq:${this.seq++}`, capWei, tipWei: 0n });
    }
    this.escalate(bids);
    const nonce = pool.nonce(opp.user);
    const auction = ++this.auctions;
    if (bids.length > 0) {
      let maxFeeWei = 0n;
      for (const b of bids) if (2n * baseFee + b.tipWei > maxFeeWei) maxFeeWei = 2n * baseFee + b.tipWei;
      this.forget(opp.user);
      this.open.set(opp.user, { auction, nonce, left: bids.length, maxFeeWei });
    }
    for (const b of bids) {
      const tx: ChainTx = {
        hash: b.hash, from: b.searcher, gasLimit: LIQ_GAS_LIMIT, maxFeePerGasWei: 2n * baseFee + b.tipWei, maxPriorityFeePerGasWei: b.tipWei,
        execute: (): TxOutcome => {
          if (pool.nonce(opp.user) !== nonce) return { status: 'reverted', gasUsed: STALE_GAS, reason: 'position changed (lost the auction)' };
          try {
            const r = pool.tryLiquidationCall(this.o.blockTsUs(), b.searcher, { ...opp, debtToCover: quote.debtRepaid });
            // The reason a thrown ModelError would carry (as below), without building one.
            if ('revert' in r) return { status: 'reverted', gasUsed: STALE_GAS, reason: describe(r.revert.message, r.revert.where) };
          } catch (e) {
            if (e instanceof ModelError) return { status: 'reverted', gasUsed: STALE_GAS, reason: e.message };
            throw e;
          }
          return { status: 'success', gasUsed: LIQ_GAS_USED };
        },
      };
      chain.submit(tx, { tsUs });
      this.pending.set(b.hash, { searcher: b.searcher, opp, quote, debtBefore: quote.debtRepaid, auction });
    }
    return bids;
  }

  /**
   * The user's last quote (see lastQuote): `repaid`, the debt its liquidation repays (or the least
   * it does), less the conversions' rounding margin is what a searcher must hold to bid for it.
   */
  private remember(opp: Opportunity, tsUs: number, repaid: bigint): void {
    const pool = this.o.pool;
    this.forget(opp.user);
    this.lastQuote.set(opp.user, {
      nonce: pool.nonce(opp.user), tsUs, collPx: pool.price(opp.collateralAsset, tsUs), debtPx: pool.price(opp.debtAsset, tsUs),
      floor: repaid - repaid / 1_000_000_000n - 16n, proof: pool.underwaterProof(opp.user),
    });
  }

  /**
   * An opportunity a scan will ask about again and again (every borrower at every oracle round,
   * every account under water at every slot): its index for competeWatched. Deep in a crash these
   * questions were a third of a path's time, nearly all answered "healthy" or "idle" again.
   */
  watch(opp: Opportunity): number {
    let pair = this.pairs.findIndex((p) => p.coll === opp.collateralAsset && p.debt === opp.debtAsset);
    if (pair < 0) pair = this.pairs.push({ coll: opp.collateralAsset, debt: opp.debtAsset }) - 1;
    const k = this.watched.length;
    // A user watched twice (two pairs) could have an auction opened by the other watch: no shortcuts.
    const other = this.watchedUsers.get(opp.user);
    if (other !== undefined) this.watched[other]!.shared = true;
    this.watchedUsers.set(opp.user, k);
    this.watched.push({ opp, slot: -1, pair, shared: other !== undefined, kind: 'none', nonce: 0, sinceUs: 0, untilUs: 0, ratio: 0, minCollPx: 0, collPx: 0, debtPx: 0, fundsVersion: -1, floor: 0n });
    return k;
  }

  /** Reads the watched pairs' prices at `tsUs`, for the competeWatched calls of one scan (prices do not move within it). */
  beginScan(tsUs: number): void {
    this.scanUs = tsUs;
    for (let i = 0; i < this.pairs.length; i++) {
      this.pairCollPx[i] = this.priceOrNaN(this.pairs[i]!.coll, tsUs);
      this.pairDebtPx[i] = this.priceOrNaN(this.pairs[i]!.debt, tsUs);
    }
  }

  /** A pair's price for beginScan; NaN (no shortcut: compete decides) when the pool has none yet. */
  private priceOrNaN(asset: string, tsUs: number): number {
    try {
      return Number(this.o.pool.price(asset, tsUs));
    } catch (e) {
      if (e instanceof ModelError) return Number.NaN;
      throw e;
    }
  }

  /**
   * compete(watched opportunity k) — the same answer and the same draws — from what proved its
   * last answer when that still holds (see Watched), else from compete itself. Call beginScan(tsUs)
   * first.
   */
  competeWatched(k: number, tsUs: number, blockTsUs: number): readonly PgaBid[] | undefined {
    if (tsUs !== this.scanUs) throw new ModelError(`competeWatched at ${tsUs} µs without beginScan at that time`, { field: 'tsUs' });
    const w = this.watched[k]!;
    if (w.kind !== 'none' && tsUs >= w.sinceUs && tsUs <= w.untilUs && this.o.pool.nonceAt(w.slot) === w.nonce) {
      const pc = this.pairCollPx[w.pair]!;
      const pd = this.pairDebtPx[w.pair]!;
      if (w.kind === 'healthy') {
        if (pc / pd >= w.ratio && pc >= w.minCollPx) return undefined;
      } else if (pc === w.collPx && pd === w.debtPx && (w.fundsVersion === this.o.pool.holdingsVersion || this.mostFunds(w.opp.debtAsset) < w.floor)) {
        for (let i = 0; i < this.rngs.length; i++) this.rngs[i]!.discard(2);
        return NO_BIDS;
      }
    }
    this.idled = false;
    const r = this.compete(w.opp, tsUs, blockTsUs);
    this.prove(w, r, tsUs);
    return r;
  }

  /** A new quote or auction for `user` (compete asked directly, too): what proved its watch's answers no longer does. */
  private forget(user: string): void {
    const k = this.watchedUsers.get(user);
    if (k !== undefined) this.watched[k]!.kind = 'none';
  }

  /** After compete answered `r` for `w` at `tsUs`: what proves the same answer later, if anything. */
  private prove(w: Watched, r: readonly PgaBid[] | undefined, tsUs: number): void {
    w.kind = 'none';
    if (w.shared) return;
    const pool = this.o.pool;
    const user = w.opp.user;
    if (w.slot < 0) w.slot = pool.slotOf(user);
    if (w.slot < 0) return;
    const nonce = pool.nonceAt(w.slot);
    // compete asks first whether an auction for this position is still waiting in the mempool;
    // one that could wait again later (its fee cap back above the base fee) rules out a shortcut.
    const open = this.open.get(user);
    if (open !== undefined && open.nonce === nonce) return;
    if (r === undefined) {
      const pc = this.pairCollPx[w.pair]!;
      const pd = this.pairDebtPx[w.pair]!;
      for (const horizon of HEALTHY_HORIZONS_US) {
        const t = pool.healthyThreshold(user, w.opp.collateralAsset, w.opp.debtAsset, tsUs + horizon);
        if (t === undefined) return;
        // A threshold today's prices do not clear proves nothing now: try the shorter one.
        if (horizon !== HEALTHY_HORIZONS_US[HEALTHY_HORIZONS_US.length - 1] && !(pc / pd >= t.ratio && pc >= t.minCollPx)) continue;
        w.kind = 'healthy';
        w.nonce = t.nonce;
        w.sinceUs = tsUs;
        w.untilUs = tsUs + horizon;
        w.ratio = t.ratio;
        w.minCollPx = t.minCollPx;
        return;
      }
    }
    if (!this.idled) return;
    // The idle test: the quote's user unchanged, the proof's prices (exactly this pair's, as
    // numbers that are exact: below 2^53) unchanged, its time, and no searcher funds the quote.
    const q = this.lastQuote.get(user)!;
    const p = q.proof!;
    if (p.assets.length !== 2) return;
    const ci = p.assets.indexOf(w.opp.collateralAsset);
    const di = p.assets.indexOf(w.opp.debtAsset);
    if (ci < 0 || di < 0 || ci === di || p.prices[ci]! >= MAX_EXACT || p.prices[di]! >= MAX_EXACT) return;
    w.kind = 'idle';
    w.nonce = q.nonce;
    w.sinceUs = Math.max(tsUs, q.tsUs);
    w.untilUs = p.untilUs;
    w.collPx = Number(p.prices[ci]!);
    w.debtPx = Number(p.prices[di]!);
    w.fundsVersion = pool.holdingsVersion;
    w.floor = q.floor;
  }

  /**
   * The user's last quote while it still says no searcher can fund the liquidation: the user is
   * unchanged (nonce) and each searcher holds, or was funded with, less than the quote's repaid
   * debt (less a margin for the rounding of the conversions). The callers add the price checks.
   */
  private unfunded(opp: Opportunity, tsUs: number): LastQuote | undefined {
    if (this.o.quoteMemo === false) return undefined;
    const q = this.lastQuote.get(opp.user);
    if (q === undefined || tsUs < q.tsUs || q.nonce !== this.o.pool.nonce(opp.user) || this.mostFunds(opp.debtAsset) >= q.floor) return undefined;
    return q;
  }

  /** No searcher can fund the liquidation at the prices of the last quote (see lastQuote): the auction has no bidder, as with the exact quote. */
  private noneCanFund(opp: Opportunity, tsUs: number): boolean {
    const q = this.unfunded(opp, tsUs);
    const pool = this.o.pool;
    return q !== undefined && pool.price(opp.collateralAsset, tsUs) === q.collPx && pool.price(opp.debtAsset, tsUs) === q.debtPx;
  }

  /**
   * An account whose auction has no bidder, decided without valuing it: no searcher can fund its
   * last quote and the pool's bound still proves it under water (so the valuation would find an
   * opportunity, which then has no bidder either way — worth its gas or not).
   */
  private idle(opp: Opportunity, tsUs: number): boolean {
    const q = this.unfunded(opp, tsUs);
    const p = q?.proof;
    if (p === undefined || tsUs > p.untilUs || p.nonce !== q!.nonce) return false;
    // Every price the bound was valued at (the collateral and the debt among them) unchanged.
    for (let i = 0; i < p.assets.length; i++) if (this.o.pool.price(p.assets[i]!, tsUs) !== p.prices[i]) return false;
    return true;
  }

  /** The most of `asset` any searcher can repay with (its funding cap and what it holds), as of the blocks so far. */
  private mostFunds(asset: string): bigint {
    // Balances move only with a transfer (in a block): one look per asset and change, not per borrower.
    const version = this.o.pool.holdingsVersion;
    const c = this.funds;
    if (c.version === version && c.asset === asset) return c.most;
    let most = -1n;
    for (const s of this.o.searchers) {
      const held = this.o.pool.heldBy(s.name, asset);
      const can = held < s.capital ? held : s.capital;
      if (can > most) most = can;
    }
    c.version = version;
    c.asset = asset;
    c.most = most;
    return most;
  }

  private readonly funds = { version: -1, asset: '', most: 0n };

  /** After a block: records the winner's profit (bonus − gas − priority fee, base currency). */
  onBlock(block: Block): void {
    for (const r of block.receipts) {
      const p = this.pending.get(r.hash);
      if (p === undefined) continue;
      this.pending.delete(r.hash);
      const open = this.open.get(p.opp.user);
      // Only this auction's own bids count down (a replaced auction's parked bids may land later).
      if (open !== undefined && open.auction === p.auction && --open.left === 0) this.open.delete(p.opp.user);
      if (r.status !== 'success') continue;
      const nativePrice = this.o.pool.price(this.o.nativeAsset, block.tsUs);
      const all = this.o.pool.liquidations;
      let done: LiquidationQuote | undefined;
      for (let i = all.length - 1; i >= 0 && done === undefined; i--) {
        const l = all[i]!;
        if (l.liquidator === p.searcher && l.user === p.opp.user) done = l;
      }
      if (done === undefined) continue;
      const bonusBase = this.bonusBase(done, block.tsUs);
      const burnWei = BigInt(r.gasUsed) * block.baseFeeWei;
      const tipWei = r.feeWei - burnWei;
      const gasBase = toBase(burnWei, nativePrice, 10n ** 18n);
      const feeBase = toBase(tipWei, nativePrice, 10n ** 18n);
      const profitBase = bonusBase - gasBase - feeBase;
      this.out.push({
        attacker: p.searcher, victimTx: p.opp.user, kind: 'liquidation', block: block.number, tsUs: block.tsUs,
        gross: bonusBase, asset: 'BASE', gasWei: r.feeWei, profitWei: (profitBase * 10n ** 18n) / nativePrice, victimLoss: 0n,
        bonusBase, gasBase, feeBase, profitBase,
      });
    }
  }

  /** Collateral to the liquidator minus debt repaid, valued at the oracle (base currency). */
  private bonusBase(q: LiquidationQuote, tsUs: number): bigint {
    const pool = this.o.pool;
    const cu = unitOf(pool, q.collateralAsset);
    const du = unitOf(pool, q.debtAsset);
    return toBase(q.collateralToLiquidator, pool.price(q.collateralAsset, tsUs), cu) - toBase(q.debtRepaid, pool.price(q.debtAsset, tsUs), du);
  }

  /** English-auction dynamics of a PGA: the trailing bidder re-bids leader + bump while it can. */
  private escalate(bids: PgaBid[]): void {
    if (bids.length === 0) return;
    const bump = BigInt(this.o.bumpBps ?? 1000);
    for (const b of bids) b.tipWei = b.capWei < GWEI ? b.capWei : GWEI;
    for (let guard = 0; guard < 10_000; guard++) {
      let leader = bids[0]!;
      for (const b of bids) if (b.tipWei > leader.tipWei) leader = b;
      const need = (leader.tipWei * (10_000n + bump)) / 10_000n + 1n;
      let raised = false;
      for (const b of bids) {
        if (b === leader) continue;
        if (b.tipWei <= leader.tipWei && need <= b.capWei) {
          b.tipWei = need;
          raised = true;
          break;
        }
      }
      if (!raised) return;
    }
  }
}

/**
 * Whether a liquidation worth at most `boundBase` (base currency) could leave a searcher a positive
 * priority fee: compete's fullCap = ⌊⌊bonus·10¹⁸ / nativePrice⌋ / LIQ_GAS_USED⌋ − baseFee is ≤ 0
 * whenever bonus·10¹⁸ / nativePrice < LIQ_GAS_USED · (baseFee + 1) (kept with a 1e-9 margin).
 */
function worthGas(boundBase: number, nativePrice: bigint, baseFeeWei: bigint): boolean {
  return ((boundBase * 1e18) / Number(nativePrice)) * (1 + 1e-9) >= LIQ_GAS_USED * (Number(baseFeeWei) + 1);
}

function unitOf(pool: LendingPool, asset: string): bigint {
  return pool.unit(asset);
}
