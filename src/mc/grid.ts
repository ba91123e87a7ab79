/**
 * Sensitivity grids: the same Monte Carlo at every point of a grid of spec fields (e.g. leverage
 * cap × shock size, breaker threshold × book depth, oracle latency × gas price), one MC folder per
 * point, and a grid folder whose `grid` table has the axes and the risk figures per point — the
 * MC report draws it as heatmaps. The axis `shock` sets every generated path's return scale
 * (mc.shocks = [v]); any other axis is a spec field path as in `--set`.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { expandGrid } from '../sweep/grid.ts';
import { writeRunFolder } from '../results/run-writer.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { runMc, type McResult } from './run-mc.ts';
import type { McSummary } from './stats.ts';

export interface McGridOptions {
  file: string;
  overrides?: Record<string, string>;
  axes: [string, string[]][];
  paths?: number;
  runsDir: string;
  workers?: number;
  /** Replace folders that are not run folders (`mc --force`). */
  force?: boolean;
  onPoint?(point: Record<string, string>, res: McResult, done: number, total: number): void;
}

export const METRICS: (keyof McSummary)[] = ['var95', 'var99', 'es95', 'es99', 'lar95', 'lar99', 'pFundExhausted', 'adlIncidence', 'badDebtMean', 'meanDeskPnl'];

function fieldOf(axis: string, v: string): [string, string] {
  if (axis !== 'shock') return [axis, v];
  // The generated paths' return scale: a positive number (it became a spec list; "[a]" failed as JSON).
  if (!(/^\d+(\.\d+)?$/.test(v) && Number(v) > 0)) throw new ConfigError(`shock=${v}: a shock is a positive number, the generated paths' return scale (e.g. shock=1,2,3)`, { field: '--grid' });
  return ['mc.shocks', `[${v}]`];
}

export async function runMcGrid(o: McGridOptions): Promise<{ dir: string; points: { point: Record<string, string>; summary: McSummary; dir: string }[] }> {
  const points = expandGrid(o.axes);
  // Every value checked before the first point runs (not after an hour of them).
  for (const p of points) for (const [k, v] of Object.entries(p)) fieldOf(k, v);
  const out: { point: Record<string, string>; summary: McSummary; dir: string }[] = [];
  for (const point of points) {
    const ov = { ...(o.overrides ?? {}) };
    for (const [k, v] of Object.entries(point)) {
      const [f, x] = fieldOf(k, v);
      ov[f] = x;
    }
    const res = await runMc({ file: o.file, overrides: ov, ...(o.paths !== undefined ? { paths: o.paths } : {}), runsDir: o.runsDir, ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(o.force ? { force: true } : {}) });
    out.push({ point, summary: res.summary, dir: res.dir });
    o.onPoint?.(point, res, out.length, points.length);
  }
  const hash = createHash('sha256').update(JSON.stringify({ file: resolve(o.file), overrides: o.overrides ?? {}, axes: o.axes, paths: o.paths ?? null })).digest('hex').slice(0, 8);
  const cols: Record<string, ColumnData> = {};
  o.axes.forEach(([name], i) => (cols[`axis${i}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`] = out.map((p) => p.point[name]!)));
  for (const m of METRICS) cols[m] = Float64Array.from(out, (p) => p.summary[m]);
  cols.mc_dir = out.map((p) => p.dir);
  const res = await writeRunFolder({
    runsDir: resolve(o.runsDir, 'mc'), runId: `grid-${hash}`, force: o.force ?? false, tables: { grid: cols },
    config: { seed: 0, grid: o.axes.map(([n, v]) => ({ axis: n, values: v })) },
    strategy: { name: 'mc-grid', params: {} },
    dataset: { name: 'mc-grid', rows: out.length },
    counts: { points: out.length },
    metrics: { points: out.length },
    extra: { axes: o.axes.map(([n]) => n) },
  });
  return { dir: res.dir, points: out };
}
