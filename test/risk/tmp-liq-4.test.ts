import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../src/kernel/simulation.ts';
import type { Transfer } from '../../src/ledger/ledger.ts';
import { ASK, BID, L2Book } from '../../src/market/book.ts';
import { BookExecutor } from '../../src/risk/book-exec.ts';
import { LiquidationEngine } from '../../src/risk/liquidation.ts';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { deposit, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

const SEC = 1_000_000;
const U = 100_000_000n;

function quote(book: L2Book, price: number, levelLots: number): void {
  book.clear();
  const c = Math.round(price / 0.1);
  for (let j = 0; j < 100; j++) {
    book.setLevel(BID, c - 50 - j * 100, levelLots);
    book.setLevel(ASK, c + 50 + j * 100, levelLots);
  }
}

const acct = fc.record({ lev: fc.double({ min: 2, max: 50, noNaN: true }), notional: fc.double({ min: 5_000, max: 100_000, noNaN: true }) });

describe('liquidation engine', () => {
  it('walks the book: a liquidation sale removes bid liquidity and lowers the mid', () => {
    const book = new L2Book();
    quote(book, 60_000, 500);
    const before = book.midTicks();
    const fills = new BookExecutor(new Map([[PERP, book]])).execute(T0, PERP, -1200, undefined);
    expect(fills.map((f) => [f.priceTicks, f.lots])).toEqual([[599_950, -500], [599_850, -500], [599_750, -200]]);
    expect(book.bestBid).toBe(599_750);
    expect(book.sizeAt(BID, 599_750)).toBe(300);
    expect(book.midTicks()).toBeLessThan(before);
  });

  let adlRuns = 0;
  let bankruptRuns = 0;
  it('property: no account stays below maintenance, money is conserved and reconciles, ADL hits opposite profitable positions in rank order', () => {
    fc.assert(
      fc.property(
        fc.array(acct, { minLength: 1, maxLength: 6 }),
        fc.array(acct, { minLength: 0, maxLength: 4 }),
        fc.constantFrom(0, 300, 50_000),
        fc.array(fc.double({ min: -0.15, max: 0.12, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 30, max: 3_000 }),
        (longs, shorts, fundUsd, path, levelLots) => {
          const sim = new Simulation(1);
          const { ledger, engine } = newEngine();
          const journal: Transfer[] = [];
          ledger.onTransfer((t) => journal.push(t));
          engine.registerInstrument(perpSpec());
          let price = 60_000;
          engine.setMark('BTC', price, T0);
          const book = new L2Book(1 << 16);
          quote(book, price, levelLots);
          const liq = new LiquidationEngine(sim, engine, new BookExecutor(new Map([[PERP, book]])), { stepShare: 0.5, cooldownUs: SEC });
          ledger.transfer(T0, 'external:deposits', 'insurance:fund', 'USDT', BigInt(fundUsd) * U, 'deposit');
          const ids: string[] = [];
          const open = (id: string, side: number, a: { lev: number; notional: number }) => {
            engine.openAccount(id, new CrossMargin());
            deposit(ledger, id, Math.round((a.notional / a.lev) * 100) / 100);
            engine.applyFill(id, PERP, T0, side * Math.max(1, Math.round(a.notional / 60)), 600_000, 0);
            ids.push(id);
          };
          longs.forEach((a, i) => open(`L${i}`, 1, a));
          shorts.forEach((a, i) => open(`S${i}`, -1, a));
          let ts = T0;
          for (const r of path) {
            ts += 60 * SEC;
            price = Math.max(1_000, Math.round(price * (1 + r) * 10) / 10);
            quote(book, price, levelLots);
            engine.setMark('BTC', price, ts);
            sim.run(ts + 59 * SEC);
            // After its liquidation steps, every account is above maintenance or flat with equity ≥ 0.
            for (const id of ids) {
              const s = engine.state(id);
              const flat = engine.openPositions(id).length === 0;
              if (!flat) expect(s.equity).toBeGreaterThanOrEqual(s.mm - 1e-6);
              else expect(ledger.balance(`${id}:cash`, 'USDT')).toBeGreaterThanOrEqual(0n);
            }
          }
          // Conservation: every unit is somewhere.
          expect(ledger.total('USDT')).toBe(0n);
          // Reconciliation (exact, from the journal):
          //   fund_end = fund_start + Σ liquidation fees − Σ fund payouts, and for every account
          //   cash_end = deposits + realized PnL − trading fees − liquidation fees + fund cover + uncovered cover.
          const sumK = (pred: (t: Transfer) => boolean) => journal.filter(pred).reduce((s, t) => s + t.amount, 0n);
          const fees = sumK((t) => t.kind === 'liquidation' && t.to === 'insurance:fund');
          const paid = sumK((t) => t.kind === 'insurance' && t.from === 'insurance:fund');
          const uncovered = sumK((t) => t.kind === 'insurance' && t.from === 'insurance:uncovered');
          expect(ledger.balance('insurance:fund', 'USDT')).toBe(BigInt(fundUsd) * U + fees - paid);
          expect(ledger.balance('insurance:fund', 'USDT')).toBeGreaterThanOrEqual(0n);
          for (const id of ids) {
            const cash = `${id}:cash`;
            const into = (k: string) => sumK((t) => t.kind === k && t.to === cash) - sumK((t) => t.kind === k && t.from === cash);
            const all = sumK((t) => t.to === cash) - sumK((t) => t.from === cash);
            expect(into('deposit') + into('realized_pnl') + into('fee') + into('liquidation') + into('insurance')).toBe(all);
            expect(ledger.balance(cash, 'USDT')).toBe(all);
          }
          // Fees in the table are the fees in the journal; bad debt covers at least what the fund and the loss account paid.
          const feeRows = liq.records.reduce((s, r) => s + r.fee, 0);
          expect(feeRows).toBeCloseTo(Number(fees) / 1e8, 6);
          const badRows = liq.records.reduce((s, r) => s + r.badDebt, 0);
          expect(badRows).toBeGreaterThanOrEqual(Number(paid + uncovered) / 1e8 - 1e-6);
          if (badRows > 0) bankruptRuns++;
          // ADL: only opposite-side, profitable positions, hit in descending rank (recomputed here).
          for (const a of liq.adl) {
            adlRuns++;
            const bankruptSide = a.bankrupt.startsWith('L') ? 1 : -1;
            const ranked = a.candidates
              .map((c) => ({ ...c, r: (c.upnl / c.entryNotional) * (c.notional / c.equity) }))
              .sort((x, y) => y.r - x.r || (x.account < y.account ? -1 : 1));
            for (const c of ranked) {
              expect(Math.sign(c.lots)).toBe(-bankruptSide);
              expect(c.upnl).toBeGreaterThan(0);
              expect(c.rank).toBeCloseTo(c.r, 9);
            }
            a.hits.forEach((h, k) => {
              expect(h.account).toBe(ranked[k]!.account);
              if (k < a.hits.length - 1) expect(h.lots).toBe(Math.abs(ranked[k]!.lots)); // only the last hit is partial
            });
          }
        },
      ),
      { seed: 4, numRuns: 300 },
    );
    expect(bankruptRuns).toBeGreaterThan(0);
    expect(adlRuns).toBeGreaterThan(0);
  });
});
