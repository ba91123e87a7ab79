/**
 * The calibration check of the cascade model's population on a real month of liquidations
 * (see src/risk/liquidation-fit.ts): fitted parameters, correlations on the training and
 * held-out parts, volume on chosen days, and the hourly series real against modelled.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as Plot from '@observablehq/plot';
import { aggregate, type LiquidationFit, type LiquidationSeries } from '../risk/liquidation-fit.ts';
import { checkReportTarget, writeFileWhole } from '../results/safe-output.ts';
import { renderChart } from './charts.ts';
import { DAY_US } from './tear-sheet-stats.ts';
import { esc } from './html.ts';
import { ConfigError } from '../errors.ts';

export interface DayVolume {
  day: string;
  heldOut: boolean;
  realLong: number;
  modelLong: number;
  realShort: number;
  modelShort: number;
}

/** The UTC day ('YYYY-MM-DD') of a time in µs. */
const dayOf = (tsUs: number): string => new Date(tsUs / 1000).toISOString().slice(0, 10);

/**
 * `--days` checked against the series: each a real calendar day the file covers. A misspelt day
 * (or one outside the file) compared nothing and printed a row of zeros as if no one had been
 * liquidated that day.
 */
export function checkDays(s: LiquidationSeries, days: readonly string[]): string[] {
  const first = dayOf(s.tsUs[0]!);
  const last = dayOf(s.tsUs[s.tsUs.length - 1]!);
  for (const d of days) {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !Number.isFinite(t) || dayOf(t * 1000) !== d) {
      throw new ConfigError(`"${d}" is not a day (YYYY-MM-DD)`, { field: '--days', hint: 'e.g. --days 2021-01-11,2021-01-21' });
    }
    if (d < first || d > last) throw new ConfigError(`${d} is outside the file (${first} to ${last})`, { field: '--days' });
  }
  return [...days];
}

/**
 * The days to compare when none are given: the `each` days of largest real volume (longs and
 * shorts) in the training part and as many in the held-out part, in date order. A day that spans
 * the split counts as held out, as in dayVolumes.
 */
export function busiestDays(s: LiquidationSeries, f: LiquidationFit, each = 3): string[] {
  const total = new Map<string, { v: number; heldOut: boolean }>();
  for (let i = 0; i < s.tsUs.length; i++) {
    const d = dayOf(s.tsUs[i]!);
    const e = total.get(d) ?? { v: 0, heldOut: false };
    e.v += s.long[i]! + s.short[i]!;
    if (i >= f.split) e.heldOut = true;
    total.set(d, e);
  }
  const top = (heldOut: boolean) => [...total].filter(([, e]) => e.heldOut === heldOut).sort((a, b) => b[1].v - a[1].v || (a[0] < b[0] ? -1 : 1)).slice(0, each).map(([d]) => d);
  return [...top(false), ...top(true)].sort();
}

export function dayVolumes(s: LiquidationSeries, f: LiquidationFit, days: readonly string[]): DayVolume[] {
  return days.map((day) => {
    const a = Date.parse(`${day}T00:00:00Z`) * 1000;
    const v = { day, heldOut: false, realLong: 0, modelLong: 0, realShort: 0, modelShort: 0 };
    for (let i = 0; i < s.tsUs.length; i++) {
      if (s.tsUs[i]! < a || s.tsUs[i]! >= a + DAY_US) continue;
      v.realLong += s.long[i]!;
      v.modelLong += f.long[i]!;
      v.realShort += s.short[i]!;
      v.modelShort += f.short[i]!;
      if (i >= f.split) v.heldOut = true;
    }
    return v;
  });
}

/** Bars summed to UTC days: each day's start and end (µs) and the real and modelled volume, longs and shorts together. */
function dailyTotals(s: LiquidationSeries, f: LiquidationFit): { a: Date; b: Date; real: number; model: number }[] {
  const out: { a: Date; b: Date; real: number; model: number }[] = [];
  for (let i = 0; i < s.tsUs.length; i++) {
    const a = Math.floor(s.tsUs[i]! / DAY_US) * DAY_US;
    let last = out[out.length - 1];
    if (!last || last.a.getTime() !== a / 1000) {
      last = { a: new Date(a / 1000), b: new Date((a + DAY_US) / 1000), real: 0, model: 0 };
      out.push(last);
    }
    last.real += s.long[i]! + s.short[i]!;
    last.model += f.long[i]! + f.short[i]!;
  }
  return out;
}

/**
 * `daysGiven`: the days were the user's (`--days`), else busiestDays chose them.
 */
export function writeLiquidationFitReport(out: string, source: string, s: LiquidationSeries, f: LiquidationFit, days: DayVolume[], barMinutes: number, daysGiven = true): string {
  const file = checkReportTarget(out, 'liquidation-fit.html');
  mkdirSync(dirname(file), { recursive: true });
  const perHour = Math.max(1, Math.round(60 / barMinutes));
  const hours = aggregate(s.long, perHour).length;
  const t = (h: number) => new Date(s.tsUs[h * perHour]! / 1000);
  const split = new Date(s.tsUs[f.split]! / 1000);
  const splitRule = Plot.ruleX([split], { stroke: '#555', strokeDasharray: '4,3' });
  // Real volume as a grey area under the model's orange line: two spiky lines drawn over each
  // other (as this chart was) hid the real series wherever the model's was taller.
  const side = (real: Float64Array, model: Float64Array, who: string) => {
    const r = aggregate(real, perHour);
    const m = aggregate(model, perHour);
    const rows = Array.from({ length: hours }, (_, h) => ({ t: t(h), real: r[h]!, model: m[h]! }));
    return {
      title: `${who} liquidated per hour: real (grey area) and modelled (orange line); held out right of the dashed line`,
      marks: [Plot.areaY(rows, { x: 't', y: 'real', fill: '#9e9e9e', fillOpacity: 0.7 }), Plot.lineY(rows, { x: 't', y: 'model', stroke: '#ff7f0e', strokeWidth: 1.2 }), splitRule, Plot.ruleY([0])],
      y: { label: 'quantity / hour' },
    };
  };
  const daily = dailyTotals(s, f);
  const price = Array.from({ length: hours }, (_, h) => ({ t: t(h), p: s.open[h * perHour]! }));
  const charts = [
    {
      title: 'Liquidated per day, longs and shorts: real (grey bars) and modelled (orange marks); held out right of the dashed line',
      marks: [Plot.rectY(daily, { x1: 'a', x2: 'b', y: 'real', fill: '#9e9e9e', insetLeft: 1, insetRight: 1 }), Plot.ruleY(daily, { x1: 'a', x2: 'b', y: 'model', stroke: '#ff7f0e', strokeWidth: 3 }), splitRule, Plot.ruleY([0])],
      y: { label: 'quantity / day' },
    },
    side(s.long, f.long, 'Longs'),
    side(s.short, f.short, 'Shorts'),
    { title: 'Price', marks: [Plot.lineY(price, { x: 't', y: 'p', stroke: '#1f77b4' }), splitRule], y: { label: 'price' }, height: 180 },
  ].map((c) => ({ ...c, ...renderChart(c) }));
  const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const p = f.params;
  const table: [string, string][] = [
    ['leverage (log-uniform)', `${n(p.leverageMin, 1)}× – ${n(p.leverageMax, 1)}×`],
    ['mean holding time', `${n((p.holdBars * barMinutes) / 60, 1)} h`],
    ['maintenance margin rate', `${n(p.mmr * 100, 2)}%`],
    ['entering per hour (longs / shorts)', `${n(f.entryLong * perHour)} / ${n(f.entryShort * perHour)}`],
    ['correlation of hourly volume, training / held out', `${n(f.corrTrain, 3)} / ${n(f.corrHeldOut, 3)}`],
  ];
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>primesim liquidation fit: ${esc(source)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td{font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}
</style></head><body>
<h1>primesim liquidation fit — ${esc(source)}</h1>
<p>The cascade model's leveraged population (leverage log-uniform, longs and shorts, isolated margin), entering at every bar and leaving at a constant hazard, fitted on the bars before ${esc(split.toISOString().slice(0, 16))} and compared with the real liquidation volume after it.</p>
<h2>Fitted population</h2><table>${table.map(([a, b]) => `<tr><th>${esc(a)}</th><td>${esc(b)}</td></tr>`).join('')}</table>
<h2>Volume on ${daysGiven ? 'chosen days' : 'the busiest days'}</h2>${daysGiven ? '' : `<p>The ${days.length === 1 ? 'day' : 'days'} of largest real volume in the training part and in the held-out part (choose others with <code>--days</code>).</p>`}<table><tr><th>day</th><th></th><th>longs real</th><th>longs model</th><th>shorts real</th><th>shorts model</th></tr>${days.map((d) => `<tr><td>${esc(d.day)}</td><td>${d.heldOut ? 'held out' : 'training'}</td><td>${n(d.realLong)}</td><td>${n(d.modelLong)}</td><td>${n(d.realShort)}</td><td>${n(d.modelShort)}</td></tr>`).join('')}</table>
${charts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
</body></html>
`;
  writeFileWhole(file, html);
  return file;
}
