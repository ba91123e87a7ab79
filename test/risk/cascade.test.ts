import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../src/results/query.ts';
import { runCascadeScenario, type CascadeResult } from '../../src/risk/cascade.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'primesim-cascade-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

/** Groups of liquidation steps separated by more than `gapUs` without any. */
function waves(r: CascadeResult, gapUs: number): number {
  let n = 0;
  let last = -Infinity;
  for (const x of r.liquidations) {
    if (x.tsUs - last > gapUs) n++;
    last = x.tsUs;
  }
  return n;
}

describe('liquidation cascade scenario', async () => {
  const base = await runCascadeScenario({ seed: 11, runsDir, runId: 'cascade-off' });
  const noImpact = await runCascadeScenario({ seed: 11, runsDir, write: false, impact: false });
  const halted = await runCascadeScenario({ seed: 11, runsDir, runId: 'cascade-breaker', breaker: { haltThreshold: 0.1, windowUs: 300e6, haltUs: 60e6 } });

  it('liquidation sales push the mark lower and feed further liquidations', () => {
    const sells = base.liquidations.filter((r) => r.kind !== 'adl' && r.sizeLots > 0);
    expect(sells.length).toBeGreaterThan(50);
    for (const r of sells) expect(r.markAfter).toBeLessThanOrEqual(r.markBefore);
    // Levels hold at most 1.5 × 400 lots: a larger sale must clear the best bid, so the mid must fall.
    const big = sells.filter((r) => r.sizeLots > 600);
    expect(big.length).toBeGreaterThan(20);
    for (const r of big) expect(r.markAfter).toBeLessThan(r.markBefore);
    const drop = sells.reduce((s, r) => s + (r.markBefore - r.markAfter), 0);
    expect(drop).toBeGreaterThan(0.02 * 60_000); // liquidation sales alone moved the mark by > 2%
    // Many price levels, several waves.
    expect(new Set(base.liquidations.map((r) => Math.round(r.markBefore))).size).toBeGreaterThan(20);
    expect(waves(base, 5e6)).toBeGreaterThan(1);
    // Feedback: with book impact the mark goes lower and more accounts are liquidated than in the
    // same run where liquidation orders leave the book alone.
    expect(base.metrics.min_mark!).toBeLessThan(noImpact.metrics.min_mark!);
    expect(base.metrics.accounts_liquidated!).toBeGreaterThan(noImpact.metrics.accounts_liquidated!);
    // Some marks are set by liquidation sales themselves (not only by the maker's requotes).
    expect(base.marks.filter((m) => m.source === 'liquidation').length).toBeGreaterThan(0);
    expect(base.ledgerTotal).toBe(0n);
  });

  it('the circuit breaker halts and no liquidation runs during the halt', () => {
    const halts = halted.breakerEvents.filter((e) => e.kind === 'halt');
    expect(halts.length).toBeGreaterThan(0);
    const h0 = halts[0]!.tsUs;
    const h1 = h0 + 60e6;
    const inWindow = (r: CascadeResult) => r.liquidations.filter((x) => x.tsUs > h0 && x.tsUs < h1).length;
    expect(inWindow(halted)).toBe(0);
    expect(inWindow(base)).toBeGreaterThan(0);
    expect(halted.breakerEvents.some((e) => e.kind === 'resume' && e.tsUs === h1)).toBe(true);
    expect(halted.ledgerTotal).toBe(0n);
  });

  it('is deterministic: same seed, byte-identical result files', async () => {
    const again = await runCascadeScenario({ seed: 11, runsDir, runId: 'cascade-breaker-again', breaker: { haltThreshold: 0.1, windowUs: 300e6, haltUs: 60e6 } });
    const sha = (dir: string) => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { resultsSha256: string }).resultsSha256;
    expect(sha(again.dir)).toBe(sha(halted.dir));
  });

  it('writes margin, liquidations and breakers tables that DuckDB can query', async () => {
    const q = await queryRuns([halted.dir], 'SELECT (SELECT count(*) FROM liquidations), (SELECT count(*) FROM breakers WHERE kind = \'halt\'), (SELECT count(DISTINCT account) FROM margin), (SELECT max(adl_counterparties) >= 0 FROM liquidations)');
    const row = q.rows[0]!.map(Number);
    expect(row[0]).toBe(halted.liquidations.length);
    expect(row[1]).toBe(halted.breakerEvents.filter((e) => e.kind === 'halt').length);
    expect(row[2]).toBe(220);
    const cols = await queryRuns([base.dir], 'SELECT * FROM liquidations LIMIT 1');
    for (const c of ['ts_us', 'account', 'step', 'size_lots', 'price', 'fee', 'bad_debt', 'fund_balance', 'adl_counterparties']) expect(cols.columns).toContain(c);
    const m = await queryRuns([base.dir], 'SELECT * FROM margin LIMIT 1');
    for (const c of ['ts_us', 'account', 'equity', 'im', 'mm', 'margin_ratio']) expect(m.columns).toContain(c);
  });
});
