import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { readArrow } from '../results/arrow-io.ts';
import type { RunInfo } from '../results/run-store.ts';
import { checkReportTarget, writeFileWhole } from '../results/safe-output.ts';
import { sweepDeflation } from '../sweep/deflation.ts';
import { selectMetric, walkForward, walkForwardTable } from '../sweep/walk-forward.ts';
import { cellTextFill, renderChart as drawChart, type ChartSpec } from './charts.ts';
import { chartPngTargets, writeChartPngs } from './png.ts';
import { esc } from './html.ts';
import { percent } from './summary-rows.ts';
import { drawnLine } from './recipes.ts';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 4 }) : esc(String(v ?? '')));

/**
 * One page comparing several runs (a sweep, or seeds of one config): their equity curves on one
 * chart, total PnL per run, and the headline metrics side by side.
 */
export function writeComparisonReport(runs: RunInfo[], out?: string): string {
  return writeComparison(runs, { ...(out !== undefined ? { out } : {}) }).html;
}

/** The comparison page, and with `png` a PNG of every chart next to it (as a run's report has). */
export function writeComparison(runs: RunInfo[], opts: { out?: string; png?: boolean } = {}): { html: string; pngs: string[] } {
  const out = opts.out;
  // Every chart drawn, for the PNGs.
  const drawn: { title: string; slug?: string; svg: string }[] = [];
  const renderChart = (spec: ChartSpec): { html: string; svg: string } => {
    const r = drawChart(spec);
    drawn.push({ title: spec.title, slug: spec.slug, svg: r.svg });
    return r;
  };
  const name = `compare-${basename(dirname(runs[0]!.dir))}-${runs.length}-runs.html`;
  const file = checkReportTarget(out ?? join('reports', name), name);
  mkdirSync(dirname(file), { recursive: true });
  const curves: { t: Date; v: number; run: string }[] = [];
  const pnl: { run: string; v: number }[] = [];
  // Runs whose deposits of another asset than the valuation's revalued (BTC collateral valued in
  // USDT): the PnL of their trading, total less that (the sweep table's trading_pnl).
  const trading = new Map<string, number>();
  let revalued = false;
  for (const r of runs) {
    const m = r.manifest as { metrics?: Record<string, unknown> };
    const total = Number(m.metrics?.totalPnl ?? m.metrics?.total_pnl ?? NaN);
    if (Number.isFinite(total)) pnl.push({ run: r.runId, v: total });
    const dep = Number(m.metrics?.depositsPnl ?? 0);
    if (Number.isFinite(total) && Number.isFinite(dep)) trading.set(r.runId, total - dep);
    if (dep !== 0) revalued = true;
    const eqFile = join(r.dir, 'equity.arrow');
    if (!existsSync(eqFile)) continue;
    const t = readArrow(eqFile);
    const ts = t.getChild('ts_us');
    const eq = t.getChild('equity');
    if (!ts || !eq) continue;
    // Equity relative to each run's start, so runs with different capital compare.
    const e0 = Number(eq.get(0));
    const x: Date[] = [];
    const y: number[] = [];
    for (let i = 0; i < t.numRows; i++) {
      x.push(new Date(Number(ts.get(i)) / 1000));
      y.push(Number(eq.get(i)) - e0);
    }
    // Thinned to what the chart draws (a sweep of month-long runs drew every sample of each).
    for (const p of drawnLine(x, y)) curves.push({ t: p.t, v: p.v, run: r.runId });
  }
  // Runs of a sweep in grid order (each axis's values numerically where they are numbers: k=2 before
  // k=2.5), not by the text of their ids ("k-2.5_…" sorted before "k-2_…").
  // Each run's grid point (empty outside a sweep).
  const points = runs.map((r) => (r.manifest as { sweep?: { point?: Record<string, string> } }).sweep?.point ?? {});
  if (runs.every((r) => (r.manifest as { sweep?: unknown }).sweep !== undefined)) {
    const names = [...new Set(points.flatMap((p) => Object.keys(p)))];
    const rank = new Map(names.map((k) => [k, new Map(axisDomain(points.map((p) => p[k] ?? '')).map((v, i) => [v, i]))]));
    const key = new Map(runs.map((r, i) => [r.runId, names.map((k) => rank.get(k)!.get(points[i]![k] ?? '')!)]));
    pnl.sort((a, b) => {
      const ka = key.get(a.run)!;
      const kb = key.get(b.run)!;
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
      return 0;
    });
  }
  const charts: string[] = [];
  if (curves.length) {
    if (runs.length <= MAX_COLOURED_RUNS) {
      charts.push(`<h2>Equity change</h2>${renderChart({ title: 'Equity change', marks: [Plot.lineY(curves, { x: 't', y: 'v', stroke: 'run' }), Plot.ruleY([0])], color: { legend: true }, y: { label: 'equity − start' }, height: 320 }).html}`);
    } else {
      // More runs than colours tell apart (a 24-point grid repeated the palette): every run in
      // grey, the best and the worst by total PnL drawn over them — per dates window for a
      // walk-forward (its windows do not overlap in time) — and named below.
      const ext = bestAndWorst(new Map(runs.map((r, i) => [r.runId, points[i]!.dates ?? ''])), pnl);
      const cat = (run: string) => (ext.best.has(run) ? 'best by total PnL' : ext.worst.has(run) ? 'worst by total PnL' : 'other runs');
      const rows = curves.map((c) => ({ ...c, k: cat(c.run) })).sort((a, b) => Number(a.k !== 'other runs') - Number(b.k !== 'other runs'));
      const named = [...ext.lines].map((l) => `<li>${esc(l)}</li>`).join('');
      charts.push(`<h2>Equity change</h2>${renderChart({ title: 'Equity change', marks: [Plot.lineY(rows, { x: 't', y: 'v', z: 'run', stroke: 'k' }), Plot.ruleY([0])], color: { domain: ['best by total PnL', 'worst by total PnL', 'other runs'], range: ['#2ca02c', '#d62728', '#c7c7c7'], legend: true }, y: { label: 'equity − start' }, height: 320 }).html}<ul>${named}</ul>`);
    }
  }
  // One bar per run, in `rows` order: green a gain, red a loss.
  // Run ids as the bars' labels, in full up to 60 characters (a margin of up to 440 px: at 320 a
  // scenario's run id lost its first third off the page), longer ones cut in the middle.
  const runLabel = (id: string) => (id.length <= 60 ? id : `${id.slice(0, 28)}…${id.slice(-31)}`);
  const bars = (title: string, label: string, rows: { run: string; v: number }[]) =>
    renderChart({ title, marks: [Plot.barX(rows, { y: 'run', x: 'v', fill: (d: { v: number }) => (d.v >= 0 ? '#2ca02c' : '#d62728') }), Plot.ruleX([0])], x: { type: 'linear', label }, y: { type: 'band', label: null, domain: rows.map((p) => p.run), tickFormat: runLabel }, height: 40 + 22 * rows.length, marginLeft: Math.min(440, 20 + 7 * Math.max(...rows.map((p) => runLabel(p.run).length))) }).html;
  if (pnl.length) {
    charts.push(`<h2>Total PnL by run</h2>${bars('Total PnL', 'total PnL', pnl)}`);
    if (revalued) {
      const tp = pnl.map((p) => ({ run: p.run, v: trading.get(p.run) ?? NaN }));
      charts.push(`<h2>Trading PnL by run (total less deposits revalued)</h2>${bars('Trading PnL', 'trading PnL', tp)}<p>The runs' deposits of another asset than the valuation's, at the final prices less at the first, are in their total PnL alike; this is the rest.</p>`);
    }
  }
  // A sweep's grid: the axes whose value differs between runs, first in the table, and over two
  // of them a heatmap of each headline figure (what a parameter study is read from).
  const axes = [...new Set(points.flatMap((p) => Object.keys(p)))].filter((k) => new Set(points.map((p) => p[k])).size > 1);
  if (axes.length === 2) charts.push(...sweepHeatmaps(runs, points, axes as [string, string], renderChart));
  // A walk-forward over two parameters: the same heatmaps, one panel per dates window.
  else if (axes.length === 3 && axes.includes('dates')) {
    const [ax, ay] = axes.filter((a) => a !== 'dates') as [string, string];
    charts.push(...sweepHeatmaps(runs, points, [ax, ay], renderChart, 'dates'));
  }
  // Deflated Sharpe: the best of many runs looks better than it is (selection); each run's
  // probability of beating what this many skill-less runs would show at best — among the runs on
  // the same data (a walk-forward sweep's dates windows apart).
  const metricsOf = (r: RunInfo) => (r.manifest as { metrics?: Record<string, unknown> }).metrics ?? {};
  const pctOf = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? percent(x) : '');
  const deflSections = sweepDeflation(runs.map((r) => r.runId), points, runs.map(metricsOf), runs.map((r) => (r.manifest as { resultsSha256?: string }).resultsSha256)).map((d) => {
    const sr = new Map(runs.map((r) => [r.runId, Number(metricsOf(r).sharpePerPeriod)]));
    // Each run's own PSR (its metrics), beside the DSR of its window.
    const psrOf = new Map(runs.map((r) => [r.runId, typeof metricsOf(r).psr === 'number' ? (metricsOf(r).psr as number) : undefined]));
    const order = [...d.ids].sort((a, b) => sr.get(b)! - sr.get(a)! || a.localeCompare(b));
    const rep = d.repeats.length > 0 ? ` (${d.repeats.length} more repeat another's results byte for byte and count once: ${d.repeats.slice(0, 3).map(([a, b]) => `${esc(a)} = ${esc(b)}`).join(', ')}${d.repeats.length > 3 ? ', …' : ''})` : '';
    return `<p>${d.window ? `<b>${esc(d.window)}</b>: ` : ''}${d.trials} ${d.repeats.length > 0 ? 'distinct ' : ''}runs${rep}: without skill, the best of them would still show a Sharpe of about ${d.threshold.toFixed(4)} per ${esc(d.period)} return.</p><table><tr><th>run</th><th>Sharpe per ${esc(d.period)} return</th><th>PSR</th><th>DSR</th></tr>${order.map((id) => `<tr><th>${esc(id)}</th><td>${Number.isFinite(sr.get(id)!) ? sr.get(id)!.toFixed(4) : ''}</td><td>${pctOf(psrOf.get(id))}</td><td>${pctOf(d.dsr.get(id))}</td></tr>`).join('')}</table>`;
  });
  if (deflSections.length) {
    charts.push(`<h2>Deflated Sharpe ratio</h2><p>Bailey &amp; López de Prado (2014). PSR: the probability that a run's true Sharpe is above 0 given its returns' length, skew and kurtosis; DSR: above the best that as many runs without skill would show.</p>${deflSections.join('')}`);
  }
  // A walk-forward sweep (a dates axis): each window's best point, traded in the next — chosen
  // by the figure the sweep was told to (its sweep.json), total PnL otherwise.
  const wfSection = walkForwardSection(runs, points, metricsOf);
  if (wfSection) charts.push(wfSection);
  // Figures only: not the asset names, nor a per-venue breakdown (an object; NaN is stored as null).
  const figure = (k: string) => runs.every((r) => {
    const v = ((r.manifest as { metrics?: Record<string, unknown> }).metrics ?? {})[k];
    return v === null || typeof v !== 'object';
  });
  const keys = [...new Set(runs.flatMap((r) => Object.keys((r.manifest as { metrics?: object }).metrics ?? {})))].filter((k) => k !== 'settleAsset' && k !== 'positionUnit' && figure(k));
  const rows = runs
    .map((r, i) => {
      const m = (r.manifest as { metrics?: Record<string, unknown> }).metrics ?? {};
      return `<tr><th>${esc(r.runId)}</th>${axes.map((a) => `<td>${esc(points[i]![a] ?? '')}</td>`).join('')}${keys.map((k) => `<td>${num(m[k])}</td>`).join('')}</tr>`;
    })
    .join('');
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>primesim comparison: ${runs.length} runs</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}table{border-collapse:collapse;font-size:12px}th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}th:first-child{text-align:left}.scroll{overflow-x:auto}.scroll th,.scroll td{white-space:nowrap}svg{max-width:100%;height:auto}</style>
</head><body><h1>primesim comparison — ${runs.length} runs</h1>
${charts.join('\n')}
<h2>Metrics</h2><div class="scroll"><table><tr><th>run</th>${[...axes, ...keys].map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${rows}</table></div>
</body></html>
`;
  const pngTargets = opts.png ? chartPngTargets(file, drawn) : [];
  writeFileWhole(file, html);
  const pngs = opts.png ? writeChartPngs(file, drawn, pngTargets) : [];
  return { html: file, pngs };
}

function walkForwardSection(runs: RunInfo[], points: Record<string, string>[], metricsOf: (r: RunInfo) => Record<string, unknown>): string | undefined {
  const folders = new Set(runs.map((r) => dirname(r.dir)));
  const sweepFile = folders.size === 1 ? join([...folders][0]!, 'sweep.json') : undefined;
  let select = 'totalPnl';
  if (sweepFile && existsSync(sweepFile)) {
    const s = (JSON.parse(readFileSync(sweepFile, 'utf8')) as { select?: unknown }).select;
    if (typeof s === 'string' && selectMetric(s)) select = selectMetric(s)!;
  }
  const wf = walkForward(runs.map((r, i) => ({ id: r.runId, point: points[i]!, value: Number(metricsOf(r)[select]), pnl: Number(metricsOf(r).totalPnl) })), select);
  if (!wf) return undefined;
  const t = walkForwardTable(wf, select);
  return `<h2>Walk-forward</h2><p>${esc(t.title[0]!.toUpperCase() + t.title.slice(1))}. ${esc(t.summary[0]!.toUpperCase() + t.summary.slice(1))}.</p><table><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** Grid values in order: numerically when every value is a number ("5" before "20"), else as first seen. */
function axisDomain(values: string[]): string[] {
  const u = [...new Set(values)];
  return u.every((v) => v.trim() !== '' && Number.isFinite(Number(v))) ? u.sort((a, b) => Number(a) - Number(b)) : u;
}

/** Total PnL, Sharpe, drawdown (and the round trips' hit rate) over a two-axis sweep, one cell per run, each labelled with its value. */
function sweepHeatmaps(runs: RunInfo[], points: Record<string, string>[], [ax, ay]: [string, string], renderChart: (spec: ChartSpec) => { html: string }, facet?: string): string[] {
  const metric = (r: RunInfo) => (r.manifest as { metrics?: Record<string, unknown> }).metrics ?? {};
  const ms = runs.map(metric);
  // Annualised when every run has it, else per return period (one column never mixes the two).
  const annual = ms.every((m) => typeof m.sharpe === 'number' && Number.isFinite(m.sharpe));
  const figs: [string, string, (v: number) => string][] = [
    ['totalPnl', 'Total PnL', (v) => Math.round(v).toLocaleString('en-US')],
    [annual ? 'sharpe' : 'sharpePerPeriod', annual ? 'Sharpe (annualised)' : 'Sharpe per return period', (v) => v.toFixed(annual ? 2 : 4)],
    ['maxDrawdown', 'Max drawdown', (v) => Math.round(v).toLocaleString('en-US')],
    // Strategies that open and close positions (a bar strategy): how often a round trip paid.
    ...(ms.some((m) => typeof m.roundTrips === 'number' && m.roundTrips > 0) ? [['tripHitRate', 'Hit rate of round trips', (v: number) => `${(v * 100).toFixed(1)}%`] as [string, string, (v: number) => string]] : []),
  ];
  const out: string[] = [];
  for (const [key, title, fmt] of figs) {
    const cells = runs.flatMap((_, i) => {
      const v = Number(ms[i]![key]);
      return Number.isFinite(v) ? [{ x: points[i]![ax] ?? '', y: points[i]![ay] ?? '', f: facet ? (points[i]![facet] ?? '') : '', v }] : [];
    });
    if (cells.length === 0) continue;
    const ys = axisDomain(cells.map((c) => c.y));
    const ink = cellTextFill(cells.map((c) => c.v), key !== 'maxDrawdown' && key !== 'tripHitRate');
    const full = `${title} by ${ax} × ${ay}${facet ? `, each ${facet} window` : ''}`;
    out.push(
      `<h2>${esc(full)}</h2>${
        renderChart({
          title: full,
          marks: [Plot.cell(cells, { x: 'x', y: 'y', fill: 'v', inset: 0.5, ...(facet ? { fx: 'f' } : {}) }), Plot.text(cells, { x: 'x', y: 'y', text: (d: { v: number }) => fmt(d.v), fill: (d: { v: number }) => ink(d.v), ...(facet ? { fx: 'f' } : {}) })],
          x: { type: 'band', label: ax, domain: axisDomain(cells.map((c) => c.x)) },
          // Windows in time order, each headed by its dates.
          ...(facet ? { fx: { domain: axisDomain(cells.map((c) => c.f)).sort(), label: null } } : {}),
          // Above the axis, across: a field path read down the left margin was cut off there.
          y: { type: 'band', label: ay, labelAnchor: 'top', domain: ys },
          // Losses red, gains green (drawdown: deeper is redder); the cells carry their values (no ramp legend in Node's DOM).
          color: key === 'maxDrawdown' ? { scheme: 'reds' } : key === 'tripHitRate' ? { scheme: 'blues' } : { type: 'diverging', scheme: 'rdylgn', pivot: 0 },
          height: 80 + 40 * ys.length,
        }).html
      }`,
    );
  }
  return out;
}

/** Beyond this many runs the equity chart does not give each its own colour (the palette has ten). */
const MAX_COLOURED_RUNS = 10;

/** The best and the worst run by total PnL, per dates window of a walk-forward (`windowOf` a run's; '' outside one), and a line naming each. */
function bestAndWorst(windowOf: ReadonlyMap<string, string>, pnl: { run: string; v: number }[]): { best: Set<string>; worst: Set<string>; lines: string[] } {
  const groups = new Map<string, { run: string; v: number }[]>();
  for (const p of pnl) {
    const w = windowOf.get(p.run) ?? '';
    groups.set(w, [...(groups.get(w) ?? []), p]);
  }
  const best = new Set<string>();
  const worst = new Set<string>();
  const lines: string[] = [];
  for (const w of [...groups.keys()].sort()) {
    const g = groups.get(w)!;
    const hi = g.reduce((a, b) => (b.v > a.v ? b : a));
    const lo = g.reduce((a, b) => (b.v < a.v ? b : a));
    best.add(hi.run);
    worst.add(lo.run);
    const fig = (v: number) => Math.round(v).toLocaleString('en-US');
    lines.push(`${w ? `${w}: ` : ''}best ${hi.run} (${fig(hi.v)}), worst ${lo.run} (${fig(lo.v)}), of ${g.length} runs`);
  }
  return { best, worst, lines };
}
