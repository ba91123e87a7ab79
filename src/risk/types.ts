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

/** A leg as the margin models see it: float64, quote currency, underlying units. */
export interface Leg {
  inst: RiskInstrument;
  /** Signed size in underlying units (lots × lotSize × multiplier). */
  qty: number;
  /** Current mark price of one underlying unit of this instrument (option premium for options). */
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
  groupRequirement(g: GroupView): GroupRequirement;
}

export interface MarginState {
  equity: number;
  im: number;
  mm: number;
  /** mm / equity (Binance "margin ratio"): liquidation when ≥ 1; Infinity when equity ≤ 0. */
  marginRatio: number;
}

export interface OrderIntent {
  instrument: string;
  /** Signed lots: buy > 0. */
  lots: number;
  /** Expected fill price in ticks (the mark when omitted). */
  priceTicks?: number;
  reduceOnly?: boolean;
}

export interface CanPlace {
  ok: boolean;
  reason: string;
  imAfter: number;
}
