import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { black76Price, inverseGreeks, yearFracUs } from '../../../src/pricing/index.ts';
import {
  FlatVol,
  OptionsVenue,
  SviSurfaceVols,
  deribitContract,
  expiryPayout,
  loadOptionsChain,
  markOption,
  volQuotesFromChain,
} from '../../../src/venues/options/index.ts';
import { dec, roundHalfAway } from '../perp/helpers.ts';

const DATA = path.resolve(import.meta.dirname, '../../..', '../shared/data');
const CHAIN = path.join(DATA, 'tardis', 'options_chain.csv');
const haveData = existsSync(CHAIN);
if (!haveData && process.env.CI === 'true') throw new Error(`shared data missing under CI: ${CHAIN}`);
if (!haveData) console.warn(`skipping options_chain tests: ${CHAIN} not found`);

const EXP = Date.UTC(2020, 5, 9, 8) * 1000;
const NOW = EXP - 2 * 86400e6;

describe.skipIf(!haveData)('chain from tardis options_chain.csv', () => {
  it('loads 7 records; the surface mark of the first (real) row reproduces its mark price within 2e-5 BTC', async () => {
    const all = await loadOptionsChain(CHAIN);
    expect(all.records.length).toBe(7);
    expect(all.quotes.map((q) => q.contract.symbol)).toEqual(['BTC-10JUN20-10000-C', 'BTC-9JUN20-10000-C', 'BTC-9JUN20-9875-P', 'ETH-9JUN20-250-P', 'ETH-9JUN20-300-C']);
    const first = all.records[0]!;
    const snap = await loadOptionsChain(CHAIN, { asOfUs: first.timestampUs });
    expect(snap.quotes.length).toBe(1);
    const vols = new SviSurfaceVols(volQuotesFromChain(snap.quotes), snap.asOfUs);
    const q = snap.quotes[0]!;
    const m = markOption(q.contract, vols, first.underlyingPrice!, first.timestampUs);
    // The row's own numbers: mark_price 0.02210436 BTC at mark_iv 62.89 %, F = 9756.36.
    const diff = Math.abs(m.price - first.markPrice!);
    console.log(`${q.contract.symbol}: surface vol ${m.vol}, mark ${m.price} BTC vs row ${first.markPrice} (|diff| ${diff.toExponential(2)} BTC, ${(diff / m.vega) * 100} vol pts)`);
    expect(m.vol).toBeCloseTo(0.6289, 12);
    expect(diff).toBeLessThan(2e-5);
    // Black-76 USD delta is what the row prints.
    expect(Number(m.deltaUsd.toFixed(5))).toBe(first.delta);
  });
});

describe('SVI surface marks', () => {
  it('a chain generated from a known SVI smile is fitted back: vols within 1e-4, Black-76 prices within 1e-6 coin', () => {
    const F = 30000;
    const t = yearFracUs(NOW, EXP);
    const p = { a: 0.004, b: 0.02, rho: -0.4, m: 0.02, sigma: 0.15 };
    const sviVol = (k: number) => Math.sqrt((p.a + p.b * (p.rho * (k - p.m) + Math.sqrt((k - p.m) ** 2 + p.sigma ** 2))) / t);
    const strikes = [24000, 26000, 28000, 29000, 30000, 31000, 32000, 34000, 36000];
    const quotes = strikes.map((K) => ({ contract: deribitContract(`BTC-9JUN20-${K}-C`, 'call' as const, K, EXP), forward: F, vol: sviVol(Math.log(K / F)) }));
    const vols = new SviSurfaceVols(quotes, NOW);
    for (const K of [25000, 30000, 33000]) {
      const c = deribitContract(`BTC-9JUN20-${K}-P`, 'put', K, EXP);
      const m = markOption(c, vols, F, NOW);
      const v = sviVol(Math.log(K / F));
      expect(Math.abs(m.vol - v)).toBeLessThan(1e-4);
      expect(Math.abs(m.price - black76Price({ kind: 'put', forward: F, strike: K, t, vol: v }) / F)).toBeLessThan(1e-6);
    }
  });

  it('bad inputs: expired option, zero/negative vol, missing surface — ModelError naming the instrument and value', () => {
    const c = deribitContract('BTC-9JUN20-9000-C', 'call', 9000, EXP);
    expect(() => markOption(c, new FlatVol(0.5), 9500, EXP)).toThrow(/BTC-9JUN20-9000-C: option expired \(time to expiry 0/);
    expect(() => markOption(c, new FlatVol(0), 9500, NOW)).toThrow(/BTC-9JUN20-9000-C: implied vol 0 is not positive/);
    expect(() => markOption(c, new FlatVol(-0.2), 9500, NOW)).toThrow(ModelError);
    expect(() => markOption(c, new FlatVol(0.5), -1, NOW)).toThrow(/BTC-9JUN20-9000-C: forward must be > 0, got -1/);
    expect(() => new SviSurfaceVols([{ contract: c, forward: 9500, vol: 0 }], NOW)).toThrow(/BTC-9JUN20-9000-C: quoted implied vol 0/);
    expect(() => new SviSurfaceVols([{ contract: c, forward: 9500, vol: 0.5 }], EXP + 1)).toThrow(/BTC-9JUN20-9000-C: option expired/);
    const eth = deribitContract('ETH-9JUN20-250-P', 'put', 250, EXP);
    expect(() => markOption(eth, new SviSurfaceVols([{ contract: c, forward: 9500, vol: 0.5 }], NOW), 245, NOW)).toThrow(/ETH-9JUN20-250-P: no vol surface/);
  });
});

describe('options venue: premium, greeks, expiry settlement', () => {
  it('expiry settlement of a call and a put pays intrinsic in coin to the minor unit; ledger conserved', () => {
    const ledger = new Ledger();
    const v = new OptionsVenue(ledger, 'deribit', new FlatVol(0.6));
    const call = deribitContract('BTC-9JUN20-9000-C', 'call', 9000, EXP);
    const put = deribitContract('BTC-9JUN20-10000-P', 'put', 10000, EXP);
    const otm = deribitContract('BTC-9JUN20-12000-C', 'call', 12000, EXP);
    for (const c of [call, put, otm]) v.list(c);
    v.trade(NOW, 'desk', call.symbol, 7, 850); // long 0.7 BTC of calls at 0.0850
    v.trade(NOW, 'desk', put.symbol, -13, 321); // short 1.3 BTC of puts at 0.0321
    v.trade(NOW, 'desk', otm.symbol, 5, 3);
    // Premium by hand: 0.7 × 0.085 = 0.0595 paid; 1.3 × 0.0321 = 0.04173 received; 0.5 × 0.0003 = 0.00015 paid.
    expect(ledger.balance('desk:cash', 'BTC')).toBe(-5_950_000n + 4_173_000n - 15_000n);
    const before = ledger.balance('desk:cash', 'BTC');
    const S = '9756.36';
    const out = v.settleExpiries(EXP, () => Number(S));
    const s = dec(S);
    // Call: 0.7 × (S − 9000)/S BTC; put (short): −1.3 × (10000 − S)/S BTC; in 1e-8 BTC.
    const callPay = roundHalfAway(7n * (s.n - 9000n * s.d) * 10n ** 8n, 10n * s.n);
    const putPay = roundHalfAway(-13n * (10000n * s.d - s.n) * 10n ** 8n, 10n * s.n);
    expect(callPay).toBe(5_426_737n); // 0.7 × 756.36 / 9756.36 = 0.0542673 7 BTC
    expect(out.map((e) => e.payout)).toEqual([callPay, putPay, 0n]);
    expect(ledger.balance('desk:cash', 'BTC') - before).toBe(callPay + putPay);
    expect(ledger.total('BTC')).toBe(0n);
    expect(v.greeks('desk', NOW, () => 9756.36)).toEqual({ value: 0, delta: 0, gamma: 0, vega: 0, theta: 0 });
    expect(() => v.trade(EXP, 'desk', call.symbol, 1, 10)).toThrow(/BTC-9JUN20-9000-C: cannot trade at or after expiry/);
  });

  it('linear settlement pays lots × lotSize × (S − K) in USD minor units', () => {
    const c = deribitContract('BTC-9JUN20-9000-C', 'call', 9000, EXP, { style: 'linear', lotSize: '0.01' });
    expect(c.settle).toBe('USD');
    expect(expiryPayout(c, 3, 9756.36)).toBe(3n * 75636n * 10n ** 6n / 100n); // 0.03 × 756.36 USD = 22.6908 USD
  });

  it('portfolio greeks are Σ lots × lotSize × per-contract coin greeks (premium-adjusted delta)', () => {
    const v = new OptionsVenue(new Ledger(), 'deribit', new FlatVol(0.55));
    const a = deribitContract('BTC-9JUN20-9000-C', 'call', 9000, EXP);
    const b = deribitContract('BTC-9JUN20-10500-P', 'put', 10500, EXP);
    v.list(a);
    v.list(b);
    v.trade(NOW, 'desk', a.symbol, -4, 700);
    v.trade(NOW, 'desk', b.symbol, 9, 700);
    const F = 9800;
    const t = yearFracUs(NOW, EXP);
    const ga = inverseGreeks({ kind: 'call', forward: F, strike: 9000, t, vol: 0.55 }).coin;
    const gb = inverseGreeks({ kind: 'put', forward: F, strike: 10500, t, vol: 0.55 }).coin;
    const g = v.greeks('desk', NOW, () => F);
    expect(g.delta).toBeCloseTo(-0.4 * ga.delta + 0.9 * gb.delta, 12);
    expect(g.vega).toBeCloseTo(-0.4 * ga.vega + 0.9 * gb.vega, 12);
    expect(g.value).toBeCloseTo(-0.4 * ga.price + 0.9 * gb.price, 12);
    // Premium-adjusted delta of a call is below its Black-76 delta by the coin price.
    expect(ga.delta).toBeLessThan(inverseGreeks({ kind: 'call', forward: F, strike: 9000, t, vol: 0.55 }).usd.delta);
  });
});
