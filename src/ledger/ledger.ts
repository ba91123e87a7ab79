import { ModelError } from '../errors.ts';

/** Why money moved; recorded with every transfer. */
export type TransferKind = 'deposit' | 'fee' | 'rebate' | 'realized_pnl' | 'funding' | 'trade' | 'liquidation' | 'insurance' | 'gas' | 'other';

export interface Transfer {
  seq: number;
  tsUs: number;
  from: string;
  to: string;
  asset: string;
  amount: bigint;
  kind: TransferKind;
  ref: number;
  /** The two accounts themselves (listeners that keep state per account read their `owner`). */
  fromAccount: LedgerAccount;
  toAccount: LedgerAccount;
}

/**
 * One account of the ledger: its balances by asset. Callers that move money through the same
 * accounts over and over (a position's cash, clearing and fee accounts) keep these and transfer
 * between them, instead of naming them: a lookup by name in a map of tens of thousands of
 * accounts (a Monte Carlo population) misses the processor's caches.
 */
export class LedgerAccount {
  /** Minor units per asset. */
  readonly balances = new Map<string, bigint>();
  /**
   * Set by the one component that keeps state per account (the margin engine: the account's
   * margin state, tagged with the engine) so a transfer leads to it without a lookup; the ledger
   * never reads it.
   */
  owner: unknown = undefined;
  constructor(readonly name: string) {}
}

/**
 * Double-entry ledger in exact integer minor units. Every movement is a transfer between two
 * accounts, so the sum of all balances of an asset never changes; money enters and leaves only
 * through accounts named `external:*` (deposits, the replayed market's counterparties).
 */
export class Ledger {
  private readonly byName = new Map<string, LedgerAccount>();
  private readonly listeners: ((t: Transfer) => void)[] = [];
  private seq = 0;

  onTransfer(fn: (t: Transfer) => void): void {
    this.listeners.push(fn);
  }

  transfer(tsUs: number, from: string, to: string, asset: string, amount: bigint, kind: TransferKind, ref = 0): void {
    if (amount === 0n) return;
    if (from === to) throw new ModelError(`transfer from ${from} to itself`, { field: 'to' });
    this.move(tsUs, this.account(from), this.account(to), asset, amount, kind, ref);
  }

  /** transfer() between accounts already in hand (see LedgerAccount). */
  transferBetween(tsUs: number, from: LedgerAccount, to: LedgerAccount, asset: string, amount: bigint, kind: TransferKind, ref = 0): void {
    if (amount === 0n) return;
    if (from === to) throw new ModelError(`transfer from ${from.name} to itself`, { field: 'to' });
    this.move(tsUs, from, to, asset, amount, kind, ref);
  }

  private move(tsUs: number, from: LedgerAccount, to: LedgerAccount, asset: string, amount: bigint, kind: TransferKind, ref: number): void {
    if (amount < 0n) {
      // A negative amount is the same movement the other way; normalise so journals read naturally.
      this.move(tsUs, to, from, asset, -amount, kind, ref);
      return;
    }
    const fb = from.balances;
    fb.set(asset, (fb.get(asset) ?? 0n) - amount);
    const tb = to.balances;
    tb.set(asset, (tb.get(asset) ?? 0n) + amount);
    const t: Transfer = { seq: this.seq++, tsUs, from: from.name, to: to.name, asset, amount, kind, ref, fromAccount: from, toAccount: to };
    for (const l of this.listeners) l(t);
  }

  /**
   * The account of that name. Asking does not open it: an account is in `accounts()` (and holds
   * balances) once money has moved through it, as when transfers name it.
   */
  account(name: string): LedgerAccount {
    let a = this.cached(name);
    if (a === undefined) {
      a = new LedgerAccount(name);
      this.byName.set(name, a);
      this.k1 = this.k0;
      this.a1 = this.a0;
      this.k0 = name;
      this.a0 = a;
    }
    return a;
  }

  balance(account: string, asset: string): bigint {
    return this.cached(account)?.balances.get(asset) ?? 0n;
  }

  /** Sum of every account's balance in an asset: zero when all money came in through transfers. */
  total(asset: string): bigint {
    let s = 0n;
    for (const a of this.byName.values()) s += a.balances.get(asset) ?? 0n;
    return s;
  }

  /** Accounts money has moved through. */
  accounts(): string[] {
    const out: string[] = [];
    for (const a of this.byName.values()) if (a.balances.size > 0) out.push(a.name);
    return out.sort();
  }

  assets(): string[] {
    const s = new Set<string>();
    for (const a of this.byName.values()) for (const x of a.balances.keys()) s.add(x);
    return [...s].sort();
  }

  get transferCount(): number {
    return this.seq;
  }

  /**
   * The last two accounts named and their entries: a transfer names two, and the next one (a fee
   * after a trade, a liquidation's steps) the same two more often than not.
   */
  private k0: string | undefined;
  private a0: LedgerAccount | undefined;
  private k1: string | undefined;
  private a1: LedgerAccount | undefined;

  private cached(name: string): LedgerAccount | undefined {
    if (name === this.k0) return this.a0;
    if (name === this.k1) {
      // The other slot becomes the older one.
      const k = this.k0;
      const a = this.a0;
      this.k0 = name;
      this.a0 = this.a1;
      this.k1 = k;
      this.a1 = a;
      return this.a0;
    }
    const a = this.byName.get(name);
    if (a !== undefined) {
      this.k1 = this.k0;
      this.a1 = this.a0;
      this.k0 = name;
      this.a0 = a;
    }
    return a;
  }
}

/** Round a rational num/den (den > 0) half away from zero. */
export function divRound(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (2n * (r < 0n ? -r : r) >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}
