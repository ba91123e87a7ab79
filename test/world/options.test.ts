import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld, type WorldResult } from '../../src/world/run.ts';

/**
 * The options venue in the one world (scenarios/hedger.yaml): a short strangle on a Deribit-style
 * inverse options venue, delta-hedged on a perp laid around a seeded path, one portfolio-margined
 * account, one ledger. Replaces the hand-wired hedger scenario.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-options-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const num = (v: unknown) => Number(v);
const spec = join(PACKAGE_ROOT, 'scenarios', 'hedger.yaml');
const q = async (dir: string, sql: string) => (await queryRuns([dir], sql)).rows;

async function run(overrides: Record<string, string>, runId: string): Promise<WorldResult> {
  const { spec: s, source } = specWithOverrides(spec, overrides);
  return runWorld(s, source, { runsDir: root, runId });
}

describe('delta-hedged options in the world', () => {
  it('hedges leave at most half a perp lot; checks inside the band; funding at the mark in the ledger; equity splits exactly; byte-identical', async () => {
    const o = { 'venues.perp.data.path.source.jumpDiffusion.length': '24h', bandCoins: '0.3' };
    const a = await run(o, 'a');
    const b = await run(o, 'b');
    expect(b.manifest.resultsSha256).toBe(a.manifest.resultsSha256);
    for (const t of ['greeks', 'strategy_hedges', 'option_trades', 'equity', 'ledger', 'margin']) expect(readFileSync(join(b.dir, `${t}.arrow`)).equals(readFileSync(join(a.dir, `${t}.arrow`)))).toBe(true);

    // The band: every check that did not hedge was inside it; every hedge started outside it and
    // ended within half a lot (0.0005 BTC) of the target delta 0.
    const [[nHedge, maxAfter, minBefore], [maxCheck]] = [
      (await q(a.dir, "SELECT count(*), max(abs(delta_after)), min(abs(delta_before)) FROM strategy_hedges WHERE phase = 'hedge'"))[0]!,
      (await q(a.dir, "SELECT max(abs(delta_before)) FROM strategy_hedges WHERE phase = 'check'"))[0]!,
    ];
    expect(num(nHedge)).toBeGreaterThan(3);
    expect(num(maxAfter)).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(num(minBefore)).toBeGreaterThan(0.3);
    expect(num(maxCheck)).toBeLessThanOrEqual(0.3);

    // Funding every 8 h at the mark (0.01% per interval): three settlements in 24 h, each
    // position × mark × rate paid by longs, and the table equals the ledger's funding transfers.
    const fund = await q(a.dir, 'SELECT payment, position_lots, mark, rate FROM funding ORDER BY ts_us');
    expect(fund).toHaveLength(3);
    for (const [pay, lots, mark, rate] of fund) expect(num(pay)).toBeCloseTo(num(lots) * 0.001 * num(mark) * num(rate), 8);
    const [[tab], [led]] = [
      (await q(a.dir, 'SELECT sum(payment_minor)::BIGINT FROM funding'))[0]!,
      (await q(a.dir, "SELECT sum(CASE WHEN from_account = 'desk:cash' THEN amount_minor ELSE -amount_minor END)::BIGINT FROM ledger WHERE kind = 'funding' AND (to_account = 'desk:cash' OR from_account = 'desk:cash')"))[0]!,
    ];
    expect(BigInt(led as bigint)).toBe(BigInt(tab as bigint));

    // The strangle's premium and fees are the desk's BTC cash, to the satoshi.
    const [[prem, fee]] = [(await q(a.dir, 'SELECT sum(premium), sum(fee) FROM option_trades'))[0]!];
    expect(num(prem)).toBeLessThan(0);
    expect(a.world.ledger.balance('desk:cash', 'BTC')).toBe(BigInt(Math.round(-(num(prem) + num(fee)) * 1e8)));

    // Equity = deposits + liquidation + perp PnL + options PnL at every sample (the options leg is
    // premium received, fees, payouts and open value at the surface's marks).
    const [[resid, n]] = [(await q(a.dir, 'SELECT max(abs(equity - deposits - liquidation - pnl_perp - pnl_deribit)), count(*) FROM equity'))[0]!];
    expect(num(n)).toBeGreaterThan(90);
    expect(num(resid)).toBeLessThan(1e-6);
    // The summary's PnL by venue is that split at the end: the last sample's pnl_perp and pnl_deribit.
    const [[lastPerp, lastOpt]] = [(await q(a.dir, 'SELECT pnl_perp, pnl_deribit FROM equity ORDER BY ts_us DESC LIMIT 1'))[0]!];
    expect(a.metrics.venuePnl).toEqual({ perp: num(lastPerp), deribit: num(lastOpt) });
    // The greeks table's total delta is options + perp hedge.
    const [[gres]] = [(await q(a.dir, 'SELECT max(abs(delta - option_delta - hedge_delta)) FROM greeks'))[0]!];
    expect(num(gres)).toBeLessThan(1e-12);
    // The report charts vega per vol point and theta per day (the table: per 1.00 of vol, per year).
    const { buildCharts } = await import('../../src/report/recipes.ts');
    const charts = buildCharts(a.dir);
    const [[vega, theta]] = [(await q(a.dir, 'SELECT vega, theta FROM greeks ORDER BY ts_us LIMIT 1'))[0]!];
    const first = (title: string) => (charts.find((c) => c.title === title)!.marks[0] as unknown as { data: { v: number }[] }).data[0]!.v;
    expect(first('Portfolio vega')).toBeCloseTo(num(vega) / 100, 12);
    expect(first('Portfolio theta')).toBeCloseTo(num(theta) / 365, 12);
    expect(charts.find((c) => c.title === 'Portfolio theta')!.y?.label).toBe('theta (premium currency per day)');
    // The short options need margin in the shared engine (portfolio margin, options in BTC).
    const [[im]] = [(await q(a.dir, "SELECT min(im) FROM margin WHERE account = 'desk'"))[0]!];
    expect(num(im)).toBeGreaterThan(0);
  });

  it('options expiring mid-run are cash-settled at the inverse payout and drop out of the delta', async () => {
    const r = await run({ 'venues.perp.data.path.source.jumpDiffusion.length': '40h', 'venues.deribit.optionChain.generate.expiries': '[1]' }, 'expiry');
    const expiryUs = Date.UTC(2024, 0, 2, 8) * 1000;
    const st = await q(r.dir, 'SELECT symbol, lots, settlement_price, payout, ts_us FROM option_settlements ORDER BY symbol');
    expect(st).toHaveLength(2);
    for (const [symbol, lots, s, payout, ts] of st) {
      expect(num(ts)).toBe(expiryUs);
      // Deribit inverse options: the holder receives max(S − K, 0)/S (call) or max(K − S, 0)/S
      // (put) BTC per 1 BTC of contracts; lots are 0.1 BTC.
      const [, , k, cp] = String(symbol).split('-');
      const intrinsic = cp === 'C' ? Math.max(num(s) - num(k), 0) : Math.max(num(k) - num(s), 0);
      expect(num(payout)).toBeCloseTo((num(lots) * 0.1 * intrinsic) / num(s), 8);
    }
    const [[before], [after]] = [
      (await q(r.dir, `SELECT max(abs(option_delta)) FROM greeks WHERE ts_us < ${expiryUs}`))[0]!,
      (await q(r.dir, `SELECT count(*) FROM greeks WHERE ts_us > ${expiryUs}`))[0]!,
    ];
    expect(num(before)).toBeGreaterThan(0);
    expect(num(after)).toBe(0);
  });

  it('a bad options venue names file, line and field', async () => {
    const f = join(root, 'bad.yaml');
    writeFileSync(f, readFileSync(spec, 'utf8').replace('underlying: perp', 'underlying: spot').replace('../strategies/', `${PACKAGE_ROOT}/strategies/`));
    const { spec: s, source } = specWithOverrides(f, {});
    await expect(runWorld(s, source, { runsDir: root, runId: 'bad' })).rejects.toThrow(/bad\.yaml:\d+, field venues\[1\]\.underlying: the underlying "spot" is not a spot or perp venue/);
  });
});

describe('an options venue from a real Tardis options_chain file', () => {
  it('lists the underlying coin\'s contracts and its surface is built from Deribit\'s own mark IVs', async () => {
    const data = join(PACKAGE_ROOT, '..', 'shared', 'data', 'tardis', 'options_chain.csv');
    const f = join(root, 'real-chain.yaml');
    writeFileSync(f, [
      'seed: 1',
      'venues:',
      '  - { id: perp, kind: perp, mark: mid, data: { path: { source: { jumpDiffusion: { start: 2020-06-08T00:01:01Z, price: 9756.4, vol: 0.6, step: 60s, length: 1h } } } } }',
      `  - { id: deribit, kind: options, underlying: perp, optionChain: { file: ${data} } }`,
      'accounts: [{ id: desk, deposits: { USDT: 100000 }, margin: portfolio }]',
    ].join('\n'));
    const { spec: s, source } = specWithOverrides(f, {});
    const r = await runWorld(s, source, { runsDir: root, runId: 'real-chain' });
    const ov = r.world.options[0]!;
    // The ETH rows of the file are not listed on a BTC underlying.
    expect([...ov.venue.contracts.keys()].sort()).toEqual(['BTC-10JUN20-10000-C', 'BTC-9JUN20-10000-C', 'BTC-9JUN20-9875-P']);
    // Latest row per symbol at the start (00:01:01): Deribit's mark_iv over its underlying_price.
    // An expiry with fewer than five strikes is not fitted but held flat at its quote nearest the
    // money (SviSurfaceVols): 9JUN20 at the 9875 put's 62.96 (|ln K/F| 0.012 < 0.025 for the
    // 10000 call), 10JUN20 at its only quote, 58.20.
    const want: [string, number, number][] = [['BTC-9JUN20-9875-P', 62.96, 9758.37], ['BTC-9JUN20-10000-C', 62.96, 9756.4], ['BTC-10JUN20-10000-C', 58.2, 9760.4]];
    const asOf = Date.parse('2020-06-08T00:01:01Z') * 1000;
    for (const [sym, iv, fwd] of want) expect(ov.venue.mark(sym, fwd, asOf).vol * 100).toBeCloseTo(iv, 1);
  });
});
