import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';

/** Observable Plot rendered server-side into an SVG string (no browser needed). */
export interface ChartSpec {
  title: string;
  marks: Plot.Markish[];
  y?: Plot.ScaleOptions;
  x?: Plot.ScaleOptions;
  color?: Plot.ScaleOptions;
  height?: number;
  marginLeft?: number;
}

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
const document = dom.window.document;

/** The chart as HTML (a <figure> with legend when Plot makes one) and its main <svg> alone (for PNG). */
export function renderChart(spec: ChartSpec): { html: string; svg: string } {
  const el = Plot.plot({
    document,
    width: 920,
    height: spec.height ?? 260,
    marginLeft: spec.marginLeft ?? 80,
    marginRight: 20,
    style: { fontSize: '12px', background: 'white' },
    x: { type: 'utc', label: null, ...(spec.x ?? {}) },
    y: { grid: true, ...(spec.y ?? {}) },
    ...(spec.color ? { color: spec.color } : {}),
    marks: spec.marks,
  }) as unknown as Element;
  // With a legend Plot returns a <figure> whose first <svg>s are legend swatches: the chart is the widest.
  const svgs = el.tagName.toLowerCase() === 'svg' ? [el] : [...el.querySelectorAll('svg')];
  const svg = svgs.sort((a, b) => Number(b.getAttribute('width') ?? 0) - Number(a.getAttribute('width') ?? 0))[0];
  if (!svg) throw new Error(`chart "${spec.title}" rendered no <svg>`);
  for (const s of svgs) if (!s.getAttribute('xmlns')) s.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return { html: el.outerHTML, svg: svg.outerHTML };
}
