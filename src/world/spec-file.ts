import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.ts';
import { PLANNED_VENUE_KINDS, RunSpecSchema, VENUE_KINDS, type RunSpec } from './spec.ts';
import { knownKeysAt, nearestKey } from './spec-keys.ts';

/** Where a spec came from, so any later error can name the file, line and field. */
export interface SpecSource {
  /** The spec file as the user named it (absent for specs built in code, e.g. by `backtest`). */
  file?: string;
  /** Folder relative paths in the spec resolve against. */
  baseDir: string;
  /** Line of a field, e.g. ['venues', 1, 'kind']; undefined when unknown. */
  line(path: readonly (string | number)[]): number | undefined;
  /**
   * The command-line flag that set the value at `path` or above it (`--set time.start=yesterday`),
   * when one did: a problem there is the flag's, not the file line of the section it landed in.
   */
  overriddenBy?(path: readonly (string | number)[]): string | undefined;
}

export type SpecPath = readonly (string | number)[];

export function fieldName(path: SpecPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(spec)';
}

/** A ConfigError at a spec field: `file:line, field venues[1].kind: message`. */
export function specError(src: SpecSource, path: SpecPath, message: string, hint?: string): ConfigError {
  const flag = src.overriddenBy?.(path);
  if (flag !== undefined) return new ConfigError(message, { field: flag, ...(hint !== undefined ? { hint } : {}) });
  const line = src.line(path);
  return new ConfigError(message, {
    ...(src.file !== undefined ? { file: src.file } : {}),
    ...(line !== undefined ? { line } : {}),
    field: fieldName(path),
    ...(hint !== undefined ? { hint } : {}),
  });
}

function locator(doc: Document | undefined, lc: LineCounter | undefined): SpecSource['line'] {
  return (path) => {
    if (!doc || !lc) return undefined;
    // The deepest node that exists on the path (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Validate a spec object; the first problem becomes one ConfigError naming file, line and field. */
export function validateSpec(raw: unknown, src: SpecSource): RunSpec {
  const r = RunSpecSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  // A misspelt key also leaves the key it meant missing: name the misspelling (with the key it
  // resembles), not the missing key, whichever zod listed first.
  const typo = r.error.issues.find((i) => i.code === 'unrecognized_keys' && i.keys[0] !== undefined && didYouMean(i.keys[0], i.path as (string | number)[]) !== undefined);
  const issue = typo ?? r.error.issues[0]!;
  const keys = (issue as { keys?: string[] }).keys;
  const path = (keys?.length ? [...issue.path, keys[0]!] : issue.path) as (string | number)[];
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator === 'kind' && path[0] === 'venues') {
    const kind = (raw as { venues?: { kind?: unknown }[] })?.venues?.[path[1] as number]?.kind;
    const planned = (PLANNED_VENUE_KINDS as readonly string[]).includes(String(kind));
    throw specError(src, path, planned ? `venue kind ${String(kind)} is not wired into run specs yet` : `unknown venue kind "${String(kind)}"`, `kinds: ${VENUE_KINDS.join(', ')}`);
  }
  if (issue.code === 'invalid_union') {
    const u = explainUnion(issue as UnionIssue, path, raw);
    if (path[0] === 'agents' && path.length === 2) {
      // An agent is told apart by its key; say what the four look like.
      if (u.path.length === 2) throw specError(src, u.path, 'not an agent', 'an agent has one of the keys strategy (with account and venues), population, adversary, borrowers');
      if (u.path[2] === 'strategy') throw specError(src, u.path, u.message, 'a strategy agent: { strategy: <file>, account: <id>, venues: [<id>, …], params: {…} }');
    }
    throw specError(src, u.path, u.message, u.hint);
  }
  const message = issue.code === 'unrecognized_keys' ? `unknown setting ${keys?.join(', ')}` : issue.message;
  const planned = ['paths', 'populations'];
  const hint = issue.code === 'unrecognized_keys' && keys?.some((k) => planned.includes(k)) ? `${keys.join(', ')}: part of the design, not wired into run specs yet` : issue.code === 'unrecognized_keys' && keys?.[0] !== undefined ? didYouMean(keys[0], issue.path as (string | number)[]) : undefined;
  throw specError(src, path, message, hint);
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  errors?: ZodIssueLike[][];
}
type UnionIssue = ZodIssueLike & { errors: ZodIssueLike[][] };

const valueAt = (raw: unknown, path: readonly PropertyKey[]): unknown => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
const missing = (i: ZodIssueLike) => i.code === 'invalid_type' && /received undefined/.test(i.message);

/**
 * A union's failure as the problem of the alternative the user meant. zod reports "Invalid input"
 * for the whole union (a venue's `data`, a path's `source`, an agent); the alternative meant is
 * the one that recognises most of the value's keys (`{ path: … }` is a path, not a catalog), and
 * its first problem is reported, recursing into nested unions. When no alternative knows any of
 * the keys, the keys are unknown and the hint lists what each alternative needs.
 */
function explainUnion(issue: UnionIssue, at: (string | number)[], raw: unknown): { path: (string | number)[]; message: string; hint?: string } {
  const value = valueAt(raw, at);
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  const score = (alt: ZodIssueLike[]) => {
    const unknown = new Set(alt.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0).flatMap((i) => i.keys ?? []));
    return keys.filter((k) => !unknown.has(k)).length;
  };
  const best = issue.errors.reduce((b, alt) => (score(alt) > score(b) ? alt : b), issue.errors[0]!);
  if (keys.length > 0 && score(best) === 0) {
    // None knows any key: name them, and what each alternative would need.
    const needs = [...new Set(issue.errors.flatMap((alt) => alt.filter((i) => missing(i) && i.path.length === 1).map((i) => String(i.path[0]))))];
    return { path: at, message: `unknown setting ${keys.join(', ')}`, ...(needs.length ? { hint: `one of: ${needs.join(', ')}` } : {}) };
  }
  // Its first problem that is not about the keys it does not know (those of other alternatives).
  const first = best.find((i) => !(i.code === 'unrecognized_keys' && i.path.length === 0)) ?? best[0]!;
  const path = [...at, ...(first.code === 'unrecognized_keys' && first.keys?.length ? [...first.path, first.keys[0]!] : first.path)] as (string | number)[];
  if (first.code === 'invalid_union' && first.errors) return explainUnion(first as UnionIssue, path, raw);
  if (first.code === 'unrecognized_keys') {
    const hint = first.keys?.[0] !== undefined ? didYouMean(first.keys[0], path.slice(0, -1)) : undefined;
    return { path, message: `unknown setting ${first.keys?.join(', ')}`, ...(hint ? { hint } : {}) };
  }
  return { path, message: missing(first) ? 'missing (required)' : first.message };
}

/** Read a YAML or JSON spec file into plain data plus a source that can name lines (not validated). */
export function readSpecDocument(file: string): { raw: Record<string, unknown>; source: SpecSource } {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new ConfigError('is a folder, not a spec file', { file });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot read spec file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`not valid YAML/JSON: ${e.message.split('\n')[0]}`, { file, line: lc.linePos(e.pos[0]).line });
  }
  return { raw: (doc.toJS() ?? {}) as Record<string, unknown>, source: { file, baseDir: dirname(resolve(file)), line: locator(doc, lc) } };
}

/** Read and validate a YAML or JSON spec file. */
export function loadSpecFile(file: string): { spec: RunSpec; source: SpecSource } {
  const { raw, source } = readSpecDocument(file);
  return { spec: validateSpec(raw, source), source };
}

/** A source for specs built in code: no file, paths relative to the current folder. */
export function codeSource(baseDir = process.cwd()): SpecSource {
  return { baseDir, line: () => undefined };
}

/** "did you mean queue?" for a mistyped setting of the object at `objectPath`. */
function didYouMean(key: string, objectPath: (string | number)[]): string | undefined {
  const near = nearestKey(key, knownKeysAt(RunSpecSchema, objectPath));
  return near !== undefined && near !== key ? `did you mean ${near}?` : undefined;
}
