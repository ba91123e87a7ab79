import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../../src/results/query.ts';
import { runLendingLiquidationScenario } from '../../../src/scenarios/dex/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'liq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lending liquidation scenario', () => {
  it('liquidates only below HF 1 with the Aave close factor, and records the lending table', async () => {
    const r = await runLendingLiquidationScenario({ seed: 5, runsDir: dir, borrowers: 8, blocks: 40, crash: 0.3, runId: 'a' });
    expect(r.metrics.liquidations).toBeGreaterThan(0);
    const rows = (await queryRuns([r.dir], 'SELECT COUNT(*), COUNT(DISTINCT account) FROM lending')).rows[0]!;
    expect(Number(rows[0])).toBe(8 * 40);
    expect(Number(rows[1])).toBe(8);
    const bad = (await queryRuns([r.dir], `SELECT COUNT(*) FROM liquidations WHERE hf_before >= 1
      OR (hf_before > 0.95 AND close_factor_bps <> 5000) OR (hf_before <= 0.95 AND close_factor_bps <> 10000)`)).rows[0]![0];
    expect(Number(bad)).toBe(0);
    // one PGA winner per liquidation, recorded as MEV of kind liquidation
    const mev = (await queryRuns([r.dir], "SELECT COUNT(*) FROM mev WHERE kind = 'liquidation'")).rows[0]![0];
    expect(Number(mev)).toBe(r.metrics.liquidations);
    // the per-account liquidation counter ends at the liquidations table's count
    const diff = (await queryRuns([r.dir], `SELECT COUNT(*) FROM (SELECT account, MAX(liquidations) n FROM lending GROUP BY account) l
      LEFT JOIN (SELECT "user", COUNT(*) n FROM liquidations GROUP BY "user") q ON q."user" = l.account WHERE l.n <> COALESCE(q.n, 0)`)).rows[0]![0];
    expect(Number(diff)).toBe(0);
    const again = await runLendingLiquidationScenario({ seed: 5, runsDir: dir, borrowers: 8, blocks: 40, crash: 0.3, runId: 'b' });
    for (const t of ['blocks', 'txs', 'mev', 'lending', 'liquidations']) {
      expect(readFileSync(join(again.dir, `${t}.arrow`)).equals(readFileSync(join(r.dir, `${t}.arrow`)))).toBe(true);
    }
  });
});
