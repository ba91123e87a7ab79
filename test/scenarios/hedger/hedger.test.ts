import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../../src/results/query.ts';
import { runHedgerScenario } from '../../../src/scenarios/hedger/index.ts';
import { hedgeLots, pickStrangle } from '../../../strategies/delta-hedged-options.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'primesim-hedger-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const one = async (sql: string, dir: string) => (await queryRuns([dir], sql)).rows[0]!;

describe('hedger scenario', () => {
  it('delta stays inside the band after each hedge; funding table = ledger funding transfers; byte-identical on repeat', async () => {
    const band = 0.3;
    const a = await runHedgerScenario({ seed: 11, runsDir: path.join(tmp, 'a'), bandCoins: band });
    const b = await runHedgerScenario({ seed: 11, runsDir: path.join(tmp, 'b'), bandCoins: band });
    const c = await runHedgerScenario({ seed: 12, runsDir: path.join(tmp, 'c'), bandCoins: band });
    expect(b.resultsSha256).toBe(a.resultsSha256);
    expect(c.resultsSha256).not.toBe(a.resultsSha256);
    console.log('hedger seed 11 metrics', a.metrics);

    // Band: every row recorded after a check (no hedge needed) or after a hedge completes is inside it,
    // and the band was actually exercised (some checks found the delta outside and hedged).
    const [maxIn, nPost, nPre, maxPre] = await one(
      `SELECT max(abs(delta)) FILTER (WHERE phase <> 'pre_hedge'), count(*) FILTER (WHERE phase = 'post_hedge'),
              count(*) FILTER (WHERE phase = 'pre_hedge'), max(abs(delta)) FILTER (WHERE phase = 'pre_hedge') FROM greeks`,
      a.dir,
    );
    expect(Number(maxIn)).toBeLessThanOrEqual(band);
    expect(Number(nPost)).toBe(Number(nPre));
    expect(Number(nPre)).toBeGreaterThan(3);
    expect(Number(maxPre)).toBeGreaterThan(band);
    // A completed hedge leaves at most half a perp lot (0.0005 BTC) of delta.
    const [maxAfterHedge] = await one(`SELECT max(abs(delta_after)) FROM hedges WHERE status = 'filled'`, a.dir);
    expect(Number(maxAfterHedge)).toBeLessThanOrEqual(0.0005 + 1e-9);

    // Funding: six 8h settlements in 48h; the table's payments sum to the ledger's funding transfers.
    const [nFunding, sumTable] = await one(`SELECT count(*), sum(payment_minor)::BIGINT FROM funding`, a.dir);
    expect(Number(nFunding)).toBe(6);
    const [sumLedger, nLedger] = await one(
      `SELECT sum(CASE WHEN "from" = 'desk:cash' THEN amount_minor ELSE -amount_minor END)::BIGINT, count(*) FROM ledger WHERE kind = 'funding'`,
      a.dir,
    );
    expect(BigInt(sumLedger as bigint)).toBe(BigInt(sumTable as bigint));
    expect(Number(nLedger)).toBeGreaterThan(0);
    // Each payment is position × mark × rate (long pays a positive rate), to 1e-8 USDT.
    const [worst] = await one(`SELECT max(abs(payment - position * mark * rate)) FROM funding`, a.dir);
    expect(Number(worst)).toBeLessThanOrEqual(0.5e-8 + 1e-9);
    // Money only entered through the deposit: every asset sums to zero over accounts.
    const totals = await queryRuns([a.dir], `SELECT asset, sum(CASE WHEN "to" LIKE 'external:%' THEN -amount_minor WHEN "from" LIKE 'external:%' THEN amount_minor ELSE 0 END)::BIGINT FROM ledger GROUP BY asset ORDER BY asset`);
    expect(totals.rows).toEqual([['BTC', 0n], ['USDT', 100_000_000_000_000n]]);

    // Margin from src/risk on the desk's own ledger and positions (no shadow). New definition of the
    // engine's equity: USDT pool (cash + perp uPnL at the perp mark) + BTC pool (cash_btc + option
    // coin value) × S × (1 − haircut) when that pool is positive. The desk's `equity` table counts the
    // BTC pool at full value, so the two differ by exactly haircut × max(0, BTC pool) × S (default
    // haircut 0.05) — two independent accountings of the same books. The per-asset BTC equity is the
    // BTC pool itself, in coin.
    const [nMargin, nEquity, resid, residBtc, maxIm, maxImBtc] = await one(
      `SELECT (SELECT count(*) FROM margin), (SELECT count(*) FROM equity),
              max(abs(e.equity - m.equity - 0.05 * greatest(0, e.cash_btc + e.options_value_btc) * e.underlying)),
              max(abs(m.equity_btc - (e.cash_btc + e.options_value_btc))), max(m.im), max(m.im_btc)
       FROM margin m JOIN equity e USING (ts_us)`,
      a.dir,
    );
    expect(Number(nMargin)).toBe(Number(nEquity));
    expect(Number(resid)).toBeLessThan(1e-4);
    expect(Number(residBtc)).toBeLessThan(1e-9);
    // The options' requirement is in coin and in the USD total at the mark.
    expect(Number(maxImBtc)).toBeGreaterThan(0);
    expect(Number(maxIm)).toBeGreaterThan(0);
  });

  it('options expiring mid-run are cash-settled and drop out of the delta', async () => {
    const r = await runHedgerScenario({ seed: 5, runsDir: path.join(tmp, 'e'), hours: 40, expiryDays: [1, 3] });
    const expiryUs = Date.UTC(2024, 0, 2, 8) * 1000;
    const [settled] = await one(`SELECT count(*) FROM ledger WHERE kind = 'trade' AND "from" = 'venue:deribit:clearing' AND ts_us = ${expiryUs}`, r.dir);
    const [liveAfter] = await one(`SELECT max(abs(option_delta)) FROM greeks WHERE ts_us > ${expiryUs}`, r.dir);
    const [liveBefore] = await one(`SELECT max(abs(option_delta)) FROM greeks WHERE ts_us < ${expiryUs}`, r.dir);
    expect(Number(liveBefore)).toBeGreaterThan(0);
    expect(Number(liveAfter)).toBe(0);
    // At most two transfers (the strangle's legs; an OTM leg pays nothing and makes no transfer).
    expect(Number(settled)).toBeLessThanOrEqual(2);
  });

  it('hedger logic: band, rounding to lots, strangle selection', () => {
    const p = { bandCoins: 0.5, targetDelta: 0 };
    expect(hedgeLots(0.5, 0.001, p)).toBe(0);
    expect(hedgeLots(-0.5, 0.001, p)).toBe(0);
    expect(hedgeLots(0.7004, 0.001, p)).toBe(-700);
    expect(hedgeLots(-1.2346, 0.001, p)).toBe(1235);
    const s = pickStrangle(
      [
        { contract: 'C1', kind: 'call', delta: 0.4 },
        { contract: 'C2', kind: 'call', delta: 0.26 },
        { contract: 'C3', kind: 'call', delta: 0.1 },
        { contract: 'P1', kind: 'put', delta: -0.3 },
        { contract: 'P2', kind: 'put', delta: -0.22 },
      ],
      0.25,
    );
    expect(s).toEqual({ call: 'C2', put: 'P2' });
  });
});
