/**
 * Token balances that live in the chain's journaled state, so a reverted tx or a dropped bundle
 * undoes its token movements exactly. Each tx's movements are logged under its hash; once a
 * block is sealed, `settleBlock` posts the gas and the logged movements of the included,
 * successful txs to the Ledger. The Ledger therefore only ever sees final, executed money flows.
 */
import type { Block } from '../../chain/types.ts';
import type { ChainState } from '../../chain/state.ts';
import { ModelError } from '../../errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';

/** Gas is paid in the chain's native asset. */
export const NATIVE = 'ETH';
export const BURN_ACCOUNT = 'chain:burned';
export const BUILDER_ACCOUNT = 'chain:builder';

export interface Movement {
  from: string;
  to: string;
  asset: string;
  amount: bigint;
}

const balKey = (acct: string, asset: string) => `bal:${acct}:${asset}`;
const fxKey = (hash: string) => `fx:${hash}`;

export class ChainBank {
  constructor(readonly ledger: Ledger, readonly state: ChainState) {}

  balance(acct: string, asset: string): bigint {
    return this.state.getBig(balKey(acct, asset));
  }

  /** Mints tokens to an account from outside the model (between blocks). */
  fund(tsUs: number, acct: string, asset: string, amount: bigint): void {
    if (amount <= 0n) throw new ModelError(`fund ${acct}: amount ${amount} must be positive`, { field: 'amount' });
    this.ledger.transfer(tsUs, 'external:mint', acct, asset, amount, 'deposit');
    if (asset !== NATIVE) this.state.set(balKey(acct, asset), this.balance(acct, asset) + amount);
  }

  /**
   * Tokens that already reached the account through the ledger from a contract booked there (a
   * lending pool pays seized collateral on the ledger): made spendable on chain, no new money.
   */
  credit(acct: string, asset: string, amount: bigint): void {
    if (amount <= 0n) return;
    this.state.set(balKey(acct, asset), this.balance(acct, asset) + amount);
  }

  /** Moves tokens inside a tx; false (and nothing moves) when `from` holds too little. */
  move(txHash: string, from: string, to: string, asset: string, amount: bigint): boolean {
    if (amount < 0n) throw new ModelError(`negative movement ${amount} ${asset}`, { field: 'amount' });
    if (amount === 0n) return true;
    const have = this.balance(from, asset);
    if (have < amount) return false;
    this.state.set(balKey(from, asset), have - amount);
    this.state.set(balKey(to, asset), this.balance(to, asset) + amount);
    const prev = this.state.get<Movement[]>(fxKey(txHash)) ?? [];
    // A fresh array each time: the journal restores the previous one on rollback.
    this.state.set(fxKey(txHash), [...prev, { from, to, asset, amount }]);
    return true;
  }

  movements(txHash: string): readonly Movement[] {
    return this.state.get<Movement[]>(fxKey(txHash)) ?? [];
  }

  /** Posts gas (burn + builder tip) for every receipt and the token movements of successful txs. */
  settleBlock(block: Block): void {
    for (let i = 0; i < block.receipts.length; i++) {
      const r = block.receipts[i]!;
      const tx = block.txs[i]!;
      const burn = BigInt(r.gasUsed) * block.baseFeeWei;
      this.ledger.transfer(block.tsUs, tx.from, BURN_ACCOUNT, NATIVE, burn, 'gas', block.number);
      this.ledger.transfer(block.tsUs, tx.from, BUILDER_ACCOUNT, NATIVE, r.feeWei - burn, 'gas', block.number);
      if (r.status !== 'success') continue;
      for (const m of this.movements(r.hash)) this.ledger.transfer(block.tsUs, m.from, m.to, m.asset, m.amount, 'trade', block.number);
    }
  }
}
