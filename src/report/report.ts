import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as Plot from '@observablehq/plot';
import { Resvg } from '@resvg/resvg-js';
import type { Table } from 'apache-arrow';
import { readArrow } from '../results/arrow-io.ts';
import { openRun } from '../results/run-store.ts';
import { renderChart, type ChartSpec } from './charts.ts';
import { fillsSummary } from './fills-summary.ts';

export interface ReportOptions {
  out?: string;
  png?: boolean;
}

function col(t: Table, name: string): number[] {
  const c = t.getChild(name);
  if (!c) return [];
  return Array.from(c.toArray() as ArrayLike<number | bigint>, Number);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e9) ? v.toExponential(3) : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  }
  return esc(String(v));
}

/** Build the charts of a run from its Arrow files. */
export function buildCharts(dir: string): ChartSpec[] {
  const eq = readArrow(join(dir, 'equity.arrow'));
  const fills = readArrow(join(dir, 'fills.arrow'));
  const ts = col(eq, 'ts_us').map((t) => new Date(t / 1000));
  const equity = col(eq, 'equity');
  const pos = col(eq, 'position_lots');
  const mid = col(eq, 'mid');
  let peak = -Infinity;
  const dd = equity.map((e) => {
    peak = Math.max(peak, e);
    return e - peak;
  });
  const eqRows = ts.map((t, i) => ({ t, equity: equity[i]!, dd: dd[i]!, pos: pos[i]!, mid: mid[i]! }));
  const fts = col(fills, 'ts_us');
  const fpx = col(fills, 'price');
  const sideCol = fills.getChild('side');
  const fillRows = fts.map((t, i) => ({ t: new Date(t / 1000), price: fpx[i]!, side: String(sideCol?.get(i) ?? '') }));
  return [
    { title: 'Equity', marks: [Plot.lineY(eqRows, { x: 't', y: 'equity', stroke: '#1f77b4' })], y: { label: 'equity', zero: false } },
    { title: 'Drawdown', marks: [Plot.areaY(eqRows, { x: 't', y: 'dd', fill: '#d62728', fillOpacity: 0.4 }), Plot.ruleY([0])], y: { label: 'drawdown' } },
    { title: 'Inventory (lots)', marks: [Plot.lineY(eqRows, { x: 't', y: 'pos', stroke: '#2ca02c', curve: 'step-after' }), Plot.ruleY([0])], y: { label: 'lots' } },
    {
      title: 'Fills against mid',
      marks: [Plot.lineY(eqRows, { x: 't', y: 'mid', stroke: '#999' }), Plot.dot(fillRows, { x: 't', y: 'price', fill: 'side', r: 2.5 })],
      y: { label: 'price', zero: false },
      color: { domain: ['buy', 'sell'], range: ['#2ca02c', '#d62728'], legend: true },
      height: 320,
    },
  ];
}

/** Write a self-contained HTML report (inline SVG, no scripts, no network) and optional PNGs. */
export async function writeReport(runDir: string, opts: ReportOptions = {}): Promise<{ html: string; pngs: string[] }> {
  const run = openRun(runDir);
  const m = run.manifest as Record<string, unknown> & { metrics?: Record<string, unknown>; strategy?: { name?: string; params?: unknown }; dataset?: { name?: string; rows?: number }; counts?: Record<string, number>; models?: Record<string, string> };
  const out = resolve(opts.out ?? join('reports', `${run.runId}.html`));
  mkdirSync(dirname(out), { recursive: true });
  const charts = buildCharts(run.dir).map((c) => ({ ...c, ...renderChart(c) }));
  const summary = await fillsSummary(join(run.dir, 'fills.arrow'));
  const metricRows = Object.entries(m.metrics ?? {})
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${fmt(v)}</td></tr>`)
    .join('');
  const info = [
    ['run', run.runId],
    ['strategy', `${m.strategy?.name ?? ''} ${JSON.stringify(m.strategy?.params ?? {})}`],
    ['dataset', `${m.dataset?.name ?? ''} (${m.dataset?.rows ?? 0} rows)`],
    ['models', Object.entries(m.models ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ')],
    ['counts', Object.entries(m.counts ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')],
    ['results sha256', String(m.resultsSha256 ?? '')],
  ]
    .map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`)
    .join('');
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>primesim report: ${esc(run.runId)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td{font-variant-numeric:tabular-nums}figure{margin:0}svg{max-width:100%;height:auto}
</style></head><body>
<h1>primesim report — ${esc(run.runId)}</h1>
<table>${info}</table>
<h2>Metrics</h2><table>${metricRows}</table>
${charts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
<h2>Fills summary (danfo.js)</h2>${summary}
</body></html>
`;
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, html);
  renameSync(tmp, out);
  const pngs: string[] = [];
  if (opts.png) {
    for (const c of charts) {
      const png = out.replace(/\.html$/, `-${c.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`);
      const r = new Resvg(c.svg, { background: 'white', font: { loadSystemFonts: true } });
      writeFileSync(png, r.render().asPng());
      pngs.push(png);
    }
  }
  return { html: out, pngs };
}
