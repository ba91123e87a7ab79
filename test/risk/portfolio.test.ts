import { describe, expect, it } from 'vitest';
import { CrossMargin } from '../../src/risk/models/cross.ts';
import { PortfolioMargin } from '../../src/risk/models/portfolio.ts';
import type { MarginModel } from '../../src/risk/types.ts';
import { DAY_US, deposit, newEngine, optionSpec, PERP, perpSpec, T0 } from './fixtures.ts';

/**
 * Independent reference: Black-76 as a brute-force expectation over the lognormal forward,
 * E[(F·exp(σ√T z − σ²T/2) − K)+] by Simpson's rule on z ∈ [−12, 12]: no closed form, no shared code.
 */
function bruteBlack(kind: 'call' | 'put', f: number, k: number, t: number, vol: number): number {
  const s = vol * Math.sqrt(t);
  // Integrate only where the payoff is positive (split at the kink z*), so Simpson sees a smooth integrand.
  const zk = (Math.log(k / f) + 0.5 * s * s) / s;
  const [a, b] = kind === 'call' ? [Math.max(zk, -12), 12] : [-12, Math.min(zk, 12)];
  if (b <= a) return 0;
  const n = 4000;
  const h = (b - a) / n;
  let acc = 0;
  for (let i = 0; i <= n; i++) {
    const z = a + i * h;
    const x = f * Math.exp(s * z - 0.5 * s * s);
    const pay = kind === 'call' ? x - k : k - x;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    acc += w * pay * Math.exp(-0.5 * z * z);
  }
  return ((acc * h) / 3) / Math.sqrt(2 * Math.PI);
}

const S = 60_000;
const K = 60_000;
const EXP = T0 + 30 * DAY_US;
const IV_C = 0.55;
const IV_P = 0.58;
const CONTRACTS = 10; // BTC per leg
const HEDGE_LOTS = 640; // long 0.64 BTC perp: delta of 10 short straddles with this skew

function straddle(model: MarginModel) {
  const { ledger, engine } = newEngine();
  const c = optionSpec('call', K, EXP);
  const p = optionSpec('put', K, EXP);
  for (const s of [perpSpec(), c, p]) engine.registerInstrument(s);
  engine.setIv(c.id, IV_C);
  engine.setIv(p.id, IV_P);
  engine.setMark('BTC', S, T0);
  engine.openAccount('desk', model);
  deposit(ledger, 'desk', 250_000);
  const lots = CONTRACTS / 0.01;
  engine.applyFill('desk', c.id, T0, -lots, Math.round(engine.instrumentMark(c.id) / 0.1), 0);
  engine.applyFill('desk', p.id, T0, -lots, Math.round(engine.instrumentMark(p.id) / 0.1), 0);
  engine.applyFill('desk', PERP, T0, HEDGE_LOTS, S / 0.1, 0);
  return { engine, c, p };
}

describe('portfolio margin (Deribit-style scenario grid)', () => {
  const pm = new PortfolioMargin();
  const pmRun = straddle(pm);
  const crossRun = straddle(new CrossMargin());
  const t = 30 / 365;

  it('a delta-hedged short straddle needs less margin under PM than under cross', () => {
    const a = pmRun.engine.state('desk');
    const b = crossRun.engine.state('desk');
    expect(a.im).toBeLessThan(b.im);
    expect(a.mm).toBeLessThan(b.mm);
    expect(a.im).toBeGreaterThan(0);
    // Cross is the sum of per-position standard requirements, computed here by hand:
    // each short ATM option: (max(0.15 − 0/S, 0.10)·S + mark)·10; perp 38,400 USDT in bracket 1 (125x, 0.4%).
    const mc = bruteBlack('call', S, K, t, IV_C);
    const mp = bruteBlack('put', S, K, t, IV_P);
    const perpNotional = HEDGE_LOTS * 0.001 * S;
    const imHand = (0.15 * S + mc) * CONTRACTS + (0.15 * S + mp) * CONTRACTS + perpNotional / 125;
    const mmHand = (0.075 * S + mc) * CONTRACTS + (0.075 * S + mp) * CONTRACTS + perpNotional * 0.004;
    expect(b.im).toBeCloseTo(imHand, 2);
    expect(b.mm).toBeCloseTo(mmHand, 2);
  });

  it('reports the worst scenario and it matches a brute-force revaluation', () => {
    const req = pmRun.engine.group('desk', 'BTC')!.req;
    const w = req.worst!;
    const p = pm.params;
    // Independent revaluation of the three legs over the same price × vol grid.
    const legs = [
      { kind: 'call' as const, qty: -CONTRACTS, vol: IV_C },
      { kind: 'put' as const, qty: -CONTRACTS, vol: IV_P },
    ];
    const hedge = HEDGE_LOTS * 0.001;
    const scale = Math.pow(30 / 30, 0.3);
    const vols = { up: (v: number) => v * (1 + p.volUp * scale), same: (v: number) => v, down: (v: number) => v * (1 - p.volDown * scale) };
    const base = legs.reduce((s, l) => s + l.qty * bruteBlack(l.kind, S, K, t, l.vol), 0);
    let best = { loss: -Infinity, move: NaN, vol: '' };
    const moves: [number, number][] = [];
    for (let i = -8; i <= 8; i++) moves.push([i * 0.02, 1]);
    moves.push([-0.33, 1 / 3], [0.33, 1 / 3]);
    for (const [m, weight] of moves) {
      for (const v of ['up', 'same', 'down'] as const) {
        const val = legs.reduce((s, l) => s + l.qty * bruteBlack(l.kind, S * (1 + m), K, t, vols[v](l.vol)), 0);
        const loss = (base - val - hedge * S * m) * weight;
        if (loss > best.loss) best = { loss, move: m, vol: v };
      }
    }
    expect(w.loss).toBeCloseTo(best.loss, 3);
    expect(w.priceMove).toBeCloseTo(best.move, 12);
    expect(w.vol).toBe(best.vol);
    expect(w.price).toBeCloseTo(S * (1 + best.move), 6);
    // IM = worst loss + add-ons (0.01·S per net short contract per strike: 20 contracts at K), MM = 80%.
    expect(req.addOns!.option_contingency).toBeCloseTo(0.01 * S * 2 * CONTRACTS, 6);
    const addOns = Object.values(req.addOns!).reduce((s, x) => s + x, 0);
    expect(req.im).toBeCloseTo(best.loss + addOns, 3);
    expect(req.mm).toBeCloseTo(0.8 * req.im, 6);
  });

  it('the short straddle loses most when the price runs and vol rises', () => {
    const w = pmRun.engine.group('desk', 'BTC')!.req.worst!;
    expect(Math.abs(w.priceMove)).toBeGreaterThanOrEqual(0.16);
    expect(w.vol).toBe('up');
  });

  it('revalues options from a vol surface when the underlying has one', async () => {
    const { buildVolSurface } = await import('../../src/pricing/index.ts');
    const { engine, c } = straddle(new PortfolioMargin());
    // Flat SVI slice: w(k) = a with a = σ²T, so the surface vol is σ everywhere.
    const sigma = 0.7;
    engine.setSurface('BTC', buildVolSurface([{ t, params: { a: sigma * sigma * t, b: 0, rho: 0, m: 0, sigma: 0.1 } }]));
    engine.setMark('BTC', S, T0);
    expect(engine.instrumentMark(c.id)).toBeCloseTo(bruteBlack('call', S, K, t, sigma), 4);
  });
});
