import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';
import { knownKeysAt, nearestKey } from '../world/spec-keys.ts';
import { BacktestConfigSchema, type BacktestConfig } from './run.ts';

/**
 * A backtest config file (YAML or JSON — JSON is YAML) with the same keys as the CLI flags in
 * camelCase. Errors name the file, the line and the field, e.g.
 * `runs/mm.yaml:4, field latencyEntry: expected string, received number`.
 */
export function loadBacktestConfig(file: string): Partial<BacktestConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError('cannot read config file', { file });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ConfigError(`not valid YAML/JSON: ${e.message.split('\n')[0]}`, { file, line: lc.linePos(e.pos[0]).line });
  }
  const raw: unknown = doc.toJS();
  const r = BacktestConfigSchema.partial().safeParse(raw ?? {});
  if (r.success) return input(raw as Record<string, unknown>);
  const issue = r.error.issues[0]!;
  const keys = (issue as { keys?: string[] }).keys;
  const path = keys?.length ? [...issue.path, keys[0]!] : issue.path;
  // Point at the offending key (or its value) in the file.
  let line: number | undefined;
  const node = doc.getIn(path, true);
  if (isNode(node) && node.range) line = lc.linePos(node.range[0]).line;
  else if (keys?.length) {
    const m = new RegExp(`^\\s*["']?${keys[0]}["']?\\s*:`, 'm').exec(text);
    if (m) line = text.slice(0, m.index).split('\n').length;
  }
  const field = path.map(String).join('.') || '(config)';
  const message = issue.code === 'unrecognized_keys' ? `unknown setting ${keys?.join(', ')}` : issue.message;
  // The setting a misspelt (or snake_case) key resembles: latency_entry → latencyEntry.
  const near = issue.code === 'unrecognized_keys' && keys?.[0] !== undefined ? nearestKey(keys[0], knownKeysAt(BacktestConfigSchema, issue.path as (string | number)[])) : undefined;
  throw new ConfigError(message, { file, ...(line !== undefined ? { line } : {}), field, ...(near !== undefined && near !== keys?.[0] ? { hint: `did you mean ${near}?` } : {}) });
}

function input(raw: Record<string, unknown>): Partial<BacktestConfig> {
  return raw as Partial<BacktestConfig>;
}
