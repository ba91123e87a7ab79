export { defineStrategy, type AccountContext, type MarginView, type ParentOrder, type RouteDecision, type PoolContext, type SwapRequest, type VenueContext, type BookView, type PnlView, type Strategy, type StrategyContext, type StrategyModule, type Subscription, type TradeView } from './api.ts';
export { BID, ASK } from '../market/book.ts';
export type { OrderRequest, OrderView, Fill } from '../venues/clob/order.ts';
export { z } from 'zod';
