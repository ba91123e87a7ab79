import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, ModelError } from '../../src/errors.ts';
import { KNOWN_INSTRUMENTS } from '../../src/market/instrument.ts';
import { CrossMargin, IsolatedMargin } from '../../src/risk/models/cross.ts';
import { PortfolioMargin } from '../../src/risk/models/portfolio.ts';
import { DYDX_BTC_TIERS } from '../../src/risk/tiers.ts';
import type { GroupRequirement, GroupView, MarginModel, RiskInstrument } from '../../src/risk/types.ts';
import { DAY_US, deposit, newEngine, optionSpec, PERP, perpSpec, T0 } from './fixtures.ts';

const ETH_PERP = 'binance-futures:ETHUSDT-PERP';
const ethSpec: RiskInstrument = {
  id: ETH_PERP, market: { ...KNOWN_INSTRUMENTS['binance-futures:ETHUSDT']!, symbol: 'ETHUSDT-PERP' }, kind: 'perp', underlying: 'ETH',
  tiers: [{ notionalCap: Infinity, imr: 0.05, mmr: 0.03 }],
};

/** Counts the legs each revaluation touches, to check that a mark only revalues its underlying. */
class Counting implements MarginModel {
  readonly name = 'counting';
  readonly isolated = false;
  legs = 0;
  constructor(private readonly inner: MarginModel) {}
  groupRequirement(g: GroupView): GroupRequirement {
    this.legs += g.legs.length;
    return this.inner.groupRequirement(g);
  }
}

describe('MarginEngine', () => {
  it('incremental per-underlying updates equal a from-scratch revaluation, touching only that underlying', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: -0.2, max: 0.2, noNaN: true })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -5000, max: 5000 }).filter((x) => x !== 0),
        fc.integer({ min: -50_000, max: 50_000 }).filter((x) => x !== 0),
        (moves, btcLots, ethLots) => {
          const { ledger, engine } = newEngine({ BTC: 0.1 });
          engine.registerInstrument(perpSpec(DYDX_BTC_TIERS));
          engine.registerInstrument(ethSpec);
          engine.setMark('BTC', 60_000, T0);
          engine.setMark('ETH', 3_000, T0);
          const model = new Counting(new CrossMargin());
          engine.openAccount('a', model);
          deposit(ledger, 'a', 50_000);
          deposit(ledger, 'a', 0.5, 'BTC'); // spot collateral with a 10% haircut
          engine.applyFill('a', PERP, T0, btcLots, 600_000, 0);
          engine.applyFill('a', ETH_PERP, T0, ethLots, 300_000, 0);
          let btc = 60_000;
          let eth = 3_000;
          for (const [isBtc, r] of moves) {
            const before = model.legs;
            if (isBtc) engine.setMark('BTC', (btc = Math.max(1, Math.round(btc * (1 + r) * 10) / 10)), T0 + 1);
            else engine.setMark('ETH', (eth = Math.max(1, Math.round(eth * (1 + r) * 100) / 100)), T0 + 1);
            expect(model.legs - before).toBe(1); // one leg of that underlying, never both
            const qb = btcLots * 0.001;
            const qe = ethLots * 0.001;
            const equity = 50_000 + 0.5 * btc * 0.9 + qb * (btc - 60_000) + qe * (eth - 3_000);
            const mm = Math.abs(qb) * btc * 0.03 + Math.abs(qe) * eth * 0.03;
            const im = Math.abs(qb) * btc * 0.05 + Math.abs(qe) * eth * 0.05;
            const s = engine.state('a');
            expect(s.equity).toBeCloseTo(equity, 5);
            expect(s.mm).toBeCloseTo(mm, 6);
            expect(s.im).toBeCloseTo(im, 6);
          }
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });

  it('a mark leaves every state a full revaluation gives, through flat spells (flat groups are not revalued)', () => {
    // setMark skips a group that holds nothing and an account none of whose groups moved: after
    // any sequence of fills (closing to exactly flat too), marks and time, a from-scratch
    // revaluation (`revalue`) must find nothing to change.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('fill' as const), btc: fc.boolean(), lots: fc.integer({ min: -3000, max: 3000 }).filter((x) => x !== 0), fee: fc.constantFrom(0, 5) }),
      fc.record({ kind: fc.constant('close' as const), btc: fc.boolean() }),
      fc.record({ kind: fc.constant('mark' as const), btc: fc.boolean(), r: fc.double({ min: -0.1, max: 0.1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const { ledger, engine } = newEngine({ BTC: 0.1 });
        engine.registerInstrument(perpSpec(DYDX_BTC_TIERS));
        engine.registerInstrument(ethSpec);
        engine.setMark('BTC', 60_000, T0);
        engine.setMark('ETH', 3_000, T0);
        engine.openAccount('a', new CrossMargin());
        deposit(ledger, 'a', 1_000_000);
        deposit(ledger, 'a', 0.5, 'BTC');
        const px = { BTC: 60_000, ETH: 3_000 };
        let t = T0;
        for (const o of ops) {
          t += 1_000_000;
          const inst = o.btc ? PERP : ETH_PERP;
          const und = o.btc ? 'BTC' : 'ETH';
          const ticks = o.btc ? Math.round(px.BTC * 10) : Math.round(px.ETH * 100);
          if (o.kind === 'fill') engine.applyFill('a', inst, t, o.lots, ticks, o.fee);
          else if (o.kind === 'close') {
            const lots = engine.positionLots('a', inst);
            if (lots !== 0) engine.applyFill('a', inst, t, -lots, ticks, 0);
          } else {
            px[und] = o.btc ? Math.max(1, Math.round(px.BTC * (1 + o.r) * 10) / 10) : Math.max(0.01, Math.round(px.ETH * (1 + o.r) * 100) / 100);
            engine.setMark(und, px[und], t);
          }
          const before = structuredClone(engine.state('a'));
          const groups = ['BTC', 'ETH'].map((k) => structuredClone({ upnl: engine.group('a', k)?.upnl, req: engine.group('a', k)?.req }));
          engine.revalue('a', t);
          expect(engine.state('a')).toEqual(before);
          expect(['BTC', 'ETH'].map((k) => structuredClone({ upnl: engine.group('a', k)?.upnl, req: engine.group('a', k)?.req }))).toEqual(groups);
        }
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });

  it('sees cash movements (fees, funding) through the ledger', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 10_000);
    engine.applyFill('a', PERP, T0, 1000, 600_000, 5); // 1 BTC, 5 bps taker fee = 30 USDT
    expect(engine.state('a').equity).toBeCloseTo(10_000 - 30, 9);
    engine.position('a', PERP).applyFunding(T0 + 1, 1_000_000_000n); // pays 10 USDT funding
    expect(engine.state('a').equity).toBeCloseTo(10_000 - 40, 9);
  });

  it('canPlace: margin, reduce-only and isolated rules', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.registerInstrument(ethSpec);
    engine.setMark('BTC', 60_000, T0);
    engine.setMark('ETH', 3_000, T0);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 1_000);
    // 1 BTC = 60,000 notional at 1/100 in bracket 2 (IM = 60,000 × 1% − 100 = 500): fits in 1,000.
    const ok = engine.canPlace('a', { instrument: PERP, lots: 1000 });
    expect(ok.ok).toBe(true);
    expect(ok.imAfter).toBeCloseTo(500, 6);
    const big = engine.canPlace('a', { instrument: PERP, lots: 3000 });
    expect(big.ok).toBe(false);
    expect(big.reason).toMatch(/insufficient margin/);
    expect(engine.canPlace('a', { instrument: PERP, lots: 1000, reduceOnly: true }).ok).toBe(false);
    engine.applyFill('a', PERP, T0, 1000, 600_000, 0);
    expect(engine.canPlace('a', { instrument: PERP, lots: -500, reduceOnly: true }).ok).toBe(true);
    expect(engine.canPlace('a', { instrument: PERP, lots: -1500, reduceOnly: true }).ok).toBe(false);

    engine.openAccount('iso', new IsolatedMargin());
    deposit(ledger, 'iso', 5_000);
    engine.applyFill('iso', PERP, T0, 100, 600_000, 0);
    const second = engine.canPlace('iso', { instrument: ETH_PERP, lots: 1 });
    expect(second.ok).toBe(false);
    expect(second.reason).toMatch(/isolated/);
    expect(() => engine.applyFill('iso', ETH_PERP, T0, 1, 300_000, 0)).toThrow(ConfigError);
  });

  it('chosen leverage: initial margin = notional / leverage (Binance) unless the bracket asks more; maintenance unchanged', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('lev10', new CrossMargin({ leverage: 10 }));
    engine.openAccount('dflt', new CrossMargin());
    engine.openAccount('lev150', new CrossMargin({ leverage: 150 }));
    engine.openAccount('lev30', new CrossMargin({ leverage: 30 }));
    for (const a of ['lev10', 'dflt', 'lev150', 'lev30']) deposit(ledger, a, 10_000);
    // Binance: "Initial Margin = Notional Position Value / Leverage". 1 BTC at 60,000 with 10×: 6,000.
    const one = engine.canPlace('lev10', { instrument: PERP, lots: 1000 });
    expect(one.ok).toBe(true);
    expect(one.imAfter).toBeCloseTo(60_000 / 10, 9);
    // 2 BTC needs 12,000 of the 10,000 deposited: rejected, where the bracket's 100× took 1,100.
    const two = engine.canPlace('lev10', { instrument: PERP, lots: 2000 });
    expect(two.ok).toBe(false);
    expect(two.reason).toMatch(/insufficient margin/);
    expect(engine.canPlace('dflt', { instrument: PERP, lots: 2000 }).imAfter).toBeCloseTo(120_000 / 100 - 100, 9);
    // Above the bracket's maximum (125× up to 50,000): the bracket binds.
    expect(engine.canPlace('lev150', { instrument: PERP, lots: 500 }).imAfter).toBeCloseTo(30_000 / 125, 9);
    // 10,000,020 notional lies in the 20× bracket (8M–50M): at 30× Binance would refuse it; here it
    // needs that bracket's 5% (the bracket schedule alone, with its cumulative amount, asks 2.55%).
    expect(engine.canPlace('lev30', { instrument: PERP, lots: 166_667 }).imAfter).toBeCloseTo(166.667 * 60_000 * 0.05, 6);
    expect(engine.canPlace('dflt', { instrument: PERP, lots: 166_667 }).imAfter).toBeCloseTo(166.667 * 60_000 * 0.05 - 245_100, 6);
    // Maintenance (so the liquidation price) does not depend on the chosen leverage.
    engine.applyFill('lev10', PERP, T0, 1000, 600_000, 0);
    engine.applyFill('dflt', PERP, T0, 1000, 600_000, 0);
    expect(engine.state('lev10').im).toBeCloseTo(6_000, 9);
    expect(engine.state('lev10').mm).toBe(engine.state('dflt').mm);
    expect(engine.state('lev10').mm).toBeCloseTo(60_000 * 0.005 - 50, 9);
    engine.setMark('BTC', 70_000, T0 + 1);
    expect(engine.state('lev10').im).toBeCloseTo(7_000, 9);
  });

  it("an order's open loss is charged, its open gain is not (Binance: IM + max(0, price − mark) × qty for a buy)", () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin({ leverage: 10 }));
    deposit(ledger, 'a', 1_000);
    // 0.2 BTC: 1,200 of initial margin at the mark on 1,000 of equity. A buy limit at 50,000 (10,000
    // under the mark) used to count its 2,000 of gain-on-fill as equity and pass.
    const under = engine.canPlace('a', { instrument: PERP, lots: 200, priceTicks: 500_000 });
    expect(under.ok).toBe(false);
    expect(under.reason).toBe('insufficient margin: IM after 1200.00 > equity 1000.00');
    // 0.1 BTC at 61,000 (1,000 over the mark): 600 of margin and 100 of open loss, 900 of equity left.
    const over = engine.canPlace('a', { instrument: PERP, lots: 100, priceTicks: 610_000 });
    expect(over.ok).toBe(true);
    const big = engine.canPlace('a', { instrument: PERP, lots: 160, priceTicks: 610_000 });
    // 0.16 BTC: 960 of margin, 160 of open loss: 840 of equity < 960.
    expect(big.reason).toBe('insufficient margin: IM after 960.00 > equity 840.00');
  });

  it('open orders on the same side count (order margin): two resting buys need the margin of both filled', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin({ leverage: 10 }));
    deposit(ledger, 'a', 1_000);
    // 0.1 BTC needs 600: alone it fits; with 0.1 BTC already resting on the same side, 1,200 does not.
    expect(engine.canPlace('a', { instrument: PERP, lots: 100 }).ok).toBe(true);
    const both = engine.canPlace('a', { instrument: PERP, lots: 100, restingLots: 100 });
    expect(both.reason).toBe('insufficient margin: IM after 1200.00 > equity 1000.00');
    // A sell against a long that resting sells already close is no longer reducing: it opens a short.
    engine.applyFill('a', PERP, T0, 100, 600_000, 0);
    expect(engine.canPlace('a', { instrument: PERP, lots: -100 }).reason).toBe('reduces the position');
    const beyond = engine.canPlace('a', { instrument: PERP, lots: -200, restingLots: -100 });
    expect(beyond.ok).toBe(false);
    expect(beyond.imAfter).toBeCloseTo(0.2 * 60_000 / 10, 9);
  });

  it('an order on a position closed earlier is margined at the mark now, not the mark the flat position last saw', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec());
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin({ leverage: 10 }));
    deposit(ledger, 'a', 100_000);
    engine.applyFill('a', PERP, T0, 1000, 600_000, 0);
    engine.applyFill('a', PERP, T0, -1000, 600_000, 0);
    // Flat: marks no longer revalue the group. 30% lower, 1 BTC needs 42,000 / 10.
    engine.setMark('BTC', 42_000, T0 + 1);
    expect(engine.canPlace('a', { instrument: PERP, lots: 1000 }).imAfter).toBeCloseTo(4_200, 9);
  });

  it('bad input: clear errors naming the instrument and the value', () => {
    const { ledger, engine } = newEngine();
    const noTiers: RiskInstrument = { ...perpSpec(), id: 'venue:NO-TIERS' };
    delete (noTiers as { tiers?: unknown }).tiers;
    engine.registerInstrument(noTiers);
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 1_000);
    expect(() => engine.applyFill('a', 'venue:NO-TIERS', T0, 1, 600_000, 0)).toThrow(/instrument venue:NO-TIERS has no margin model/);
    expect(() => engine.position('a', 'venue:UNKNOWN')).toThrow(/venue:UNKNOWN is not registered/);
    expect(() => engine.setMark('BTC', NaN, T0)).toThrow(ModelError);
    expect(() => engine.setMark('BTC', NaN, T0)).toThrow(/mark for BTC .*NaN/);
    const opt = optionSpec('call', 60_000, T0 + 30 * DAY_US);
    engine.registerInstrument(opt);
    expect(() => engine.setIv(opt.id, 0)).toThrow(new RegExp(`${opt.id}.* got 0`));
    expect(() => engine.setIv(opt.id, -0.2)).toThrow(ModelError);
    // Portfolio margin asked to revalue an option with a non-positive vol names both.
    const pm = new PortfolioMargin();
    const bad = { account: 'a', underlying: 'BTC', spot: 60_000, nowUs: T0, legs: [{ inst: opt, qty: -1, mark: 100, vol: -0.3, t: 0.1 }] };
    expect(() => pm.groupRequirement(bad)).toThrow(new RegExp(`${opt.id} has vol -0.3`));
    expect(() => new PortfolioMargin({ volUp: NaN })).toThrow(/volUp must be finite, got NaN/);
    // An option without a vol source cannot be marked.
    engine.openAccount('b', new CrossMargin());
    expect(() => engine.applyFill('b', opt.id, T0, -1, 1000, 0)).toThrow(new RegExp(`${opt.id} has no implied vol`));
    // Inverse contracts are margined in their underlying coin: one settled in another coin is refused.
    expect(() => engine.registerInstrument({ ...perpSpec(), id: 'inv', underlying: 'ETH', market: KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']! })).toThrow(/inverse contract must settle in its underlying ETH/);
  });
});
