import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../src/results/query.ts';
import { writeReport } from '../../src/report/report.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld, type WorldResult } from '../../src/world/run.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * The liquidation cascade that `src/risk/cascade.ts` used to wire by hand, now the run spec
 * `scenarios/cascade-drop.yaml` on the one world: 220 leveraged accounts, a 20% fall over five
 * minutes, a thin book that liquidations walk, an insurance fund, an optional circuit breaker.
 */
const runsDir = mkdtempSync(join(tmpdir(), 'primesim-cascade-drop-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));
const file = join(ROOT, 'scenarios', 'cascade-drop.yaml');
const run = (id: string, overrides: Record<string, string> = {}) => {
  const { spec, source } = specWithOverrides(file, overrides);
  return runWorld(spec, source, { runsDir, runId: id });
};
const sha = (r: WorldResult) => r.manifest.resultsSha256;

/** Groups of liquidation steps separated by more than `gapUs` without any. */
function waves(r: WorldResult, gapUs: number): number {
  let n = 0;
  let last = -Infinity;
  for (const x of r.world.liquidation!.records) {
    if (x.tsUs - last > gapUs) n++;
    last = x.tsUs;
  }
  return n;
}

describe('cascade-drop: the older cascade on the one world', async () => {
  const base = await run('base');
  const noImpact = await run('no-impact', { 'venues.perp.data.path.impact': 'false' });
  const halted = await run('breaker', { 'risk.breaker.haltThreshold': '0.1' });

  it('liquidation sales push the mark lower than the path and feed further liquidations', () => {
    const recs = base.world.liquidation!.records;
    expect(recs.filter((r) => r.sizeLots > 0).length).toBeGreaterThan(50);
    expect(new Set(recs.map((r) => Math.round(r.markBefore))).size).toBeGreaterThan(20);
    expect(waves(base, 5e6)).toBeGreaterThan(1);
    // Feedback: with impact the mark goes lower than the path and more accounts are liquidated
    // than in the same run where the book is restored at every point.
    expect(base.metrics.markLow!).toBeLessThan(noImpact.metrics.markLow!);
    expect(noImpact.metrics.markLow!).toBe(noImpact.metrics.pathLow!);
    expect(base.metrics.accountsLiquidated).toBeGreaterThan(noImpact.metrics.accountsLiquidated);
    expect(base.metrics.maxDisplacementPct!).toBeGreaterThan(1);
    for (const a of base.world.ledger.assets()) expect(base.world.ledger.total(a), a).toBe(0n);
  });

  it('the circuit breaker halts, no liquidation runs during the halt, and trading resumes', () => {
    const br = halted.world.breakers[0]!;
    const halts = br.events.filter((e) => e.kind === 'halt');
    expect(halts.length).toBeGreaterThan(0);
    const h0 = halts[0]!.tsUs;
    const h1 = h0 + br.cfg.haltUs;
    const inWindow = (r: WorldResult) => r.world.liquidation!.records.filter((x) => x.tsUs > h0 && x.tsUs < h1).length;
    expect(inWindow(halted)).toBe(0);
    expect(inWindow(base)).toBeGreaterThan(0);
    expect(br.events.some((e) => e.kind === 'resume' && e.tsUs >= h1)).toBe(true);
  });

  it('is deterministic: same spec and seed, byte-identical result files', async () => {
    expect(sha(await run('breaker-again', { 'risk.breaker.haltThreshold': '0.1' }))).toBe(sha(halted));
  });

  it('writes liquidations, breakers and marks tables that DuckDB can query, and a report that charts them', async () => {
    const q = await queryRuns([halted.dir], "SELECT (SELECT count(*) FROM liquidations), (SELECT count(*) FROM breakers WHERE kind = 'halt'), (SELECT count(*) FROM marks)");
    const row = q.rows[0]!.map(Number);
    expect(row[0]).toBe(halted.world.liquidation!.records.length);
    expect(row[1]).toBe(halted.world.breakers[0]!.events.filter((e) => e.kind === 'halt').length);
    expect(row[2]).toBe(601); // one point a second for ten minutes
    const cols = await queryRuns([base.dir], 'SELECT * FROM liquidations LIMIT 1');
    for (const c of ['ts_us', 'account', 'step', 'size_lots', 'price', 'fee', 'bad_debt', 'fund_balance', 'adl_counterparties']) expect(cols.columns).toContain(c);
    const html = readFileSync((await writeReport(base.dir, { out: join(runsDir, 'cascade.html') })).html, 'utf8');
    const titles = [...html.matchAll(/<h2>([^<]+)<\/h2><div class="chart">/g)].map((m) => m[1]);
    expect(titles).toEqual(expect.arrayContaining(['Mark with liquidation impact vs the no-impact path', 'Liquidations (dots, sized by lots) against the mark']));
    // Plot draws a dot for every liquidation that traded (records of size 0 have no radius)
    const recs = base.world.liquidation!.records;
    expect((html.match(/<circle/g) ?? []).length).toBe(recs.filter((l) => l.sizeLots > 0 && Number.isFinite(l.price)).length);
  });
});
