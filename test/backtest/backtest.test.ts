import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { readArrow } from '../../src/results/arrow-io.ts';
import { queryRuns } from '../../src/results/query.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

let root: string;
let data: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'primesim-bt-'));
  data = join(root, 'tiny');
  writeTinyDataset(data, 3, 20_000);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mm = { strategy: 'strategies/market-maker.ts', params: { spreadBps: '0.01', sizeLots: '5', requoteTicks: '1' }, queue: 'power:3' };

describe('backtest runs', () => {
  it('are byte-identical when repeated, and a different seed changes probabilistic-queue fills', async () => {
    const a = await runBacktest({ ...mm, data, seed: 7, runsDir: join(root, 'a') });
    const b = await runBacktest({ ...mm, data, seed: 7, runsDir: join(root, 'b') });
    const c = await runBacktest({ ...mm, data, seed: 8, runsDir: join(root, 'c') });
    expect(a.manifest.counts.fills).toBeGreaterThan(20);
    for (const f of a.manifest.files) {
      const x = readFileSync(join(a.dir, f.file));
      const y = readFileSync(join(b.dir, f.file));
      expect(x.equals(y)).toBe(true);
    }
    expect(a.manifest.resultsSha256).toBe(b.manifest.resultsSha256);
    expect(c.manifest.resultsSha256).not.toBe(a.manifest.resultsSha256);
    const fa = readArrow(join(a.dir, 'fills.arrow'));
    const fc = readArrow(join(c.dir, 'fills.arrow'));
    const sig = (t: typeof fa) => Array.from({ length: t.numRows }, (_, i) => `${t.getChild('ts_us')!.get(i)}:${t.getChild('size_lots')!.get(i)}`).join(',');
    expect(sig(fa)).not.toBe(sig(fc));
  });

  it('the ledger table balances to zero per asset and reproduces the final equity', async () => {
    const r = await runBacktest({ ...mm, data, seed: 3, runsDir: join(root, 'l') });
    const q = await queryRuns([r.dir], `
      with legs as (select asset, -amount_minor as d from ledger union all select asset, amount_minor from ledger)
      select asset, sum(d)::BIGINT as total from legs group by asset`);
    for (const row of q.rows) expect(Number(row[1])).toBe(0);
    const cash = await queryRuns([r.dir], `select (sum(case when to_account = 'desk:cash' then amount_minor else 0 end) - sum(case when from_account = 'desk:cash' then amount_minor else 0 end))::BIGINT from ledger`);
    const m = r.metrics;
    // equity = cash + unrealized; cash = capital + realized − fees
    expect(Number(cash.rows[0]![0]) / 1e8).toBeCloseTo(m.initialCapital + m.realizedPnl - m.fees, 6);
    expect(m.totalPnl).toBeCloseTo(m.realizedPnl + m.unrealizedPnl - m.fees, 6);
    expect(m.totalPnl).toBeCloseTo(m.spreadCapture + m.inventoryPnl - m.fees, 6);
  });

  it('fills in the Arrow file agree with the queried aggregate and the orders table', async () => {
    const r = await runBacktest({ ...mm, data, seed: 5, runsDir: join(root, 'q') });
    const q = await queryRuns([r.dir], 'select side, count(*) as n, sum(size_lots) as lots from fills group by side order by side');
    const fills = readArrow(join(r.dir, 'fills.arrow'));
    const total = q.rows.reduce((s, row) => s + Number(row[1]), 0);
    expect(total).toBe(fills.numRows);
    const o = await queryRuns([r.dir], 'select sum(filled_lots) from orders');
    const lots = q.rows.reduce((s, row) => s + Number(row[2]), 0);
    expect(Number(o.rows[0]![0])).toBe(lots);
  });

  it('perp funding settles on the position at each funding time: table = ledger = rate × notional', async () => {
    const r = await runBacktest({ ...mm, data, seed: 4, runsDir: join(root, 'f'), funding: '0.0005@10s' });
    const q = await queryRuns([r.dir], 'select rate, position_lots, mark, payment_minor from funding order by ts_us');
    expect(q.rows.length).toBeGreaterThan(10);
    let total = 0n;
    let nonZero = 0;
    for (const [rate, lots, mark, pay] of q.rows as [number, number, number, bigint][]) {
      // linear BTCUSDT: lots × 0.001 BTC × mark USDT × rate, in 1e-8 USDT; a long pays
      const expected = Math.round(Number(lots) * 0.001 * Number(mark) * Number(rate) * 1e8);
      expect(Math.abs(Number(pay) - expected)).toBeLessThanOrEqual(1);
      total += BigInt(pay);
      if (Number(lots) !== 0) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(0);
    const led = await queryRuns([r.dir], "select sum(case when from_account = 'desk:cash' then amount_minor else -amount_minor end)::BIGINT from ledger where kind = 'funding'");
    expect(BigInt(String(led.rows[0]![0]))).toBe(total);
    const m = r.metrics;
    expect(m.funding).toBeCloseTo(Number(total) / 1e8, 8);
    expect(m.totalPnl).toBeCloseTo(m.realizedPnl + m.unrealizedPnl - m.fees - m.funding, 6);
    expect(m.totalPnl).toBeCloseTo(m.spreadCapture + m.inventoryPnl - m.fees - m.funding, 6);
  });

  it('funding from a Tardis derivative_ticker file settles at its funding times with the last published rate', async () => {
    const { writeFileSync } = await import('node:fs');
    const t0 = 1_723_161_600_000_000; // the tiny dataset starts at 2024-08-09T00:00:00Z
    const lines = ['exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price'];
    const expected = new Map<number, number>();
    for (let k = 0; k < 24; k++) {
      const ts = t0 + k * 10e6;
      const next = t0 + (Math.floor(k / 6) + 1) * 60e6;
      const rate = 0.0001 * (1 + (k % 7)) * (k % 2 ? -1 : 1);
      lines.push(`binance-futures,BTCUSDT,${ts},${ts + 5000},${next},${rate},,12345.6,60000.1,60000.0,60000.05`);
      lines.push(`binance-futures,ETHUSDT,${ts},${ts + 5000},${next},0.5,,1,1,1,1`);
      expected.set(next, rate); // the last rate published before each funding time wins
    }
    const file = join(root, 'derivative_ticker.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await runBacktest({ ...mm, data, seed: 4, runsDir: join(root, 'tardis-f'), funding: `tardis:${file}` });
    const q = await queryRuns([r.dir], 'select ts_us, rate, position_lots, mark, payment_minor from funding order by ts_us');
    expect(q.rows.length).toBeGreaterThanOrEqual(3);
    for (const [ts, rate, lots, mark, pay] of q.rows as [number, number, number, number, bigint][]) {
      expect(rate).toBe(expected.get(Number(ts)));
      expect(Math.abs(Number(pay) - Math.round(Number(lots) * 0.001 * Number(mark) * Number(rate) * 1e8))).toBeLessThanOrEqual(1);
    }
    writeFileSync(file, lines.slice(0, 3).join('\n') + '\nbinance-futures,BTCUSDT,x,1,2,0.1,,1,1,1,1\n');
    await expect(runBacktest({ ...mm, data, runsDir: join(root, 'tardis-g'), funding: `tardis:${file}` })).rejects.toThrow(/derivative_ticker\.csv:4, field timestamp/);
  });

  it('funding that the series does not cover is an error naming the instrument and time', async () => {
    const lean = join(root, 'lean.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(lean, '20201229 00:00:00,0.00020030\n');
    await expect(runBacktest({ ...mm, data, runsDir: join(root, 'g'), funding: `lean:${lean}@1m` })).rejects.toThrow(/no funding rate for BTCUSDT at 2024-08-09T00:01:00\.000Z/);
  });

  it('an unknown strategy file, an unknown parameter or a bad value give one clear error and no run folder', async () => {
    const runsDir = join(root, 'bad');
    await expect(runBacktest({ strategy: 'strategies/nope.ts', data, runsDir })).rejects.toThrow(/strategies\/nope\.ts: unknown strategy/);
    await expect(runBacktest({ ...mm, params: { spreadBp: '2' }, data, runsDir })).rejects.toThrow(/unknown parameter spreadBp/);
    await expect(runBacktest({ ...mm, params: { spreadBps: '-1' }, data, runsDir })).rejects.toThrow(/bad parameter spreadBps/);
    await expect(runBacktest({ ...mm, queue: 'fifo9', data, runsDir })).rejects.toThrow(/unknown queue model/);
    await expect(runBacktest({ ...mm, data: join(root, 'missing'), runsDir })).rejects.toThrow(/not a dataset catalog/);
    expect(existsSync(runsDir) ? readdirSync(runsDir) : []).toEqual([]);
  });
});
