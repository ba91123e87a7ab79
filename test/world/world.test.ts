import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src/data/import/index.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { queryRuns } from '../../src/results/query.ts';
import { buildCharts } from '../../src/report/recipes.ts';
import { loadSpecFile } from '../../src/world/spec-file.ts';
import { runWorld } from '../../src/world/run.ts';
import { ROOT, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

/**
 * Issue 8 acceptance on real data: the spot and USDⓈ-M BTCUSDT captures of 2024-08-08 replayed on
 * one clock through one builder, one wallet, the shared margin engine and the liquidation engine.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-world-'));
let spot = '';
let perp = '';
let have = false;
beforeAll(async () => {
  have = sharedDataAvailable();
  if (!have) return;
  spot = join(root, 'spot');
  perp = join(root, 'perp');
  await Promise.all([
    importDataset({ input: join(SHARED, 'binance', 'spot_btcusdt_20240808.gz'), out: spot }),
    importDataset({ input: join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'), out: perp }),
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function specFile(name: string, text: string): string {
  const f = join(root, `${name}.yaml`);
  writeFileSync(f, text);
  return f;
}

async function run(file: string, runId: string) {
  const { spec, source } = loadSpecFile(file);
  return runWorld(spec, source, { runsDir: join(root, 'runs'), runId });
}

const basisSpec = () => `
seed: 7
venues:
  - id: spot
    kind: spot
    data: { catalog: ${spot} }
    fees: "1:1"
    queue: power:2
    latency: { entry: 3ms, response: 3ms }
  - id: perp
    kind: perp
    data: { catalog: ${perp} }
    fees: "2:5"
    queue: power:3
    latency: { entry: 1ms, response: 1ms }
    index: spot
    funding: 0.0001@8h
accounts:
  - id: desk
    deposits: { USDT: 20000 }
    margin: cross
    haircuts: { BTC: 0.05 }
agents:
  - strategy: ${join(ROOT, 'strategies', 'basis.ts')}
    account: desk
    venues: [spot, perp]
    params: { targetQty: 0.1, sliceQty: 0.01, entryBps: -5 }
`;

describe('basis trade on real data, one clock', () => {
  it('fills on both venues; wallet = deposits + fills exactly; equity = sum over venues; two runs byte-identical', async () => {
    if (!have) return;
    const f = specFile('basis', basisSpec());
    const a = await run(f, 'basis-a');
    const b = await run(f, 'basis-b');
    expect(b.manifest.resultsSha256).toBe(a.manifest.resultsSha256);
    for (const file of a.manifest.files) expect(readFileSync(join(b.dir, file.file)).equals(readFileSync(join(a.dir, file.file))), file.file).toBe(true);

    const byVenue = (await queryRuns([a.dir], 'select venue, count(*), sum(case when side = \'buy\' then size_lots else -size_lots end) from fills group by venue order by venue')).rows;
    expect(byVenue.map((r) => r[0])).toEqual(['perp', 'spot']);
    const [perpFills, perpLots] = [Number(byVenue[0]![1]), Number(byVenue[0]![2])];
    const [spotFills, spotLots] = [Number(byVenue[1]![1]), Number(byVenue[1]![2])];
    expect(perpFills).toBeGreaterThan(0);
    expect(spotFills).toBeGreaterThan(0);
    // Hedged: the short perp covers the spot holding to within one perp lot (0.001 BTC).
    expect(Math.abs(spotLots * 1e-8 + perpLots * 0.001)).toBeLessThan(0.001 + 1e-12);

    // The wallet recomputed from the fills alone, in exact integer minor units (1e-8):
    // BTC = Σ spot buys; USDT = deposit − Σ spot notional − spot fees + perp realized − perp fees − funding.
    const fills = readArrow(join(a.dir, 'fills.arrow'));
    let btc = 0n;
    let usdt = 20_000n * 100_000_000n;
    for (let i = 0; i < fills.numRows; i++) {
      const venue = String(fills.getChild('venue')!.get(i));
      const buy = fills.getChild('side')!.get(i) === 'buy';
      const lots = BigInt(fills.getChild('size_lots')!.get(i) as number);
      const ticks = BigInt(fills.getChild('price_ticks')!.get(i) as number);
      const fee = fills.getChild('fee_minor')!.get(i) as bigint;
      if (venue === 'spot') {
        // 1 lot = 1e-8 BTC = 1 minor unit; 1 tick = 0.01 USDT: notional minor = ticks × lots × 1e-2 (exact here)
        const notional = (ticks * lots) / 100n;
        btc += buy ? lots : -lots;
        usdt += buy ? -notional : notional;
      } else {
        usdt += fills.getChild('realized_minor')!.get(i) as bigint;
      }
      usdt -= fee;
    }
    const funding = (await queryRuns([a.dir], 'select coalesce(sum(payment_minor), 0)::BIGINT from funding')).rows[0]![0];
    usdt -= BigInt(String(funding));
    const wallet = a.world.ledger;
    expect(wallet.balance('desk:cash', 'BTC')).toBe(btc);
    expect(wallet.balance('desk:cash', 'USDT')).toBe(usdt);
    // Conservation: every asset sums to zero over all accounts (external deposits included).
    for (const asset of wallet.assets()) expect(wallet.total(asset), asset).toBe(0n);

    // Equity = deposits at current prices + each venue's PnL + liquidation transfers, at every sample.
    const gap = await queryRuns([a.dir], 'select max(abs(equity - (deposits + liquidation + pnl_spot + pnl_perp))), count(*), max(abs(pnl_spot)), max(abs(pnl_perp)) from equity');
    expect(Number(gap.rows[0]![0])).toBeLessThan(1e-6);
    expect(Number(gap.rows[0]![1])).toBeGreaterThan(300);
    // both venues contribute (the check above is not satisfied by zeros)
    expect(Number(gap.rows[0]![2])).toBeGreaterThan(0);
    expect(Number(gap.rows[0]![3])).toBeGreaterThan(0);
  });
});

const levSpec = (leverage: number, data: string) => `
seed: 1
venues:
  - id: perp
    kind: perp
    data: ${data}
    fees: "2:5"
accounts:
  - id: desk
    deposits: { USDT: 100 }
agents:
  - strategy: ${join(ROOT, 'strategies', 'leveraged-long.ts')}
    account: desk
    venues: [perp]
    params: { leverage: ${leverage}, entryAt: "2024-08-08T23:55:10Z" }
`;

describe('margin binds', () => {
  it('a 120x long entered at the capture high is liquidated at real book prices; the same at 2x is not', async () => {
    if (!have) return;
    const hi = await run(specFile('lev120', levSpec(120, `{ catalog: ${perp} }`)), 'lev120');
    const lo = await run(specFile('lev2', levSpec(2, `{ catalog: ${perp} }`)), 'lev2');
    const liq = (await queryRuns([hi.dir], 'select count(*), min(price), max(price), sum(fee) from liquidations')).rows[0]!;
    expect(Number(liq[0])).toBeGreaterThan(0);
    // The capture's perp traded between 61590.3 and 61839.9 that minute range: liquidation prices are book prices inside it.
    expect(Number(liq[1])).toBeGreaterThanOrEqual(61_580);
    expect(Number(liq[2])).toBeLessThanOrEqual(61_840);
    // The liquidation fee went to the insurance fund as ledger transfers.
    const fund = (await queryRuns([hi.dir], "select sum(amount_minor)::BIGINT from ledger where to_account = 'insurance:fund' and kind = 'liquidation'")).rows[0]![0];
    expect(Number(fund) / 1e8).toBeCloseTo(Number(liq[3]), 8);
    expect(hi.metrics.liquidations).toBeGreaterThan(0);
    expect(lo.metrics.liquidations).toBe(0);
    expect((await queryRuns([lo.dir], 'select count(*) from liquidations')).rows[0]![0]).toBe(0n);
    // Both entered: the 2x account holds its long to the end.
    expect(lo.metrics.finalPositionLots).toBeGreaterThan(0);
    // Its report draws the liquidation on the mark the account was valued at (a catalog venue has
    // no marks table: the equity samples' mark), not one dot on an axis of one price.
    const chart = buildCharts(hi.dir).find((c) => c.title.startsWith('Liquidations (dots'))!;
    const [markLine, dots] = chart.marks.map((m) => (m as unknown as { data: { t: Date; v: number }[] }).data);
    const eq = (await queryRuns([hi.dir], 'select count(*) from equity where mid is not null and not isnan(mid)')).rows[0]![0];
    expect(markLine!.length).toBeGreaterThan(100);
    expect(BigInt(markLine!.length)).toBeLessThanOrEqual(eq as bigint);
    expect(dots!.length).toBe(Number(liq[0]));
  });

  it('a 50x long on a generated crash (calibrated on the capture) is liquidated', async () => {
    const r = await run(specFile('lev50', levSpec(50, '{ generate: { seed: 3, events: 400000, profile: crash } }').replace('entryAt: "2024-08-08T23:55:10Z"', 'entryAt: "2024-08-09T00:00:00Z"')), 'lev50');
    expect(r.metrics.liquidations).toBeGreaterThan(0);
  });

  it('a spot sale beyond holdings is rejected at the desk with a reason, never filled', async () => {
    if (!have) return;
    const strat = join(root, 'oversell.ts');
    writeFileSync(
      strat,
      "import { ASK, BID, defineStrategy, z } from 'primesim';\nexport default defineStrategy({ name: 'oversell', description: 'sells what it does not hold', params: z.strictObject({}), subscribe: { book: 'bbo' },\n  create() { let n = 0; return { onBook(c) { if (n++ !== 0) return; c.submit({ side: ASK, type: 'market', sizeLots: 200_000_000, tag: 'oversell' }); c.submit({ side: BID, type: 'market', sizeLots: 1_000_000, tag: 'buy' }); c.submit({ side: BID, priceTicks: c.book.bestBid, sizeLots: 100_000_000_000, tag: 'too-big' }); } }; } });\n",
    );
    const f = specFile('oversell', `venues:\n  - { id: spot, kind: spot, data: { catalog: ${spot} } }\naccounts:\n  - { id: desk, deposits: { USDT: 1000, BTC: 1 }, margin: cash }\nagents:\n  - { strategy: ${strat}, account: desk, venues: [spot] }\n`);
    const r = await run(f, 'oversell');
    const rows = (await queryRuns([r.dir], 'select tag, status, reason, filled_lots from orders order by order_id')).rows;
    expect(rows[0]![0]).toBe('oversell');
    expect(rows[0]![1]).toBe('rejected');
    expect(String(rows[0]![2])).toMatch(/insufficient BTC: sell of 2 exceeds holdings available 1/);
    expect(rows[1]!.slice(0, 2)).toEqual(['buy', 'filled']);
    expect(rows[2]![1]).toBe('rejected');
    expect(String(rows[2]![2])).toMatch(/insufficient USDT/);
    const sells = (await queryRuns([r.dir], "select count(*) from fills where side = 'sell'")).rows[0]![0];
    expect(sells).toBe(0n);
    expect(r.metrics.rejectedOrders).toBe(2);
  });
});
