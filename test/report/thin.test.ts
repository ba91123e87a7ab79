import fc from 'fast-check';
import * as Plot from '@observablehq/plot';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/report/charts.ts';
import { drawnLine, line } from '../../src/report/recipes.ts';
import { m4Indices } from '../../src/report/thin.ts';

/** Times (ms) that never decrease, from steps of 0–3 ms. */
const series = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.oneof({ weight: 20, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity) })), { minLength: 0, maxLength: 600 });

describe('m4Indices (M4 thinning of a line chart\'s points)', () => {
  it('property: keeps, in order, every gap and per bucket the first, last, lowest and highest point of each finite run', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 40 }), (pts, buckets) => {
        let t = 1_700_000_000_000;
        const x = pts.map(([d]) => new Date((t += d)));
        const y = pts.map(([, v]) => v);
        const keep = m4Indices(x, y, buckets);
        const span = x.length ? x[x.length - 1]!.getTime() - x[0]!.getTime() : 0;
        if (x.length <= 4 * buckets || !(span > 0)) {
          expect(keep).toBeUndefined();
          return;
        }
        expect(keep).toBeDefined();
        const k = keep!;
        for (let i = 1; i < k.length; i++) expect(k[i]!).toBeGreaterThan(k[i - 1]!);
        const kept = new Set(k);
        // The reference: runs of finite points split at bucket edges and gaps, each run's four points.
        const bucket = (i: number) => Math.min(buckets - 1, Math.floor(((x[i]!.getTime() - x[0]!.getTime()) / span) * buckets));
        const want = new Set<number>();
        let run: number[] = [];
        const close = () => {
          if (run.length === 0) return;
          const vals = run.map((i) => y[i]!);
          want.add(run[0]!).add(run[run.length - 1]!).add(run[vals.indexOf(Math.min(...vals))]!).add(run[vals.indexOf(Math.max(...vals))]!);
          run = [];
        };
        for (let i = 0; i < x.length; i++) {
          if (run.length > 0 && bucket(i) !== bucket(run[0]!)) close();
          if (Number.isFinite(y[i]!)) run.push(i);
          else {
            close();
            want.add(i);
          }
        }
        close();
        // Ties for the lowest or highest value may keep another index of the same value.
        expect(k.length).toBeLessThanOrEqual(want.size);
        for (const i of want) if (!kept.has(i)) expect(k.some((j) => y[j] === y[i] && bucket(j) === bucket(i)), `index ${i}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves short series, and times that go back, whole', () => {
    const x = Array.from({ length: 100 }, (_, i) => new Date(i * 1000));
    const y = x.map((_, i) => Math.sin(i / 5));
    expect(m4Indices(x, y, 25)).toBeUndefined();
    expect(m4Indices(x, y, 24)!.length).toBeLessThanOrEqual(4 * 24);
    const back = [...x];
    back[50] = new Date(0);
    expect(m4Indices(back, y, 10)).toBeUndefined();
    expect(m4Indices(x.map(() => new Date(0)), y, 10)).toBeUndefined();
  });

  // The reference is the rasteriser (resvg, no anti-aliasing) drawing every point: every pixel the
  // thinned line inks is within a pixel of the full line's ink and the other way round (a 1.5 px
  // stroke's outline shifts where the path's segments turn differently, nothing more). Keeping
  // every 12th point instead (as many points) loses wicks: the check tells a right thinning from a wrong one.
  it('a 45,000-point random walk draws within a pixel of every point\'s drawing thinned (resvg), unlike keeping every 12th point', () => {
    let v = 0;
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const x = Array.from({ length: 45_000 }, (_, i) => new Date(Date.UTC(2022, 0, 1) + i * 60_000));
    // A random walk with jumps, and one-minute wicks (a point far off, then back) that any
    // thinning blind to extremes loses.
    const y = x.map(() => (v += rnd() - 0.5 + (rnd() < 0.001 ? 40 * (rnd() - 0.5) : 0)) + (rnd() < 0.002 ? 30 * (rnd() - 0.5) : 0));
    const draw = (rows: { t: Date; v: number }[]) => new Resvg(renderChart({ title: 'walk', marks: [Plot.lineY(rows, { x: 't', y: 'v', stroke: '#1f77b4' })], y: { label: 'v' } }).svg, { background: 'white', shapeRendering: 0, textRendering: 0 }).render().pixels;
    const full = draw(line(x, y));
    const thin = drawnLine(x, y);
    expect(thin.length).toBeLessThan(8_001);
    const every = line(x.filter((_, i) => i % 12 === 0), y.filter((_, i) => i % 12 === 0));
    // Pixels inked (clearly off white) in one drawing with no ink within a pixel in the other.
    const W = 920;
    const inked = (p: Buffer, i: number) => 765 - p[i]! - p[i + 1]! - p[i + 2]! > 192;
    const near = (p: Buffer, px: number) => {
      const r = Math.floor(px / W);
      const c = px % W;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) if (c + dc >= 0 && c + dc < W && (r + dr) * W + c + dc >= 0 && 4 * ((r + dr) * W + c + dc) < p.length && inked(p, 4 * ((r + dr) * W + c + dc))) return true;
      return false;
    };
    const far = (a: Buffer, b: Buffer) => {
      let n = 0;
      for (let i = 0; i < a.length; i += 4) if ((inked(a, i) && !near(b, i / 4)) || (inked(b, i) && !near(a, i / 4))) n++;
      return n;
    };
    expect(full.length % (4 * W)).toBe(0);
    expect(far(full, draw(thin))).toBe(0);
    expect(far(full, draw(every))).toBeGreaterThan(200);
  });
});
