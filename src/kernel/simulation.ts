import { EventQueue, type EventHandler } from './event-queue.ts';
import { Rng } from './rng.ts';

/** Priority classes break ties at equal timestamps: data first, then venue arrivals, then timers. */
export const PRIO_DATA = 0;
export const PRIO_VENUE = 1;
export const PRIO_RESPONSE = 2;
export const PRIO_TIMER = 3;

/**
 * A time-sorted source of events the kernel merges with scheduled events. `peekTs` is the next
 * event's time (+Infinity when exhausted); `dispatch` processes exactly that event and advances.
 */
export interface Source {
  readonly priority: number;
  peekTs(): number;
  dispatch(): void;
  /**
   * Optional fast path: process events up to `limitUs` (the next other source's time) in one
   * call, stopping early when a scheduled event becomes due; returns how many were processed.
   */
  dispatchBatch?(limitUs: number): number;
}

export interface RunHooks {
  /** Called every `progressEvery` events with the event count and the simulated time. */
  onProgress?(events: number, nowUs: number): void;
  progressEvery?: number;
}

/**
 * The simulation kernel: one clock, one event queue, one RNG tree, and a k-way merge of sources
 * with scheduled events. It knows nothing about markets.
 */
export class Simulation {
  nowUs = 0;
  events = 0;
  readonly queue = new EventQueue();
  readonly rng: Rng;
  private readonly sources: Source[] = [];
  private stopped = false;

  constructor(seed: number | string) {
    this.rng = Rng.root(seed);
  }

  addSource(s: Source): void {
    this.sources.push(s);
  }

  /** Schedule `handler.onEvent(ts, a, b)`; a time in the past is clamped to now (causality). */
  schedule(tsUs: number, priority: number, handler: EventHandler, a = 0, b = 0): void {
    this.queue.push(tsUs < this.nowUs ? this.nowUs : tsUs, priority, handler, a, b);
  }

  /** A repeating timer: `handler.onEvent` every `intervalUs` from `startUs` until `endUs`. */
  every(startUs: number, intervalUs: number, endUs: number, handler: EventHandler, tag = 0): void {
    const sim = this;
    const tick: EventHandler = {
      onEvent(ts, a, b) {
        handler.onEvent(ts, a, b);
        const next = ts + intervalUs;
        if (next <= endUs) sim.schedule(next, PRIO_TIMER, tick, a, b);
      },
    };
    this.schedule(startUs, PRIO_TIMER, tick, tag, 0);
  }

  /**
   * Events dispatched so far by a source's current batch (not yet in `events`); sources set it
   * before calling out, so `eventIndex` names the event being handled, e.g. in error messages.
   */
  batchDone = 0;

  get eventIndex(): number {
    return this.events + this.batchDone;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Run until every source and the queue are exhausted, or `untilUs`, or `stop()` (e.g. from the
   * progress hook). Returns true when stopped: a later `run` resumes exactly where it paused.
   */
  run(untilUs = Infinity, hooks: RunHooks = {}): boolean {
    const srcs = this.sources;
    const q = this.queue;
    const every = hooks.progressEvery ?? 1 << 20;
    let nextReport = this.events + every;
    this.stopped = false;
    for (;;) {
      // Pick the earliest source; ties go to the lower priority class, then registration order.
      let best: Source | undefined;
      let bestTs = Infinity;
      let bestPrio = 0;
      let secondTs = Infinity;
      for (let i = 0; i < srcs.length; i++) {
        const s = srcs[i]!;
        const t = s.peekTs();
        if (t < bestTs || (t === bestTs && best !== undefined && s.priority < bestPrio)) {
          if (bestTs < secondTs) secondTs = bestTs;
          best = s;
          bestTs = t;
          bestPrio = s.priority;
        } else if (t < secondTs) secondTs = t;
      }
      const qTs = q.peekTs();
      if (qTs < bestTs || (qTs === bestTs && qTs !== Infinity && q.peekPriority() < bestPrio)) {
        if (qTs > untilUs) break;
        this.nowUs = qTs;
        q.dispatchNext();
      } else if (best !== undefined) {
        if (bestTs > untilUs) break;
        this.nowUs = bestTs;
        if (best.dispatchBatch !== undefined) {
          // A batch stops before the next other source's time (integer µs, hence − 0.5), so ties
          // between sources still go one event at a time in priority order.
          const limit = Math.min(untilUs, secondTs - 0.5);
          this.events += best.dispatchBatch(limit) - 1;
        } else {
          best.dispatch();
        }
      } else {
        break;
      }
      if (++this.events >= nextReport) {
        nextReport += every;
        hooks.onProgress?.(this.events, this.nowUs);
      }
      if (this.stopped) break;
    }
    const paused = this.stopped;
    hooks.onProgress?.(this.events, this.nowUs);
    return paused;
  }
}
