import type { Instrument } from '../market/instrument.ts';
import { notionalOf, type Notional } from './notional.ts';
import type { Ledger, LedgerAccount } from './ledger.ts';

export interface FillAccounting {
  realized: bigint;
  fee: bigint;
}

/**
 * One account's position in one instrument, with exact cost basis. Average-cost accounting:
 * reducing a position releases a pro-rata share of the cost basis (integer division; the
 * remainder stays in the basis, so nothing is lost), and the difference to the exit value is
 * realized PnL. Derivatives settle realized PnL to cash through the ledger at once; spot
 * exchanges the assets themselves (quote for base), so its realized PnL is already in the cash.
 */
export class Position {
  lots = 0;
  /** Signed entry value in settle minor units (long positive). */
  costBasis = 0n;
  realized = 0n;
  fees = 0n;
  funding = 0n;
  volumeLots = 0;
  readonly notional: Notional;
  /** Ledger account names, made once (a fill books up to three transfers). */
  readonly cashAccount: string;
  private readonly clearingAccount: string;
  private readonly feesAccount: string;
  private readonly fundingAccount: string;

  constructor(
    readonly inst: Instrument,
    readonly account: string,
    private readonly ledger: Ledger,
    private readonly venueAccount: string,
    /** Spot: where the base asset is held. Run specs use the account's one wallet (its cash account). */
    private readonly baseAccountName?: string,
    /** The ledger account `<account>:cash` when the caller holds it (a margin account does): no lookup by name at the first fill. */
    cash?: LedgerAccount,
  ) {
    this.notional = notionalOf(inst);
    this.cashAccount = `${account}:cash`;
    if (cash !== undefined) {
      if (cash.name !== this.cashAccount) throw new Error(`position of ${account}: its cash account is ${this.cashAccount}, not ${cash.name}`);
      this.cashA = cash;
    }
    this.clearingAccount = `${venueAccount}:clearing`;
    this.feesAccount = `${venueAccount}:fees`;
    this.fundingAccount = `${venueAccount}:funding`;
  }

  /** Spot only: the account holding the base asset. */
  get baseAccount(): string {
    return this.baseAccountName ?? `${this.account}:${this.inst.base}`;
  }

  /**
   * Told the lots before and after every fill that changes them (the margin engine keeps each
   * instrument's open interest this way instead of recounting every account at every mark).
   */
  onLots: ((before: number, after: number) => void) | undefined = undefined;

  /** Apply a fill of signed `lots` (buy > 0) at `priceTicks`, charging `feeBps`. */
  applyFill(tsUs: number, lots: number, priceTicks: number, feeBps: number, ref: number): FillAccounting {
    const before = this.lots;
    const acc = this.book(tsUs, lots, priceTicks, feeBps, ref);
    if (this.onLots !== undefined && this.lots !== before) this.onLots(before, this.lots);
    return acc;
  }

  private book(tsUs: number, lots: number, priceTicks: number, feeBps: number, ref: number): FillAccounting {
    const n = this.notional;
    const inverse = this.inst.kind === 'inverse';
    let realized = 0n;
    let remaining = lots;
    if (this.lots !== 0 && Math.sign(lots) !== Math.sign(this.lots)) {
      const close = Math.min(Math.abs(lots), Math.abs(this.lots));
      const released = (this.costBasis * BigInt(close)) / BigInt(Math.abs(this.lots));
      const v = n.value(priceTicks, close);
      const sign = this.lots > 0 ? 1n : -1n;
      realized = inverse ? released - sign * v : sign * v - released;
      this.costBasis -= released;
      this.lots += Math.sign(lots) * close;
      remaining = lots - Math.sign(lots) * close;
    }
    if (remaining !== 0) {
      const v = n.value(priceTicks, remaining);
      this.costBasis += remaining > 0 ? v : -v;
      this.lots += remaining;
    }
    const fee = n.fee(n.value(priceTicks, lots), feeBps);
    this.realized += realized;
    this.fees += fee;
    this.volumeLots += Math.abs(lots);
    const settle = this.inst.settle;
    if (this.inst.kind === 'spot') {
      // Buying pays the quote notional and receives the base asset; selling the reverse.
      const v = n.value(priceTicks, lots);
      this.ledger.transfer(tsUs, this.cashAccount, this.clearingAccount, settle, lots > 0 ? v : -v, 'trade', ref);
      this.ledger.transfer(tsUs, this.clearingAccount, this.baseAccount, this.inst.base, n.baseUnits(lots), 'trade', ref);
    } else if (realized !== 0n) {
      this.ledger.transferBetween(tsUs, (this.clearingA ??= this.ledger.account(this.clearingAccount)), (this.cashA ??= this.ledger.account(this.cashAccount)), settle, realized, 'realized_pnl', ref);
    }
    if (fee !== 0n) this.ledger.transferBetween(tsUs, (this.cashA ??= this.ledger.account(this.cashAccount)), (this.feesA ??= this.ledger.account(this.feesAccount)), settle, fee, fee >= 0n ? 'fee' : 'rebate', ref);
    return { realized, fee };
  }

  /** Funding payment (positive = the account pays), a ledger transfer like any other. */
  applyFunding(tsUs: number, amount: bigint, ref = 0): void {
    this.funding += amount;
    if (amount !== 0n) this.ledger.transferBetween(tsUs, (this.cashA ??= this.ledger.account(this.cashAccount)), (this.fundingA ??= this.ledger.account(this.fundingAccount)), this.inst.settle, amount, 'funding', ref);
  }

  /** The ledger accounts this position moves money through, taken when first used (no lookup by name per fill). */
  private cashA: LedgerAccount | undefined;
  private clearingA: LedgerAccount | undefined;
  private feesA: LedgerAccount | undefined;
  private fundingA: LedgerAccount | undefined;

  /** Unrealized PnL at a mark (ticks, may be x.5), in settle minor units. */
  unrealized(markTicks: number): bigint {
    if (this.lots === 0 || !Number.isFinite(markTicks)) return 0n;
    // An equity sample asks it three times at one mark (equity, its split, the venue's PnL): the
    // last answer stands while the mark, lots and cost basis are those it was made from.
    if (markTicks === this.uMark && this.lots === this.uLots && this.costBasis === this.uBasis) return this.uValue;
    const v = this.notional.value(markTicks, this.lots);
    const signed = this.lots > 0 ? v : -v;
    const u = this.inst.kind === 'inverse' ? this.costBasis - signed : signed - this.costBasis;
    this.uMark = markTicks;
    this.uLots = this.lots;
    this.uBasis = this.costBasis;
    this.uValue = u;
    return u;
  }

  /** unrealized()'s last answer and what it was made from. */
  private uMark = NaN;
  private uLots = 0;
  private uBasis = 0n;
  private uValue = 0n;

  /**
   * Account equity in settle minor units at a mark: cash plus open PnL for derivatives; cash plus
   * the base holding at the mark for spot.
   */
  equity(markTicks: number): bigint {
    const cash = this.ledger.balance(this.cashAccount, this.inst.settle);
    if (this.inst.kind !== 'spot') return cash + this.unrealized(markTicks);
    // Base held in the cash account is already in the wallet's base balance, not in `cash`.
    if (this.lots === 0) return cash;
    if (!Number.isFinite(markTicks)) return cash + this.costBasis; // no mark yet: value at entry
    const v = this.notional.value(markTicks, this.lots);
    return cash + (this.lots > 0 ? v : -v);
  }

  /** Average entry price in ticks (float, for display). */
  avgEntryTicks(): number {
    if (this.lots === 0) return NaN;
    const n = this.notional;
    const one = Number(n.value(1, Math.abs(this.lots)));
    const basis = Math.abs(Number(this.costBasis));
    return this.inst.kind === 'inverse' ? one / basis : basis / one;
  }
}
