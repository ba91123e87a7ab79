import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { importDataset } from '../../src/data/import/index.ts';
import { queryRuns } from '../../src/results/query.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-real-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backtests on every real Binance capture', () => {
  for (const [file, settle, taker] of [
    ['cm_btcusd_perp_20240808.gz', 'BTC', { thresholdLots: '3000', sizeLots: '5' }],
    ['spot_btcusdt_20240808.gz', 'USDT', { thresholdLots: '20000000', sizeLots: '100000', maxPositionLots: '500000' }],
    ['usdm_ethusdt_20240808.gz', 'USDT', { thresholdLots: '20000', sizeLots: '5' }],
  ] as const) {
    it(`${file}: imports, replays, trades, and the ledger reconciles the PnL in ${settle}`, async () => {
      if (!sharedDataAvailable()) return;
      const ds = join(root, file);
      const m = await importDataset({ input: join(SHARED, 'binance', file), out: ds });
      expect(m.rows).toBeGreaterThan(10_000);
      expect(m.instrument.settle).toBe(settle);
      const r = await runBacktest({ strategy: 'strategies/trade-flow-taker.ts', data: ds, params: taker, runsDir: join(root, 'runs'), fees: '2:5' });
      expect(r.manifest.counts.rows).toBe(m.rows);
      expect(r.metrics.fills).toBeGreaterThan(0);
      // every fill's fee and realized PnL is a ledger transfer; the cash account holds exactly their sum
      const q = await queryRuns([r.dir], `
        select
          (select sum(fee_minor) from fills)::BIGINT as fees,
          (select sum(realized_minor) from fills)::BIGINT as realized,
          (select sum(case when to_account = 'desk:cash' then amount_minor else -amount_minor end)
             from ledger where (to_account = 'desk:cash' or from_account = 'desk:cash') and kind <> 'deposit' and asset = '${settle}')::BIGINT as cash`);
      const [fees, realized, cash] = q.rows[0]!.map((x) => BigInt(String(x)));
      if (m.instrument.kind === 'spot') {
        // spot pays the notional itself: cash = −Σ signed notional − fees, and the base asset moved
        const n = await queryRuns([r.dir], `select (sum(case when side = 'buy' then -1 else 1 end * price * qty) * 1e8)::DOUBLE from fills`);
        expect(Number(cash) / 1e8).toBeCloseTo((Number(n.rows[0]![0]) - Number(fees)) / 1e8, 6);
      } else {
        expect(cash).toBe(realized! - fees!);
      }
      expect(r.metrics.totalPnl).toBeCloseTo(r.metrics.realizedPnl + r.metrics.unrealizedPnl - r.metrics.fees, 8);
      // No --capital: 100,000 USDT, or on the COIN-M contract the BTC worth 100,000 USD at the
      // capture's first trade (three significant figures; it deposited 100,000 BTC).
      const deposit = Number((await queryRuns([r.dir], "select sum(amount_minor)::BIGINT from ledger where kind = 'deposit'")).rows[0]![0]) / 1e8;
      if (settle === 'USDT') expect(deposit).toBe(100_000);
      else {
        // Lines are `<local ns> <stream message>`.
        const line = gunzipSync(readFileSync(join(SHARED, 'binance', file))).toString('utf8').split('\n').find((l) => l.includes('@trade"'))!;
        const first = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: { p: string } };
        expect(deposit).toBe(Number((100_000 / Number(first.data.p)).toPrecision(3)));
        expect(deposit).toBe(1.62);
      }
    });
  }
});
