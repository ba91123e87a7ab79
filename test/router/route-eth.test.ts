/**
 * The router in the one world on real data (scenarios/route-eth.yaml): the 2024-08-08 Binance
 * ETHUSDT capture and a Uniswap v3 pool with the real 2024-01-05 USDC/WETH liquidity profile, one
 * chain with sandwich bots and a CEX–DEX arbitrageur. Issue 11 acceptance: routed beats book-only
 * and pool-only; MEV loss per child on the public route and none through the private relay; the
 * TCA terms add up to the shortfall measured from the ledger to the minor unit; byte-identical;
 * bad routing input fails with a clear message and no child orders.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src/data/import/index.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld, type WorldResult } from '../../src/world/run.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-route-'));
let catalog = '';
let have = false;
beforeAll(async () => {
  have = sharedDataAvailable();
  if (!have) return;
  catalog = join(root, 'eth');
  await importDataset({ input: join(SHARED, 'binance', 'usdm_ethusdt_20240808.gz'), out: catalog });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPEC = join(PACKAGE_ROOT, 'scenarios', 'route-eth.yaml');
async function run(runId: string, params: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<WorldResult> {
  const o: Record<string, string> = { 'venues.binance.data.catalog': catalog, ...extra };
  for (const [k, v] of Object.entries(params)) o[`agents.0.params.${k}`] = v;
  const { spec, source } = specWithOverrides(SPEC, o);
  return runWorld(spec, source, { runsDir: join(root, 'runs'), runId });
}
/** Rows as objects keyed by column name. */
async function q(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const r = await queryRuns([dir], sql);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, (row as unknown[])[i]])));
}
const big = (v: unknown) => BigInt(v as bigint | number | string);

/** The TCA of the run's one parent, with the shortfall recomputed from the ledger and the txs. */
async function tcaAgainstLedger(r: WorldResult) {
  const [t] = await q(r.dir, 'select * from tca');
  const led = (await q(r.dir, `select kind, from_account f, to_account t, asset, sum(amount_minor)::VARCHAR s from ledger where from_account in ('desk', 'desk:cash') or to_account in ('desk', 'desk:cash') group by all`)) as unknown as { kind: string; f: string; t: string; asset: string; s: string }[];
  const sum = (pred: (x: (typeof led)[number]) => boolean) => led.filter(pred).reduce((a, x) => a + BigInt(x.s), 0n);
  // Proceeds in 1e-8 USD: USDT trades into desk:cash, minus its fees, plus USDC (6 decimals) from the pool.
  const usdt = sum((x) => x.kind === 'trade' && x.t === 'desk:cash' && x.asset === 'USDT') - sum((x) => x.kind === 'fee' && x.f === 'desk:cash' && x.asset === 'USDT');
  const usdc = sum((x) => x.kind === 'trade' && x.t === 'desk' && x.asset === 'USDC') - sum((x) => x.kind === 'trade' && x.f === 'desk' && x.asset === 'USDC');
  const net = usdt + usdc * 100n;
  const gasWeiLedger = sum((x) => x.kind === 'gas' && x.f === 'desk');
  // Gas per child at the gas-token price the router used (1e-8 USD per ETH, floor), from the txs table.
  const kids = (await q(r.dir, `select r.child, r.gas_token_price p, x.gas_paid::VARCHAR g from routes r join txs x on x.hash = r.child where r.kind = 'pool'`)) as unknown as { child: string; p: number; g: string }[];
  const gasWeiTxs = kids.reduce((a, k) => a + BigInt(k.g), 0n);
  const gas = kids.reduce((a, k) => a + (BigInt(k.g) * BigInt(Math.round(k.p * 1e8))) / 10n ** 18n, 0n);
  return { t: t!, net, gas, gasWeiLedger, gasWeiTxs };
}

describe('route-eth: routing a sell across the real ETHUSDT book and a real-profile v3 pool', () => {
  it('routed execution beats book-only and pool-only on the same parent order and seed; the TCA adds up to the ledger exactly', async () => {
    if (!have) return;
    const routed = await run('routed');
    const book = await run('book', { venues: 'binance' });
    const pool = await run('pool', { venues: 'uni' });
    const sf: Record<string, number> = {};
    for (const [name, r] of [['routed', routed], ['book', book], ['pool', pool]] as const) {
      const { t, net, gas, gasWeiLedger, gasWeiTxs } = await tcaAgainstLedger(r);
      expect(Number(t.filled)).toBeCloseTo(1000, 2);
      // The terms add up to the shortfall, to the minor unit …
      expect(big(t.timing) + big(t.spread) + big(t.impact) + big(t.fees) + big(t.gas) + big(t.mev)).toBe(big(t.shortfall));
      // … and that shortfall is the one the ledger shows: arrival value − net proceeds + gas.
      expect(big(t.net_cash)).toBe(net);
      expect(gasWeiTxs).toBe(gasWeiLedger);
      expect(big(t.gas)).toBe(gas);
      expect(big(t.shortfall)).toBe(big(t.arrival_value) - net + gas);
      sf[name] = Number(t.shortfall_bps);
    }
    expect(sf.routed).toBeLessThan(sf.book!);
    expect(sf.routed).toBeLessThan(sf.pool!);
    // The routed run used both venues; the restricted ones only theirs.
    const split = async (r: WorldResult) => (await q(r.dir, 'select venue from tca_venues where qty > 0 order by venue')).map((x) => x.venue);
    expect(await split(routed)).toEqual(['binance', 'uni']);
    expect(await split(book)).toEqual(['binance']);
    expect(await split(pool)).toEqual(['uni']);
    // Every decision is in routes with its expected terms; children of a decision sum to what it sent.
    const rows = await q(routed.dir, 'select venue, kind, qty, qty_filled, exp_price + exp_fees + exp_gas + exp_mev + exp_capital + exp_funding - exp_total d from routes');
    for (const x of rows) expect(Math.abs(Number(x.d))).toBeLessThan(1e-6);
    // Wei amounts beyond int64 are exact in amount_exact (the 1,200 WETH deposit), clamped — never wrapped — in amount_minor.
    const [dep] = await q(routed.dir, "select amount_exact, amount_minor::VARCHAR m from ledger where to_account = 'desk' and asset = 'WETH' and kind = 'deposit'");
    expect(dep!.amount_exact).toBe('1200000000000000000000');
    expect(dep!.m).toBe(String((1n << 63n) - 1n));
    // The report's shortfall chart: one facet per parent order, headed by its label alone (Plot
    // wrote the facet channel's name, "p", above it).
    const { buildCharts } = await import('../../src/report/recipes.ts');
    const is = buildCharts(routed.dir).find((c) => c.title.startsWith('Implementation shortfall by term'));
    expect(is).toBeDefined();
    const { renderChart } = await import('../../src/report/charts.ts');
    const svg = renderChart(is!).svg;
    expect(svg).toContain('>twap-sell</text>');
    expect(svg).not.toMatch(/>p<\/text>/);
    // The run's metrics carry the shortfall (a sweep's column): one parent, so its own figure.
    expect(routed.metrics.routedParents).toBe(1);
    expect(routed.metrics.shortfallBps).toBeCloseTo(sf.routed!, 9);
    // The run's printed summary has the routing section: the parent's shortfall split into its terms.
    const { worldSummary } = await import('../../src/cli/cmd-run.ts');
    const text = await worldSummary(routed);
    const m = /implementation shortfall \(bps\)\s+(-?[\d.]+) = timing (-?[\d.]+) \+ spread (-?[\d.]+) \+ impact (-?[\d.]+) \+ fees (-?[\d.]+) \+ gas (-?[\d.]+) \+ MEV (-?[\d.]+)/.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(sf.routed!, 2);
    expect(m!.slice(2).reduce((a, x) => a + Number(x), 0)).toBeCloseTo(Number(m![1]), 1);
    expect(text).toMatch(/venues\s+binance:[\d.]+% · uni:[\d.]+%/);
    // Repeat: byte-identical result files.
    const again = await run('routed-again');
    expect(again.manifest.resultsSha256).toBe(routed.manifest.resultsSha256);
  }, 300_000);

  it('the public route records each child\'s MEV loss (sandwiches); the private relay loses none', async () => {
    if (!have) return;
    const pub = await run('public', { venues: 'uni', route: 'public', slippageBps: '30' });
    const priv = await run('private', { venues: 'uni', route: 'private', slippageBps: '30' });
    const loss = async (r: WorldResult) => q(r.dir, `select r.child, r.route, r.mev_loss rl, s.mev_loss sl from routes r join swaps s on s.tx = r.child`);
    const p = await loss(pub);
    expect(p.length).toBeGreaterThan(0);
    // Per child: the routes table's MEV loss (USD) is the swap's sandwich loss (USDC).
    for (const x of p) {
      expect(x.route).toBe('public');
      expect(Number(x.rl)).toBeCloseTo(Number(x.sl), 6);
    }
    expect(p.filter((x) => Number(x.rl) > 0).length).toBeGreaterThan(0);
    const [tp] = await q(pub.dir, 'select mev, mev_bps from tca');
    expect(big(tp!.mev)).toBeGreaterThan(0n);
    const v = await loss(priv);
    expect(v.length).toBeGreaterThan(0);
    for (const x of v) expect(Number(x.rl)).toBe(0);
    const [tv] = await q(priv.dir, 'select mev from tca');
    expect(big(tv!.mev)).toBe(0n);
  }, 300_000);

  it('POV stays within ±1 percentage point of its target participation', async () => {
    if (!have) return;
    const r = await run('pov', { algo: 'pov', participation: '0.1', qty: '5000', minChild: '0.5' });
    const [w] = await q(r.dir, 'select start_us, end_us, market_volume from strategy_pov');
    // The market's volume in the window, from Binance's own trade messages (local receive time).
    const lines = gunzipSync(readFileSync(join(SHARED, 'binance', 'usdm_ethusdt_20240808.gz'))).toString('utf8').split('\n');
    let v = 0;
    for (const l of lines) {
      if (!l.includes('"e":"trade"')) continue;
      const us = Number(l.slice(0, l.indexOf(' '))) / 1000;
      if (us <= Number(w!.start_us) || us > Number(w!.end_us)) continue;
      v += Number(JSON.parse(l.slice(l.indexOf(' ') + 1)).data.q);
    }
    expect(Number(w!.market_volume)).toBeCloseTo(v, 6);
    const [t] = await q(r.dir, 'select filled from tca');
    const ours = Number(t!.filled);
    const participation = ours / (v + ours);
    expect(Math.abs(participation - 0.1)).toBeLessThan(0.01);
  }, 300_000);

  it('bad routing input fails with a clear message and sends no child order', async () => {
    if (!have) return;
    const strat = join(root, 'bad-route.ts');
    writeFileSync(strat, `import { defineStrategy, z } from 'primesim';
export default defineStrategy({
  name: 'bad-route', description: 'routes bad parent orders', params: z.strictObject({}), subscribe: { book: 'none' },
  create(ctx) {
    return {
      onTimer(c) {
        const mid = c.book.midTicks() * Number(c.instrument.tickSize);
        const cases = [
          { side: 'sell', qty: 1, venues: ['kraken'] },
          { side: 'sell', qty: -1 },
          { side: 'sell', qty: 1, deadlineUs: c.nowUs - 1 },
          { side: 'sell', qty: 1, limitPrice: mid * 1.01 },
          { side: 'buy', qty: 1, limitPrice: mid * 0.99 },
        ];
        for (const [k, o] of cases.entries()) {
          try { c.route(o as never); c.record('errors', { k, msg: 'accepted' }); }
          catch (e) { c.record('errors', { k, msg: String((e as Error).message) }); }
        }
      },
      onStart(c) { c.timerAt(c.nowUs + 30e6); },
    };
  },
});
`);
    const r = await run('bad', {}, { 'agents.0.strategy': strat, 'agents.0.params': '{}' }).catch(async () => {
      const { spec, source } = specWithOverrides(SPEC, { 'venues.binance.data.catalog': catalog });
      spec.agents[0] = { ...(spec.agents[0] as object), strategy: strat, params: {} } as (typeof spec.agents)[number];
      return runWorld(spec, source, { runsDir: join(root, 'runs'), runId: 'bad' });
    });
    const msgs = (await q(r.dir, 'select k, msg from strategy_errors order by k')).map((x) => String(x.msg));
    expect(msgs[0]).toMatch(/venue "kraken" is not one this strategy may use.*|kraken/);
    expect(msgs[1]).toMatch(/qty must be a positive number/);
    expect(msgs[2]).toMatch(/deadline .* is in the past/);
    expect(msgs[3]).toMatch(/sell limit above the mid .* wrong side/);
    expect(msgs[4]).toMatch(/buy limit below the mid .* wrong side/);
    const [o] = await q(r.dir, 'select count(*) n from orders');
    expect(Number(o!.n)).toBe(0);
    const s = await q(r.dir, "select count(*) n from swaps").catch(() => [{ n: 0 }]);
    expect(Number(s[0]!.n)).toBe(0);
  }, 300_000);
});
