import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../../src/results/query.ts';
import { runDexTwapScenario } from '../../../src/scenarios/dex/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'dex-twap-v3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const num = (v: unknown) => Number(v);

describe('DEX TWAP over a Uniswap v3 pool (0.05%, seeded positions)', () => {
  it('public loses to sandwiches, private does not; money conserved; byte-identical on rerun', async () => {
    const base = { seed: 11, runsDir: dir, slices: 6, totalEth: 30, sliceIntervalUs: 36_000_000, pool: 'v3' as const };
    const pub = await runDexTwapScenario({ ...base, route: 'public', runId: 'v3pub' });
    const priv = await runDexTwapScenario({ ...base, route: 'private', runId: 'v3priv' });

    expect(pub.metrics.mev_loss_usdc).toBeGreaterThan(0);
    expect(pub.metrics.slices_sandwiched).toBeGreaterThan(0);
    expect(priv.metrics.mev_loss_usdc).toBe(0);
    expect(priv.metrics.slices_sandwiched).toBe(0);
    expect(pub.metrics.slices_filled).toBe(6);
    expect(priv.metrics.slices_filled).toBe(6);
    expect(pub.metrics.avg_price_usdc!).toBeLessThan(priv.metrics.avg_price_usdc!);
    for (const m of [pub.metrics, priv.metrics]) {
      expect(m.ledger_nonzero_totals).toBe(0);
      expect(m.chain_ledger_mismatches).toBe(0);
      expect(m.pool_balance_mismatch).toBe(0);
    }
    const mev = (await queryRuns([priv.dir], 'SELECT COUNT(*) FROM mev')).rows[0]![0];
    expect(num(mev)).toBe(0);

    // a sandwiched slice still fills, at its amountOutMin (to a µUSDC), and loses fair − out
    const rows = (await queryRuns([pub.dir], 'SELECT amount_out, amount_out_min, mev_loss, status FROM slices ORDER BY slice')).rows;
    for (const [out, min, loss, status] of rows) {
      expect(status).toBe('success');
      expect(num(out)).toBeGreaterThanOrEqual(num(min));
      if (num(loss) > 0) expect(num(out) - num(min)).toBeLessThanOrEqual(1e-6 + 1e-9);
    }
    const cfg = JSON.parse(readFileSync(join(pub.dir, 'manifest.json'), 'utf8'));
    expect(JSON.stringify(cfg)).toContain('"pool":"v3"');

    const again = await runDexTwapScenario({ ...base, route: 'public', runId: 'v3pub2' });
    for (const t of ['blocks', 'txs', 'mev', 'slices', 'arbs']) {
      expect(readFileSync(join(again.dir, `${t}.arrow`)).equals(readFileSync(join(pub.dir, `${t}.arrow`)))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(again.dir, 'manifest.json'), 'utf8')).resultsSha256).toBe(cfg.resultsSha256);
  });

  it('rejects an unknown pool kind or fee tier', async () => {
    await expect(runDexTwapScenario({ seed: 1, runsDir: dir, route: 'public', pool: 'v4' as 'v3' })).rejects.toThrow(/pool/);
    await expect(runDexTwapScenario({ seed: 1, runsDir: dir, route: 'public', pool: 'v3', v3FeePips: 42 })).rejects.toThrow(/v3FeePips/);
  });
});
