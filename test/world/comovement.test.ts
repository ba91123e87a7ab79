/**
 * Correlated BTC/ETH paths (issue 12, path sets): the co-movement estimate against closed forms
 * and numpy on the real captures, the follower path against its construction, and
 * scenarios/mc-btc-eth.yaml: every Monte Carlo path's ETH moves with its BTC at the estimated
 * correlation, and a path reruns alone to the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../src/results/query.ts';
import { Rng } from '../../src/kernel/rng.ts';
import { readMids } from '../../src/data/readers/mids.ts';
import { runPath } from '../../src/mc/path-run.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { estimateComovement, followPath } from '../../src/world/comovement.ts';
import { jumpDiffusion } from '../../src/world/paths.ts';
import { buildWorld } from '../../src/world/build.ts';
import { sharedDataAvailable } from '../helpers/cli.ts';

const SHARED = join(PACKAGE_ROOT, '..', 'shared', 'data');
const SPEC = join(PACKAGE_ROOT, 'scenarios', 'mc-btc-eth.yaml');
const root = mkdtempSync(join(tmpdir(), 'primesim-comove-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Sample correlation of two equal-length arrays (two-pass, as a textbook writes it). */
function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

const logReturns = (p: ArrayLike<number>) => Float64Array.from({ length: p.length - 1 }, (_, i) => Math.log(p[i + 1]! / p[i]!));

describe('co-movement of two markets', () => {
  it('closed forms: a follower that is c·leader^β has beta β, correlation 1, no residual; the grid takes the last price at or before each time', () => {
    const rng = Rng.root(5);
    // An irregular leader (quotes 0.1–2.1 s apart) and its power, quoted at other times.
    const lt: number[] = [0];
    for (let i = 1; i < 4000; i++) lt.push(lt[i - 1]! + 100_000 + Math.floor(rng.next() * 2_000_000));
    const lp = [100];
    for (let i = 1; i < lt.length; i++) lp.push(lp[i - 1]! * Math.exp(0.001 * rng.normal()));
    const beta = 1.7;
    const c = estimateComovement({ tsUs: lt, price: lp }, { tsUs: lt, price: lp.map((p) => 3 * p ** beta) }, 5_000_000);
    expect(c.beta).toBeCloseTo(beta, 10);
    expect(c.correlation).toBeCloseTo(1, 12);
    expect(c.residualVol).toBeLessThan(1e-6);
    expect(c.followerVol / c.leaderVol).toBeCloseTo(beta, 10);
    // Hand-made grid: prices change at 0, 1.5 s, 2.5 s; sampled at 0, 1, 2, … s the returns are
    // those of 100, 100, 110, 121, 121, …
    const tiny = { tsUs: [0, 1_500_000, 2_500_000, 40_000_000], price: [100, 110, 121, 121] };
    const other = { tsUs: Array.from({ length: 41 }, (_, i) => i * 1_000_000), price: Array.from({ length: 41 }, (_, i) => 50 + (i % 2)) };
    const t = estimateComovement(tiny, other, 1_000_000);
    expect(t.samples).toBe(40);
    const a = [0, Math.log(1.1), Math.log(1.1), ...Array(37).fill(0)];
    const b = Array.from({ length: 40 }, (_, i) => Math.log((50 + ((i + 1) % 2)) / (50 + (i % 2))));
    expect(t.correlation).toBeCloseTo(corr(a, b), 12);
  });

  it('real 2024-08-08 Binance BTCUSDT and ETHUSDT perpetual captures, 1-second mids: numpy gives the same figures', async () => {
    if (!sharedDataAvailable()) return;
    const btc = await readMids(join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'));
    const eth = await readMids(join(SHARED, 'binance', 'usdm_ethusdt_20240808.gz'));
    expect(btc.from).toBe('bbo');
    expect(eth.instrument).toBe('binance-futures:ETHUSDT');
    const c = estimateComovement(btc, eth, 1_000_000);
    console.log('BTC/ETH 2024-08-08, 1 s:', c);
    // numpy 2.4 on the same mids (np.searchsorted for the grid, np.corrcoef, np.cov), computed
    // once and transcribed: 344 returns, ρ 0.6571751677830824, β 0.6551949103089737, annualised
    // vols 0.682979799137045 / 0.6809217848994273, residual 0.5132365458040332.
    expect(c.samples).toBe(344);
    expect(c.correlation).toBeCloseTo(0.6571751677830824, 9);
    expect(c.beta).toBeCloseTo(0.6551949103089737, 9);
    expect(c.leaderVol).toBeCloseTo(0.682979799137045, 9);
    expect(c.followerVol).toBeCloseTo(0.6809217848994273, 9);
    expect(c.residualVol).toBeCloseTo(0.5132365458040332, 9);
  }, 120_000);

  it('a follower path: β × the leader’s returns exactly without residual; with it, the estimated correlation and volatility ratio on calm and shocked leaders alike', () => {
    const leader = jumpDiffusion({ startUs: 0, startPrice: 40_000, vol: 0.7, drift: 0, jumpsPerDay: 0, jumpMean: 0, jumpStd: 0, stepUs: 60e6, lengthUs: 60 * 86_400e6 }, Rng.root(1));
    const flat = followPath(leader, { beta: 0.8, residualVol: 0 }, 2500, Rng.root(2), 'test');
    const lr = logReturns(leader.price);
    const fr = logReturns(flat.price);
    for (let i = 0; i < lr.length; i += 997) expect(fr[i]).toBeCloseTo(0.8 * lr[i]!, 12);
    expect(flat.price[0]).toBe(2500);
    expect(Array.from(flat.tsUs)).toEqual(Array.from(leader.tsUs));
    // ρ = 0.657, β = 0.655 at a leader vol of 0.683 (the captures'): residual 0.513.
    const est = { beta: 0.655, residualVol: 0.513, leaderVol: 0.683 };
    const rho = 0.655 / Math.sqrt(0.655 ** 2 + (0.513 / 0.683) ** 2);
    for (const scale of [1, 3]) {
      const shocked = { ...leader, price: Float64Array.from(leader.price, (p) => 40_000 * (p / 40_000) ** scale) };
      const f = followPath(shocked, est, 2500, Rng.root(3), 'test');
      const a = logReturns(shocked.price);
      const b = logReturns(f.price);
      // 86,400 returns: the sample correlation's standard error is ~0.002.
      expect(Math.abs(corr(a, b) - rho)).toBeLessThan(0.01);
      const sd = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
      expect(sd(b) / sd(a)).toBeCloseTo(0.655 / rho, 1);
    }
  });

  it('spec errors name the field: following an unknown venue, or a venue without a path', async () => {
    const { spec, source } = specWithOverrides(SPEC, { 'venues.1.data.path.source.follow.venue': 'nope' });
    // (Set by an override, so named by it: the flag and value, not the file line of its section.)
    await expect(buildWorld(spec, source)).rejects.toThrow(/field --grid venues\.1\.data\.path\.source\.follow\.venue=nope: unknown venue nope/);
    const self = specWithOverrides(SPEC, { 'venues.1.data.path.source.follow.venue': 'eth' });
    await expect(buildWorld(self.spec, self.source)).rejects.toThrow(/follow\.venue.*has no price path to follow/s);
  });

  it('scenarios/mc-btc-eth.yaml: on each path ETH moves with BTC at the estimated correlation; a path rerun alone gives the same bytes', async () => {
    if (!sharedDataAvailable()) return;
    const small = { 'agents.2.population.count': '200', 'agents.3.population.count': '200', 'mc.generate.0.bootstrap.length': '360' };
    const sql = "with m as (select distinct venue, ts_us, path from marks), q as (select venue, ts_us, ln(path / lag(path) over (partition by venue order by ts_us)) r from m) select count(*), corr(a.r, b.r) from q a join q b on a.ts_us = b.ts_us and a.venue = 'btc' and b.venue = 'eth'";
    for (const k of [0, 1]) {
      const row = await runPath({ file: SPEC, overrides: small, k, dir: join(root, 'mc') });
      expect(row.k).toBe(k);
      const r = await queryRuns([join(root, 'mc', `path-0000${k}`)], sql);
      const [n, rho] = r.rows[0]!.map(Number) as [number, number];
      // k = 0: the 2022-01-21 sell-off replayed; k = 1: a bootstrap of January 2022 (6 hours).
      expect(n).toBeGreaterThan(300);
      expect(Math.abs(rho - 0.657)).toBeLessThan(0.12);
    }
    // Liquidations name their perp: each filled step's price is within 5% of its own venue's last
    // recorded mark (ETH's is 1/15 of BTC's), and both crowds were liquidated on the sell-off.
    const liq = await queryRuns([join(root, 'mc', 'path-00000')], "select l.instrument, count(*), count(*) filter (where abs(m.mark / l.price - 1) > 0.05) from liquidations l asof join marks m on m.venue = l.instrument and l.ts_us >= m.ts_us where l.size_lots > 0 group by 1 order by 1");
    expect(liq.rows.map((r) => r[0])).toEqual(['btc', 'eth']);
    for (const r of liq.rows) {
      expect(Number(r[1])).toBeGreaterThan(0);
      expect(Number(r[2])).toBe(0);
    }
    const again = await runPath({ file: SPEC, overrides: small, k: 1, dir: join(root, 'again') });
    expect(again.k).toBe(1);
    for (const f of ['marks.arrow', 'fills.arrow', 'equity.arrow']) expect(readFileSync(join(root, 'again', 'path-00001', f)).equals(readFileSync(join(root, 'mc', 'path-00001', f)))).toBe(true);
  }, 600_000);
});
