/**
 * The settings a spec object may have at a path, read from the spec's zod schema, and the nearest
 * of them to a mistyped one: `queu` → `queue`. Only for messages; validation is zod's.
 */
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be validated against (several below a union). */
function objectsAt(schema: z.ZodType, path: readonly (string | number)[], depth = 0): Def[] {
  if (depth > 64) return [];
  const d = defOf(schema);
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return objectsAt(d.innerType!, path, depth + 1);
    case 'pipe':
      return objectsAt(d.in!, path, depth + 1);
    case 'lazy':
      return objectsAt(d.getter!(), path, depth + 1);
    case 'union':
      return d.options!.flatMap((o) => objectsAt(o, path, depth + 1));
    case 'intersection':
      return [...objectsAt(d.left!, path, depth + 1), ...objectsAt(d.right!, path, depth + 1)];
  }
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'array' && typeof head === 'number') return objectsAt(d.element!, rest, depth + 1);
  if (d.type === 'record') return objectsAt(d.valueType!, rest, depth + 1);
  if (d.type === 'object' && typeof head === 'string' && d.shape![head]) return objectsAt(d.shape![head]!, rest, depth + 1);
  return [];
}

/** Every setting an object at `path` may have. */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known setting nearest to `key` (case aside, within two edits and a third of its length), or undefined. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) [best, bestD] = [k, dd];
  }
  return best !== undefined && bestD <= Math.min(2, Math.max(1, Math.floor(key.length / 3))) ? best : undefined;
}

/** One setting of an object schema as a user reads it: its kind, its default and its bounds. */
export interface KeyDescription {
  key: string;
  /** number, integer, string, boolean, one of a | b | c, list of string, string or list of string … */
  kind: string;
  /** The value used when it is not given (`undefined`: none, see `required`). */
  default: unknown;
  required: boolean;
  /** Bounds and the like, e.g. `> 0`, `≥ 0, ≤ 1`. */
  rules: string;
  description: string | undefined;
}

interface CheckDef {
  check?: string;
  format?: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: unknown;
  maximum?: unknown;
}

/** Schemas that only wrap another (a default, optional …): what the value itself must be is inside. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);
type ValueDef = Def & { entries?: Record<string, unknown>; checks?: { _zod: { def: CheckDef } }[] };

/** The schema a wrapped one (a default, optional …) checks its value with. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let d = defOf(s); WRAPPERS.has(d.type) && d.innerType !== undefined; d = defOf(s)) s = d.innerType;
  return s;
}

/** A value's kind as a user reads it: integer, one of a | b, a list of string, string or list of string … */
function kindOf(schema: z.ZodType, depth = 0): string {
  const d = defOf(unwrap(schema)) as ValueDef;
  if (depth > 8) return d.type;
  if (d.type === 'pipe') return kindOf(d.in!, depth + 1);
  if (d.type === 'enum') return `one of ${Object.values(d.entries ?? {}).join(' | ')}`;
  if (d.type === 'number') return (d.checks ?? []).some((c) => c._zod.def.check === 'number_format' && /int/.test(String(c._zod.def.format))) ? 'integer' : 'number';
  if (d.type === 'array') return `list of ${kindOf(d.element!, depth + 1)}`;
  if (d.type === 'union') return [...new Set(d.options!.map((o) => kindOf(o, depth + 1)))].join(' or ');
  return d.type;
}

/**
 * The settings of an object schema (a strategy's `params`) with their kinds, defaults and bounds,
 * read from the schema itself, so what is printed is what validation does: the default is what
 * the setting's own schema gives for a missing value.
 */
export function describeKeys(schema: z.ZodType): KeyDescription[] {
  const obj = objectsAt(schema, [])[0];
  return Object.entries(obj?.shape ?? {}).map(([key, s]) => {
    const inner = unwrap(s);
    const checks = ((defOf(inner) as ValueDef).checks ?? []).map((c) => c._zod.def);
    const kind = kindOf(inner);
    const rules = checks.flatMap((c) => {
      if (c.check === 'greater_than') return [`${c.inclusive ? '≥' : '>'} ${String(c.value)}`];
      if (c.check === 'less_than') return [`${c.inclusive ? '≤' : '<'} ${String(c.value)}`];
      if (c.check === 'min_length') return [`at least ${String(c.minimum)} long`];
      if (c.check === 'max_length') return [`at most ${String(c.maximum)} long`];
      return [];
    }).join(', ');
    const missing = s.safeParse(undefined);
    return { key, kind, default: missing.success ? missing.data : undefined, required: !missing.success, rules, description: s.description ?? inner.description };
  });
}
