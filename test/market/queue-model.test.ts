import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/kernel/rng.ts';
import { LogProbQueue, PowerProbQueue, RiskAverseQueue, type QueueModel, type QueuedOrder } from '../../src/market/queue-model.ts';

/**
 * hftbacktest's ProbQueueModel::depth_changed (nkaz001/hftbacktest, hftbacktest/src/backtest/
 * models/queue.rs), transcribed here independently of the engine's code:
 *
 *   let chg = prev_qty - new_qty - cum_trade_qty;  if chg < 0 { front = min(front, new); return }
 *   let back = prev_qty - front;
 *   let prob = f(back) / (f(back) + f(front));       // PowerProbQueueFunc: f(x) = x^n; Log: ln(1 + x)
 *   let est_front = front - (1 - prob) * chg + min(back - prob * chg, 0);
 *   front = min(est_front, new_qty);
 */
function upstream(f: (x: number) => number, front: number, prev: number, next: number): number {
  const chg = prev - next;
  const back = prev - front;
  let prob = f(back) / (f(back) + f(front));
  if (!Number.isFinite(prob)) prob = 1;
  const est = front - (1 - prob) * chg + Math.min(back - prob * chg, 0);
  return Math.min(est, next);
}

function meanAfter(model: QueueModel, front: number, prev: number, next: number, draws: number): { mean: number; sd: number } {
  const rng = Rng.root(`queue-diff-${model.name}-${front}-${prev}-${next}`);
  const o: QueuedOrder = { ahead: 0, cumTradeLots: 0 };
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < draws; i++) {
    o.ahead = front;
    o.cumTradeLots = 0;
    model.onLevelChange(o, prev, next, rng);
    if (!(o.ahead >= 0 && o.ahead <= next)) throw new Error(`position ${o.ahead} outside [0, ${next}]`);
    sum += o.ahead;
    sum2 += o.ahead * o.ahead;
  }
  const mean = sum / draws;
  return { mean, sd: Math.sqrt(Math.max(0, sum2 / draws - mean * mean)) };
}

describe('probabilistic queue models = hftbacktest in expectation', () => {
  // (front, back, chg): front ≫ back, back ≫ front, equal, a decrease larger than back, an empty back.
  const points: [number, number, number][] = [
    [100, 10, 10],
    [10, 100, 10],
    [50, 50, 20],
    [30, 5, 20],
    [40, 0, 10],
    [5, 200, 100],
    [1, 1, 1],
    [300, 300, 590],
  ];
  const models: [QueueModel, (x: number) => number][] = [
    [new PowerProbQueue(3), (x) => x ** 3],
    [new PowerProbQueue(1), (x) => x],
    [new PowerProbQueue(2), (x) => x ** 2],
    [new LogProbQueue(), (x) => Math.log(1 + x)],
  ];
  const N = 20_000;

  it('the worked example: 100 ahead, 10 behind, a 10-lot cancel leaves 90.01 ahead (power:3)', () => {
    expect(upstream((x) => x ** 3, 100, 110, 100)).toBeCloseTo(90.00999, 4);
    const { mean, sd } = meanAfter(new PowerProbQueue(3), 100, 110, 100, N);
    expect(Math.abs(mean - 90.00999)).toBeLessThan(4 * (sd / Math.sqrt(N)) + 1e-9);
    expect(mean).toBeLessThan(91); // the old model left it near 100
  });

  for (const [model, f] of models) {
    it(`${model.name}: mean position over ${N} draws equals the upstream estimate at every point`, () => {
      for (const [front, back, chg] of points) {
        const prev = front + back;
        const next = prev - chg;
        const want = Math.max(0, upstream(f, front, prev, next));
        const { mean, sd } = meanAfter(model, front, prev, next, N);
        const se = sd / Math.sqrt(N);
        expect(Math.abs(mean - want), `${model.name} front=${front} back=${back} chg=${chg}: mean ${mean} vs ${want}`).toBeLessThanOrEqual(4 * se + 1e-9);
      }
    });
  }

  it('increases and trade-explained decreases never move the order forward; risk-averse only clamps', () => {
    const rng = Rng.root(1);
    const o: QueuedOrder = { ahead: 40, cumTradeLots: 0 };
    new PowerProbQueue(2).onLevelChange(o, 100, 120, rng);
    expect(o.ahead).toBe(40);
    o.cumTradeLots = 15; // a 15-lot trade already advanced us; the depth update reports it
    new PowerProbQueue(2).onLevelChange(o, 100, 85, rng);
    expect(o.ahead).toBe(40);
    expect(o.cumTradeLots).toBe(0);
    (new RiskAverseQueue() as QueueModel).onLevelChange(o, 85, 30, rng);
    expect(o.ahead).toBe(30);
  });
});
