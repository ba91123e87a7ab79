import { renameSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { chartSlug } from './charts.ts';

/**
 * Write each chart as a PNG beside the report `html` (`<report>-<slug>.png`), each whole (a
 * temporary name, then a rename). The slug is the chart's own `slug` where its title carries
 * figures of the run ("Inventory: time-weighted mean per 2.5 h (2,670 changes)" → `inventory`), so
 * a script or a document that embeds a chart finds it under the same name after a rerun; a name
 * met twice in one report gets `-2`, `-3` … rather than overwriting the first.
 */
export function writeChartPngs(html: string, charts: readonly { title: string; slug?: string; svg: string }[]): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const c of charts) {
    const base = c.slug ?? chartSlug(c.title);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const png = html.replace(/\.html$/, `-${n === 1 ? base : `${base}-${n}`}.png`);
    const tmp = `${png}.tmp`;
    writeFileSync(tmp, new Resvg(c.svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng());
    renameSync(tmp, png);
    out.push(png);
  }
  return out;
}
