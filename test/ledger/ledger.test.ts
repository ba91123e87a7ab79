import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ledger } from '../../src/ledger/ledger.ts';
import { Position } from '../../src/ledger/portfolio.ts';
import { KNOWN_INSTRUMENTS } from '../../src/market/instrument.ts';

const LINEAR = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const INVERSE = KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']!;
const SPOT = { ...KNOWN_INSTRUMENTS['binance:BTCUSDT']!, lotSize: '0.001' };

const fillArb = fc.record({
  lots: fc.integer({ min: -500, max: 500 }).filter((x) => x !== 0),
  priceTicks: fc.integer({ min: 100_000, max: 900_000 }),
  feeBps: fc.constantFrom(-0.5, 0, 2, 5, 2.5),
});

describe('ledger and positions', () => {
  it('inverse PnL matches the closed form: long 1000 × 100 USD from 50,000 to 60,000 = 1/3 BTC', () => {
    const ledger = new Ledger();
    const p = new Position(INVERSE, 'a', ledger, 'v');
    p.applyFill(0, 1000, 500_000, 0, 1); // 50,000.0 USD
    // unrealized at 60,000: 1000·100·(1/50000 − 1/60000) = 0.333333333… BTC → 33,333,333 sats
    expect(p.unrealized(600_000)).toBe(33_333_333n);
    const { realized } = p.applyFill(1, -1000, 600_000, 0, 2);
    expect(realized).toBe(33_333_333n);
    expect(ledger.balance('a:cash', 'BTC')).toBe(33_333_333n);
    // short 200 contracts at 60,000, buy back at 40,000: 200·100·(1/40000 − 1/60000) = 0.1666… BTC
    p.applyFill(2, -200, 600_000, 0, 3);
    expect(p.unrealized(400_000)).toBe(16_666_667n);
  });

  it('linear PnL and fees in exact minor units', () => {
    const ledger = new Ledger();
    const p = new Position(LINEAR, 'a', ledger, 'v');
    // buy 0.250 BTC at 61,800.3 with 5 bps taker fee: notional 15,450.075 USDT, fee 7.7250375 USDT
    const f1 = p.applyFill(0, 250, 618_003, 5, 1);
    expect(f1.fee).toBe(772_503_750n);
    // sell 0.100 at 61,900.0: realized 0.1 × 99.7 = 9.97 USDT
    const f2 = p.applyFill(1, -100, 619_000, 0, 2);
    expect(f2.realized).toBe(997_000_000n);
    expect(p.lots).toBe(150);
  });

  for (const inst of [LINEAR, INVERSE, SPOT]) {
    it(`property (${inst.kind}): every asset is conserved exactly and realized + unrealized − fees = Δequity`, () => {
      fc.assert(
        fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 100_000, max: 900_000 }), (fills, markTicks) => {
          const ledger = new Ledger();
          const p = new Position(inst, 'a', ledger, 'v');
          const cap = 10n ** 12n;
          ledger.transfer(0, 'external:deposits', p.cashAccount, inst.settle, cap, 'deposit');
          let t = 1;
          let sumRealized = 0n;
          let sumFees = 0n;
          for (const f of fills) {
            const r = p.applyFill(t++, f.lots, f.priceTicks, f.feeBps, t);
            sumRealized += r.realized;
            sumFees += r.fee;
          }
          for (const asset of ledger.assets()) expect(ledger.total(asset)).toBe(0n);
          expect(sumRealized).toBe(p.realized);
          expect(sumFees).toBe(p.fees);
          const equity = p.equity(markTicks);
          expect(p.realized + p.unrealized(markTicks) - p.fees).toBe(equity - cap);
          if (inst.kind === 'spot') {
            // the base asset really moved: the account holds exactly its position
            expect(ledger.balance(p.baseAccount, 'BTC')).toBe(BigInt(p.lots) * 100_000n);
            expect(equity).toBe(ledger.balance(p.cashAccount, 'USDT') + (p.lots >= 0 ? 1n : -1n) * p.notional.value(markTicks, p.lots));
          }
          expect(p.lots).toBe(fills.reduce((s, f) => s + f.lots, 0));
        }),
        { seed: 42, numRuns: 400 },
      );
    });
  }

  it('a flat position after round trips has no cost basis left (no money created or lost in rounding)', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 20 }), (fills) => {
        const ledger = new Ledger();
        const p = new Position(LINEAR, 'a', ledger, 'v');
        for (const f of fills) p.applyFill(0, f.lots, f.priceTicks, 0, 0);
        if (p.lots !== 0) p.applyFill(0, -p.lots, 500_000, 0, 0);
        expect(p.costBasis).toBe(0n);
        expect(p.unrealized(700_000)).toBe(0n);
        expect(ledger.balance(p.cashAccount, 'USDT')).toBe(p.realized);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
