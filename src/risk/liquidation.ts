import { ConfigError } from '../errors.ts';
import { PRIO_RESPONSE, type Simulation } from '../kernel/simulation.ts';
import type { EventHandler } from '../kernel/event-queue.ts';
import type { LedgerAccount } from '../ledger/ledger.ts';
import { adlTop, type AdlCandidate } from './adl.ts';
import type { LiquidationExecutor } from './book-exec.ts';
import type { CircuitBreaker } from './breaker.ts';
import type { AccountState, MarginEngine, OpenPosition } from './margin-engine.ts';

export interface LiquidationConfig {
  /** Share of the position closed per partial step (default 0.25; Binance/Deribit liquidate incrementally). */
  stepShare: number;
  /** Wait between two steps of one account (default 1 s). */
  cooldownUs: number;
  /**
   * Wait after a step that could not reduce the position at all (no liquidity above bankruptcy
   * and nobody to deleverage against): default = cooldownUs. Runs on sparse price paths set it
   * longer so stuck accounts do not retry every second until the book refills.
   */
  stallUs?: number;
  /** Fee on liquidated notional paid to the insurance fund, capped at the equity left (default 0.2%). */
  feeRate: number;
  /** A position this small (lots) or smaller is closed whole (default 1). */
  minLots: number;
  fundAccount: string;
  /** Bad debt that neither the fund nor ADL absorbed lands here (an explicit loss account). */
  uncoveredAccount: string;
}

export const DEFAULT_LIQUIDATION: LiquidationConfig = {
  stepShare: 0.25,
  cooldownUs: 1_000_000,
  feeRate: 0.002,
  minLots: 1,
  fundAccount: 'insurance:fund',
  uncoveredAccount: 'insurance:uncovered',
};

export interface LiquidationRecord {
  tsUs: number;
  account: string;
  step: number;
  instrument: string;
  /** Asset the position settles in: fee, badDebt and fundBalance are in its units. */
  asset: string;
  kind: 'partial' | 'closeout' | 'adl';
  sizeLots: number;
  /** Volume-weighted fill price (quote units per underlying unit). */
  price: number;
  markBefore: number;
  /** Instrument mark right after the step (lower than before when the sale moved the book). */
  markAfter: number;
  fee: number;
  badDebt: number;
  fundBalance: number;
  adlCounterparties: number;
}

export interface AdlRecord {
  tsUs: number;
  bankrupt: string;
  instrument: string;
  bankruptcyPrice: number;
  /**
   * The ranked queue as it stood (raw figures, so a check can recompute the ranks): the accounts
   * hit and the next 32 (a whole queue per event is thousands of rows in a cascade).
   */
  candidates: AdlCandidate[];
  hits: { account: string; lots: number; rank: number }[];
}

/**
 * Liquidation engine: watches the margin engine, and for an account whose equity falls below
 * maintenance at the mark, closes it in steps through the venue's book (market orders that walk
 * the levels). A step never sells past the bankruptcy price (the price where equity would be 0);
 * when the book cannot fill above it, or equity is already ≤ 0, the account is closed out: through
 * the book with the insurance fund paying the deficit when the fund can, else by auto-deleveraging
 * the best-ranked opposite positions at the bankruptcy price. Every movement is a ledger transfer.
 */
export class LiquidationEngine implements EventHandler {
  readonly cfg: LiquidationConfig;
  readonly records: LiquidationRecord[] = [];
  readonly adl: AdlRecord[] = [];
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly pending = new Set<number>();
  private readonly nextAllowed = new Map<number, number>();
  private readonly steps = new Map<string, number>();
  private ref = 1;
  breaker: CircuitBreaker | undefined;
  /**
   * Told before each step on an account: the exchange cancels the account's open orders when it
   * takes over its positions (Binance: "all open orders are cancelled" at liquidation), so no
   * resting bid of a liquidated long opens a new position after it.
   */
  onLiquidating: ((account: string, tsUs: number) => void) | undefined = undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly engine: MarginEngine,
    private readonly exec: LiquidationExecutor,
    cfg: Partial<LiquidationConfig> = {},
  ) {
    this.cfg = { ...DEFAULT_LIQUIDATION, ...cfg };
    const c = this.cfg;
    if (!(c.stepShare > 0 && c.stepShare <= 1)) throw new ConfigError(`liquidation stepShare must be in (0,1], got ${c.stepShare}`, { field: 'stepShare' });
    if (!(c.cooldownUs >= 0) || !(c.feeRate >= 0 && c.feeRate < 1) || !(c.minLots >= 1)) {
      throw new ConfigError('liquidation: need cooldownUs ≥ 0, 0 ≤ feeRate < 1, minLots ≥ 1', { field: 'cooldownUs' });
    }
    engine.onUpdate((a, ts) => this.watch(a, ts));
  }

  get fundBalance(): bigint {
    return this.engine.ledger.balance(this.cfg.fundAccount, this.engine.settleAsset);
  }

  /** The insurance fund keeps one balance per settle asset (coin-margined positions are covered in coin). */
  fundBalanceOf(asset: string): bigint {
    return this.fundLedger().balances.get(asset) ?? 0n;
  }

  private scale(asset: string): number {
    return 10 ** (this.engine.instrumentScale(asset));
  }

  /** Margin listener: queue a step for a breached account (never liquidate inside the callback). */
  private watch(a: AccountState, tsUs: number): void {
    if (!(a.state.equity < a.state.mm)) return;
    let i = this.index.get(a.id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(a.id);
      this.index.set(a.id, i);
    }
    if (this.pending.has(i)) return;
    this.pending.add(i);
    this.sim.schedule(Math.max(tsUs, this.nextAllowed.get(i) ?? -Infinity), PRIO_RESPONSE, this, i, 0);
  }

  onEvent(tsUs: number, i: number): void {
    const id = this.ids[i]!;
    // A lazy account's state is as of its last revaluation: refresh it first (while still pending,
    // so the refresh does not queue a second step).
    const a = this.engine.account(id);
    if (a.lazy) this.engine.revalue(a, tsUs);
    this.pending.delete(i);
    if (this.breaker?.isHalted(tsUs)) {
      // Trading is halted: no market orders; try again when the halt ends.
      this.pending.add(i);
      this.sim.schedule(this.breaker.haltEndUs, PRIO_RESPONSE, this, i, 0);
      return;
    }
    if (!(a.state.equity < a.state.mm)) return;
    const lotsBefore = this.engine.openLots(a);
    if (lotsBefore === 0) return;
    this.onLiquidating?.(id, tsUs);
    this.nextAllowed.set(i, tsUs + this.cfg.cooldownUs);
    if (a.state.equity <= 0) this.closeOut(tsUs, a);
    else this.partial(tsUs, a);
    const lotsAfter = this.engine.openLots(a);
    if (lotsAfter === lotsBefore && lotsAfter > 0) this.nextAllowed.set(i, tsUs + (this.cfg.stallUs ?? this.cfg.cooldownUs));
    // A still-breached account re-queues itself through the margin listener after its fills; make
    // sure it does even if the step left margin unchanged.
    this.watch(a, tsUs);
  }

  private nextStep(id: string): number {
    const s = (this.steps.get(id) ?? 0) + 1;
    this.steps.set(id, s);
    return s;
  }

  private largest(a: AccountState): OpenPosition {
    const open = this.engine.openPositions(a);
    open.sort((x, y) => y.valueRef - x.valueRef || (x.instrument < y.instrument ? -1 : 1));
    return open[0]!;
  }

  /** Account equity in units of the position's settle asset. */
  private equityIn(a: AccountState, asset: string): number {
    return a.state.equity / this.engine.assetPrice(asset);
  }

  /**
   * Price at which closing this position leaves equity at 0. Linear: mark − E/qty. Inverse
   * (coin PnL face × (1/P0 − 1/P)): 1 / (1/mark + E_coin/face); a short whose coin equity exceeds
   * its largest possible loss face/mark has none (Infinity).
   */
  private bankruptcyPrice(a: AccountState, p: OpenPosition): number {
    const eq = this.equityIn(a, p.settle);
    if (!p.inverse) return p.mark - eq / p.qty;
    const d = 1 / p.mark + eq / p.qty;
    return d > 0 ? 1 / d : Infinity;
  }

  /** Change of equity (settle units) when the position closes at `price` instead of the mark. */
  private closeEdge(p: OpenPosition, price: number): number {
    return p.inverse ? p.qty * (1 / p.mark - 1 / price) : p.qty * (price - p.mark);
  }

  private partial(tsUs: number, a: AccountState): void {
    const p = this.largest(a);
    const e = this.engine.instrument(p.instrument);
    const abs = Math.abs(p.lots);
    const lots = abs <= this.cfg.minLots ? abs : Math.max(1, Math.min(abs, Math.round(abs * this.cfg.stepShare)));
    const pb = this.bankruptcyPrice(a, p);
    const limit = p.lots > 0 ? Math.ceil(pb / e.tick) : pb === Infinity ? undefined : Math.floor(pb / e.tick);
    const signed = p.lots > 0 ? -lots : lots;
    const done = this.fill(tsUs, a, p.instrument, signed, limit);
    const fee = this.chargeFee(tsUs, a, done.notional, p.settle);
    this.records.push(this.row(tsUs, a.id, p.instrument, p.settle, 'partial', done, p.mark, fee, 0, 0));
    if (done.lots < lots) this.closeOut(tsUs, a); // the book ran out above the bankruptcy price
  }

  /** Close every position of a bankrupt account; the fund, then ADL, then the loss account absorb the deficit. */
  private closeOut(tsUs: number, a: AccountState): void {
    let lastInst = '';
    let lastLots = 0;
    for (let guard = 0; guard < 64; guard++) {
      if (this.engine.openLots(a) === 0) break;
      const p = this.largest(a);
      if (guard > 0 && p.instrument === lastInst && p.lots === lastLots) break; // no liquidity left: retry after the cooldown
      lastInst = p.instrument;
      lastLots = p.lots;
      const e = this.engine.instrument(p.instrument);
      const closing = -p.lots;
      const q = this.exec.quote(p.instrument, closing);
      // Projected deficit and the fund, both in the position's settle asset.
      const deficit = q.lots === Math.abs(closing) ? -(this.equityIn(a, p.settle) + this.closeEdge(p, q.vwapTicks * e.tick)) : Infinity;
      const fund = Number(this.fundBalanceOf(p.settle)) / this.scale(p.settle);
      if (deficit <= 0 || deficit <= fund) {
        const done = this.fill(tsUs, a, p.instrument, closing);
        const fee = this.chargeFee(tsUs, a, done.notional, p.settle);
        const cover = this.coverDeficit(tsUs, a, p.settle);
        this.records.push(this.row(tsUs, a.id, p.instrument, p.settle, 'closeout', done, p.mark, fee, cover, 0));
        continue;
      }
      this.deleverage(tsUs, a, p);
    }
    // Whatever is still negative once flat is bad debt the fund could not pay: book it as a loss.
    if (this.engine.openLots(a) === 0) {
      for (const asset of [...a.assets]) {
        const owed = this.owed(a, asset);
        if (owed > 0n) this.engine.ledger.transferBetween(tsUs, this.uncoveredLedger(), a.cashLedger, asset, owed, 'insurance', this.ref++);
      }
    }
  }

  /**
   * What a flat account owes in one asset: its negative cash, less what its positive pools in
   * other assets (at their haircut value) cover. Single-asset accounts owe exactly −cash.
   */
  private owed(a: AccountState, asset: string): bigint {
    const cash = a.cashLedger.balances.get(asset) ?? 0n;
    if (cash >= 0n) return 0n;
    let other = 0;
    for (const x of a.assets) {
      if (x === asset) continue;
      const v = this.engine.cashValue(a, x);
      if (v > 0) other += v;
    }
    if (other <= 0) return -cash;
    const px = this.engine.assetPrice(asset);
    const need = (Number(-cash) / this.scale(asset)) * px - other;
    return need > 0 ? BigInt(Math.min(Number(-cash), Math.ceil((need / px) * this.scale(asset)))) : 0n;
  }

  private deleverage(tsUs: number, a: AccountState, p: OpenPosition): void {
    const e = this.engine.instrument(p.instrument);
    const pb = this.bankruptcyPrice(a, p);
    // Round so the bankrupt side ends at ≥ 0: a long sells at the tick above, a short buys at the tick below.
    const pbTicks = p.lots > 0 ? Math.ceil(pb / e.tick) : Math.max(1, Math.floor(pb / e.tick));
    // The queue's head: enough to take the position, and the next 32 for the record.
    const queue = adlTop(this.engine, p.instrument, Math.sign(p.lots), a.id, Math.abs(p.lots), 32);
    const rec: AdlRecord = { tsUs, bankrupt: a.id, instrument: p.instrument, bankruptcyPrice: pbTicks * e.tick, candidates: queue, hits: [] };
    let left = Math.abs(p.lots);
    const side = Math.sign(p.lots);
    const ref = this.ref++;
    let socialized = 0;
    let took = 0;
    for (const c of queue) {
      if (left === 0) break;
      const take = Math.min(left, Math.abs(c.lots));
      this.engine.applyFill(c.account, p.instrument, tsUs, side * take, pbTicks, 0, ref, 'adl');
      this.engine.applyFill(a, p.instrument, tsUs, -side * take, pbTicks, 0, ref, 'liquidation');
      rec.hits.push({ account: c.account, lots: take, rank: c.rank });
      socialized += Math.abs(this.closeEdge({ ...p, qty: take * e.unitQty }, pbTicks * e.tick));
      took += take;
      left -= take;
    }
    rec.candidates = queue.slice(0, rec.hits.length + 32);
    this.adl.push(rec);
    const done = { lots: took, notional: notionalOf(e.inverse, took * e.unitQty, pbTicks * e.tick), vwap: pbTicks * e.tick };
    if (left > 0) {
      // Not enough opposite profit to absorb it: the rest goes through the book.
      const rest = this.fill(tsUs, a, p.instrument, -side * left);
      done.lots += rest.lots;
      done.notional += rest.notional;
      done.vwap = (done.vwap * took + rest.vwap * rest.lots) / done.lots;
    }
    const cover = this.coverDeficit(tsUs, a, p.settle);
    this.records.push(this.row(tsUs, a.id, p.instrument, p.settle, 'adl', done, p.mark, 0n, cover + socialized, rec.hits.length));
  }

  private fill(tsUs: number, a: AccountState, inst: string, lots: number, limitTicks?: number): { lots: number; notional: number; vwap: number } {
    const e = this.engine.instrument(inst);
    const ref = this.ref++;
    let q = 0;
    let v = 0;
    let pq = 0;
    for (const f of this.exec.execute(tsUs, inst, lots, limitTicks)) {
      this.engine.applyFill(a, inst, tsUs, f.lots, f.priceTicks, 0, ref, 'liquidation');
      q += Math.abs(f.lots);
      pq += Math.abs(f.lots) * f.priceTicks * e.tick;
      v += notionalOf(e.inverse, Math.abs(f.lots) * e.unitQty, f.priceTicks * e.tick);
    }
    // notional in the settle asset (coin for inverse: face / price), vwap in price units per lot.
    return { lots: q, notional: v, vwap: q > 0 ? pq / q : NaN };
  }

  /** Liquidation fee (settle asset) to the fund, never more than the equity left (a fee cannot create bad debt). */
  private chargeFee(tsUs: number, a: AccountState, notional: number, asset: string): bigint {
    const cap = Math.max(0, this.equityIn(a, asset));
    const fee = BigInt(Math.floor(Math.min(notional * this.cfg.feeRate, cap) * this.scale(asset)));
    if (fee > 0n) this.engine.ledger.transferBetween(tsUs, a.cashLedger, this.fundLedger(), asset, fee, 'liquidation', this.ref++);
    return fee;
  }

  /** The insurance fund's and the uncovered deficits' ledger accounts, taken at first use (no lookup by name per step). */
  private fundA: LedgerAccount | undefined;
  private uncoveredA: LedgerAccount | undefined;
  private fundLedger(): LedgerAccount {
    return (this.fundA ??= this.engine.ledger.account(this.cfg.fundAccount));
  }
  private uncoveredLedger(): LedgerAccount {
    return (this.uncoveredA ??= this.engine.ledger.account(this.cfg.uncoveredAccount));
  }

  /** Once flat, the fund pays what the account owes in `asset` as far as it can; returns the amount (asset units). */
  private coverDeficit(tsUs: number, a: AccountState, asset: string): number {
    const ledger = this.engine.ledger;
    if (this.engine.openLots(a) > 0) return 0;
    const owed = this.owed(a, asset);
    if (owed <= 0n) return 0;
    const fund = this.fundBalanceOf(asset);
    const pay = owed < fund ? owed : fund > 0n ? fund : 0n;
    if (pay > 0n) ledger.transferBetween(tsUs, this.fundLedger(), a.cashLedger, asset, pay, 'insurance', this.ref++);
    const rest = owed - pay;
    if (rest > 0n) ledger.transferBetween(tsUs, this.uncoveredLedger(), a.cashLedger, asset, rest, 'insurance', this.ref++);
    return Number(owed) / this.scale(asset);
  }

  private row(tsUs: number, id: string, inst: string, asset: string, kind: LiquidationRecord['kind'], d: { lots: number; vwap: number }, markBefore: number, fee: bigint, badDebt: number, adl: number): LiquidationRecord {
    return {
      tsUs,
      account: id,
      step: this.nextStep(id),
      instrument: inst,
      asset,
      kind,
      sizeLots: d.lots,
      price: d.vwap,
      markBefore,
      markAfter: this.engine.instrumentMark(inst),
      fee: Number(fee) / this.scale(asset),
      badDebt,
      fundBalance: Number(this.fundBalanceOf(asset)) / this.scale(asset),
      adlCounterparties: adl,
    };
  }
}

/** Value in the settle asset of `qty` (underlying units, or USD face for inverse) at `price`. */
function notionalOf(inverse: boolean, qty: number, price: number): number {
  return inverse ? qty / price : qty * price;
}
