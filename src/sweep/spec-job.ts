import { ConfigError } from '../errors.ts';
import { fieldName, readSpecDocument, validateSpec, type SpecSource } from '../world/spec-file.ts';
import type { RunSpec } from '../world/spec.ts';

/** One point of a sweep over a run spec: the spec file plus field overrides. */
export interface SpecJob {
  kind: 'spec';
  file: string;
  /** Dotted spec path → value, e.g. `venues.perp.queue` → `power:3`, `spreadBps` → `2`. */
  overrides: Record<string, string>;
  runsDir: string;
  runId: string;
  sweep: { id: string; point: Record<string, string> };
}

const TOP = new Set(['name', 'seed', 'time', 'valuation', 'venues', 'accounts', 'agents', 'chain', 'risk', 'record', 'mc']);

/** `"2"` → 2, `"true"` → true, `"[1, 3]"` → a list, else the string (spec fields are typed by the schema). */
function typed(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\[.*\]$/.test(v.trim())) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw new ConfigError(`${v} is not a list (write it as JSON, e.g. [1, 3])`, { field: '--grid' });
    }
  }
  return /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : v;
}

/**
 * Set one dotted path in a raw spec. Array items can be named by index or by `id`
 * (`venues.perp.fees`); a bare name that is not a spec section is a parameter of the first agent
 * (`spreadBps` = `agents.0.params.spreadBps`), as in a strategy sweep. Returns the field it set
 * as the spec's own path (list items by index), as a spec error names it.
 */
export function applyOverride(raw: Record<string, unknown>, path: string, value: string, flag = '--grid'): string {
  const parts = path.split('.');
  if (!TOP.has(parts[0]!)) {
    // A bare name is a strategy parameter; a dotted path must start at a spec section.
    if (parts.length > 1) throw new ConfigError(`${path}: a spec has no section ${parts[0]}`, { field: flag, hint: `sections: ${[...TOP].join(', ')}; a strategy parameter is a bare name, e.g. spreadBps=2` });
    parts.unshift('agents', '0', 'params');
  }
  let node: unknown = raw;
  const at: (string | number)[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    let next: unknown;
    if (Array.isArray(node)) {
      const j = /^\d+$/.test(k) ? Number(k) : node.findIndex((x) => (x as { id?: unknown }).id === k);
      next = j >= 0 ? node[j] : undefined;
      at.push(j);
    } else if (node && typeof node === 'object') {
      at.push(k);
      const o = node as Record<string, unknown>;
      if (o[k] === undefined) o[k] = {};
      next = o[k];
    }
    if (next === undefined || next === null || typeof next !== 'object') throw new ConfigError(`${path}: no ${parts.slice(0, i + 1).join('.')} in the spec`, { field: flag });
    node = next;
  }
  const last = parts[parts.length - 1]!;
  if (Array.isArray(node)) throw new ConfigError(`${path} names a list, not a field`, { field: flag });
  (node as Record<string, unknown>)[last] = typed(value);
  return fieldName([...at, last]);
}

/**
 * Read a spec file, apply overrides, validate (errors still name the file and field; a path the
 * spec lacks names the flag it came from: --grid for a sweep, --set for stress and mc).
 */
export function specWithOverrides(file: string, overrides: Record<string, string>, flag = '--grid'): { spec: RunSpec; source: SpecSource } {
  const { raw, source } = readSpecDocument(file);
  const set = Object.entries(overrides).map(([k, v]) => ({ k, v, at: applyOverride(raw, k, v, flag) }));
  // A value the flag set (or a key under it) is the flag's error, not the file line of its section:
  // for the schema's checks here and for the builder's (a time, a file, a venue it names) later —
  // every spec error is made by specError, which asks the source.
  const overridden: SpecSource = {
    ...source,
    overriddenBy: (path) => {
      const f = fieldName(path);
      const o = set.find((x) => f === x.at || f.startsWith(`${x.at}.`) || f.startsWith(`${x.at}[`));
      return o === undefined ? undefined : `${flag} ${o.k}=${o.v}`;
    },
  };
  return { spec: validateSpec(raw, overridden), source: overridden };
}
