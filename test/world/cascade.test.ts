import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBarsCsv } from '../../src/data/readers/bars.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld } from '../../src/world/run.ts';
import { PathBookSource } from '../../src/world/path-source.ts';
import { ROOT, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

/**
 * The shipped cascade-2022-01 scenario on a two-day window around 21 Jan 2022 (−6% within one
 * hour), with its 10,000 accounts entering on the morning of the 21st: the real bar path through
 * the capture's depth profile, liquidations moving the mark, against the no-impact counterfactual.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-cascade-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const window = {
  'venues.perp.data.bars.from': '2022-01-21T00:00:00Z',
  'venues.perp.data.bars.to': '2022-01-23T00:00:00Z',
  'agents.0.population.entry.from': '2022-01-21T00:00:00Z',
  'agents.0.population.entry.to': '2022-01-21T12:00:00Z',
};

describe('cascade-2022-01 (one world, real bars, 10,000 accounts)', () => {
  it('bars are read as written: the file has 45,031 one-minute bars and 21 Jan fell more than 6% within an hour', () => {
    if (!sharedDataAvailable()) return;
    const b = readBarsCsv(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'));
    expect(b.tsUs.length).toBe(45_031);
    expect(b.intervalUs).toBe(60e6);
    const day = readBarsCsv(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'), { fromUs: Date.parse('2022-01-21T00:00:00Z') * 1000, toUs: Date.parse('2022-01-22T00:00:00Z') * 1000 });
    let worst = 0;
    for (let i = 0; i < day.tsUs.length; i++) {
      for (let j = i; j < day.tsUs.length && day.tsUs[j]! - day.tsUs[i]! < 3600e6; j++) worst = Math.max(worst, 1 - day.low[j]! / day.high[i]!);
    }
    expect(worst).toBeGreaterThan(0.06);
  });

  it('liquidations consume the book and push the mark below the no-impact path; the fund and the ledger reconcile', async () => {
    if (!sharedDataAvailable()) return;
    const file = join(ROOT, 'scenarios', 'cascade-2022-01.yaml');
    const run = async (impact: boolean, id: string) => {
      const { spec, source } = specWithOverrides(file, { ...window, 'venues.perp.data.bars.impact': String(impact) });
      return runWorld(spec, source, { runsDir: join(root, 'runs'), runId: id });
    };
    const withImpact = await run(true, 'impact');
    const none = await run(false, 'none');
    const m = withImpact.metrics;
    expect(m.populationAccounts).toBe(10_000);
    expect(withImpact.world.populations[0]!.entered).toBe(10_000);
    expect(m.accountsLiquidated).toBeGreaterThan(100);
    // Counterfactual: with impact off, the laid mid is the path at every point.
    const src = none.world.venues[0]!.source as PathBookSource;
    const path = src.marks.path.view();
    const mid = src.marks.mid.view();
    for (let i = 0; i < path.length; i++) if (mid[i] !== path[i]) throw new Error(`no-impact mid ${mid[i]} ≠ path ${path[i]} at point ${i}`);
    expect(Math.abs(none.metrics.maxDisplacementPct!)).toBe(0);
    // With impact the forced selling left the mark lower than the path at its worst.
    expect(m.maxDisplacementPct!).toBeGreaterThan(0.05);
    expect(m.markLow!).toBeLessThan(m.pathLow!);
    expect(m.markDrawdownPct!).toBeGreaterThan(m.pathDrawdownPct!);
    // Money: every asset sums to zero; the fund = seed + liquidation fees − payouts, transfer by transfer.
    const led = withImpact.world.ledger;
    for (const a of led.assets()) expect(led.total(a), a).toBe(0n);
    const liq = withImpact.world.liquidation!;
    const fees = liq.records.reduce((s, r) => s + r.fee, 0);
    expect(Number(liq.fundBalance) / 1e8).toBeLessThanOrEqual(1_000_000 + fees + 1e-6);
    expect(m.insuranceFund).toBeCloseTo(Number(liq.fundBalance) / 1e8, 8);
    // Open interest with every mark: what the longs of all 10,000 accounts hold, recounted here
    // account by account at the end; it falls as accounts are liquidated (the population has entered by then).
    const oi = (withImpact.world.venues[0]!.source as PathBookSource).marks.openInterest.view();
    const eng = withImpact.world.engine!;
    const instId = withImpact.world.venues[0]!.id;
    let longs = 0;
    for (const a of eng.accountStates()) longs = Math.max(0, eng.positionLots(a, instId)) + longs;
    expect(eng.openInterest(instId)).toBe(longs);
    expect(oi.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(Math.max(...oi)).toBeGreaterThan(oi[oi.length - 1]!);
    // The tables a cascade report needs are there.
    const names = withImpact.manifest.files.map((f) => f.table);
    for (const t of ['liquidations', 'marks', 'margin', 'ledger']) expect(names).toContain(t);
    const { writeReport } = await import('../../src/report/report.ts');
    const html = readFileSync((await writeReport(withImpact.dir, { out: join(root, 'cascade.html') })).html, 'utf8');
    for (const title of ['Mark with liquidation impact vs the no-impact path', 'Displacement of the mark by liquidations (%)', 'Liquidations (dots, sized by lots) against the mark']) expect(html).toContain(title);
    // Dots by area up to 7 px for the largest step (Plot's default drew the largest tens of px wide).
    const dots = html.split('<h2>').find((c) => c.startsWith('Liquidations (dots'))!;
    const radii = [...dots.matchAll(/<circle[^>]*\sr="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(radii.length).toBeGreaterThan(100);
    expect(Math.max(...radii)).toBeCloseTo(7, 1);
  });

  it('a run with a window (time.start) replays the path before it only to warm the book: marks, path metrics and the population start at the window', async () => {
    if (!sharedDataAvailable()) return;
    const file = join(ROOT, 'scenarios', 'cascade-2022-01.yaml');
    const startIso = '2022-01-21T06:00:00Z';
    const startUs = Date.parse(startIso) * 1000;
    const run = async (o: Record<string, string>, id: string) => {
      const { spec, source } = specWithOverrides(file, { ...window, 'agents.0.population.count': '500', ...o });
      return runWorld(spec, source, { runsDir: join(root, 'runs'), runId: id });
    };
    const whole = await run({}, 'whole-path');
    const windowed = await run({ 'time.start': startIso }, 'windowed');
    const marksOf = (r: typeof whole) => (r.world.venues[0]!.source as PathBookSource).marks;
    const all = marksOf(whole);
    const w = marksOf(windowed);
    // The windowed run's marks are the whole path's points from the window's start, price for price
    // (the path column is the replayed bars, with no impact in it). They began 6 h early.
    const ts = all.ts.view();
    const from = ts.findIndex((t) => t >= startUs);
    expect(from).toBeGreaterThan(0);
    expect(Array.from(w.ts.view())).toEqual(Array.from(ts.subarray(from)));
    expect(Array.from(w.path.view())).toEqual(Array.from(all.path.view().subarray(from)));
    expect(windowed.metrics.pathLow).toBe(Math.min(...all.path.view().subarray(from)));
    // The population's entries (its deposits) are drawn in [window start, entry.to): none in the warm-up.
    const { readArrow } = await import('../../src/results/arrow-io.ts');
    const ledger = readArrow(join(windowed.dir, 'ledger.arrow'));
    const kind = ledger.getChild('kind')!.toArray() as string[];
    const to = ledger.getChild('to_account')!.toArray() as string[];
    const at = ledger.getChild('ts_us')!.toArray() as Float64Array;
    let deposits = 0;
    for (let i = 0; i < kind.length; i++) {
      if (kind[i] !== 'deposit' || !to[i]!.startsWith('pop-')) continue;
      deposits++;
      expect(at[i]!).toBeGreaterThanOrEqual(startUs);
    }
    expect(deposits).toBe(500);
  });

  it('cascade-drop (the older hand-wired cascade as a spec): liquidations wait out a circuit-breaker halt', async () => {
    const file = join(ROOT, 'scenarios', 'cascade-drop.yaml');
    const { spec, source } = specWithOverrides(file, {});
    const plain = await runWorld(spec, source, { runsDir: join(root, 'runs'), runId: 'drop' });
    const withBreaker = specWithOverrides(file, { 'risk.breaker.haltThreshold': '0.1' });
    const halted = await runWorld(withBreaker.spec, withBreaker.source, { runsDir: join(root, 'runs'), runId: 'drop-breaker' });
    expect(plain.metrics.accountsLiquidated).toBeGreaterThan(100);
    expect(plain.metrics.halts).toBe(0);
    expect(halted.metrics.halts).toBeGreaterThanOrEqual(1);
    const br = halted.world.breakers[0]!;
    const halt = br.events.find((e) => e.kind === 'halt')!;
    const inside = halted.world.liquidation!.records.filter((r) => r.tsUs > halt.tsUs && r.tsUs < halt.tsUs + br.cfg.haltUs);
    expect(inside).toHaveLength(0);
    expect(halted.world.liquidation!.records.some((r) => r.tsUs >= halt.tsUs + br.cfg.haltUs)).toBe(true);
    for (const a of halted.world.ledger.assets()) expect(halted.world.ledger.total(a), a).toBe(0n);
  });
});
