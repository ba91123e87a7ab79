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
 * Probabilistic queue position, as hftbacktest's `ProbQueueModel::depth_changed`: of a decrease
 * `chg` not explained by trades, `prob = f(back) / (f(back) + f(front))` is the probability that
 * it happened *behind* the order, and the estimated position afterwards is
 *
 *     est = front − (1 − prob)·chg + min(back − prob·chg, 0),   capped at the new level size.
 *
 * (An earlier version advanced with probability `prob`, i.e. backwards: an order with 100 lots
 * ahead and 10 behind barely moved on a 10-lot cancel; hftbacktest puts it at 90.01.)
 *
 * Rather than carry a fractional position, each decrease is drawn between its two extremes —
 * all of it ahead (`front − chg`) or none of it (`front`), both within [0, new size] — with the
 * probability that makes the expected position exactly `est`. So the mean over seeds is
 * hftbacktest's estimate, and a different seed gives a different path.
 */
export function hftbacktestEstimate(front: number, prevLots: number, chg: number, newLots: number, prob: number): number {
  const back = prevLots - front;
  const p = Number.isFinite(prob) ? prob : 1;
  return Math.min(front - (1 - p) * chg + Math.min(back - p * chg, 0), newLots);
}

abstract class ProbQueue extends BaseQueue {
  protected abstract f(x: number): number;

  /** P(the decrease happened behind the order), hftbacktest's `prob(front, back)`. */
  probBehind(front: number, back: number): number {
    const fb = this.f(back);
    const ff = this.f(front);
    const p = fb / (fb + ff);
    return Number.isFinite(p) ? p : 1;
  }

  onLevelChange(o: QueuedOrder, prevLots: number, nextLots: number, rng: Rng): void {
    const chg = prevLots - nextLots - o.cumTradeLots;
    o.cumTradeLots = 0;
    if (chg <= 0) {
      // An increase (or a change the trades already explain) goes behind us.
      clampAhead(o, nextLots);
      return;
    }
    const front = o.ahead;
    const back = Math.max(0, prevLots - front);
    const est = Math.max(0, hftbacktestEstimate(front, prevLots, chg, nextLots, this.probBehind(front, back)));
    const lo = Math.max(0, front - chg);
    const hi = Math.min(front, nextLots);
    if (hi <= lo) {
      o.ahead = Math.min(est, hi);
    } else {
      const t = Math.min(Math.max(est, lo), hi);
      o.ahead = rng.next() < (hi - t) / (hi - lo) ? lo : hi;
    }
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
