/**
 * The risk report of a Monte Carlo folder (`primesim report runs/mc/<name>`): the VaR / ES /
 * liquidations-at-risk table, the distribution of the desk's PnL with its VaR marks, fan charts
 * (5–95% and 25–75% bands and the median across paths, per time bucket) of the mark and of the
 * insurance fund, and the liquidation waterfall of the worst path. Self-contained HTML (inline
 * SVG) plus PNGs, like every report.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as Plot from '@observablehq/plot';
import { DataError } from '../errors.ts';
import { KNOWN_INSTRUMENTS } from '../market/instrument.ts';
import { checkReportTarget, writeFileWhole } from '../results/safe-output.ts';
import { chartSlug, countAxis, renderChart, type ChartSpec } from './charts.ts';
import { chartPngTargets, writeChartPngs } from './png.ts';
import { RunTables } from './recipes.ts';
import { esc } from './html.ts';
import { mcRiskRows, percent, wholeAmount } from './summary-rows.ts';
import { quantileCi, tailBySource, tailCount, upperQuantile, valueAtRisk } from '../mc/stats.ts';

export function isMcFolder(dir: string): boolean {
  return existsSync(join(dir, 'summary', 'manifest.json')) && existsSync(join(dir, 'rows'));
}

/** Per time bucket, quantiles across paths of a step series sampled at the bucket's end. */
function fan(series: { t: number[]; v: number[] }[], startUs: number, buckets = 96): { h: number; p05: number; p25: number; p50: number; p75: number; p95: number }[] {
  const all = series.filter((s) => s.t.length > 0);
  if (all.length === 0) return [];
  const t0 = Math.min(...all.map((s) => s.t[0]!));
  const t1 = Math.max(...all.map((s) => s.t[s.t.length - 1]!));
  const out = [];
  for (let b = 0; b <= buckets; b++) {
    const at = t0 + ((t1 - t0) * b) / buckets;
    const xs: number[] = [];
    for (const s of all) {
      // Last value at or before `at` (the series holds its value between points).
      let lo = 0;
      let hi = s.t.length - 1;
      if (s.t[0]! > at) continue;
      while (lo < hi) {
        const m = (lo + hi + 1) >> 1;
        if (s.t[m]! <= at) lo = m;
        else hi = m - 1;
      }
      xs.push(s.v[lo]!);
    }
    if (xs.length) out.push({ h: (at - startUs) / HOUR_US, p05: upperQuantile(xs, 0.05), p25: upperQuantile(xs, 0.25), p50: upperQuantile(xs, 0.5), p75: upperQuantile(xs, 0.75), p95: upperQuantile(xs, 0.95) });
  }
  return out;
}

/** Compact formats with 1, 2 and 3 fraction digits (50M, 1.25B, 1.975M), and 6 to tell what is exact. */
const COMPACT = [1, 2, 3].map((d) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: d }));
const COMPACT_FULL = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 6 });
const tickDigits = new WeakMap<readonly number[], Intl.NumberFormat>();

/**
 * Axis ticks of amounts: 50M, 1.2B (full digits overlapped on a 920-pixel axis). Plot passes the
 * axis' whole tick array as the third argument: the fewest fraction digits that write every tick
 * exactly (else that tell them apart) are used for all of them, so a fund moving between 1.95M
 * and 2.05M reads 1.975M, 2M, 2.025M rather than 2M, 2M, 2M (or a rounded 1.98M).
 */
export function compact(x: number, _i?: number, ticks?: readonly number[]): string {
  if (ticks === undefined || ticks.length < 2) return COMPACT[0]!.format(x);
  let f = tickDigits.get(ticks);
  if (f === undefined) {
    const exact = COMPACT.find((c) => ticks.every((t) => c.format(t) === COMPACT_FULL.format(t)));
    f = exact ?? COMPACT.find((c) => new Set(ticks.map((t) => c.format(t))).size === ticks.length) ?? COMPACT[COMPACT.length - 1]!;
    tickDigits.set(ticks, f);
  }
  return f.format(x);
}

const HOUR_US = 3_600_000_000;
/**
 * Paths of an MC run all start at its `mc.start` — a date of the simulation's own calendar, not of
 * the history a path replays (the January 2022 replay runs from 2024-01-01 too) — so its charts
 * are drawn against hours into the path, where a date axis read as if the crash happened on Jan 1.
 */
const PATH_HOURS = { label: 'hours into the path', type: 'linear' } as const;

function fanChart(title: string, slug: string, rows: ReturnType<typeof fan>, label: string, ticks?: (x: number) => string): ChartSpec {
  return {
    title,
    slug,
    marks: [
      Plot.areaY(rows, { x: 'h', y1: 'p05', y2: 'p95', fill: '#1f77b4', fillOpacity: 0.15 }),
      Plot.areaY(rows, { x: 'h', y1: 'p25', y2: 'p75', fill: '#1f77b4', fillOpacity: 0.3 }),
      Plot.lineY(rows, { x: 'h', y: 'p50', stroke: '#1f77b4' }),
    ],
    x: PATH_HOURS,
    y: { label, zero: false, ...(ticks ? { tickFormat: ticks } : {}) },
  };
}

/**
 * A path's liquidation steps as the waterfall draws them: quarter-hours into the path (see
 * PATH_HOURS), notional (lots × each venue's lot × price) and kind; steps that filled nothing are
 * left out. `endH`: the path's length in hours, to its last sample (the axis covers the whole
 * path, not the first to the last liquidation). Undefined when the path has no liquidation.
 */
export function waterfall(pathDir: string, startUs: number): { rows: { h: number; v: number; kind: string }[]; endH: number } | undefined {
  const wt = new RunTables(pathDir);
  if (!wt.has('liquidations', 'ts_us', 'size_lots', 'price', 'kind')) return undefined;
  const ts = wt.nums('liquidations', 'ts_us');
  const sz = wt.nums('liquidations', 'size_lots');
  const px = wt.nums('liquidations', 'price');
  const kind = wt.strs('liquidations', 'kind');
  const wm = JSON.parse(readFileSync(join(pathDir, 'manifest.json'), 'utf8')) as { instrument?: { lotSize?: string; multiplier?: number }; venues?: { id: string; instrument?: string }[] };
  // Each venue's lot (BTC and ETH perps in one path): the manifest's `instrument` is the first venue's only.
  const lotOf = (x?: { lotSize?: string; multiplier?: number }) => Number(x?.lotSize ?? NaN) * (x?.multiplier ?? 1);
  // (A venue on an instrument primesim does not list keeps the first venue's lot, as before.)
  const lots = new Map((wm.venues ?? []).flatMap((v) => {
    const lot = lotOf(v.instrument !== undefined ? KNOWN_INSTRUMENTS[v.instrument] : undefined);
    return Number.isFinite(lot) ? [[v.id, lot] as const] : [];
  }));
  const instOf = wt.has('liquidations', 'instrument') ? wt.strs('liquidations', 'instrument') : [];
  const lotAt = (i: number) => lots.get(instOf[i] ?? '') ?? lotOf(wm.instrument);
  const rows = ts.flatMap((x, i) => (sz[i]! > 0 && Number.isFinite(px[i]!) && Number.isFinite(lotAt(i)) ? [{ h: Math.floor((x - startUs) / 9e8) / 4, v: sz[i]! * lotAt(i) * px[i]!, kind: kind[i]! }] : []));
  if (rows.length === 0) return undefined;
  const last = wt.has('equity', 'ts_us') ? wt.nums('equity', 'ts_us').reduce((a, b) => Math.max(a, b), -Infinity) : -Infinity;
  const endH = Math.max(rows.reduce((a, r) => Math.max(a, r.h + 0.25), 0), Number.isFinite(last) ? (last - startUs) / 3.6e9 : 0);
  return { rows, endH };
}

/**
 * VaR 95% of the first n paths and its interval at up to 60 path counts from 1 to all; a side n
 * paths cannot bound is NaN (no band there: the chart leaves a gap instead of inventing one).
 */
export function convergence(pnl: readonly number[]): { n: number; var: number; lo: number; hi: number }[] {
  const out: { n: number; var: number; lo: number; hi: number }[] = [];
  const N = pnl.length;
  let last = 0;
  for (let j = 1; j <= Math.min(60, N); j++) {
    const n = Math.round((j * N) / Math.min(60, N));
    if (n === last) continue;
    last = n;
    const xs = pnl.slice(0, n);
    const c = quantileCi(xs, 0.05);
    out.push({ n, var: valueAtRisk(xs, 0.95), lo: -c.hi, hi: -c.lo });
  }
  return out;
}

export async function writeMcReport(mcDir: string, opts: { out?: string; png?: boolean } = {}): Promise<{ html: string; pngs: string[] }> {
  const dir = resolve(mcDir);
  if (!isMcFolder(dir)) throw new DataError('not a Monte Carlo folder (no summary/ and rows/)', { file: mcDir });
  const summary = JSON.parse(readFileSync(join(dir, 'summary', 'manifest.json'), 'utf8')) as { metrics: Record<string, number> };
  const s = summary.metrics;
  const t = new RunTables(join(dir, 'summary'));
  const k = t.nums('paths', 'k');
  const pnl = t.nums('paths', 'desk_pnl');
  const lar = t.nums('paths', 'liquidated_notional').map((x, i) => x + t.nums('paths', 'lending_liquidated_usd')[i]!);
  const labels = t.strs('paths', 'label');
  const name = basename(dir);
  const out = checkReportTarget(opts.out ?? join('reports', `mc-${name}.html`), `mc-${name}.html`);
  mkdirSync(dirname(out), { recursive: true });
  const charts: ChartSpec[] = [];
  charts.push({
    slug: 'pnl-distribution',
    title: 'Desk PnL across paths, with VaR (solid) and ES (dashed) at 95% and 99%',
    // Losses as PnL: −VaR and −ES on the PnL axis; which line is which in the legend.
    marks: [
      Plot.rectY(pnl.map((v) => ({ v })), { ...Plot.binX({ y: 'count' }, { x: 'v', thresholds: 30 }), fill: '#1f77b4' }),
      Plot.ruleX([{ x: -s.var95!, k: 'VaR 95%' }, { x: -s.var99!, k: 'VaR 99%' }], { x: 'x', stroke: 'k', strokeWidth: 2 }),
      Plot.ruleX([{ x: -s.es95!, k: 'ES 95%' }, { x: -s.es99!, k: 'ES 99%' }], { x: 'x', stroke: 'k', strokeWidth: 2, strokeDasharray: '5 3' }),
      Plot.ruleY([0]),
    ],
    color: { domain: ['VaR 95%', 'VaR 99%', 'ES 95%', 'ES 99%'], range: ['#ff7f0e', '#d62728', '#fdae6b', '#fb6a4a'], legend: true },
    x: { type: 'linear', label: 'desk PnL', tickFormat: compact },
    y: countAxis('paths'),
  });
  // Convergence: the VaR of the first n paths (in path order) and its 95% interval as n grows —
  // how much the figure still moves, and whether more paths are worth running.
  const conv = convergence(pnl);
  if (conv.length > 1) {
    charts.push({
      slug: 'var-convergence',
      title: 'VaR 95% of the first n paths (solid), with its 95% confidence interval (dashed; distribution-free)',
      marks: [
        Plot.areaY(conv, { x: 'n', y1: 'lo', y2: 'hi', fill: '#ff7f0e', fillOpacity: 0.2 }),
        // Each bound also as a line: with few paths only one side is bounded (no band yet).
        Plot.lineY(conv, { x: 'n', y: 'lo', stroke: '#ff7f0e', strokeDasharray: '4 3' }),
        Plot.lineY(conv, { x: 'n', y: 'hi', stroke: '#ff7f0e', strokeDasharray: '4 3' }),
        Plot.lineY(conv, { x: 'n', y: 'var', stroke: '#ff7f0e', strokeWidth: 2 }),
      ],
      x: { type: 'linear', label: 'paths', tickFormat: compact },
      y: { label: 'VaR 95% (desk loss)', tickFormat: compact },
    });
  }
  charts.push({
    slug: 'liquidated-notional',
    title: 'Liquidated notional across paths (perp + lending)',
    marks: [Plot.rectY(lar.map((v) => ({ v })), { ...Plot.binX({ y: 'count' }, { x: 'v', thresholds: 30 }), fill: '#d62728' }), Plot.ruleY([0])],
    x: { type: 'linear', label: 'liquidated notional', tickFormat: compact },
    y: countAxis('paths'),
  });
  // Fans across paths: the mark (with liquidation impact) and the insurance fund.
  const paths = readdirSync(dir).filter((d) => /^path-\d+$/.test(d)).sort();
  // Per path venue (several when one follows another, e.g. ETH following BTC), in table order.
  const marks = new Map<string, { t: number[]; v: number[] }[]>();
  const oi = new Map<string, { t: number[]; v: number[] }[]>();
  const fund: { t: number[]; v: number[] }[] = [];
  const push = (m: Map<string, { t: number[]; v: number[] }[]>, venue: string, t: number[], v: number[]) => {
    let l = m.get(venue);
    if (!l) m.set(venue, (l = []));
    l.push({ t, v });
  };
  for (const p of paths) {
    const pt = new RunTables(join(dir, p));
    if (pt.has('marks', 'ts_us', 'mark')) {
      const ts = pt.nums('marks', 'ts_us');
      const mk = pt.nums('marks', 'mark');
      const venue = pt.has('marks', 'venue') ? pt.strs('marks', 'venue') : ts.map(() => '');
      const o = pt.has('marks', 'open_interest') ? pt.nums('marks', 'open_interest') : undefined;
      for (const id of new Set(venue)) {
        const idx = venue.flatMap((x, i) => (x === id ? [i] : []));
        const t = idx.map((i) => ts[i]!);
        push(marks, id, t, idx.map((i) => mk[i]!));
        const v = o ? idx.map((i) => o[i]!) : [];
        if (v.some((x) => Number.isFinite(x) && x > 0)) push(oi, id, t, v);
      }
    }
    if (pt.has('liquidations', 'ts_us', 'fund_balance')) fund.push({ t: pt.nums('liquidations', 'ts_us'), v: pt.nums('liquidations', 'fund_balance') });
  }
  // A path's start: its first mark (every path venue marks from its first minute), else its first liquidation.
  const firsts = [...[...marks.values()].flat(), ...fund].flatMap((x) => (x.t.length > 0 ? [x.t[0]!] : []));
  const startUs = firsts.length > 0 ? Math.min(...firsts) : 0;
  const named = (title: string, id: string, m: Map<string, unknown>) => (m.size > 1 && id ? `${title}: ${id}` : title);
  for (const [id, l] of marks) {
    const mf = fan(l, startUs);
    if (mf.length) charts.push(fanChart(named('Mark across paths (median, 25–75% and 5–95%)', id, marks), marks.size > 1 && id ? `mark-fan-${chartSlug(id)}` : 'mark-fan', mf, 'price'));
  }
  const ff = fan(fund, startUs);
  if (ff.length) charts.push(fanChart('Insurance fund across paths (after each liquidation step)', 'insurance-fund-fan', ff, 'fund', compact));
  for (const [id, l] of oi) {
    const of = fan(l, startUs);
    if (of.length) charts.push(fanChart(named('Open interest across paths (median, 25–75% and 5–95%)', id, oi), oi.size > 1 && id ? `open-interest-fan-${chartSlug(id)}` : 'open-interest-fan', of, 'open interest (base units)', compact));
  }
  // The worst path's liquidation waterfall: liquidated notional per 15 minutes by kind.
  let worst = -1;
  for (let i = 0; i < pnl.length; i++) if (worst < 0 || lar[i]! > lar[worst]!) worst = i;
  if (worst >= 0) {
    const w = waterfall(join(dir, `path-${String(k[worst]).padStart(5, '0')}`), startUs);
    if (w) {
      charts.push({
        slug: 'liquidation-waterfall-worst-path',
        title: `Liquidation waterfall of the worst path by liquidated notional (path ${k[worst]}, ${labels[worst]}): notional per 15 minutes`,
        marks: [Plot.rectY(w.rows, Plot.groupX({ y: 'sum' }, { x: 'h', y: 'v', fill: 'kind', interval: 0.25 } as Plot.RectYOptions)), Plot.ruleY([0])],
        color: { legend: true },
        x: { ...PATH_HOURS, domain: [0, w.endH] },
        y: { label: 'notional', tickFormat: compact },
      });
    }
  }
  const rendered = charts.map((c) => ({ ...c, ...renderChart(c) }));
  const rows: [string, string][] = [['paths', String(s.paths)], ...mcRiskRows(s)];
  const worstRows = pnl.map((v, i) => ({ i, v })).sort((a, b) => a.v - b.v).slice(0, 10);
  // Which sources the 95% tail is made of (paths grouped by their label).
  const fundMin = t.nums('paths', 'insurance_fund_min');
  const lend = t.nums('paths', 'lending_liquidated_usd');
  const liqN = t.nums('paths', 'liquidated_notional');
  const sources = tailBySource(k.map((kk, i) => ({ k: kk, label: labels[i]!, deskPnl: pnl[i]!, insuranceFundMin: fundMin[i]!, liquidatedNotional: liqN[i]!, lendingLiquidatedUsd: lend[i]! })));
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>primesim Monte Carlo: ${esc(name)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td{font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}
</style></head><body>
<h1>primesim Monte Carlo — ${esc(name)}</h1>
<h2>Risk across paths</h2><table>${rows.map(([a, b]) => `<tr><th>${esc(a)}</th><td>${esc(b)}</td></tr>`).join('')}</table>
<h2>Where the 95% tail comes from</h2><p>${tailCount(pnl.length, 0.95) === 1 ? 'The worst path' : `The ${tailCount(pnl.length, 0.95)} worst paths`} by desk PnL, by the source of their path.</p><table><tr><th>source</th><th>paths</th><th>in the 95% tail</th><th>mean desk PnL</th><th>worst desk PnL</th><th>P(fund exhausted)</th><th>mean liquidated notional</th></tr>${sources.map((g) => `<tr><td>${esc(g.label)}</td><td>${g.paths}</td><td>${g.inTail}</td><td>${wholeAmount(g.meanPnl)}</td><td>${wholeAmount(g.worstPnl)}</td><td>${percent(g.pFundExhausted)}</td><td>${wholeAmount(g.meanLiquidated)}</td></tr>`).join('')}</table>
<h2>Worst paths by desk PnL</h2><table><tr><th>path</th><th>source</th><th>desk PnL</th><th>liquidated notional</th></tr>${worstRows.map((w) => `<tr><td>${k[w.i]}</td><td>${esc(labels[w.i]!)}</td><td>${wholeAmount(w.v)}</td><td>${wholeAmount(lar[w.i])}</td></tr>`).join('')}</table>
${rendered.map((c) => `<h2>${esc(c.title)}</h2><div class="chart">${c.html}</div>`).join('\n')}
</body></html>
`;
  const pngTargets = opts.png ? chartPngTargets(out, rendered) : [];
  writeFileWhole(out, html);
  const pngs = opts.png ? writeChartPngs(out, rendered, pngTargets) : [];
  return { html: out, pngs };
}
