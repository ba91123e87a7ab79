import type { Instrument } from '../market/instrument.ts';

/** What the risk engine needs to know about an instrument beyond its ticks and lots. */
export type RiskKind = 'perp' | 'future' | 'option';

export interface OptionTerms {
  kind: 'call' | 'put';
  /** Strike in quote units (USD). */
  strike: number;
  expiryUs: number;
}

/** One bracket of a tiered notional schedule (Binance "leverage brackets"). */
export interface Tier {
  /** Upper bound of the bracket's notional (quote units); the last tier is Infinity. */
  notionalCap: number;
  /** Initial margin rate in this bracket (1 / max leverage). */
  imr: number;
  /** Maintenance margin rate in this bracket. */
  mmr: number;
}

/** Deribit "standard margin" for one option contract, as fractions of the underlying price. */
export interface OptionStandardParams {
  /** Short IM = max(imBase − OTM/S, imFloor) × S + mark. Deribit: 0.15 / 0.10. */
  imBase: number;
  imFloor: number;
  /** Short MM = mmBase × S + mark. Deribit: 0.075. */
  mmBase: number;
}

export interface RiskInstrument {
  /** Unique id, e.g. "deribit:BTC-PERPETUAL". */
  id: string;
  market: Instrument;
  kind: RiskKind;
  /** Underlying asset whose mark drives this instrument (e.g. "BTC"). */
  underlying: string;
  option?: OptionTerms;
  /** Tiered brackets for delta-one instruments; without them cross/isolated margin refuses the instrument. */
  tiers?: readonly Tier[];
  optionParams?: OptionStandardParams;
}

/**
 * A leg as the margin models see it (float64). Linear: quote currency, `qty` in underlying units.
 * Coin-settled (settle asset = underlying, see `isCoinSettled`): inverse perps/futures have `qty` =
 * signed USD face (contracts × multiplier) and `mark` = USD price, their coin value being qty/mark;
 * inverse options have `qty` in underlying units and `mark` = premium in coin.
 */
export interface Leg {
  inst: RiskInstrument;
  /** Signed size: underlying units (lots × lotSize × multiplier); USD face for inverse delta-one. */
  qty: number;
  /** Current mark price of one underlying unit of this instrument (option premium for options; in coin for inverse options). */
  mark: number;
  /** Option implied vol used for its mark (undefined for delta-one). */
  vol?: number;
  /** Option years to expiry at the evaluation time. */
  t?: number;
}

/** One underlying's legs of one account at the current marks. */
export interface GroupView {
  account: string;
  underlying: string;
  /** Underlying mark (index/forward used for options). */
  spot: number;
  nowUs: number;
  legs: readonly Leg[];
  /** True when the group settles in the underlying coin: requirements are then in coin. */
  coin?: boolean;
}

export interface Scenario {
  /** Relative price move, e.g. -0.16. */
  priceMove: number;
  /** Vol scenario label: 'up' | 'same' | 'down'. */
  vol: 'up' | 'same' | 'down';
  extended: boolean;
}

export interface WorstScenario extends Scenario {
  /** Loss in that scenario (after the extended dampener when extended), quote units. */
  loss: number;
  /** Underlying price in that scenario. */
  price: number;
}

export interface GroupRequirement {
  im: number;
  mm: number;
  worst?: WorstScenario;
  addOns?: Record<string, number>;
}

/** A margin model prices one underlying group; the engine sums groups and collateral. */
export interface MarginModel {
  readonly name: string;
  /** Isolated models allow one leg per account. */
  readonly isolated: boolean;
  /** The group's requirement; the object may be reused by the model's next call (copy what you keep). */
  groupRequirement(g: GroupView): GroupRequirement;
}

export interface MarginState {
  equity: number;
  im: number;
  mm: number;
  /** mm / equity (Binance "margin ratio"): liquidation when ≥ 1; Infinity when equity ≤ 0. */
  marginRatio: number;
  /**
   * Per settle asset, in that asset's units (e.g. BTC for coin-margined legs): equity = cash of
   * the asset + unrealized PnL of the legs settled in it; IM/MM of those legs. The top-level
   * figures are the USD-equivalent total at the marks (haircut applied to a positive pool equity).
   */
  perAsset?: Record<string, { equity: number; im: number; mm: number; marginRatio: number }>;
}

export interface OrderIntent {
  instrument: string;
  /** Signed lots: buy > 0. */
  lots: number;
  /** Expected fill price in ticks (the mark when omitted). */
  priceTicks?: number;
  reduceOnly?: boolean;
  /**
   * Signed lots of the account's other open orders on this instrument on the same side (not
   * reduce-only): the position they would make if they filled is the one this order adds to, and
   * its initial margin is what the account must carry (an exchange's order margin).
   */
  restingLots?: number;
}

export interface CanPlace {
  ok: boolean;
  reason: string;
  imAfter: number;
}
