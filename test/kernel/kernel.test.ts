import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/kernel/event-queue.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { PRIO_DATA, PRIO_TIMER, Simulation, type Source } from '../../src/kernel/simulation.ts';

describe('kernel', () => {
  it('property: the event queue pops in (ts, priority, seq) order, like a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }), (evs) => {
        const q = new EventQueue(4);
        const got: number[] = [];
        const h = { onEvent: (_t: number, a: number) => got.push(a) };
        evs.forEach(([t, p], i) => q.push(t, p, h, i));
        while (q.size > 0) q.dispatchNext();
        const want = evs.map((e, i) => ({ t: e[0], p: e[1], i })).sort((x, y) => x.t - y.t || x.p - y.p || x.i - y.i).map((e) => e.i);
        expect(got).toEqual(want);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('RNG streams are reproducible per (seed, name) and independent of siblings', () => {
    const a1 = Rng.root(7).split('venue');
    const a2 = Rng.root(7).split('venue');
    const b = Rng.root(7).split('strategy');
    const xs1 = Array.from({ length: 5 }, () => a1.next());
    const xs2 = Array.from({ length: 5 }, () => a2.next());
    expect(xs1).toEqual(xs2);
    expect(Array.from({ length: 5 }, () => b.next())).not.toEqual(xs1);
    expect(Array.from({ length: 5 }, () => Rng.root(8).split('venue').next())).not.toEqual(xs1);
    for (const x of xs1) expect(x >= 0 && x < 1).toBe(true);
  });

  it('RNG discard(n) leaves the stream where n draws of next() would', () => {
    const a = Rng.root(3).split('pga');
    const b = Rng.root(3).split('pga');
    for (let i = 0; i < 7; i++) a.next();
    b.discard(7);
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(Array.from({ length: 5 }, () => a.next()));
  });

  it('RNG uniform draws have the right mean and variance (10^5 draws)', () => {
    const r = Rng.root(1);
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - s * s / n / n - 1 / 12)).toBeLessThan(0.002);
  });

  it('merges sources with scheduled events; data wins ties, timers fire at their time', () => {
    const sim = new Simulation(1);
    const log: string[] = [];
    const times = [10, 20, 20, 30];
    let i = 0;
    const src: Source = {
      priority: PRIO_DATA,
      peekTs: () => (i < times.length ? times[i]! : Infinity),
      dispatch: () => {
        log.push(`d${times[i]}`);
        if (times[i] === 10) sim.schedule(20, PRIO_TIMER, { onEvent: (t) => log.push(`e${t}`) });
        i++;
      },
    };
    sim.addSource(src);
    sim.every(15, 10, 35, { onEvent: (t) => log.push(`t${t}`) });
    sim.run();
    expect(log).toEqual(['d10', 't15', 'd20', 'd20', 'e20', 't25', 'd30', 't35']);
    expect(sim.events).toBe(8);
  });

  it('property: a run paused from its progress hook and resumed dispatches exactly what one run does', () => {
    // Two data sources (one dispatching in batches, as bar and path sources do), events they
    // schedule, and a timer: the log of an uninterrupted run against one stopped every k events.
    const world = (times: number[][], follow: number[]) => {
      const sim = new Simulation(1);
      const log: string[] = [];
      times.forEach((ts, s) => {
        let i = 0;
        const one = () => {
          const t = ts[i]!;
          log.push(`s${s}@${t}`);
          if (follow[i % follow.length]! > 0) sim.schedule(t + follow[i % follow.length]!, PRIO_TIMER, { onEvent: (u) => log.push(`f${s}@${u}`) });
          i++;
        };
        const src: Source = { priority: PRIO_DATA, peekTs: () => (i < ts.length ? ts[i]! : Infinity), dispatch: one };
        if (s === 1) {
          src.dispatchBatch = (limit) => {
            let n = 0;
            do {
              sim.nowUs = ts[i]!;
              one();
              n++;
            } while (i < ts.length && ts[i]! <= limit && ts[i]! <= sim.queue.peekTs());
            return n;
          };
        }
        sim.addSource(src);
      });
      sim.every(0, 7, 1000, { onEvent: (t) => log.push(`t${t}`) });
      return { sim, log };
    };
    const sorted = fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }).map((a) => a.sort((x, y) => x - y));
    fc.assert(
      fc.property(sorted, sorted, fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 50 }), (a, b, follow, k) => {
        const whole = world([a, b], follow);
        whole.sim.run(900);
        const sliced = world([a, b], follow);
        let slices = 0;
        const hooks = { progressEvery: k, onProgress: () => sliced.sim.stop() };
        while (sliced.sim.run(900, hooks)) slices++;
        expect(sliced.log).toEqual(whole.log);
        expect(sliced.sim.events).toBe(whole.sim.events);
        expect(sliced.sim.nowUs).toBe(whole.sim.nowUs);
        // It did pause (when there was more than a slice of work).
        if (whole.sim.events > k + 1) expect(slices).toBeGreaterThan(0);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
