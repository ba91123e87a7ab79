import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adlQueue, adlTop } from '../../src/risk/adl.ts';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { BINANCE_BTCUSDT_TIERS } from '../../src/risk/tiers.ts';
import { deposit, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

describe('ADL queue head', () => {
  let nonTrivial = 0;
  it('property: adlTop is the head of the fully sorted queue — enough candidates to cover the lots, then 32 more — with ties ordered by account', () => {
    const acct = fc.record({ lots: fc.integer({ min: -40, max: 40 }), entry: fc.integer({ min: 50_000, max: 70_000 }), cash: fc.integer({ min: 100, max: 50_000 }) });
    fc.assert(
      // Later trades close, flip and reopen positions (the engine keeps its long and short holders as lots change).
      fc.property(fc.array(acct, { minLength: 1, maxLength: 80 }), fc.integer({ min: 50_000, max: 70_000 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(1, -1), fc.integer({ min: 0, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -60, max: 60 })), { maxLength: 60 }), (accts, mark, need, side, extra, moves) => {
        const { ledger, engine } = newEngine();
        engine.registerInstrument(perpSpec(BINANCE_BTCUSDT_TIERS));
        engine.setMark('BTC', 60_000, T0);
        accts.forEach((x, i) => {
          // Each account twice (same position, same cash): equal ranks, which go by account id.
          for (const twin of [0, 1]) {
            const id = `a${String(2 * i + twin).padStart(3, '0')}`;
            deposit(ledger, id, x.cash);
            engine.openAccount(id, new CrossMargin());
            if (x.lots !== 0) engine.applyFill(id, PERP, T0, x.lots, x.entry * 10, 0);
          }
        });
        const n = 2 * accts.length;
        for (const [i, lots] of moves) {
          const id = `a${String(i % n).padStart(3, '0')}`;
          // Close exactly now and then (a zero position), otherwise trade the drawn lots.
          const cur = engine.positionLots(id, PERP);
          const d = lots % 7 === 0 ? -cur : lots;
          if (d !== 0) engine.applyFill(id, PERP, T0, d, 60_000 * 10, 0);
        }
        engine.setMark('BTC', mark, T0 + 1);
        const full = adlQueue(engine, PERP, side, 'a000');
        // The candidates, recounted account by account through openPosition (the engine's other path).
        const recount: string[] = [];
        for (const a of engine.accountStates()) {
          const p = engine.openPosition(a.id, PERP);
          if (a.id !== 'a000' && p && Math.sign(p.lots) === -side && p.upnl > 0 && a.state.equity > 0) recount.push(a.id);
        }
        expect(full.map((c) => c.account).sort()).toEqual(recount.sort());
        // Also a need the first candidates cover exactly (the boundary case).
        const j = Math.min(full.length, 1 + (need % 5));
        const exact = full.slice(0, j).reduce((t, c) => t + Math.abs(c.lots), 0);
        for (const n of [need, exact]) {
          if (n <= 0) continue;
          const top = adlTop(engine, PERP, side, 'a000', n, extra);
          let k = 0;
          for (let covered = 0; k < full.length && covered < n; k++) covered += Math.abs(full[k]!.lots);
          expect(top).toEqual(full.slice(0, k + extra));
        }
        if (full.length > 1) nonTrivial++;
      }),
      { seed: 4, numRuns: 300 },
    );
    expect(nonTrivial).toBeGreaterThan(100);
  });

  it('property: between calls the kept candidate sets and rank orders follow fills, flips, closes, marks and revaluations — adlTop stays the head of a full scan', () => {
    const acct = fc.record({ lots: fc.integer({ min: -40, max: 40 }), entry: fc.integer({ min: 50_000, max: 70_000 }), cash: fc.integer({ min: 100, max: 50_000 }) });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('fill' as const), i: fc.nat(), lots: fc.integer({ min: -60, max: 60 }), px: fc.integer({ min: 50_000, max: 70_000 }) }),
      fc.record({ kind: fc.constant('mark' as const), px: fc.integer({ min: 45_000, max: 75_000 }) }),
      fc.record({ kind: fc.constant('adl' as const), side: fc.constantFrom(1, -1), need: fc.integer({ min: 1, max: 200 }), extra: fc.integer({ min: 0, max: 8 }) }),
    );
    let checks = 0;
    fc.assert(
      fc.property(fc.array(acct, { minLength: 2, maxLength: 100 }), fc.array(op, { minLength: 1, maxLength: 40 }), (accts, ops) => {
        const { ledger, engine } = newEngine();
        engine.verifyAdlSets = true;
        engine.registerInstrument(perpSpec(BINANCE_BTCUSDT_TIERS));
        engine.setMark('BTC', 60_000, T0);
        const ids = accts.map((_, i) => `a${String(i).padStart(3, '0')}`);
        accts.forEach((x, i) => {
          deposit(ledger, ids[i]!, x.cash);
          engine.openAccount(ids[i]!, new CrossMargin());
          if (x.lots !== 0) engine.applyFill(ids[i]!, PERP, T0, x.lots, x.entry * 10, 0);
        });
        let t = T0;
        for (const o of [{ kind: 'adl' as const, side: 1, need: 50, extra: 3 }, ...ops]) {
          t++;
          if (o.kind === 'fill') {
            const id = ids[o.i % ids.length]!;
            const cur = engine.positionLots(id, PERP);
            const d = o.lots % 5 === 0 ? -cur : o.lots; // closes now and then
            if (d !== 0) engine.applyFill(id, PERP, t, d, o.px * 10, 0);
          } else if (o.kind === 'mark') engine.setMark('BTC', o.px, t);
          else {
            // The kept sets and rank orders (checked against a scan and a fresh sort by verifyAdlSets;
            // up to 100 accounts, so a new mark can note more than the 64 that drop the orders whole)
            // give adlTop; adlQueue scans in full.
            const full = adlQueue(engine, PERP, o.side, 'a000');
            const top = adlTop(engine, PERP, o.side, 'a000', o.need, o.extra);
            let k = 0;
            for (let covered = 0; k < full.length && covered < o.need; k++) covered += Math.abs(full[k]!.lots);
            expect(top).toEqual(full.slice(0, k + o.extra));
            checks++;
          }
        }
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(checks).toBeGreaterThan(500);
  });
});
