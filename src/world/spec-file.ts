import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.ts';
import { AdversarySpecSchema, AgentSpecSchema, BorrowersSpecSchema, PLANNED_VENUE_KINDS, PopulationSpecSchema, RunSpecSchema, VENUE_KINDS, type RunSpec } from './spec.ts';

/** Where a spec came from, so any later error can name the file, line and field. */
export interface SpecSource {
  /** The spec file as the user named it (absent for specs built in code, e.g. by `backtest`). */
  file?: string;
  /** Folder relative paths in the spec resolve against. */
  baseDir: string;
  /** Line of a field, e.g. ['venues', 1, 'kind']; undefined when unknown. */
  line(path: readonly (string | number)[]): number | undefined;
}

export type SpecPath = readonly (string | number)[];

export function fieldName(path: SpecPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(spec)';
}

/** A ConfigError at a spec field: `file:line, field venues[1].kind: message`. */
export function specError(src: SpecSource, path: SpecPath, message: string, hint?: string): ConfigError {
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
  const issue = r.error.issues[0]!;
  const keys = (issue as { keys?: string[] }).keys;
  const path = (keys?.length ? [...issue.path, keys[0]!] : issue.path) as (string | number)[];
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator === 'kind' && path[0] === 'venues') {
    const kind = (raw as { venues?: { kind?: unknown }[] })?.venues?.[path[1] as number]?.kind;
    const planned = (PLANNED_VENUE_KINDS as readonly string[]).includes(String(kind));
    throw specError(src, path, planned ? `venue kind ${String(kind)} is not wired into run specs yet` : `unknown venue kind "${String(kind)}"`, `kinds: ${VENUE_KINDS.join(', ')}`);
  }
  if (issue.code === 'invalid_union' && path[0] === 'agents' && path.length === 2) {
    // An agent is one of four shapes, told apart by its key: zod's "Invalid input" for the union
    // named none of them. Check the entry against the shape its key picks and report that problem.
    const entry = (raw as { agents?: unknown[] })?.agents?.[path[1] as number];
    const shapes = [['strategy', AgentSpecSchema], ['population', PopulationSpecSchema], ['adversary', AdversarySpecSchema], ['borrowers', BorrowersSpecSchema]] as const;
    const shape = entry !== null && typeof entry === 'object' ? shapes.find(([k]) => k in entry) : undefined;
    const sub = shape?.[1].safeParse(entry);
    if (sub && !sub.success) {
      const i2 = sub.error.issues[0]!;
      const k2 = (i2 as { keys?: string[] }).keys;
      const p2 = [...path, ...(k2?.length ? [...i2.path, k2[0]!] : i2.path)] as (string | number)[];
      throw specError(src, p2, i2.code === 'unrecognized_keys' ? `unknown setting ${k2?.join(', ')}` : i2.message, shape![0] === 'strategy' ? 'a strategy agent: { strategy: <file>, account: <id>, venues: [<id>, …], params: {…} }' : undefined);
    }
    throw specError(src, path, 'not an agent', 'an agent has one of the keys strategy (with account and venues), population, adversary, borrowers');
  }
  const message = issue.code === 'unrecognized_keys' ? `unknown setting ${keys?.join(', ')}` : issue.message;
  const planned = ['paths', 'populations'];
  const hint = issue.code === 'unrecognized_keys' && keys?.some((k) => planned.includes(k)) ? `${keys.join(', ')}: part of the design, not wired into run specs yet` : undefined;
  throw specError(src, path, message, hint);
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
