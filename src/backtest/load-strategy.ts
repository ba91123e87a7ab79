import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { ConfigError, PrimesimError } from '../errors.ts';
import type { StrategyModule } from '../strategy/api.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { strategyFrame } from '../strategy/frame.ts';
import { distFile, FROM_DIST } from '../runtime.ts';
import { knownKeysAt, nearestKey } from '../world/spec-keys.ts';

/** The package root (where package.json and src/ live), for resolving `primesim` and shared deps. */
const ROOT = PACKAGE_ROOT;
const SRC = join(ROOT, 'src');
const LIBRARY_ENTRY = join(SRC, 'index.ts');

/** A strategy file that does not compile: names the file, line and column, with the compiler's message. */
export class StrategySyntaxError extends PrimesimError {}

const EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/**
 * Import a strategy module file from anywhere on disk and check it exports a strategy.
 *
 * Node decides ESM vs CommonJS for `.ts`/`.js` from the nearest package.json, so a file kept in
 * `/home/me/strats/` (no package.json, or a CommonJS one) fails to load as the ES module it is.
 * Instead the file is bundled with esbuild (the compiler tsx already uses) into one ES module:
 * its own relative imports are inlined; `primesim` and anything inside this package's `src/`
 * stay external and resolve to the very modules the engine runs (one copy of every class);
 * other packages resolve from the strategy's folder, then from primesim's. The bundle carries
 * an inline source map, so stack traces point at the user's file and line.
 */
export async function loadStrategy(file: string): Promise<StrategyModule> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new ConfigError('unknown strategy: file not found', { file, hint: 'pass a path such as strategies/market-maker.ts' });
  if (statSync(abs).isDirectory()) throw new ConfigError('is a folder, not a strategy file', { file, hint: 'pass a .ts, .mts or .js module' });
  if (!EXTENSIONS.has(extname(abs))) throw new ConfigError(`unknown strategy file type ${extname(abs) || '(none)'}`, { file, hint: 'a .ts, .mts, .js or .mjs module' });
  process.setSourceMapsEnabled(true);
  // Files inside this package (an ES module package, run under tsx) import directly: same module
  // graph, no bundling step. Anything elsewhere, and everything when the compiled CLI runs (no
  // TypeScript loader), goes through the bundle below.
  const rel = relative(ROOT, abs);
  if (!FROM_DIST && !rel.startsWith('..') && !rel.includes('node_modules')) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
    } catch (e) {
      const err = e as { message: string; errors?: unknown[] };
      if (/Transform failed|ERROR:/.test(err.message)) await bundle(abs, file, join(tmpdir(), 'primesim-strategies', 'check.mjs')); // throws the located syntax error
      throw new ConfigError(`strategy failed to load: ${err.message.split('\n')[0]}`, { file, ...(where(e, abs) ?? {}) });
    }
    return checkModule(mod, file, abs);
  }
  const dir = join(tmpdir(), 'primesim-strategies');
  mkdirSync(dir, { recursive: true });
  loads++;
  // Unique per process, thread and load: the Monte Carlo pool's threads share the process id and
  // each counts its own loads, and a bundle is removed once imported — named by pid and count
  // alone, one thread removed the bundle another had just written under the same name.
  const out = join(dir, `${createHash('sha256').update(abs).digest('hex').slice(0, 16)}-${process.pid}-${threadId}-${loads}.mjs`);
  // The source map's paths are relative to the bundle's own location, so it must know it.
  const code = await bundle(abs, file, out);
  // Compiled, a strategy that reaches into the engine's sources (`primesim/…`, ../src/…) needs the
  // TypeScript loader for them (`primesim` itself is the compiled library).
  if (FROM_DIST && code.includes(pathToFileURL(SRC).href)) (await import('tsx/esm/api')).register();
  writeFileSync(out, code);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(out).href)) as { default?: unknown };
  } catch (e) {
    throw new ConfigError(`strategy failed to load: ${(e as Error).message.split('\n')[0]}`, { file, ...(where(e, abs) ?? {}) });
  } finally {
    rmSync(out, { force: true });
  }
  return checkModule(mod, file, abs);
}

function checkModule(mod: { default?: unknown }, file: string, abs: string): StrategyModule {
  const m = mod.default as Partial<StrategyModule> | undefined;
  if (!m || typeof m.create !== 'function' || typeof m.name !== 'string' || !m.params) {
    throw new ConfigError('not a strategy module: expected `export default defineStrategy({ name, params, create })`', { file });
  }
  // Frozen module namespaces are not ours to modify: keep the path on a copy.
  return { ...(m as StrategyModule), file: abs };
}

let loads = 0;

async function bundle(abs: string, shown: string, outfile: string): Promise<string> {
  const esbuild = await import('esbuild');
  const fromStrategy = createRequire(abs);
  const fromPrimesim = createRequire(join(ROOT, 'package.json'));
  try {
    const r = await esbuild.build({
      entryPoints: [abs],
      bundle: true,
      write: false,
      outfile,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'primesim-externals',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              const spec = args.path;
              if (spec === 'primesim') return { path: pathToFileURL(FROM_DIST ? distFile('index.js') : LIBRARY_ENTRY).href, external: true };
              if (spec.startsWith('primesim/')) return { path: pathToFileURL(join(SRC, spec.slice('primesim/'.length))).href, external: true };
              if (isBuiltin(spec)) return { path: spec, external: true };
              if (spec.startsWith('.') || spec.startsWith('/')) {
                const target = resolve(args.resolveDir, spec);
                // The engine's own modules are shared, never copied into the bundle.
                if (!relative(SRC, target).startsWith('..')) return { path: pathToFileURL(target).href, external: true };
                return undefined;
              }
              for (const req of [fromStrategy, fromPrimesim]) {
                try {
                  return { path: pathToFileURL(req.resolve(spec)).href, external: true };
                } catch {
                  /* try the next root */
                }
              }
              return { errors: [{ text: `cannot find package "${spec}" (looked beside the strategy and in primesim's node_modules)` }] };
            });
          },
        },
      ],
    });
    return r.outputFiles[0]!.text;
  } catch (e) {
    const errs = (e as { errors?: { text: string; location?: { file: string; line: number; column: number; lineText: string } | null }[] }).errors;
    const first = errs?.[0];
    if (!first) throw e;
    const loc = first.location;
    const at = loc ? `${resolve(loc.file) === abs ? shown : loc.file}:${loc.line}:${loc.column + 1}` : shown;
    const more = errs.length > 1 ? ` (and ${errs.length - 1} more)` : '';
    throw new StrategySyntaxError(`${at}: ${first.text}${more}${loc ? `\n    ${loc.lineText}\n    ${' '.repeat(loc.column)}^` : ''}`);
  }
}

function where(e: unknown, abs: string): { line: number } | undefined {
  const f = strategyFrame(e, abs);
  return f ? { line: f.line } : undefined;
}

/**
 * A strategy parameter its schema refused. `param` names it, so a front end can place the error
 * where the value came from (a --grid axis, a config file's line) without reading the message.
 */
export class ParamError extends ConfigError {
  constructor(message: string, where: { file: string; field: string }, readonly param: string) {
    super(message, where);
  }
}

/** Validate `key=value` parameters against the strategy's schema; errors name the parameter. */
export function parseParams(m: StrategyModule, raw: Record<string, string | number | boolean>, file = m.name): unknown {
  const r = m.params.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const keys = (issue as { keys?: string[] }).keys;
    const field = keys?.length ? keys.join(',') : issue.path.join('.') || '(params)';
    let msg = issue.code === 'unrecognized_keys' ? `unknown parameter ${field}` : `bad parameter ${field}: ${issue.message}`;
    if (issue.code === 'unrecognized_keys' && keys?.[0] !== undefined) {
      // The parameter a misspelt one resembles, else the ones there are.
      const known = knownKeysAt(m.params, []);
      const near = nearestKey(keys[0], known);
      if (near !== undefined && near !== keys[0]) msg += ` (did you mean ${near}?)`;
      else if (known.length > 0) msg += ` (${m.name} takes ${known.join(', ')})`;
    }
    throw new ParamError(msg, { file, field: `--param ${field}` }, field);
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
