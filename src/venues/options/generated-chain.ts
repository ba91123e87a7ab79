/**
 * A generated option chain with a known smile (the truth a fitted surface is checked against):
 * Deribit-style inverse calls and puts on strikes around the start price, with mark-IV quotes
 * drawn from an SVI smile per expiry.
 */
import type { SviParams } from '../../pricing/index.ts';
import { yearFracUs } from '../../pricing/index.ts';
import { deribitContract, type OptionContract } from './contract.ts';
import type { VolQuote } from './marks.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Deribit expiry code, e.g. 8JAN24. */
export function deribitDate(tsUs: number): string {
  const d = new Date(Math.floor(tsUs / 1000));
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}

/**
 * The generator's "true" smile per expiry: ATM vol `atmVol`, skew ρ = −0.3, curvature scaled with
 * T so the shape in log-moneyness is stable: w(k) = a + b(ρk + √(k² + σ²)) with b = 0.4T,
 * σ = 0.1 and a chosen so w(0) = atmVol²·T.
 */
export function generatorSvi(t: number, atmVol: number): SviParams {
  const b = 0.4 * t;
  const sigma = 0.1;
  return { a: atmVol * atmVol * t - b * sigma, b, rho: -0.3, m: 0, sigma };
}

export interface GeneratedOptionChain {
  contracts: OptionContract[];
  /** Mark-IV quotes generated from the true smile; the venue's surface is fitted to them. */
  quotes: VolQuote[];
}

/** Calls and puts on strikes s0 × (1 ± 5 % steps), rounded to `strikeStep`, for each expiry. */
export function generateOptionChain(s0: number, asOfUs: number, expiriesUs: readonly number[], atmVol: number, strikeStep = 500, wings = 6): GeneratedOptionChain {
  const contracts: OptionContract[] = [];
  const quotes: VolQuote[] = [];
  for (const exp of expiriesUs) {
    const t = yearFracUs(asOfUs, exp);
    const p = generatorSvi(t, atmVol);
    const strikes = new Set<number>();
    for (let i = -wings; i <= wings; i++) strikes.add(Math.round((s0 * (1 + 0.05 * i)) / strikeStep) * strikeStep);
    for (const k of [...strikes].sort((a, b) => a - b)) {
      const x = Math.log(k / s0);
      const vol = Math.sqrt((p.a + p.b * (p.rho * (x - p.m) + Math.sqrt((x - p.m) ** 2 + p.sigma ** 2))) / t);
      for (const kind of ['call', 'put'] as const) {
        const c = deribitContract(`BTC-${deribitDate(exp)}-${k}-${kind === 'call' ? 'C' : 'P'}`, kind, k, exp);
        contracts.push(c);
        // One quote per strike (the OTM side), as a desk would fit.
        if ((kind === 'call') === k >= s0) quotes.push({ contract: c, forward: s0, vol });
      }
    }
  }
  return { contracts, quotes };
}
