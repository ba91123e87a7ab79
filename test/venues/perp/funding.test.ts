import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../../../src/market/instrument.ts';
import {
  FundingCalculator,
  PremiumFunding,
  SeriesFunding,
  fixedFundingTimes,
  fundingFromTicker,
  premiumRate,
  readLeanFundingCsv,
} from '../../../src/venues/perp/index.ts';
import { dec, makePerp, roundHalfAway } from './helpers.ts';

const LINEAR = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!; // tick 0.1 USDT, lot 0.001 BTC, settle USDT (1e8)
const INVERSE = KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']!; // tick 0.1, lot 1 contract = 100 USD, settle BTC (1e8)
const DATA = path.resolve(import.meta.dirname, '../../..', '../shared/data');
const LEAN = path.join(DATA, 'lean', 'cryptofuture_binance_margin_interest_btcusd.csv');
const haveData = existsSync(LEAN);
if (!haveData && process.env.CI === 'true') throw new Error(`shared data missing under CI: ${LEAN}`);
if (!haveData) console.warn(`skipping LEAN funding series test: ${LEAN} not found`);

/**
 * Independent closed forms, from the contract definitions (not from the code's formula):
 * linear: pay = qty_BTC × mark_USDT × rate, in 1e-8 USDT; inverse: pay = contracts × 100 USD / mark × rate, in 1e-8 BTC.
 */
function expectedPayment(inst: Instrument, lots: number, mark: string, rate: string): bigint {
  const m = dec(mark);
  const r = dec(rate);
  if (inst === LINEAR) return roundHalfAway(BigInt(lots) * m.n * r.n * 10n ** 8n, 1000n * m.d * r.d);
  return roundHalfAway(BigInt(lots) * 100n * m.d * r.n * 10n ** 8n, m.n * r.d);
}

describe('funding accrual', () => {
  for (const inst of [LINEAR, INVERSE]) {
    for (const lots of [1537, -1537]) {
      it(`${inst.kind} ${lots > 0 ? 'long' : 'short'}: sum of payments = Σ rate × notional at mark, to the minor unit; ledger conserved`, () => {
        const t0 = Date.UTC(2024, 0, 1) * 1000;
        const h8 = 8 * 3600e6;
        const rates = ['0.0001', '-0.00037512', '0.00250001', '0.00000003', '-0.0003'];
        const marks = ['43000.5', '42111.1', '44999.9', '40000', '45123.4'];
        const series = new SeriesFunding(inst.symbol, rates.map((r, i) => ({ tsUs: t0 + (i + 1) * h8, rate: Number(r) })));
        const { sim, ledger, position, perp } = makePerp(inst, series, { kind: 'fixed', intervalUs: h8 });
        position.lots = lots; // the funding rule only reads the size
        marks.forEach((m, i) => sim.schedule(t0 + (i + 1) * h8 - 1, 0, { onEvent: (ts) => perp.setIndex(ts, Math.round(Number(m) * 10)) }));
        const times = perp.scheduleFunding(t0, t0 + 5 * h8);
        expect(times).toEqual([1, 2, 3, 4, 5].map((k) => t0 + k * h8));
        sim.run();
        let expected = 0n;
        rates.forEach((r, i) => (expected += expectedPayment(inst, lots, marks[i]!, r)));
        const paid = perp.fundingLog.reduce((s, e) => s + e.payment, 0n);
        expect(paid).toBe(expected);
        expect(ledger.balance('desk:cash', inst.settle)).toBe(-expected);
        expect(ledger.balance(`venue:${inst.venue}:funding`, inst.settle)).toBe(expected);
        expect(ledger.total(inst.settle)).toBe(0n);
        // A long pays a positive rate: the sign of each payment is sign(lots × rate).
        perp.fundingLog.forEach((e, i) => expect(Math.sign(Number(e.payment))).toBe(Math.sign(lots * Number(rates[i]))));
      });
    }
  }

  it('property: one payment equals the closed form for random sizes, marks and rates (fixed seed)', () => {
    const calcs = new Map([LINEAR, INVERSE].map((i) => [i, new FundingCalculator(i)]));
    fc.assert(
      fc.property(
        fc.constantFrom(LINEAR, INVERSE),
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.integer({ min: 1, max: 20_000_000 }),
        fc.integer({ min: -750_000, max: 750_000 }),
        (inst, lots, markTicks, rate1e8) => {
          const mark = `${Math.floor(markTicks / 10)}.${markTicks % 10}`;
          const rate = (rate1e8 < 0 ? '-' : '') + `0.${String(Math.abs(rate1e8)).padStart(8, '0')}`;
          expect(calcs.get(inst)!.payment(lots, markTicks, Number(rate))).toBe(lots === 0 ? 0n : expectedPayment(inst, lots, mark, rate));
        },
      ),
      { seed: 20240601, numRuns: 500 },
    );
  });

  describe.skipIf(!haveData)('real LEAN funding series (Binance BTCUSD, 12 rates)', () => {
    it('settles at the data times; total = Σ rate × notional for long linear and short inverse', () => {
      const lines = readFileSync(LEAN, 'utf8').trim().split('\n');
      expect(lines.length).toBe(12);
      for (const [inst, lots] of [[LINEAR, 2500], [INVERSE, -731]] as const) {
        const series = readLeanFundingCsv(LEAN, inst.symbol);
        expect(series.timesUs().length).toBe(12);
        const { sim, ledger, position, perp } = makePerp(inst, series, { kind: 'data' });
        position.lots = lots;
        // Mark moves before each funding time: 20000.0 + 123.4·k.
        const marks = series.timesUs().map((_, k) => (200000 + 1234 * k) / 10);
        series.timesUs().forEach((t, k) => sim.schedule(t - 1, 0, { onEvent: (ts) => perp.setIndex(ts, Math.round(marks[k]! * 10)) }));
        const times = perp.scheduleFunding(0, Number.MAX_SAFE_INTEGER);
        expect(times.length).toBe(12);
        sim.run();
        let expected = 0n;
        lines.forEach((l, k) => (expected += expectedPayment(inst, lots, marks[k]!.toFixed(1), l.split(',')[1]!)));
        expect(perp.fundingLog.reduce((s, e) => s + e.payment, 0n)).toBe(expected);
        expect(ledger.balance('desk:cash', inst.settle)).toBe(-expected);
        expect(ledger.total(inst.settle)).toBe(0n);
        console.log(`LEAN series ${inst.kind} lots=${lots}: Σ funding = ${expected} minor units of ${inst.settle}`);
      }
    });

    it('an 8h schedule over the gap in the series fails with a DataError naming instrument and time', () => {
      const series = readLeanFundingCsv(LEAN, 'BTCUSDT');
      const { sim, position, perp } = makePerp(LINEAR, series, { kind: 'fixed', intervalUs: 8 * 3600e6 });
      position.lots = 1;
      perp.setIndex(0, 300000);
      perp.scheduleFunding(Date.UTC(2020, 11, 31, 12) * 1000, Date.UTC(2021, 0, 2) * 1000);
      let err: unknown;
      try {
        sim.run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataError);
      expect((err as Error).message).toContain('BTCUSDT');
      expect((err as Error).message).toContain('2021-01-01T00:00:00.000Z');
      expect(perp.fundingLog.length).toBe(1); // 2020-12-31 16:00 settled, then the gap
    });
  });

  it('schedules: fixed 8h times are aligned to UTC midnight; ticker rows give the last rate before each funding time', () => {
    const day = Date.UTC(2024, 2, 3) * 1000;
    const h = 3600e6;
    expect(fixedFundingTimes(day + 5 * h, day + 24 * h)).toEqual([day + 8 * h, day + 16 * h, day + 24 * h]);
    expect(fixedFundingTimes(day, day + 8 * h)).toEqual([day + 8 * h]);
    const s = fundingFromTicker('X', [
      { timestampUs: day + 1, fundingTimestampUs: day + 8 * h, fundingRate: 0.0001 },
      { timestampUs: day + 2, fundingTimestampUs: day + 8 * h, fundingRate: 0.0002 },
      { timestampUs: day + 8 * h + 1, fundingTimestampUs: day + 16 * h, fundingRate: -0.0003 },
    ]);
    expect(s.timesUs()).toEqual([day + 8 * h, day + 16 * h]);
    expect(s.rateAt(day + 8 * h, 'X')).toBe(0.0002);
    expect(s.rateAt(day + 16 * h, 'X')).toBe(-0.0003);
    expect(() => s.rateAt(day, 'X')).toThrow(/no funding rate for X at 2024-03-03T00:00:00.000Z/);
  });

  it('premium model: clamp(P + clamp(I − P, ±0.05%), cap) by hand; average resets each period', () => {
    // P = 0.0002 → I − P = −0.0001 inside the clamp → rate = I = 0.0001.
    expect(premiumRate(0.0002, 0.0001, 0.0005, 0.003)).toBeCloseTo(0.0001, 15);
    // P = 0.002 → I − P = −0.0019 → clamped to −0.0005 → 0.0015.
    expect(premiumRate(0.002, 0.0001, 0.0005, 0.003)).toBeCloseTo(0.0015, 15);
    // P = −0.01 → −0.01 + 0.0005 = −0.0095 → capped at −0.003.
    expect(premiumRate(-0.01, 0.0001, 0.0005, 0.003)).toBe(-0.003);
    const pf = new PremiumFunding();
    pf.observe(0, 10000, 10030); // +0.003
    pf.observe(1, 10000, 10010); // +0.001 → average 0.002 → 0.0015
    expect(pf.rateAt(2, 'BTCUSDT')).toBeCloseTo(0.0015, 15);
    expect(() => pf.rateAt(3, 'BTCUSDT')).toThrow(DataError);
  });

  it('open interest counts long lots over tracked accounts plus the data figure', () => {
    const { perp, position } = makePerp(LINEAR, new SeriesFunding('BTCUSDT', []), { kind: 'fixed', intervalUs: 8 * 3600e6 });
    position.lots = 40;
    perp.externalOpenInterestLots = 1000;
    expect(perp.openInterestLots()).toBe(1040);
    position.lots = -40;
    expect(perp.openInterestLots()).toBe(1000);
  });
});
