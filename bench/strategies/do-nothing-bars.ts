import { defineStrategy, z } from 'primesim';

/**
 * The bars bench's floor: reads every bar and never trades, so a run of it costs what the world
 * costs per bar (the bar points, the mark, the margin engine, the recorder's samples, the output)
 * with no order at all. The SMA crossover's run less this one is what its orders cost.
 */
export default defineStrategy({
  name: 'do-nothing-bars',
  description: 'Reads every bar, never trades (the bars bench floor).',
  params: z.strictObject({}),
  subscribe: { book: 'none' },
  create() {
    let sum = 0;
    return {
      onBar(_c, bar) {
        sum += bar.close;
      },
      onEnd() {
        if (sum === -1) console.log(sum);
      },
    };
  },
});
