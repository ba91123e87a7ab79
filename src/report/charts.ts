import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import { esc } from './html.ts';

/** Observable Plot rendered server-side into an SVG string (no browser needed). */
export interface ChartSpec {
  title: string;
  /** Its PNG's file name part when the title carries the run's figures (else the title's slug). */
  slug?: string;
  marks: Plot.Markish[];
  y?: Plot.ScaleOptions;
  x?: Plot.ScaleOptions;
  color?: Plot.ScaleOptions;
  /** Dot radii (px): Plot's default sizes the median at 3 px and leaves the largest unbounded. */
  r?: Plot.ScaleOptions;
  /** Facets across (a mark's `fx` channel): their header labels; the channel's name is not shown. */
  fx?: Plot.ScaleOptions;
  height?: number;
  marginLeft?: number;
}

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
const document = dom.window.document;

/**
 * Ticks of a count axis (paths, fills, returns in a histogram bin): whole numbers only, about five
 * of them at a 1-2-5 step. Plot's default put ticks at 0.2, 0.4 … on an axis whose counts were 0
 * and 1. An interval object as Plot's axis `ticks` option: `range(lo, hi)` gives the ticks from lo
 * up to, not including, hi (as d3's intervals; Plot asks for the range up to one past the domain).
 */
const countTicks = {
  floor: (x: number) => Math.floor(x),
  offset: (x: number, k = 1) => x + k,
  range(lo: number, hi: number): number[] {
    const raw = Math.max(1, (hi - lo) / 5);
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
    const out: number[] = [];
    for (let t = Math.ceil(lo / step) * step; t < hi; t += step) out.push(t);
    return out;
  },
};

/** The y axis of a histogram: counts of `label`, whole-number ticks. */
export const countAxis = (label: string): Plot.ScaleOptions => ({ label, ticks: countTicks, tickFormat: 'd' });

/**
 * The colour of a heatmap cell's figure: white where the scheme is dark — the top 40% of a
 * sequential scale's range, the outer 40% either side of a diverging one's pivot 0 — black
 * elsewhere (black with a white halo on dark red read as a smudge).
 */
export function cellTextFill(values: readonly number[], diverging: boolean): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return () => 'black';
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
  return diverging ? (v) => (maxAbs > 0 && Math.abs(v) >= 0.6 * maxAbs ? 'white' : 'black') : (v) => (hi > lo && v - lo >= 0.6 * (hi - lo) ? 'white' : 'black');
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * Tick labels of a time axis in UTC on a 24-hour clock, as trading screens write them: `23:56`,
 * not D3's `11:56` (its 12-hour minute ticks carry no AM/PM, so 23:56 read as 11:56 in the
 * morning). The unit follows the ticks' step — seconds (`:30`, whole minutes `23:56:00`), minutes
 * and hours (`23:56`), days (`Aug 8`), months (`Aug`), years — and the next larger unit is added
 * on a second line at the first tick and wherever it changes (the day under `00:00`, the year
 * under `Jan`), as Plot does with its own format.
 */
export function utcTick(d: unknown, i: number, ticks: readonly unknown[] = []): string {
  if (!(d instanceof Date)) return String(d);
  const step = ticks.length > 1 && ticks[1] instanceof Date && ticks[0] instanceof Date ? ticks[1].getTime() - ticks[0].getTime() : Infinity;
  const prev = i > 0 && ticks[i - 1] instanceof Date ? (ticks[i - 1] as Date) : undefined;
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  const dayChanged = prev === undefined || prev.getUTCFullYear() !== d.getUTCFullYear() || prev.getUTCMonth() !== d.getUTCMonth() || prev.getUTCDate() !== d.getUTCDate();
  const yearChanged = prev === undefined || prev.getUTCFullYear() !== d.getUTCFullYear();
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  if (step < 60_000) {
    const onMinute = d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
    const label = prev === undefined || onMinute ? `${hm}:${two(d.getUTCSeconds())}` : `:${two(d.getUTCSeconds())}`;
    return dayChanged ? `${label}\n${day}` : label;
  }
  if (step < 86_400_000) return dayChanged ? `${hm}\n${day}` : hm;
  if (step < 28 * 86_400_000) return yearChanged ? `${day}\n${d.getUTCFullYear()}` : day;
  if (step < 365 * 86_400_000) return yearChanged ? `${MONTHS[d.getUTCMonth()]}\n${d.getUTCFullYear()}` : MONTHS[d.getUTCMonth()]!;
  return String(d.getUTCFullYear());
}

/** A chart title as a file name part: "Return distribution (daily)" → "return-distribution-daily". */
export const chartSlug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');

/**
 * The chart as one SVG that stands alone (for PNG): its title above and its colour legend
 * below it as SVG. Plot draws a legend as HTML swatches beside the <svg>, which a rasteriser
 * never sees: a PNG of a chart with several series was lines nobody could tell apart.
 */
function standalone(title: string, chart: Element, legend: { label: string; color: string }[]): string {
  const w = Number(chart.getAttribute('width') ?? 920);
  const h = Number(chart.getAttribute('height') ?? 260);
  // The title wrapped at words to the chart's width (~8.5 px a character at 15 px).
  const lines: string[] = [];
  for (const word of title.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last.length + 1 + word.length) * 8.5 <= w - 20) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const top = 10 + 19 * lines.length;
  // Swatches in rows: ~7 px a character at 12 px.
  const items: string[] = [];
  let x = 10;
  let row = 0;
  for (const { label, color } of legend) {
    const iw = 22 + 7 * label.length + 14;
    if (x + iw > w && x > 10) {
      x = 10;
      row++;
    }
    const y = top + h + 8 + row * 20;
    items.push(`<rect x="${x}" y="${y}" width="14" height="14" fill="${esc(color)}"/><text x="${x + 20}" y="${y + 11}" font-size="12">${esc(label)}</text>`);
    x += iw;
  }
  const height = top + h + (legend.length ? 14 + (row + 1) * 20 : 0);
  chart.setAttribute('x', '0');
  chart.setAttribute('y', String(top));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${height}" viewBox="0 0 ${w} ${height}" font-family="system-ui, sans-serif"><rect width="100%" height="100%" fill="white"/>${lines.map((l, i) => `<text x="10" y="${19 + 19 * i}" font-size="15" font-weight="bold">${esc(l)}</text>`).join('')}${chart.outerHTML}${items.join('')}</svg>`;
}

/**
 * The chart as HTML (a <figure> with legend when Plot makes one) and as one standalone SVG with
 * its title and legend (for PNG).
 */
export function renderChart(spec: ChartSpec): { html: string; svg: string } {
  // Plot guesses that a stroke by a field is quantitative when the series are short (a run of one
  // bar: one point a series) and writes a warning to the user's terminal; ours are categorical.
  const warn = console.warn;
  console.warn = (...a: unknown[]) => {
    if (typeof a[0] === 'string' && a[0].startsWith('Warning: the implicit z channel has high cardinality')) return;
    warn(...a);
  };
  let el: Element;
  try {
    el = plotOf(spec);
  } finally {
    console.warn = warn;
  }
  // With a legend Plot returns a <figure> whose first <svg>s are legend swatches: the chart is the widest.
  const svgs = el.tagName.toLowerCase() === 'svg' ? [el] : [...el.querySelectorAll('svg')];
  const svg = svgs.sort((a, b) => Number(b.getAttribute('width') ?? 0) - Number(a.getAttribute('width') ?? 0))[0];
  if (!svg) throw new Error(`chart "${spec.title}" rendered no <svg>`);
  for (const s of svgs) if (!s.getAttribute('xmlns')) s.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const html = roundGeometry(el.outerHTML);
  // A categorical colour legend the figure shows (a ramp's numbers stay in the HTML only).
  const scale = svgs.length > 1 ? (el as unknown as { scale?(n: string): { type?: string; domain?: unknown[]; range?: unknown[] } | undefined }).scale?.('color') : undefined;
  const categorical = scale && (scale.type === 'ordinal' || scale.type === 'categorical') && Array.isArray(scale.domain) && Array.isArray(scale.range) && scale.range.length > 0;
  const legend = categorical ? scale.domain!.map((d, i) => ({ label: String(d), color: String(scale.range![i % scale.range!.length]) })) : [];
  return { html, svg: roundGeometry(standalone(spec.title, svg.cloneNode(true) as Element, legend)) };
}

/** Attributes that place or size a shape (in px), never data a reader sees. */
const GEOMETRY = /\s(cx|cy|r|x|y|x1|x2|y1|y2|width|height|d|points|transform)="([^"]*)"/g;
/** A number written with more than two decimals (Plot writes every coordinate with ~15). */
const LONG_DECIMAL = /-?\d+\.\d{3,}/g;

/**
 * Coordinates to 1/100 px: Plot writes them to full double precision ("456.61029043596847"),
 * which made a chart of 38,000 liquidation dots 3.4 MB. A hundredth of a pixel is invisible at
 * any zoom a report is read at; titles, labels and tooltips (text, not these attributes) keep
 * every digit.
 */
export function roundGeometry(markup: string): string {
  return markup.replace(GEOMETRY, (_m, name: string, value: string) => ` ${name}="${value.replace(LONG_DECIMAL, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}

/** The x scale: time in UTC unless the chart says otherwise, labelled by `utcTick` unless it formats its own ticks. */
function xScale(x: Plot.ScaleOptions | undefined): Plot.ScaleOptions {
  const out: Plot.ScaleOptions = { type: 'utc', label: null, ...(x ?? {}) };
  return out.type === 'utc' && out.tickFormat === undefined ? { ...out, tickFormat: utcTick } : out;
}

/** The chart as Plot draws it: a <svg>, or a <figure> with legend swatches. */
function plotOf(spec: ChartSpec): Element {
  const x = xScale(spec.x);
  return Plot.plot({
    document,
    width: 920,
    height: spec.height ?? 260,
    marginLeft: spec.marginLeft ?? 80,
    marginRight: 20,
    // Room for a time axis' second line (the day under the hours): Plot's 30 px clipped its descenders.
    ...(x.type === 'utc' ? { marginBottom: 36 } : {}),
    style: { fontSize: '12px', background: 'white' },
    x,
    y: { grid: true, ...(spec.y ?? {}) },
    ...(spec.color ? { color: spec.color } : {}),
    ...(spec.r ? { r: spec.r } : {}),
    ...(spec.fx ? { fx: spec.fx } : {}),
    marks: spec.marks,
  }) as unknown as Element;
}
