import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ETHEREUM } from '../../../src/chain/profiles.ts';
import { queryRuns } from '../../../src/results/query.ts';
import { runDexTwapScenario } from '../../../src/scenarios/dex/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'dex-twap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const num = (v: unknown) => Number(v);

describe('DEX TWAP scenario: public mempool vs private relay', () => {
  it('public loses to sandwiches, private does not; settlement delay recorded; byte-identical on rerun', async () => {
    const base = { seed: 11, runsDir: dir, slices: 6, totalEth: 30, sliceIntervalUs: 36_000_000 };
    const pub = await runDexTwapScenario({ ...base, route: 'public', runId: 'pub' });
    const priv = await runDexTwapScenario({ ...base, route: 'private', runId: 'priv' });

    const sumMev = async (d: string) => num((await queryRuns([d], 'SELECT COALESCE(SUM(profit), 0), COUNT(*), COALESCE(SUM(victim_loss), 0) FROM mev')).rows[0]![0]);
    expect(await sumMev(pub.dir)).toBeGreaterThan(0);
    expect(await sumMev(priv.dir)).toBe(0);
    expect(pub.metrics.mev_loss_usdc).toBeGreaterThan(0);
    expect(priv.metrics.mev_loss_usdc).toBe(0);
    // every slice filled; the public route got a worse average price
    expect(pub.metrics.slices_filled).toBe(6);
    expect(priv.metrics.slices_filled).toBe(6);
    expect(pub.metrics.avg_price_usdc!).toBeLessThan(priv.metrics.avg_price_usdc!);

    // per slice: a sandwiched public slice ends at its amountOutMin (the attack is bounded by it)
    const slices = (await queryRuns([pub.dir], 'SELECT slice, amount_out, amount_out_min, mev_loss, settlement_delay_us, final_ts_us, included_ts_us, submitted_ts_us FROM slices ORDER BY slice')).rows;
    expect(slices).toHaveLength(6);
    for (const [, out, min, loss, delay, fin, inc, sub] of slices) {
      if (num(loss) > 0) expect(num(out)).toBeCloseTo(num(min), 5);
      expect(num(delay)).toBeGreaterThan(0);
      // L1 finality: 64 slots after the including block
      expect(num(fin) - num(inc)).toBe(64 * ETHEREUM.slotUs);
      expect(num(delay)).toBe(num(fin) - num(sub));
    }
    // the mev table's victim losses are the slices' losses
    const joined = (await queryRuns([pub.dir], 'SELECT SUM(m.victim_loss) - SUM(s.mev_loss) FROM mev m JOIN slices s ON m.victim_tx = s.tx')).rows[0]![0];
    expect(Math.abs(num(joined))).toBeLessThan(1e-6);
    // blocks every 12 s
    const gaps = (await queryRuns([pub.dir], 'SELECT MIN(d), MAX(d) FROM (SELECT ts_us - LAG(ts_us) OVER (ORDER BY number) AS d FROM blocks) WHERE d IS NOT NULL')).rows[0]!;
    expect(num(gaps[0])).toBe(12_000_000);
    expect(num(gaps[1])).toBe(12_000_000);

    // determinism: same seed, same bytes
    const again = await runDexTwapScenario({ ...base, route: 'public', runId: 'pub2' });
    for (const t of ['blocks', 'txs', 'mev', 'slices', 'arbs']) {
      expect(readFileSync(join(again.dir, `${t}.arrow`)).equals(readFileSync(join(pub.dir, `${t}.arrow`)))).toBe(true);
    }
    const m1 = JSON.parse(readFileSync(join(pub.dir, 'manifest.json'), 'utf8'));
    const m2 = JSON.parse(readFileSync(join(again.dir, 'manifest.json'), 'utf8'));
    expect(m2.resultsSha256).toBe(m1.resultsSha256);
  });
});
