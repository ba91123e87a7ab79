import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../src/results/query.ts';
import { runWorld } from '../../src/world/run.ts';
import { RunSpecSchema } from '../../src/world/spec.ts';
import { codeSource } from '../../src/world/spec-file.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-liq-orders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 50× long at the first book, and a ladder of small bids 3–12% under it that the crash reaches. */
const STRATEGY = `import { BID, defineStrategy, z } from 'primesim';
export default defineStrategy({
  name: 'long-with-bids', params: z.strictObject({}), subscribe: { book: 'bbo' },
  create() {
    let done = false;
    return {
      onBook(c) {
        if (done) return;
        done = true;
        const inst = c.instrument;
        const ask = c.book.bestAsk;
        const lots = Math.floor((c.account.equity() * 50) / (ask * Number(inst.tickSize)) / Number(inst.lotSize));
        c.submit({ side: BID, type: 'market', sizeLots: lots, tag: 'entry' });
        for (const pct of [3, 6, 9, 12]) c.submit({ side: BID, priceTicks: Math.floor(ask * (1 - pct / 100)), sizeLots: 1, tag: 'bid-' + pct });
      },
    };
  },
});
`;

describe('liquidation and open orders', () => {
  it("the exchange cancels a liquidated account's resting orders: none of the bids the crash runs through fills after the first step", async () => {
    const strat = join(root, 'long-with-bids.ts');
    writeFileSync(strat, STRATEGY);
    const spec = RunSpecSchema.parse({
      name: 'liq-orders',
      seed: 3,
      venues: [{ id: 'perp', kind: 'perp', data: { generate: { seed: 3, events: 400000, profile: 'crash' } }, fees: '2:5', mark: 'median' }],
      accounts: [{ id: 'desk', deposits: { USDT: 1000 }, margin: 'cross' }],
      agents: [{ strategy: strat, account: 'desk', venues: ['perp'] }],
    });
    const r = await runWorld(spec, codeSource(), { runsDir: join(root, 'runs'), runId: 'liq-orders' });
    const liq = (await queryRuns([r.dir], "SELECT min(ts_us) FROM liquidations WHERE account = 'desk'")).rows[0]![0];
    expect(liq).not.toBeNull();
    const first = Number(liq);
    const bids = (await queryRuns([r.dir], "SELECT tag, status, reason, done_ts_us, filled_lots FROM orders WHERE tag LIKE 'bid-%' ORDER BY order_id")).rows;
    expect(bids.length).toBe(4);
    // Each bid either filled before the liquidation began or was cancelled by the exchange at its first step.
    let cancelled = 0;
    for (const [tag, status, reason, done, filled] of bids) {
      if (status === 'filled') expect(Number(done), String(tag)).toBeLessThan(first);
      else {
        expect([status, reason, Number(done), Number(filled)], String(tag)).toEqual(['cancelled', 'cancelled by the exchange: the account is being liquidated', first, 0]);
        cancelled++;
      }
    }
    expect(cancelled).toBeGreaterThan(0);
    // And no fill of the desk's orders after the liquidation started (it only had those bids).
    const late = (await queryRuns([r.dir], `SELECT count(*) FROM fills WHERE ts_us >= ${first}`)).rows[0]![0];
    expect(Number(late)).toBe(0);
  });
});
