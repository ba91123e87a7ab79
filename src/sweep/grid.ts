import { ConfigError } from '../errors.ts';

/** `spreadBps=1,2,4` → ['spreadBps', ['1','2','4']]; `seed=1..4` expands integer ranges. */
export function parseGridAxis(spec: string): [string, string[]] {
  const i = spec.indexOf('=');
  if (i <= 0) throw new ConfigError(`grid axis "${spec}" is not name=v1,v2,…`, { field: '--grid' });
  const name = spec.slice(0, i);
  const values = spec
    .slice(i + 1)
    .split(',')
    .flatMap((v) => {
      const m = /^(-?\d+)\.\.(-?\d+)$/.exec(v.trim());
      if (!m) return [v.trim()];
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (b < a || b - a > 10_000) throw new ConfigError(`range ${v} is empty or too long`, { field: '--grid' });
      return Array.from({ length: b - a + 1 }, (_, k) => String(a + k));
    })
    .filter((v) => v !== '');
  if (values.length === 0) throw new ConfigError(`grid axis ${name} has no values`, { field: '--grid' });
  // A value twice is the same point twice: one run folder written twice, and one more "trial" in the deflated Sharpe.
  const seen = new Set<string>();
  const twice = values.find((v) => seen.size === seen.add(v).size);
  if (twice !== undefined) throw new ConfigError(`grid axis ${name} gives ${twice} twice`, { field: '--grid' });
  return [name, values];
}

/** The axes of one grid: each field once (a second `--grid fast=…` would silently replace the first's values). */
export function checkAxes(axes: [string, string[]][]): [string, string[]][] {
  const seen = new Set<string>();
  const twice = axes.map(([n]) => n).find((n) => seen.size === seen.add(n).size);
  if (twice !== undefined) throw new ConfigError(`grid axis ${twice} is given twice`, { field: '--grid', hint: `one --grid ${twice}=v1,v2,… with all its values` });
  return axes;
}

/** Cartesian product of the axes, in a stable order (first axis varies slowest). */
export function expandGrid(axes: [string, string[]][]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [name, values] of axes) out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return out;
}
