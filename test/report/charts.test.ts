import * as Plot from '@observablehq/plot';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { cellTextFill, chartSlug, countAxis, renderChart, roundGeometry, utcTick } from '../../src/report/charts.ts';
import { compact } from '../../src/report/mc-report.ts';
import { writeChartPngs } from '../../src/report/png.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const data = [0, 1, 2, 3].flatMap((i) => [
  { t: new Date(Date.UTC(2024, 0, 1, i)), v: i, k: 'fees' },
  { t: new Date(Date.UTC(2024, 0, 1, i)), v: -i, k: 'inventory' },
]);

/** The tick labels of the chart's y axis (Plot writes them in the y-axis group, bottom to top). */
function yTicks(svg: string): string[] {
  const g = svg.match(/<g aria-label="y-axis tick label"[^>]*>(.*?)<\/g>/s);
  return [...(g?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('charts', () => {
  it('a histogram\'s count axis has whole-number ticks (not 0.2, 0.4 … paths)', () => {
    const c = renderChart({ title: 'h', marks: [Plot.rectY([1, 5, 9], Plot.binX({ y: 'count' }, { x: (d: number) => d, thresholds: 30 }) as Plot.RectYOptions)], x: { type: 'linear' }, y: countAxis('paths') });
    expect(yTicks(c.svg)).toEqual(['0', '1']);
    const many = Array.from({ length: 40 }, () => 3);
    const d = renderChart({ title: 'h', marks: [Plot.rectY(many, Plot.binX({ y: 'count' }, { x: (x: number) => x }) as Plot.RectYOptions)], x: { type: 'linear' }, y: countAxis('paths') });
    expect(yTicks(d.svg)).toEqual(['0', '10', '20', '30', '40']);
  });

  it('compact amounts on an axis take the fraction digits that tell every tick apart', () => {
    const ticks = [1.95e6, 1.975e6, 2e6, 2.025e6, 2.05e6];
    expect(ticks.map((t, i) => compact(t, i, ticks))).toEqual(['1.95M', '1.975M', '2M', '2.025M', '2.05M']);
    const round = [0, 10e6, 20e6, 30e6];
    expect(round.map((t, i) => compact(t, i, round))).toEqual(['0', '10M', '20M', '30M']);
    const tenths = [1.9e6, 2e6, 2.1e6];
    expect(tenths.map((t, i) => compact(t, i, tenths))).toEqual(['1.9M', '2M', '2.1M']);
  });


  it('the PNG source stands alone: the title above, the colour legend Plot draws as HTML redrawn in SVG with the same colours', () => {
    const c = renderChart({ title: 'PnL attribution over time', marks: [Plot.lineY(data, { x: 't', y: 'v', stroke: 'k' })], color: { legend: true } });
    // The HTML legend (Plot's swatches) and its colours.
    const swatch = [...c.html.matchAll(/<svg[^>]*fill="([^"]+)"[^>]*>.*?<\/svg>(fees|inventory)/g)].map((m) => [m[2], m[1]]);
    const html = Object.fromEntries(swatch);
    expect(Object.keys(html).sort()).toEqual(['fees', 'inventory']);
    expect(c.svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(c.svg).toContain('>PnL attribution over time</text>');
    for (const [label, color] of Object.entries(html)) expect(c.svg).toMatch(new RegExp(`<rect [^>]*fill="${color}"/><text[^>]*>${label}</text>`));
    const png = new Resvg(c.svg, { background: 'white' }).render();
    expect(png.height).toBeGreaterThan(260 + 29);
  });

  it('coordinates are written to 1/100 px; text, tooltips and other attributes keep every digit', () => {
    const raw = '<g transform="translate(0.5000001,-12.345678)"><circle cx="456.61029043596847" cy="88.44898904189185" r="29.999999999999996" fill="#1f77b4"><title>lots 1.23456789</title></circle>'
      + '<path d="M12.3456,78.9012L-0.004999,1e-7L3.14159e-7,2"/><text x="10" y="19" dy="0.32em" font-size="12.5">61,234.56789</text><rect x="1.005" width="2.5" height="0.125"/></g>';
    expect(roundGeometry(raw)).toBe('<g transform="translate(0.5,-12.35)"><circle cx="456.61" cy="88.45" r="30" fill="#1f77b4"><title>lots 1.23456789</title></circle>'
      + '<path d="M12.35,78.9L0,1e-7L3.14e-7,2"/><text x="10" y="19" dy="0.32em" font-size="12.5">61,234.56789</text><rect x="1" width="2.5" height="0.13"/></g>');
    // A chart Plot draws: no coordinate keeps more than two decimals, its tooltips keep theirs.
    const c = renderChart({ title: 'dots', marks: [Plot.dot([{ t: new Date(Date.UTC(2024, 0, 1)), v: 1 / 3 }, { t: new Date(Date.UTC(2024, 0, 2)), v: 2 / 3 }], { x: 't', y: 'v', title: (d: { v: number }) => `v ${d.v}` })] });
    for (const out of [c.html, c.svg]) {
      expect(out).toContain('<title>v 0.3333333333333333</title>');
      expect([...out.matchAll(/\s(?:cx|cy|x|y|d|transform)="([^"]*)"/g)].flatMap((m) => m[1]!.match(/\d+\.\d{3,}/g) ?? [])).toEqual([]);
    }
  });

  it('a chart without a colour legend gets its title only', () => {
    const c = renderChart({ title: 'Equity', marks: [Plot.lineY(data.filter((d) => d.k === 'fees'), { x: 't', y: 'v' })] });
    expect(c.svg).toContain('>Equity</text>');
    expect(c.svg).not.toContain('<rect x="10"');
    expect(new Resvg(c.svg).render().height).toBe(260 + 29);
  });

  it('a long title wraps at words to the chart\'s width instead of running off the PNG', () => {
    const title = 'Liquidation waterfall of the worst path by liquidated notional (path 0, historical:btc-2022-01-21): notional per 15 minutes';
    const c = renderChart({ title, marks: [Plot.lineY(data.filter((d) => d.k === 'fees'), { x: 't', y: 'v' })] });
    const lines = [...c.svg.matchAll(/<text x="10" y="\d+" font-size="15" font-weight="bold">([^<]+)<\/text>/g)].map((m) => m[1]!);
    expect(lines.length).toBe(2);
    expect(lines.join(' ')).toBe(title);
    for (const l of lines) expect(l.length * 8.5).toBeLessThanOrEqual(920 - 20);
    expect(new Resvg(c.svg).render().height).toBe(260 + 10 + 19 * 2);
  });

  // D3's default wrote minute ticks on a 12-hour clock without AM/PM: 23:56 UTC read "11:56".
  it('time ticks are UTC on a 24-hour clock, the next unit under the first tick and where it changes', () => {
    const at = (iso: string[]) => iso.map((x) => new Date(x));
    const labels = (ts: Date[]) => ts.map((d, i) => utcTick(d, i, ts));
    expect(labels(at(['2024-08-08T23:55:45Z', '2024-08-08T23:56:00Z', '2024-08-08T23:56:15Z']))).toEqual(['23:55:45\nAug 8', '23:56:00', ':15']);
    expect(labels(at(['2024-08-08T23:58:00Z', '2024-08-08T23:59:00Z', '2024-08-09T00:00:00Z']))).toEqual(['23:58\nAug 8', '23:59', '00:00\nAug 9']);
    expect(labels(at(['2021-12-31T12:00:00Z', '2022-01-01T00:00:00Z']))).toEqual(['12:00\nDec 31', '00:00\nJan 1']);
    expect(labels(at(['2021-12-30T00:00:00Z', '2022-01-01T00:00:00Z', '2022-01-03T00:00:00Z']))).toEqual(['Dec 30\n2021', 'Jan 1\n2022', 'Jan 3']);
    expect(labels(at(['2021-11-01T00:00:00Z', '2021-12-01T00:00:00Z', '2022-01-01T00:00:00Z']))).toEqual(['Nov\n2021', 'Dec', 'Jan\n2022']);
    expect(labels(at(['2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z']))).toEqual(['2020', '2021']);
    expect(utcTick(3, 0, [3, 4])).toBe('3');
    // Drawn: the axis of a chart over 23:54–00:00 UTC says 23:5x and the day, never 11:5x.
    const rows = [0, 1, 2, 3, 4, 5, 6].map((m) => ({ t: new Date(Date.UTC(2024, 7, 8, 23, 54 + m)), v: m }));
    const svg = renderChart({ title: 'late', marks: [Plot.lineY(rows, { x: 't', y: 'v' })] }).svg;
    const g = svg.match(/<g aria-label="x-axis tick label"[^>]*>(.*?)<\/g>/s)![1]!;
    const ticks = [...g.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').trim());
    expect(ticks.length).toBeGreaterThan(3);
    expect(ticks.some((t) => /^23:5\d/.test(t))).toBe(true);
    expect(ticks.some((t) => /\b11:5\d/.test(t))).toBe(false);
  });

  it('file names from titles have no stray dashes', () => {
    expect(chartSlug('Return distribution (daily, with VaR and ES 95%)')).toBe('return-distribution-daily-with-var-and-es-95');
    expect(chartSlug('Underwater (%)')).toBe('underwater');
  });

  it('PNG names stay put when a title carries the run\'s figures, a repeated name gets -2, and no temporary file is left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'primesim-png-'));
    try {
      const svg = renderChart({ title: 'x', marks: [Plot.lineY(data.slice(0, 4), { x: 't', y: 'v' })] }).svg;
      const html = join(dir, 'run.html');
      const names = writeChartPngs(html, [
        { title: 'Inventory: time-weighted mean per 2.5 h (2,670 changes)', slug: 'inventory', svg },
        { title: 'Inventory: time-weighted mean per 3 h (12 changes)', slug: 'inventory', svg },
        { title: 'Underwater (%)', svg },
      ]).map((p) => basename(p));
      expect(names).toEqual(['run-inventory.png', 'run-inventory-2.png', 'run-underwater.png']);
      expect(readdirSync(dir).sort()).toEqual(['run-inventory-2.png', 'run-inventory.png', 'run-underwater.png']);
      for (const n of names) expect(readFileSync(join(dir, n)).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A run of one bar: Plot took the attribution's series for quantitative and warned on the terminal.
  it('series of one point each draw without a warning on the terminal', () => {
    const warned: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warned.push(a);
    try {
      const data = ['fees', 'inventory', 'spread capture'].map((k, i) => ({ t: new Date(Date.UTC(2022, 0, 1)), v: i, k }));
      const c = renderChart({ title: 'PnL attribution over time', marks: [Plot.lineY(data, { x: 't', y: 'v', stroke: 'k' })], color: { legend: true } });
      expect(c.svg).toContain('>PnL attribution over time</text>');
      // Other warnings still reach the terminal (the filter is for that one guess only).
      console.warn('something else');
    } finally {
      console.warn = warn;
    }
    expect(warned).toEqual([['something else']]);
  });
});

describe('heatmap figures', () => {
  it('are white on the dark end of a sequential scale and on both ends of a diverging one', () => {
    // Sequential (reds: VaR, drawdown): dark from 60% of the way from the lowest to the highest.
    const seq = cellTextFill([100, 160, 159, 200, NaN], false);
    expect([100, 159, 160, 200].map(seq)).toEqual(['black', 'black', 'white', 'white']);
    expect(cellTextFill([5, 5], false)(5)).toBe('black');
    // Diverging around 0 (PnL): |v| from 60% of the largest |v|, either sign.
    const div = cellTextFill([-1000, -498, 300], true);
    expect([-1000, -600, -599, -498, 0, 300, 600].map(div)).toEqual(['white', 'white', 'black', 'black', 'black', 'black', 'white']);
    expect(cellTextFill([], true)(1)).toBe('black');
  });
});
