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
import { esc } from './html.ts';

export interface DayVolume {
  day: string;
  heldOut: boolean;
  realLong: number;
  modelLong: number;
  realShort: number;
  modelShort: number;
}

export function dayVolumes(s: LiquidationSeries, f: LiquidationFit, days: readonly string[]): DayVolume[] {
  return days.map((day) => {
    const a = Date.parse(`${day}T00:00:00Z`) * 1000;
    const v = { day, heldOut: false, realLong: 0, modelLong: 0, realShort: 0, modelShort: 0 };
    for (let i = 0; i < s.tsUs.length; i++) {
      if (s.tsUs[i]! < a || s.tsUs[i]! >= a + 864e8) continue;
      v.realLong += s.long[i]!;
      v.modelLong += f.long[i]!;
      v.realShort += s.short[i]!;
      v.modelShort += f.short[i]!;
      if (i >= f.split) v.heldOut = true;
    }
    return v;
  });
}

export function writeLiquidationFitReport(out: string, source: string, s: LiquidationSeries, f: LiquidationFit, days: DayVolume[], barMinutes: number): string {
  const file = checkReportTarget(out, 'liquidation-fit.html');
  mkdirSync(dirname(file), { recursive: true });
  const perHour = Math.max(1, Math.round(60 / barMinutes));
  const hours = aggregate(s.long, perHour).length;
  const real = aggregate(s.long.map((x, i) => x + s.short[i]!), perHour);
  const model = aggregate(f.long.map((x, i) => x + f.short[i]!), perHour);
  const rows = Array.from({ length: hours }, (_, h) => ({ t: new Date(s.tsUs[h * perHour]! / 1000), real: real[h]!, model: model[h]! }));
  const split = new Date(s.tsUs[f.split]! / 1000);
  const price = Array.from({ length: hours }, (_, h) => ({ t: new Date(s.tsUs[h * perHour]! / 1000), p: s.open[h * perHour]! }));
  const charts = [
    {
      title: 'Liquidated quantity per hour: real (black) and modelled (orange); held out right of the line',
      marks: [Plot.lineY(rows, { x: 't', y: 'real', stroke: '#222' }), Plot.lineY(rows, { x: 't', y: 'model', stroke: '#ff7f0e' }), Plot.ruleX([split], { stroke: '#888', strokeDasharray: '4,3' }), Plot.ruleY([0])],
      y: { label: 'quantity / hour' },
    },
    { title: 'Price', marks: [Plot.lineY(price, { x: 't', y: 'p', stroke: '#1f77b4' }), Plot.ruleX([split], { stroke: '#888', strokeDasharray: '4,3' })], y: { label: 'price' }, height: 180 },
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
<h2>Volume on chosen days</h2><table><tr><th>day</th><th></th><th>longs real</th><th>longs model</th><th>shorts real</th><th>shorts model</th></tr>${days.map((d) => `<tr><td>${esc(d.day)}</td><td>${d.heldOut ? 'held out' : 'training'}</td><td>${n(d.realLong)}</td><td>${n(d.modelLong)}</td><td>${n(d.realShort)}</td><td>${n(d.modelShort)}</td></tr>`).join('')}</table>
${charts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
</body></html>
`;
  writeFileWhole(file, html);
  return file;
}
