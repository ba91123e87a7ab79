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
}

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
const document = dom.window.document;

export function renderSvg(spec: ChartSpec): string {
  const el = Plot.plot({
    document,
    width: 920,
    height: spec.height ?? 260,
    marginLeft: 80,
    marginRight: 20,
    style: { fontSize: '12px', background: 'white' },
    x: { type: 'utc', label: null, ...(spec.x ?? {}) },
    y: { grid: true, ...(spec.y ?? {}) },
    ...(spec.color ? { color: spec.color } : {}),
    marks: spec.marks,
  }) as unknown as Element;
  const svg = el.tagName.toLowerCase() === 'svg' ? el : el.querySelector('svg');
  if (!svg) throw new Error(`chart "${spec.title}" rendered no <svg>`);
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}
