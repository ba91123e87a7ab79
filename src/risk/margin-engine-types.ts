import type { Ledger, LedgerAccount } from '../ledger/ledger.ts';
import type { Position } from '../ledger/portfolio.ts';
import type { InstrumentEntry } from './instruments.ts';
import type { GroupRequirement, Leg, MarginModel, MarginState, OrderIntent } from './types.ts';

/** The margin engine's account and position records (kept apart so margin-engine.ts holds only logic). */

/** Pre-trade gate a circuit breaker plugs into `canPlace` (see breaker.ts). */
export interface OrderGate {
  admits(order: OrderIntent, reducing: boolean, priceTicks: number, tick: number): { ok: boolean; reason: string };
}

/**
 * A position the engine reads but does not own (a venue books it on the same ledger): `lots` and
 * `costBasis` as `Position` keeps them. Premium-paid options (premium already in cash) have
 * costBasis 0, so their uPnL is their whole value.
 */
export interface TrackedPosition {
  readonly lots: number;
  readonly costBasis: bigint;
}

export interface PosEntry {
  inst: InstrumentEntry;
  pos: Position | TrackedPosition;
  /** False for a tracked position: its venue books fills, the engine only reads it. */
  owned: boolean;
  leg: Leg;
  basis: number;
  /** The tracked position's cost basis `basis` was converted from (undefined: not yet). */
  basisOf?: bigint;
}

export interface Group {
  /** Underlying for quote-settled legs; `underlying:settle` for coin-settled ones (a separate pool). */
  key: string;
  underlying: string;
  /** Asset the group's PnL and requirement are in. */
  settle: string;
  coin: boolean;
  entries: PosEntry[];
  legs: Leg[];
  upnl: number;
  req: GroupRequirement;
}

export interface AccountState {
  readonly id: string;
  readonly model: MarginModel;
  readonly cashAccount: string;
  /** That cash account in the ledger (read on every transfer without a lookup by name). */
  readonly cashLedger: LedgerAccount;
  readonly groups: Map<string, Group>;
  /** Assets this account's cash account has ever held (collateral is summed over these only). */
  readonly assets: Set<string>;
  /** Cash per asset in whole units, refreshed from the ledger on every transfer. */
  readonly cash: Map<string, number>;
  /** Haircut-weighted value of the cash alone, in the engine's settle asset. */
  collateral: number;
  /** Holds positions a venue books (trackPosition): a cash transfer may come with changed lots. */
  tracked: boolean;
  /** Not revalued on mark changes; its owner calls `revalue` (see `openAccount`). */
  lazy: boolean;
  /** Scratch of `setMark`: the number of the last mark that revalued one of the account's groups. */
  revaluedAt: number;
  state: MarginState;
}

export type MarginListener = (acct: AccountState, tsUs: number) => void;

export interface MarginEngineOptions {
  ledger: Ledger;
  /** Asset margin is computed in (default USDT). */
  settleAsset?: string;
  /** Collateral haircuts by asset, e.g. { BTC: 0.05 }; the settle asset is 0. */
  haircuts?: Record<string, number>;
}

export interface OpenPosition {
  instrument: string;
  /** Asset the position settles in (its PnL, basis and value are in it). */
  settle: string;
  inverse: boolean;
  lots: number;
  qty: number;
  mark: number;
  upnl: number;
  basis: number;
  value: number;
  valueRef: number;
}

