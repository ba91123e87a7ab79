import { ASK, BID, type Side } from '../../market/book.ts';
import { ConfigError } from '../../errors.ts';
import type { QueuedOrder } from '../../market/queue-model.ts';

/** `stop`: a stop-market order, triggered when the price reaches `priceTicks` (bar-execution venues). */
export type OrderType = 'limit' | 'market' | 'stop';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'pending' | 'open' | 'filled' | 'cancelled' | 'rejected';

export interface OrderRequest {
  side: Side;
  type?: OrderType;
  /** Required for limit orders (the limit) and stop orders (the trigger); not for a trailing stop. */
  priceTicks?: number;
  /**
   * A stop that trails (bar-execution venues): its trigger follows the best price since it
   * arrived — a sell's the highest, less `trailBps`; a buy's the lowest, plus — and it fires when
   * the price comes back that far (Binance's trailing stop, its callback rate in basis points).
   */
  trailBps?: number;
  /**
   * A stop-limit (bar-execution venues): when its trigger fires it fills like a stop-market only
   * at this limit or better; otherwise it rests as a limit order at this price.
   */
  limitTicks?: number;
  sizeLots: number;
  tif?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  tag?: string;
}

export const STATUS_CODE: Record<OrderStatus, number> = { pending: 0, open: 1, filled: 2, cancelled: 3, rejected: 4 };

/** An order of the desk. Queue fields are owned by the venue's queue model. */
export interface OwnOrder extends QueuedOrder {
  readonly id: number;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly tag: string;
  priceTicks: number;
  sizeLots: number;
  filledLots: number;
  status: OrderStatus;
  reason: string;
  submitTsUs: number;
  arrivalTsUs: number;
  /** When the order last joined a queue (for queue-wait metrics). */
  restTsUs: number;
  doneTsUs: number;
  /** Mid when the strategy decided (slippage reference). */
  decisionMidTicks: number;
  /** An amend waiting to reach the venue. */
  pendingAmend?: { priceTicks: number; sizeLots: number };
  /** A trailing stop's trail (bps) and the best price (ticks) the path has reached since it arrived. */
  readonly trailBps?: number;
  trailExtremeTicks?: number;
  /** A stop-limit's limit; once its trigger fired and it could not fill there, it rests as a limit (`triggered`). */
  readonly limitTicks?: number;
  triggered?: boolean;
}

/** What a report tells the desk of its order (a copy taken when the venue sends it). */
export interface OrderReport {
  readonly id: number;
  readonly priceTicks: number;
  readonly sizeLots: number;
  readonly filledLots: number;
  readonly status: OrderStatus;
  readonly reason: string;
}

/** The report of an order as it is now: five fields, copied (a spread of the whole order cost more than the rest of sending it). */
export function reportOf(o: OwnOrder): OrderReport {
  return { id: o.id, priceTicks: o.priceTicks, sizeLots: o.sizeLots, filledLots: o.filledLots, status: o.status, reason: o.reason };
}

/**
 * The desk's view of one of its orders: what it asked for and what the venue has reported so
 * far (after response latency). Strategies read these, never the venue's live order.
 */
export interface OrderView {
  readonly id: number;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly tag: string;
  readonly submitTsUs: number;
  priceTicks: number;
  sizeLots: number;
  filledLots: number;
  status: OrderStatus;
  reason: string;
  /** An amend was sent and not yet acknowledged. */
  pendingAmend: boolean;
}

export function remaining(o: OwnOrder): number {
  return o.sizeLots - o.filledLots;
}

export interface Fill {
  seq: number;
  tsUs: number;
  orderId: number;
  side: Side;
  priceTicks: number;
  sizeLots: number;
  maker: boolean;
  fee: bigint;
  realized: bigint;
  midTicks: number;
  decisionMidTicks: number;
  queueWaitUs: number;
  positionLots: number;
}

/**
 * An order request as a strategy may send it, checked before any venue reads it: a JavaScript
 * strategy has no compiler to catch `side: 'buy'` (anything not BID was a sell) or `type: 'Market'`.
 */
export function checkOrderRequest(req: OrderRequest): void {
  const type = req.type ?? 'limit';
  if (req.side !== BID && req.side !== ASK) throw new ConfigError(`order side ${JSON.stringify(req.side)} is not BID (0) or ASK (1)`, { field: 'side', hint: "import { BID, ASK } from 'primesim'" });
  if (type !== 'limit' && type !== 'market' && type !== 'stop') throw new ConfigError(`order type ${JSON.stringify(type)} is not limit, market or stop`, { field: 'type', ...caseHint(type, ['limit', 'market', 'stop']) });
  if (req.tif !== undefined && req.tif !== 'GTC' && req.tif !== 'IOC' && req.tif !== 'FOK') throw new ConfigError(`time in force ${JSON.stringify(req.tif)} is not GTC, IOC or FOK`, { field: 'tif', ...caseHint(req.tif, ['GTC', 'IOC', 'FOK']) });
  if (!(req.sizeLots > 0) || !Number.isInteger(req.sizeLots)) throw new ConfigError(`order size ${req.sizeLots} lots is not a positive integer`, { field: 'sizeLots' });
  if (req.limitTicks !== undefined) {
    if (type !== 'stop') throw new ConfigError(`limitTicks applies to stop orders (a stop-limit), not to a ${type} order`, { field: 'limitTicks' });
    if (!Number.isInteger(req.limitTicks) || req.limitTicks <= 0) throw new ConfigError(`stop-limit price ${String(req.limitTicks)} ticks is not a positive integer`, { field: 'limitTicks' });
  }
  if (req.trailBps !== undefined) {
    if (type !== 'stop') throw new ConfigError(`trailBps applies to stop orders (a trailing stop), not to a ${type} order`, { field: 'trailBps' });
    if (!(req.trailBps > 0 && req.trailBps < 10_000)) throw new ConfigError(`trail ${String(req.trailBps)} bps is not between 0 and 10,000`, { field: 'trailBps' });
    if (req.priceTicks !== undefined) throw new ConfigError('a trailing stop takes trailBps, not priceTicks: its trigger follows the price from where it arrives', { field: 'priceTicks' });
    return;
  }
  if ((type === 'limit' || type === 'stop') && (req.priceTicks === undefined || !Number.isInteger(req.priceTicks) || req.priceTicks <= 0)) {
    throw new ConfigError(`${type} order price ${String(req.priceTicks)} ticks is not a positive integer`, { field: 'priceTicks' });
  }
}

/** "did you mean 'GTC'?" for a value that is one of `allowed` but for its case ('gtc', 'Market'). */
function caseHint(v: unknown, allowed: readonly string[]): { hint?: string } {
  const m = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  return m === undefined ? {} : { hint: `did you mean '${m}'?` };
}

/** An amend's new price and size, checked as a new order's are (a fractional or negative price rested and filled). */
export function checkAmend(priceTicks: number, sizeLots: number): void {
  if (!Number.isInteger(priceTicks) || priceTicks <= 0) throw new ConfigError(`amend price ${String(priceTicks)} ticks is not a positive integer`, { field: 'priceTicks' });
  if (!Number.isInteger(sizeLots) || sizeLots <= 0) throw new ConfigError(`amend size ${String(sizeLots)} lots is not a positive integer`, { field: 'sizeLots', hint: 'cancel the order to take it off' });
}
