import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../src/kernel/simulation.ts';
import type { Transfer } from '../../src/ledger/ledger.ts';
import { ASK, BID, L2Book } from '../../src/market/book.ts';
import { BookExecutor } from '../../src/risk/book-exec.ts';
import { LiquidationEngine } from '../../src/risk/liquidation.ts';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { BINANCE_BTCUSD_COINM_TIERS } from '../../src/risk/tiers.ts';
import { deposit, INV, inversePerpSpec, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

const SEC = 1_000_000;

function quote(book: L2Book, price: number, levelLots: number): void {
  book.clear();
  const c = Math.round(price / 0.1);
  for (let j = 0; j < 100; j++) {
    book.setLevel(BID, c - 50 - j * 100, levelLots);
    book.setLevel(ASK, c + 50 + j * 100, levelLots);
  }
}

const acct = fc.record({ inverse: fc.boolean(), lev: fc.double({ min: 2, max: 50, noNaN: true }), notional: fc.double({ min: 5_000, max: 100_000, noNaN: true }) });

describe('liquidation with inverse (coin-margined) accounts', () => {
  let adlInverse = 0;
  let bankruptInverse = 0;
  let liquidatedInverse = 0;
  it('property: BTC and USDT are conserved, nobody stays below maintenance unless flat, funds reconcile per asset, inverse ADL in rank order', () => {
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
          engine.registerInstrument(inversePerpSpec(BINANCE_BTCUSD_COINM_TIERS));
          let price = 60_000;
          engine.setMark('BTC', price, T0);
          const linBook = new L2Book(1 << 16);
          const invBook = new L2Book(1 << 16);
          quote(linBook, price, levelLots);
          // Same USD depth per level: a 100 USD contract is 1/0.6 of a 0.001 BTC lot at 60,000.
          quote(invBook, price, Math.max(1, Math.round(levelLots * 0.6)));
          const liq = new LiquidationEngine(sim, engine, new BookExecutor(new Map([[PERP, linBook], [INV, invBook]])), { stepShare: 0.5, cooldownUs: SEC });
          const fundBtcSats = BigInt(Math.round((fundUsd / 60_000) * 1e8));
          ledger.transfer(T0, 'external:deposits', 'insurance:fund', 'USDT', BigInt(fundUsd) * 100_000_000n, 'deposit');
          ledger.transfer(T0, 'external:deposits', 'insurance:fund', 'BTC', fundBtcSats, 'deposit');
          const ids: { id: string; inverse: boolean; side: number }[] = [];
          const open = (id: string, side: number, a: { inverse: boolean; lev: number; notional: number }) => {
            engine.openAccount(id, new CrossMargin());
            if (a.inverse) {
              deposit(ledger, id, Math.round((a.notional / a.lev / 60_000) * 1e8) / 1e8, 'BTC');
              engine.applyFill(id, INV, T0, side * Math.max(1, Math.round(a.notional / 100)), 600_000, 0);
            } else {
              deposit(ledger, id, Math.round((a.notional / a.lev) * 100) / 100);
              engine.applyFill(id, PERP, T0, side * Math.max(1, Math.round(a.notional / 60)), 600_000, 0);
            }
            ids.push({ id, inverse: a.inverse, side });
          };
          longs.forEach((a, i) => open(`L${i}${a.inverse ? 'i' : ''}`, 1, a));
          shorts.forEach((a, i) => open(`S${i}${a.inverse ? 'i' : ''}`, -1, a));
          let ts = T0;
          for (const r of path) {
            ts += 60 * SEC;
            price = Math.max(1_000, Math.round(price * (1 + r) * 10) / 10);
            quote(linBook, price, levelLots);
            quote(invBook, price, Math.max(1, Math.round(levelLots * 0.6)));
            engine.setMark('BTC', price, ts);
            sim.run(ts + 59 * SEC);
            for (const { id } of ids) {
              const s = engine.state(id);
              const flat = engine.openPositions(id).length === 0;
              if (!flat) expect(s.equity).toBeGreaterThanOrEqual(s.mm - 1e-6);
              else {
                expect(ledger.balance(`${id}:cash`, 'USDT')).toBeGreaterThanOrEqual(0n);
                expect(ledger.balance(`${id}:cash`, 'BTC')).toBeGreaterThanOrEqual(0n);
              }
            }
          }
          expect(ledger.total('BTC')).toBe(0n);
          expect(ledger.total('USDT')).toBe(0n);
          const sumK = (asset: string, pred: (t: Transfer) => boolean) => journal.filter((t) => t.asset === asset && pred(t)).reduce((s, t) => s + t.amount, 0n);
          for (const [asset, start] of [['USDT', BigInt(fundUsd) * 100_000_000n], ['BTC', fundBtcSats]] as const) {
            const fees = sumK(asset, (t) => t.kind === 'liquidation' && t.to === 'insurance:fund');
            const paid = sumK(asset, (t) => t.kind === 'insurance' && t.from === 'insurance:fund');
            expect(ledger.balance('insurance:fund', asset)).toBe(start + fees - paid);
            expect(ledger.balance('insurance:fund', asset)).toBeGreaterThanOrEqual(0n);
            const feeRows = liq.records.filter((r) => r.asset === asset).reduce((s, r) => s + r.fee, 0);
            expect(feeRows).toBeCloseTo(Number(fees) / 1e8, 6);
          }
          // Inverse positions are liquidated in BTC only; linear ones in USDT only.
          for (const r of liq.records) expect(r.asset).toBe(r.instrument === INV ? 'BTC' : 'USDT');
          for (const t of journal) {
            if (t.kind !== 'liquidation' && t.kind !== 'insurance') continue;
            const acc = (t.from.endsWith(':cash') ? t.from : t.to).replace(/:cash$/, '');
            const who = ids.find((x) => x.id === acc);
            if (who) expect(t.asset).toBe(who.inverse ? 'BTC' : 'USDT');
          }
          if (liq.records.some((r) => r.instrument === INV)) liquidatedInverse++;
          if (liq.records.some((r) => r.instrument === INV && r.badDebt > 0)) bankruptInverse++;
          for (const a of liq.adl) {
            if (a.instrument !== INV) continue;
            adlInverse++;
            const bankruptSide = a.bankrupt.startsWith('L') ? 1 : -1;
            const ranked = a.candidates
              .map((c) => ({ ...c, r: (c.upnl / c.entryNotional) * (c.notional / c.equity) }))
              .sort((x, y) => y.r - x.r || (x.account < y.account ? -1 : 1));
            for (const c of ranked) {
              expect(Math.sign(c.lots)).toBe(-bankruptSide);
              expect(c.upnl).toBeGreaterThan(0);
              expect(c.account.endsWith('i')).toBe(true);
            }
            a.hits.forEach((h, k) => expect(h.account).toBe(ranked[k]!.account));
          }
        },
      ),
      { seed: 20241126, numRuns: 150 },
    );
    expect(liquidatedInverse).toBeGreaterThan(0);
    expect(bankruptInverse).toBeGreaterThan(0);
    expect(adlInverse).toBeGreaterThan(0);
  });
});
