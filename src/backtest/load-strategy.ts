import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.ts';
import type { StrategyModule } from '../strategy/api.ts';

/** Import a strategy module file and check it exports a strategy. */
export async function loadStrategy(file: string): Promise<StrategyModule> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new ConfigError('unknown strategy: file not found', { file, hint: 'pass a path such as strategies/market-maker.ts' });
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    throw new ConfigError(`strategy failed to load: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const m = mod.default as Partial<StrategyModule> | undefined;
  if (!m || typeof m.create !== 'function' || typeof m.name !== 'string' || !m.params) {
    throw new ConfigError('not a strategy module: expected `export default defineStrategy({ name, params, create })`', { file });
  }
  return m as StrategyModule;
}

/** Validate `key=value` parameters against the strategy's schema; errors name the parameter. */
export function parseParams(m: StrategyModule, raw: Record<string, string | number | boolean>, file = m.name): unknown {
  const r = m.params.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const keys = (issue as { keys?: string[] }).keys;
    const field = keys?.length ? keys.join(',') : issue.path.join('.') || '(params)';
    const msg = issue.code === 'unrecognized_keys' ? `unknown parameter ${field}` : `bad parameter ${field}: ${issue.message}`;
    throw new ConfigError(msg, { file, field: `--param ${field}` });
  }
  return r.data;
}

/** `["a=1", "b=x"]` → `{a: "1", b: "x"}`. */
export function parseParamPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ConfigError(`parameter "${p}" is not key=value`, { field: '--param' });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}
