import { ConfigError } from '../errors.ts';
import type { Rng } from '../kernel/rng.ts';

/** What a queue model needs of a resting own order. */
export interface QueuedOrder {
  /** Visible (non-own) lots ahead of this order at its price. Never negative. */
  ahead: number;
  /** Trade lots seen at this level since the last depth update (so a trade and the depth update that reports it are not counted twice). */
  cumTradeLots: number;
}

/**
 * Where an own order sits in the visible queue at its price, and how that changes when the
 * replayed level shrinks for reasons other than trades (cancels). Trades are handled by the
 * venue's FIFO (shared by all own orders at a level); the models differ only in how much of a
 * decrease they assume happened ahead of the order.
 */
export interface QueueModel {
  readonly name: string;
  /** A new order joins behind everything visible. */
  onPlaced(o: QueuedOrder, visibleLots: number): void;
  /** The level went from `prevLots` to `nextLots` (both visible, non-own). */
  onLevelChange(o: QueuedOrder, prevLots: number, nextLots: number, rng: Rng): void;
}

function clampAhead(o: QueuedOrder, nextLots: number): void {
  // The queue ahead can never exceed what is visible at the level.
  if (o.ahead > nextLots) o.ahead = nextLots;
  if (o.ahead < 0) o.ahead = 0;
}

abstract class BaseQueue implements QueueModel {
  abstract readonly name: string;
  onPlaced(o: QueuedOrder, visibleLots: number): void {
    o.ahead = visibleLots;
    o.cumTradeLots = 0;
  }
  abstract onLevelChange(o: QueuedOrder, prevLots: number, nextLots: number, rng: Rng): void;
}

/**
 * Risk-averse: cancels always come from behind us; we only advance when the level shrinks below
 * our position (and on trades).
 */
export class RiskAverseQueue extends BaseQueue {
  readonly name = 'risk-averse';
  onLevelChange(o: QueuedOrder, _prev: number, nextLots: number): void {
    o.cumTradeLots = 0;
    clampAhead(o, nextLots);
  }
}

/**
 * Probabilistic (hftbacktest-style): a decrease not explained by trades happened ahead of us with
 * probability p = f(back) / (f(back) + f(front)). We draw it as one Bernoulli per decrease, so
 * the expected advance equals the classic deterministic model while a different seed gives a
 * different path.
 */
abstract class ProbQueue extends BaseQueue {
  protected abstract f(x: number): number;
  onLevelChange(o: QueuedOrder, prevLots: number, nextLots: number, rng: Rng): void {
    let chg = prevLots - nextLots - o.cumTradeLots;
    o.cumTradeLots = 0;
    if (chg <= 0 || nextLots >= prevLots) {
      clampAhead(o, nextLots);
      return;
    }
    const front = o.ahead;
    const back = Math.max(0, prevLots - front);
    const fb = this.f(back);
    const ff = this.f(front);
    const p = fb + ff > 0 ? fb / (fb + ff) : 1;
    if (chg > front) chg = front;
    if (rng.next() < p) o.ahead = front - chg;
    clampAhead(o, nextLots);
  }
}

export class PowerProbQueue extends ProbQueue {
  readonly name: string;
  constructor(readonly n: number) {
    super();
    if (!(n > 0)) throw new ConfigError(`power queue exponent must be > 0, got ${n}`, { field: 'queue' });
    this.name = `power:${n}`;
  }
  protected f(x: number): number {
    return Math.pow(x, this.n);
  }
}

export class LogProbQueue extends ProbQueue {
  readonly name = 'log';
  protected f(x: number): number {
    return Math.log1p(x);
  }
}

/** Parse `risk-averse`, `power:3`, `log`. */
export function parseQueueModel(spec: string): QueueModel {
  const [kind, arg] = spec.split(':');
  switch (kind) {
    case 'risk-averse':
    case 'riskaverse':
      return new RiskAverseQueue();
    case 'power':
      return new PowerProbQueue(arg === undefined ? 2 : Number(arg));
    case 'log':
      return new LogProbQueue();
    default:
      throw new ConfigError(`unknown queue model "${spec}"`, { field: 'queue', hint: 'use risk-averse, power:<n> or log' });
  }
}
