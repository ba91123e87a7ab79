import { black76Greeks, black76Price, impliedVolBlack76, type OptionKind } from '../src/pricing/index.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

/** Deterministic input grid: strikes 0.5-2x, expiries 1d-2y, vols 0.1-1.5 (no RNG needed). */
function grid(n: number): { kind: OptionKind; strike: number; t: number; vol: number }[] {
  const out: { kind: OptionKind; strike: number; t: number; vol: number }[] = [];
  for (let i = 0; i < n; i++) {
    const strike = 100 * (0.5 + 1.5 * ((i * 0.618034) % 1));
    const t = 1 / 365 + 2 * ((i * 0.414214) % 1);
    const vol = 0.1 + 1.4 * ((i * 0.732051) % 1);
    out.push({ kind: strike >= 100 ? 'call' : 'put', strike, t, vol });
  }
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const inputs = grid(20_000);
  const results: BenchResult[] = [];
  const reps = 10;

  let sink = 0;
  let t0 = performance.now();
  for (let r = 0; r < reps; r++) for (const x of inputs) sink += black76Greeks({ ...x, forward: 100, rate: 0.03 }).gamma;
  let secs = (performance.now() - t0) / 1000;
  results.push({ name: 'pricing.black76Greeks', events: reps * inputs.length, seconds: secs, unit: 'evals', note: `price+7 greeks, sink=${sink.toFixed(3)}` });

  const prices = inputs.map((x) => ({ ...x, price: black76Price({ ...x, forward: 100, rate: 0.03 }) })).filter((x) => x.price > 1e-250); // solvable range: see MIN_NORMALISED
  t0 = performance.now();
  let solved = 0;
  for (let r = 0; r < reps; r++)
    for (const x of prices) {
      sink += impliedVolBlack76({ kind: x.kind, price: x.price, forward: 100, strike: x.strike, t: x.t, rate: 0.03 });
      solved++;
    }
  secs = (performance.now() - t0) / 1000;
  results.push({ name: 'pricing.impliedVol', events: solved, seconds: secs, unit: 'solves', note: 'OTM, 0.5-2x strikes, 1d-2y, vol 0.1-1.5' });
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.events} ${r.unit} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(0)}/s`);
}
