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
}

/**
 * Double-entry ledger in exact integer minor units. Every movement is a transfer between two
 * accounts, so the sum of all balances of an asset never changes; money enters and leaves only
 * through accounts named `external:*` (deposits, the replayed market's counterparties).
 */
export class Ledger {
  private readonly balances = new Map<string, Map<string, bigint>>();
  private readonly listeners: ((t: Transfer) => void)[] = [];
  private seq = 0;

  onTransfer(fn: (t: Transfer) => void): void {
    this.listeners.push(fn);
  }

  transfer(tsUs: number, from: string, to: string, asset: string, amount: bigint, kind: TransferKind, ref = 0): void {
    if (amount === 0n) return;
    if (from === to) throw new ModelError(`transfer from ${from} to itself`, { field: 'to' });
    if (amount < 0n) {
      // A negative amount is the same movement the other way; normalise so journals read naturally.
      this.transfer(tsUs, to, from, asset, -amount, kind, ref);
      return;
    }
    this.add(from, asset, -amount);
    this.add(to, asset, amount);
    const t: Transfer = { seq: this.seq++, tsUs, from, to, asset, amount, kind, ref };
    for (const l of this.listeners) l(t);
  }

  balance(account: string, asset: string): bigint {
    return this.cached(account)?.get(asset) ?? 0n;
  }

  /** Sum of every account's balance in an asset: zero when all money came in through transfers. */
  total(asset: string): bigint {
    let s = 0n;
    for (const m of this.balances.values()) s += m.get(asset) ?? 0n;
    return s;
  }

  accounts(): string[] {
    return [...this.balances.keys()].sort();
  }

  assets(): string[] {
    const s = new Set<string>();
    for (const m of this.balances.values()) for (const a of m.keys()) s.add(a);
    return [...s].sort();
  }

  get transferCount(): number {
    return this.seq;
  }

  private add(account: string, asset: string, delta: bigint): void {
    let m = this.cached(account);
    if (!m) {
      m = new Map();
      this.balances.set(account, m);
      this.k1 = this.k0;
      this.m1 = this.m0;
      this.k0 = account;
      this.m0 = m;
    }
    m.set(asset, (m.get(asset) ?? 0n) + delta);
  }

  /**
   * The last two accounts moved and their balances: a transfer moves two, and the next one (a
   * fee after a trade, a liquidation's steps) the same two more often than not — a lookup in a
   * map of tens of thousands of accounts (a Monte Carlo population) misses the cache.
   */
  private k0: string | undefined;
  private m0: Map<string, bigint> | undefined;
  private k1: string | undefined;
  private m1: Map<string, bigint> | undefined;

  private cached(account: string): Map<string, bigint> | undefined {
    if (account === this.k0) return this.m0;
    if (account === this.k1) {
      // The other slot becomes the older one.
      const k = this.k0;
      const m = this.m0;
      this.k0 = account;
      this.m0 = this.m1;
      this.k1 = k;
      this.m1 = m;
      return this.m0;
    }
    const m = this.balances.get(account);
    if (m !== undefined) {
      this.k1 = this.k0;
      this.m1 = this.m0;
      this.k0 = account;
      this.m0 = m;
    }
    return m;
  }
}

/** Round a rational num/den (den > 0) half away from zero. */
export function divRound(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (2n * (r < 0n ? -r : r) >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}
