/**
 * Risk engine benchmarks: margin revaluation of a 500-position account on a mark change (only the
 * touched underlying is revalued), and a full Deribit-style scenario grid over 500 option positions.
 */
import { Ledger } from '../src/ledger/ledger.ts';
import { Rng } from '../src/kernel/rng.ts';
import { MarginEngine } from '../src/risk/margin-engine.ts';
import { CrossMargin } from '../src/risk/models/cross.ts';
import { PortfolioMargin } from '../src/risk/models/portfolio.ts';
import { BINANCE_BTCUSDT_TIERS } from '../src/risk/tiers.ts';
import type { MarginModel, RiskInstrument } from '../src/risk/types.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

const T0 = 1_700_000_000_000_000;
const DAY = 86_400_000_000;
const market = (symbol: string, lot: string) => ({ symbol, venue: 'bench', kind: 'linear' as const, tickSize: '0.1', lotSize: lot, multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' });

/** One account: `perUnderlying` delta-one legs on each of `underlyings`, or options on one underlying. */
function account(model: MarginModel, underlyings: number, perUnderlying: number, options: boolean, seed: number) {
  const rng = Rng.root(seed).split('bench-risk');
  const ledger = new Ledger();
  const engine = new MarginEngine({ ledger });
  engine.openAccount('acct', model);
  ledger.transfer(T0, 'external:deposits', 'acct:cash', 'USDT', 10n ** 16n, 'deposit');
  for (let u = 0; u < underlyings; u++) {
    const und = `U${u}`;
    engine.setMark(und, 60_000, T0);
    for (let i = 0; i < perUnderlying; i++) {
      const id = `${und}-${i}`;
      let spec: RiskInstrument;
      if (options) {
        const kind = i % 2 === 0 ? 'call' : 'put';
        const strike = Math.round(60_000 * (0.6 + 0.8 * rng.next()) / 500) * 500;
        spec = { id, market: market(id, '0.01'), kind: 'option', underlying: und, option: { kind, strike, expiryUs: T0 + Math.round((7 + 173 * rng.next()) * DAY) } };
        engine.registerInstrument(spec);
        engine.setIv(id, 0.4 + 0.5 * rng.next());
      } else {
        spec = { id, market: market(id, '0.001'), kind: i % 3 === 0 ? 'future' : 'perp', underlying: und, tiers: BINANCE_BTCUSDT_TIERS };
        engine.registerInstrument(spec);
      }
      const lots = (1 + Math.floor(rng.next() * 100)) * (rng.next() < 0.5 ? -1 : 1);
      engine.applyFill('acct', id, T0, lots, Math.round(options ? engine.instrumentMark(id) / 0.1 : 600_000), 0);
    }
  }
  return engine;
}

/** One account of `n` Deribit-style coin options (BTC premium) plus an inverse perp, on BTC. */
function coinAccount(model: MarginModel, n: number, seed: number) {
  const rng = Rng.root(seed).split('bench-risk-coin');
  const ledger = new Ledger();
  const engine = new MarginEngine({ ledger });
  engine.openAccount('acct', model);
  ledger.transfer(T0, 'external:deposits', 'acct:cash', 'BTC', 10n ** 12n, 'deposit');
  engine.setMark('BTC', 60_000, T0);
  const coin = (symbol: string, kind: 'linear' | 'inverse', tick: string, lot: string, mult: number) => ({ symbol, venue: 'bench', kind, tickSize: tick, lotSize: lot, multiplier: mult, base: 'BTC', quote: kind === 'inverse' ? 'USD' : 'BTC', settle: 'BTC' });
  engine.registerInstrument({ id: 'BTC-PERP', market: coin('BTC-PERP', 'inverse', '0.1', '1', 100), kind: 'perp', underlying: 'BTC', tiers: [{ notionalCap: Infinity, imr: 0.01, mmr: 0.005 }] });
  engine.applyFill('acct', 'BTC-PERP', T0, 500, 600_000, 0);
  for (let i = 0; i < n; i++) {
    const id = `BTC-opt-${i}`;
    const strike = Math.round((60_000 * (0.6 + 0.8 * rng.next())) / 500) * 500;
    engine.registerInstrument({ id, market: coin(id, 'linear', '0.0005', '0.1', 1), kind: 'option', underlying: 'BTC', option: { kind: i % 2 === 0 ? 'call' : 'put', strike, expiryUs: T0 + Math.round((7 + 173 * rng.next()) * DAY) } });
    engine.setIv(id, 0.4 + 0.5 * rng.next());
    const lots = (1 + Math.floor(rng.next() * 100)) * (rng.next() < 0.5 ? -1 : 1);
    engine.applyFill('acct', id, T0, lots, Math.max(1, Math.round(engine.instrumentMark(id) / 0.0005)), 0);
  }
  return engine;
}

function timeMarks(engine: MarginEngine, underlyings: number, n: number): number {
  const t0 = performance.now();
  for (let k = 0; k < n; k++) engine.setMark(`U${k % underlyings}`, 60_000 * (1 + 0.01 * Math.sin(k)), T0 + 1 + k);
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const n = 20_000;
  {
    const e = account(new CrossMargin(), 10, 50, false, 1);
    const s = timeMarks(e, 10, n);
    out.push({ name: 'risk.cross 500 pos/10 underlyings, mark', events: n, seconds: s, unit: 'updates', note: `${((s / n) * 1e6).toFixed(2)} µs/update, 50 legs revalued each` });
  }
  {
    const e = account(new CrossMargin(), 1, 500, false, 2);
    const s = timeMarks(e, 1, n);
    out.push({ name: 'risk.cross 500 pos/1 underlying, mark', events: n, seconds: s, unit: 'updates', note: `${((s / n) * 1e6).toFixed(2)} µs/update, all 500 legs revalued` });
  }
  {
    const e = account(new CrossMargin(), 1, 500, true, 3);
    const m = 2_000;
    const s = timeMarks(e, 1, m);
    out.push({ name: 'risk.cross 500 options, mark', events: m, seconds: s, unit: 'updates', note: `${((s / m) * 1e6).toFixed(1)} µs/update (500 Black-76 marks)` });
  }
  {
    const pm = new PortfolioMargin();
    const e = account(pm, 1, 500, true, 4);
    const m = 200;
    const s = timeMarks(e, 1, m);
    const scen = pm.scenarios.length;
    out.push({ name: 'risk.portfolio grid 500 options, mark', events: m, seconds: s, unit: 'grids', note: `${((s / m) * 1e3).toFixed(2)} ms/grid, ${scen} scenarios × 500 = ${scen * 500} revaluations` });
  }
  {
    const pm = new PortfolioMargin();
    const e = coinAccount(pm, 500, 5);
    const m = 200;
    const t0 = performance.now();
    for (let k = 0; k < m; k++) e.setMark('BTC', 60_000 * (1 + 0.01 * Math.sin(k)), T0 + 1 + k);
    const s = (performance.now() - t0) / 1000;
    out.push({ name: 'risk.portfolio coin grid 500 inverse opts', events: m, seconds: s, unit: 'grids', note: `${((s / m) * 1e3).toFixed(2)} ms/grid, BTC-settled options + inverse perp, revalued in coin` });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name.padEnd(42)} ${r.events} ${r.unit} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(0)}/s  ${r.note ?? ''}`);
}
