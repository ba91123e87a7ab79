import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { black76Greeks, black76Price } from '../../src/pricing/index.ts';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { PortfolioMargin } from '../../src/risk/models/portfolio.ts';
import { BINANCE_BTCUSD_COINM_TIERS } from '../../src/risk/tiers.ts';
import { coinOptionSpec, DAY_US, deposit, INV, inversePerpSpec, newEngine, PERP, perpSpec, T0 } from './fixtures.ts';

const SATS = 100_000_000n;

describe('inverse (coin-margined) contracts', () => {
  it('an inverse perp: maintenance in BTC equals the hand-computed bracket amount; fees and PnL move sats', () => {
    const { ledger, engine } = newEngine();
    engine.registerInstrument(inversePerpSpec(BINANCE_BTCUSD_COINM_TIERS));
    engine.setMark('BTC', 60_000, T0);
    engine.openAccount('a', new CrossMargin());
    deposit(ledger, 'a', 2, 'BTC');
    // Long 3000 contracts × 100 USD at 60,000: 5 BTC of face; 5 bps taker fee = 0.0025 BTC.
    engine.applyFill('a', INV, T0, 3000, 600_000, 5);
    expect(ledger.balance('a:cash', 'BTC')).toBe(2n * SATS - 250_000n);
    expect(engine.position('a', INV).costBasis).toBe(5n * SATS);
    engine.setMark('BTC', 50_000, T0 + 1);
    // Value 300,000 / 50,000 = 6 BTC → bracket (5, 10] BTC: mmr 0.5%, cum = 5 × (0.005 − 0.004) = 0.005 BTC.
    //   MM = 6 × 0.005 − 0.005 = 0.025 BTC; IM = 6 × 0.01 − 5 × (0.01 − 0.008) = 0.05 BTC.
    //   uPnL = 300,000 × (1/60,000 − 1/50,000) = −1 BTC; equity = 2 − 0.0025 − 1 = 0.9975 BTC.
    const s = engine.state('a');
    const btc = s.perAsset!.BTC!;
    expect(btc.mm).toBeCloseTo(0.025, 12);
    expect(btc.im).toBeCloseTo(0.05, 12);
    expect(btc.equity).toBeCloseTo(0.9975, 12);
    expect(btc.marginRatio).toBeCloseTo(0.025 / 0.9975, 12);
    // USD-equivalent totals at the 50,000 mark (BTC is the margin coin: no haircut unless configured).
    expect(s.mm).toBeCloseTo(1250, 8);
    expect(s.equity).toBeCloseTo(49_875, 8);
    // Closing at 50,000 realizes exactly −1 BTC in sats through the ledger.
    engine.applyFill('a', INV, T0 + 2, -3000, 500_000, 0);
    expect(ledger.balance('a:cash', 'BTC')).toBe(2n * SATS - 250_000n - SATS);
    expect(engine.state('a').mm).toBe(0);
    expect(ledger.total('BTC')).toBe(0n);
  });

  it('an inverse long margin ratio rises faster than a linear long of the same leverage as the price falls (closed form)', () => {
    const mmr = 0.005;
    const tiers = [{ notionalCap: Infinity, imr: 0.01, mmr }];
    const P0 = 60_000;
    // Same leverage at P0: linear 1 BTC on 6,000 USDT; inverse 60,000 USD face (600 contracts) on 0.1 BTC.
    const linRatio = (p: number) => (mmr * 1 * p) / (6_000 + 1 * (p - P0));
    const invRatio = (p: number) => (mmr * (60_000 / p)) / (0.1 + 60_000 / P0 - 60_000 / p);
    const { ledger, engine } = newEngine();
    engine.registerInstrument(perpSpec(tiers));
    engine.registerInstrument(inversePerpSpec(tiers));
    engine.setMark('BTC', P0, T0);
    engine.openAccount('lin', new CrossMargin());
    engine.openAccount('inv', new CrossMargin());
    deposit(ledger, 'lin', 6_000);
    deposit(ledger, 'inv', 0.1, 'BTC');
    engine.applyFill('lin', PERP, T0, 1000, 600_000, 0);
    engine.applyFill('inv', INV, T0, 600, 600_000, 0);
    expect(engine.state('inv').marginRatio).toBeCloseTo(engine.state('lin').marginRatio, 12);
    fc.assert(
      fc.property(fc.integer({ min: 550_000, max: 599_990 }), fc.integer({ min: 1, max: 40_000 }), (ticks, dt) => {
        const p1 = ticks / 10;
        const p2 = Math.max(550_000, ticks - dt) / 10; // p2 ≤ p1
        engine.setMark('BTC', p1, T0 + 1);
        const lin1 = engine.state('lin').marginRatio;
        const inv1 = engine.state('inv').marginRatio;
        expect(lin1).toBeCloseTo(linRatio(p1), 10);
        expect(inv1).toBeCloseTo(invRatio(p1), 10);
        expect(engine.state('inv').perAsset!.BTC!.marginRatio).toBeCloseTo(invRatio(p1), 10);
        expect(inv1).toBeGreaterThan(lin1);
        engine.setMark('BTC', p2, T0 + 2);
        const gap2 = engine.state('inv').marginRatio - engine.state('lin').marginRatio;
        // Convexity: the gap widens as the price falls further.
        if (p2 < p1) expect(gap2).toBeGreaterThan(inv1 - lin1);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('inverse options: Deribit standard margin in BTC and portfolio margin revalued in coin', () => {
    const expiry = T0 + 30 * DAY_US;
    const spec = coinOptionSpec('call', 70_000, expiry);
    const S = 60_000;
    const vol = 0.6;
    const t = 30 / 365; // ACT/365
    const mark = black76Price({ kind: 'call', forward: S, strike: 70_000, t, vol }) / S;
    for (const model of ['standard', 'portfolio'] as const) {
      const { ledger, engine } = newEngine();
      engine.registerInstrument(spec);
      engine.setIv(spec.id, vol);
      engine.setMark('BTC', S, T0);
      engine.openAccount('d', model === 'standard' ? new CrossMargin() : new PortfolioMargin());
      deposit(ledger, 'd', 1, 'BTC');
      engine.applyFill('d', spec.id, T0, -10, Math.round(mark / 0.0005), 0); // short 1 BTC of calls
      const premium = Math.round(mark / 0.0005) * 0.0005;
      const btc = engine.state('d').perAsset!.BTC!;
      // Equity = 1 BTC + premium received − option value, in coin.
      expect(btc.equity).toBeCloseTo(1 + premium - mark, 10);
      if (model === 'standard') {
        // OTM 10,000 / 60,000 > 0.05 → floor 0.10 BTC; IM = 0.10 + mark, MM = 0.075 + mark (per BTC of underlying).
        expect(btc.im).toBeCloseTo(0.1 + mark, 12);
        expect(btc.mm).toBeCloseTo(0.075 + mark, 12);
        continue;
      }
      // Portfolio margin, recomputed here from Black-76: coin value = B(S', v') / S'.
      const days = 30;
      const sc = Math.pow(30 / days, 0.3);
      const vols = [vol * (1 + 0.45 * sc), vol, vol * (1 - Math.min(0.3 * sc, 0.9))];
      const v0 = black76Price({ kind: 'call', forward: S, strike: 70_000, t, vol }) / S;
      let worst = 0;
      const moves: [number, number][] = [];
      for (let i = -8; i <= 8; i++) moves.push([i / 50, 1]);
      moves.push([-0.33, 3], [0.33, 3]);
      for (const [m, damp] of moves) {
        for (const v of vols) {
          const s1 = S * (1 + m);
          const loss = (black76Price({ kind: 'call', forward: s1, strike: 70_000, t, vol: v }) / s1 - v0) / damp; // short 1: loss = value rise
          worst = Math.max(worst, loss);
        }
      }
      const g = black76Greeks({ kind: 'call', forward: S, strike: 70_000, t, vol });
      const coinDelta = -(g.delta - g.price / S);
      const im = worst + 0.01 * 1 + 0.005 * Math.abs(coinDelta);
      expect(btc.im).toBeCloseTo(im, 10);
      expect(btc.mm).toBeCloseTo(0.8 * im, 10);
      expect(engine.state('d').im).toBeCloseTo(im * S, 6);
    }
  });
});
