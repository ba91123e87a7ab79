import type { z } from 'zod';
import type { Rng } from '../kernel/rng.ts';
import type { Side } from '../market/book.ts';
import type { Instrument } from '../market/instrument.ts';
import type { Fill, OrderRequest, OrderView } from '../venues/clob/order.ts';
import type { OptionContract } from '../venues/options/contract.ts';
import type { OptionMark } from '../venues/options/marks.ts';
import type { PortfolioGreeks } from '../venues/options/venue.ts';

/** Read-only view of the replayed book (integer ticks and lots). */
export interface BookView {
  readonly bestBid: number;
  readonly bestAsk: number;
  bestSize(side: Side): number;
  sizeAt(side: Side, priceTicks: number): number;
  midTicks(): number;
  levels(side: Side, n: number, outPrices: Float64Array | number[], outSizes: Float64Array | number[]): number;
}

/** A trade print; one object is reused for every trade, copy what you keep. */
export interface TradeView {
  tsUs: number;
  aggressor: Side;
  priceTicks: number;
  sizeLots: number;
}

/** One OHLCV bar; one object is reused for every bar, copy what you keep. */
export interface BarView {
  /** Start of the bar (µs since the epoch). */
  tsUs: number;
  intervalUs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface PnlView {
  /** All in the instrument's settlement asset (e.g. USDT, or BTC for inverse). */
  realized: number;
  unrealized: number;
  fees: number;
  equity: number;
}

/** One venue as a strategy sees it: its book, its orders and the account's position there. */
export interface VenueContext {
  /** The venue id from the run spec. */
  readonly id: string;
  readonly kind: 'spot' | 'perp';
  readonly instrument: Instrument;
  readonly book: BookView;
  /** Signed position in lots on this venue (spot: inventory bought minus sold in the run). */
  readonly positionLots: number;
  /** Mark price in ticks (perp: the venue's mark model; spot: the mid). */
  markTicks(): number;
  pnl(): PnlView;
  submit(req: OrderRequest): OrderView;
  cancel(orderId: number): void;
  cancelAll(): void;
  amend(orderId: number, priceTicks: number, sizeLots: number): void;
  openOrders(): readonly OrderView[];
}

/** Margin of the strategy's account, from the shared margin engine (valuation asset units). */
export interface MarginView {
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
  /** Maintenance margin ÷ equity (Binance's definition: ≥ 1 means liquidation). */
  marginRatio: number;
  /** Initial margin the open perp orders hold: per venue, what all its resting buys or all its resting sells would add filled, the larger. */
  orderMargin: number;
  /** What a new order may use: equity less the positions' and the open orders' initial margin (Binance's available balance). */
  available: number;
}

/** The account a strategy trades for: balances per asset and margin from the shared engine. */
export interface AccountContext {
  readonly id: string;
  /** Wallet balance of an asset in whole units (cash, spot holdings, realized PnL, fees, funding). */
  balance(asset: string): number;
  /** Account equity in the valuation asset: balances at marks plus open derivative PnL. */
  equity(): number;
  margin(): MarginView;
  /** Liquidation price of a perp position on a venue (ticks), NaN when flat or unbounded. */
  liquidationPriceTicks(venueId: string): number;
}

/** A swap through an AMM pool; amounts are integers in the tokens' minor units (wei, µUSDC). */
export interface SwapRequest {
  amountIn: bigint;
  /** true: sell token0 for token1. */
  zeroForOne: boolean;
  /** The swap reverts (paying gas) if it would give less. */
  amountOutMin: bigint;
  /** public: the mempool the adversaries watch (default); private: a relay straight to the builder. */
  route?: 'public' | 'private';
  /** Priority fee and fee cap per gas, gwei (defaults 1 and 100). */
  tipGwei?: number;
  maxFeeGwei?: number;
  /** Written to the swaps table (e.g. the slice number). */
  label?: string;
}

/** An AMM pool on the run's chain as a strategy sees it. */
export interface PoolContext {
  readonly id: string;
  readonly kind: 'amm-v2' | 'amm-v3';
  readonly token0: string;
  readonly token1: string;
  readonly decimals0: number;
  readonly decimals1: number;
  /** Exact output for `amountIn` on the pool's state after the last sealed block (minor units). */
  quote(amountIn: bigint, zeroForOne: boolean): bigint;
  /** token1 per token0 in whole tokens, from the pool's reserves (v3: its current price). */
  price(): number;
  /** The account's on-chain balance of a token (minor units). */
  balance(token: string): bigint;
  /** Signs and sends a swap from the strategy's account; returns its tx hash. */
  swap(req: SwapRequest): string;
  status(txHash: string): 'pending' | 'success' | 'reverted';
}

/** An option's mark (premium per contract in its settle asset, vol, greeks) and the venue's quote around it. */
export interface OptionQuote extends OptionMark {
  bid: number;
  ask: number;
}

/** An options venue as a strategy sees it (premium-paid, cash-settled at expiry). */
export interface OptionsContext {
  readonly id: string;
  /** Listed contracts not yet expired. */
  contracts(): readonly OptionContract[];
  /** The forward: the underlying venue's mark. */
  forward(): number;
  mark(symbol: string): OptionQuote;
  /** Buy (lots > 0) at the ask or sell at the bid, now; premium and fee move through the ledger. */
  trade(symbol: string, lots: number): { lots: number; price: number; premium: number; fee: number };
  positionLots(symbol: string): number;
  /** Value and greeks of the account's open options (delta in underlying coins). */
  greeks(): PortfolioGreeks;
}

/**
 * One routing decision for (part of) a parent order: the router splits `qty` across the venues
 * at equal marginal all-in cost (book walk and fees; pool price, gas, sandwich exposure within
 * the slippage limit, capital locked to finality) and sends the children now. Calls with the
 * same `id` form one parent order in the `tca` table (its arrival mid is the first call's).
 */
export interface ParentOrder {
  /** Parent order id (default: a new one per call). */
  id?: string;
  side: 'buy' | 'sell';
  /** Base units (whole, e.g. ETH) to route now. */
  qty: number;
  /** Venue ids (books and pools) to use; default all the strategy may trade. */
  venues?: readonly string[];
  /** Worst price per base unit a child may trade at (sell: lowest, buy: highest); the router only takes, so it must be on the taking side of the mid. */
  limitPrice?: number;
  /** No re-routing of remainders after this time (µs). */
  deadlineUs?: number;
  /** Most base units per venue. */
  caps?: Readonly<Record<string, number>>;
  /** Pool swaps through the public mempool, the private relay, or whichever is cheaper (auto). Default public. */
  route?: 'public' | 'private' | 'auto';
  /** Slippage limit of pool swaps, bps (default 50): a sandwich can take at most this much. */
  slippageBps?: number;
  /** Priority fee of pool swaps, gwei (default 1). */
  tipGwei?: number;
  /** How long the resulting position is held (µs): perp legs carry their funding over it in the cost. Default 0. */
  holdUs?: number;
}

/** What the router did with one call: the children it sent. */
export interface RouteDecision {
  parent: string;
  /** Decision number within the parent (re-routes of remainders count too). */
  decision: number;
  legs: { venue: string; child: string; qty: number; expectedCost: number }[];
  /** Base units sent (less than asked only when the venues cannot take it). */
  qty: number;
  /** Expected all-in cost of the split, quote units. */
  expectedCost: number;
}

export interface StrategyContext {
  readonly nowUs: number;
  /** Venue of the callback being run (the first venue outside venue callbacks). */
  readonly venueId: string;
  /** Ids of the venues this strategy may trade, primary first. */
  readonly venueIds: readonly string[];
  /** A venue the run spec lets this strategy trade; an unknown id is a ConfigError. */
  venue(id: string): VenueContext;
  /** An AMM pool (venue of kind amm-v2/amm-v3) the run spec lets this strategy trade. */
  pool(id: string): PoolContext;
  /** Ids of the AMM pools this strategy may trade. */
  readonly poolIds: readonly string[];
  /** An options venue the run spec lets this strategy trade. */
  options(id: string): OptionsContext;
  /** Ids of the options venues this strategy may trade. */
  readonly optionsIds: readonly string[];
  readonly account: AccountContext;
  /** Hand (part of) a parent order to the smart order router; bad input throws a ConfigError and sends nothing. */
  route(parent: ParentOrder): RouteDecision;
  // The primary venue (the first in the spec), so single-venue strategies need nothing else:
  readonly instrument: Instrument;
  readonly book: BookView;
  /** Signed position in lots. */
  readonly positionLots: number;
  /** The strategy's own random stream (split from the run seed by the strategy's name). */
  readonly rng: Rng;
  pnl(): PnlView;
  /** Returns the desk's view of the order; it changes only when venue reports arrive. */
  submit(req: OrderRequest): OrderView;
  cancel(orderId: number): void;
  cancelAll(): void;
  amend(orderId: number, priceTicks: number, sizeLots: number): void;
  /** Orders not yet filled, cancelled or rejected (including ones still travelling to the venue). */
  openOrders(): readonly OrderView[];
  /** Call `onTimer(ctx, tag)` every `intervalUs` of simulated time. */
  setTimer(intervalUs: number, tag?: number): void;
  /** Call `onTimer(ctx, tag)` once at `tsUs` (µs since the epoch; a past time runs now). */
  timerAt(tsUs: number, tag?: number): void;
  /** When the run ends (µs since the epoch). */
  readonly endUs: number;
  /**
   * Append a row to the strategy's own result table `strategy_<table>` (queryable like the
   * others). The first row fixes the columns; numbers become float64 columns, strings text.
   */
  record(table: string, row: Readonly<Record<string, number | string>>): void;
}

/** Callbacks; venue callbacks get the venue id last (also `ctx.venueId`). */
export interface Strategy {
  onStart?(ctx: StrategyContext): void;
  /** After each complete book message (throttled by `subscribe.bookThrottleUs`). */
  onBook?(ctx: StrategyContext, venueId: string): void;
  onTrade?(ctx: StrategyContext, t: TradeView, venueId: string): void;
  /**
   * A bar closed on a bar-execution venue (the base interval, and every interval in
   * `subscribe.bars`, aggregated from it; `bar.intervalUs` says which). Orders sent here reach
   * the venue at the next bar's open.
   */
  onBar?(ctx: StrategyContext, bar: BarView, venueId: string): void;
  onTimer?(ctx: StrategyContext, tag: number): void;
  onOrderUpdate?(ctx: StrategyContext, o: OrderView, venueId: string): void;
  onFill?(ctx: StrategyContext, f: Fill, venueId: string): void;
  onEnd?(ctx: StrategyContext): void;
}

export interface Subscription {
  /** 'every' message, 'bbo' only when the best bid/ask price or size changes, or 'none'. */
  book?: 'every' | 'bbo' | 'none';
  /** At most one onBook per this many µs of simulated time (0 = no throttle). */
  bookThrottleUs?: number;
  trades?: boolean;
  /** Bar intervals wanted besides the venue's own, e.g. ['1h', '1d'] (multiples of it). */
  bars?: readonly string[];
}

export interface StrategyModule<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** A zod object schema with defaults; unknown parameters are rejected. */
  params: S;
  subscribe?: Subscription;
  /** Absolute path of the module file, set by the loader (used to point errors at the user's code). */
  file?: string;
  create(ctx: StrategyContext, params: z.output<S>): Strategy;
}

/** Identity helper that gives strategy authors type inference for their parameters. */
export function defineStrategy<S extends z.ZodType>(m: StrategyModule<S>): StrategyModule<S> {
  return m;
}
