import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkReportTarget, writeFileWhole } from '../results/safe-output.ts';
import { NO_STRATEGY, openRun, verifyRun } from '../results/run-store.ts';
import { renderChart } from './charts.ts';
import { chartPngTargets, writeChartPngs } from './png.ts';
import { buildCharts, RunTables } from './recipes.ts';
import { tearSheet, type TearSheetInstrument } from './tear-sheet.ts';
import { fillsSummary } from './fills-summary.ts';
import { esc } from './html.ts';
import { chainRows, riskRows, summaryRows } from './summary-rows.ts';
import type { ChainMetrics } from '../world/chain-results.ts';
import type { RunMetrics } from '../results/metrics.ts';

export interface ReportOptions {
  out?: string;
  png?: boolean;
}

function fmt(v: unknown): string {
  // A figure the run could not give (NaN in the engine, null in the manifest: an annualised ratio of
  // a run shorter than its threshold, a statistic without data) is a dash, not "null".
  if (v === null || v === undefined || Number.isNaN(v)) return '<span title="not computed for this run (see the summary)">—</span>';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e9) ? v.toExponential(3) : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  }
  return esc(String(v));
}

/** Write a self-contained HTML report (inline SVG, no scripts, no network) and optional PNGs. */
export async function writeReport(runDir: string, opts: ReportOptions = {}): Promise<{ html: string; pngs: string[] }> {
  const run = openRun(runDir);
  // A result file cut short or replaced would fail deep inside a reader: named here instead (sizes, as `query` checks).
  verifyRun(run);
  const m = run.manifest as Record<string, unknown> & { metrics?: Record<string, unknown>; strategy?: { name?: string; params?: unknown }; dataset?: { name?: string; rows?: number }; counts?: Record<string, number>; models?: Record<string, string> };
  // Named for the run's folder (its id, unless the folder was copied or renamed: a copy's report
  // must not replace the original's).
  const name = `${basename(resolve(run.dir))}.html`;
  const out = checkReportTarget(opts.out ?? join('reports', name), name);
  mkdirSync(dirname(out), { recursive: true });
  // A scenario without a strategy (venues, populations and adversaries only) has no PnL to summarise.
  const hasStrategy = m.strategy?.name !== NO_STRATEGY;
  const ts = hasStrategy ? tearSheet(new RunTables(run.dir), (m.metrics ?? {}) as Record<string, unknown>, m.instrument as TearSheetInstrument | undefined) : undefined;
  const tsCharts = (ts?.charts ?? []).map((c) => ({ ...c, ...renderChart(c) }));
  const charts = buildCharts(run.dir).map((c) => ({ ...c, ...renderChart(c) }));
  const tearHtml = ts
    ? `<h2>Tear sheet</h2><table>${ts.summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
${ts.notes.length ? `<ul class="notes">${ts.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${tsCharts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
${ts.tables.map((x) => `<h2>${esc(x.title)}</h2>${x.html}`).join('\n')}`
    : '';
  const summary = existsSync(join(run.dir, 'fills.arrow')) ? await fillsSummary(join(run.dir, 'fills.arrow')) : '';
  const metrics = m.metrics ?? {};
  const metricRows = Object.entries(metrics)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${fmt(v)}</td></tr>`)
    .join('');
  // The headline figures with the terminal's labels; every metric under its manifest key below
  // (what `primesim query` and the runs table call it).
  const headline = hasStrategy && typeof metrics.totalPnl === 'number' && typeof metrics.settleAsset === 'string' ? summaryRows(metrics as unknown as RunMetrics) : [];
  const rowsHtml = (rows: [string, unknown][]) => rows.map(([k, v]) => `<tr><th${k.startsWith(' ') ? ' class="sub"' : ''}>${esc(k.trim())}</th><td>${fmt(v)}</td></tr>`).join('');
  const headlineRows = rowsHtml(headline);
  // A spec run's chain and risk figures, as the terminal prints them after `run` and `stress`.
  const chain = typeof metrics.blocks === 'number' ? rowsHtml(chainRows(metrics as Partial<ChainMetrics>)) : '';
  const risky = typeof metrics.liquidationsAll === 'number' && (!chain || Number(metrics.liquidationsAll) > 0 || Number(metrics.populationAccounts ?? 0) > 0);
  const risk = risky ? rowsHtml(riskRows(metrics as unknown as Parameters<typeof riskRows>[0])) : '';
  const info = [
    ['run', run.runId],
    ['strategy', `${m.strategy?.name ?? ''} ${JSON.stringify(m.strategy?.params ?? {})}`],
    ['dataset', `${m.dataset?.name ?? ''} (${m.dataset?.rows ?? 0} rows)`],
    ['models', Object.entries(m.models ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ')],
    // The engine's count is of perp liquidation steps; a chain's lending liquidations are their own.
    ['counts', [...Object.entries(m.counts ?? {}).map(([k, v]) => `${k === 'liquidations' ? 'liquidation steps' : k} ${v.toLocaleString('en-US')}`), ...(typeof metrics.lendingLiquidations === 'number' ? [`lending liquidations ${metrics.lendingLiquidations.toLocaleString('en-US')}`] : [])].join(', ')],
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
td{font-variant-numeric:tabular-nums}.nowrap td{white-space:nowrap}figure{margin:0}svg{max-width:100%;height:auto}ul.notes,p.notes{color:#666}
th.sub{padding-left:26px;font-weight:normal}details{margin:12px 0}details summary{cursor:pointer;color:#444}
</style></head><body>
<h1>primesim report — ${esc(run.runId)}</h1>
<table>${info}</table>
${headlineRows ? `<h2>Summary</h2><table>${headlineRows}</table>` : ''}
${hasStrategy ? '' : '<p class="notes">No strategy in this run (its venues, populations and adversaries only): no PnL summary or tear sheet. The charts below are the scenario\'s.</p>'}
${chain ? `<h2>Chain</h2><table>${chain}</table>` : ''}
${risk ? `<h2>Risk</h2><table>${risk}</table>` : ''}
<details${headlineRows || chain || risk ? '' : ' open'}><summary>All metrics (manifest keys)</summary><table>${metricRows}</table></details>
${tearHtml}
${charts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
${summary ? `<h2>Fills summary (danfo.js)</h2>${summary}` : ''}
</body></html>
`;
  const drawn = [...tsCharts, ...charts];
  // The charts' names are checked before the page is written: nothing is written when one is taken.
  const pngTargets = opts.png ? chartPngTargets(out, drawn) : [];
  writeFileWhole(out, html);
  const pngs = opts.png ? writeChartPngs(out, drawn, pngTargets) : [];
  return { html: out, pngs };
}
