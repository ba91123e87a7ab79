import * as Plot from '@observablehq/plot';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { chartSlug, renderChart } from '../../src/report/charts.ts';

const data = [0, 1, 2, 3].flatMap((i) => [
  { t: new Date(Date.UTC(2024, 0, 1, i)), v: i, k: 'fees' },
  { t: new Date(Date.UTC(2024, 0, 1, i)), v: -i, k: 'inventory' },
]);

describe('charts', () => {
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

  it('file names from titles have no stray dashes', () => {
    expect(chartSlug('Return distribution (daily, with VaR and ES 95%)')).toBe('return-distribution-daily-with-var-and-es-95');
    expect(chartSlug('Underwater (%)')).toBe('underwater');
  });
});
