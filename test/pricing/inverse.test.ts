import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { impliedVolBlack76, inverseGreeks, inversePrice, yearFracUs, type OptionKind } from '../../src/pricing/index.ts';
import { d1, d2 } from './fd.ts';

const DATA = path.resolve(import.meta.dirname, '../..', '../shared/data');
const CHAIN = path.join(DATA, 'tardis', 'options_chain.csv');
const haveData = existsSync(CHAIN);
if (!haveData && process.env.CI === 'true') throw new Error(`shared data missing under CI: ${CHAIN}`);
if (!haveData) console.warn(`skipping Deribit options_chain check: ${CHAIN} not found`);

/** Decimals printed in a CSV field, so we can compare "to the printed digits". */
const decimals = (s: string): number => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
const roundTo = (x: number, n: number): number => Number(x.toFixed(n));

describe.skipIf(!haveData)('real Deribit quote (first row of tardis options_chain.csv)', () => {
  it('greeks from mark IV match the row; IV from coin mark price is within 0.05 vol points', () => {
    const [header, first] = readFileSync(CHAIN, 'utf8').split('\n');
    const cols = header!.split(',');
    const vals = first!.split(',');
    const row = Object.fromEntries(cols.map((c, i) => [c, vals[i]!]));
    const kind = row.type as OptionKind;
    const forward = Number(row.underlying_price);
    const strike = Number(row.strike_price);
    const t = yearFracUs(Number(row.timestamp), Number(row.expiration));
    const vol = Number(row.mark_iv) / 100;
    const g = inverseGreeks({ kind, forward, strike, t, vol, rate: 0 });

    console.log(`${row.symbol} ${kind} K=${strike} F=${forward} T=${t} mark_iv=${row.mark_iv}`);
    console.log(`delta: row ${row.delta} ours ${g.deribit.delta} (premium-adjusted coin delta ${g.coin.delta})`);
    console.log(`gamma: row ${row.gamma} ours ${g.deribit.gamma}`);
    console.log(`vega (USD per vol pt): row ${row.vega} ours ${g.deribit.vega}`);
    console.log(`theta (USD/day): row ${row.theta} ours ${g.deribit.theta}; rho (per 1%): row ${row.rho} ours ${g.deribit.rho}`);

    // Deribit reports the Black-76 USD delta, not the premium-adjusted one (-0.6396 here).
    expect(roundTo(g.deribit.delta, decimals(row.delta!))).toBe(Number(row.delta));
    expect(roundTo(g.coin.delta, decimals(row.delta!))).not.toBe(Number(row.delta));
    expect(roundTo(g.deribit.gamma, decimals(row.gamma!))).toBe(Number(row.gamma));
    expect(Math.abs(g.deribit.vega - Number(row.vega)) / Number(row.vega)).toBeLessThan(1e-4);

    const markUsd = Number(row.mark_price) * forward;
    const iv = impliedVolBlack76({ kind, price: markUsd, forward, strike, t, rate: 0 });
    console.log(`mark ${row.mark_price} BTC = ${markUsd} USD -> IV ${(iv * 100).toFixed(4)} vs mark_iv ${row.mark_iv}`);
    expect(Math.abs(iv * 100 - Number(row.mark_iv))).toBeLessThan(0.05);
    expect(inversePrice({ kind, forward, strike, t, vol: iv })).toBeCloseTo(Number(row.mark_price), 12);
  });
});

describe('inverse coin greeks = finite differences of the coin price', () => {
  it('delta, gamma, vega, theta, rho, vanna, volga (1e-6 relative)', () => {
    let compared = 0;
    for (const kind of ['call', 'put'] as const)
      for (const strike of [7000, 9500, 10000, 13000])
        for (const t of [3 / 365, 0.25, 1])
          for (const vol of [0.4, 0.9]) {
            const forward = 10000;
            const rate = 0.02;
            const g = inverseGreeks({ kind, forward, strike, t, vol, rate }).coin;
            const p = (o: Partial<{ forward: number; t: number; vol: number; rate: number }>): number =>
              inversePrice({ kind, strike, forward, t, vol, rate, ...o });
            // Premium-adjusted delta is F * dP/dF; its gamma and vanna differentiate that function.
            // The inner step is fixed so the outer difference does not see a moving truncation error.
            const h = 0.02 * forward * vol * Math.sqrt(t);
            const dAdj = (f: number, v: number): number => f * d1((x) => p({ forward: x, vol: v }), f, h);
            const check = (name: string, a: number, fd: number, floor: number): void => {
              expect(Math.abs(a - fd), `${kind} K=${strike} T=${t} vol=${vol} ${name}: ${a} vs ${fd}`).toBeLessThanOrEqual(1e-6 * Math.abs(a) + floor);
              compared++;
            };
            check('delta', g.delta, forward * d1((x) => p({ forward: x }), forward, h), 1e-10);
            check('gamma', g.gamma, d1((x) => dAdj(x, vol), forward, h), 1e-12 / h);
            check('vega', g.vega, d1((x) => p({ vol: x }), vol, 0.01 * vol), 1e-11);
            check('volga', g.volga, d2((x) => p({ vol: x }), vol, 5e-3 * vol), 1e-9);
            check('theta', g.theta, -d1((x) => p({ t: x }), t, 0.01 * t), 1e-11);
            check('rho', g.rho, d1((x) => p({ rate: x }), rate, 0.01), 1e-11);
            check('vanna', g.vanna, d1((v) => dAdj(forward, v), vol, 0.01 * vol), 1e-9);
          }
    console.log(`inverse coin greeks: ${compared} comparisons`);
  });
});
