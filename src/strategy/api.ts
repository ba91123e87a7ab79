import type { z } from 'zod';
import type { Rng } from '../kernel/rng.ts';
import type { Side } from '../market/book.ts';
import type { Instrument } from '../market/instrument.ts';
import type { Fill, OrderRequest, OrderView } from '../venues/clob/order.ts';

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

export interface PnlView {
  /** All in the instrument's settlement asset (e.g. USDT, or BTC for inverse). */
  realized: number;
  unrealized: number;
  fees: number;
  equity: number;
}

export interface StrategyContext {
  readonly nowUs: number;
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
}

export interface Strategy {
  onStart?(ctx: StrategyContext): void;
  /** After each complete book message (throttled by `subscribe.bookThrottleUs`). */
  onBook?(ctx: StrategyContext): void;
  onTrade?(ctx: StrategyContext, t: TradeView): void;
  onTimer?(ctx: StrategyContext, tag: number): void;
  onOrderUpdate?(ctx: StrategyContext, o: OrderView): void;
  onFill?(ctx: StrategyContext, f: Fill): void;
  onEnd?(ctx: StrategyContext): void;
}

export interface Subscription {
  /** 'every' message, 'bbo' only when the best bid/ask price or size changes, or 'none'. */
  book?: 'every' | 'bbo' | 'none';
  /** At most one onBook per this many µs of simulated time (0 = no throttle). */
  bookThrottleUs?: number;
  trades?: boolean;
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
