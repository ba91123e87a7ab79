import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { checkParentDir, runTarget } from '../results/safe-output.ts';
import { formatTable, intArg } from './format.ts';
import type { RunSpecOptions } from './cmd-run.ts';

const MAX_ABOUT = 220;

/**
 * What a scenario is, for `stress --list`: the first sentence of the comment that opens its file
 * (comment lines joined up to the first blank, indented, list or non-comment line), at most
 * MAX_ABOUT characters. The first line alone often stopped mid-sentence.
 */
export function scenarioAbout(text: string): string {
  const lines: string[] = [];
  for (const l of text.slice(0, 4000).split(/\r?\n/)) {
    const m = /^#( ?)(.*)$/.exec(l);
    // A blank line, an indented command or a list ends the opening paragraph.
    if (!m || m[2]!.trim() === '' || /^(\s|- )/.test(m[2]!)) break;
    lines.push(m[2]!.trim());
  }
  const all = lines.join(' ');
  const first = /^.*?[.!?](?=\s|$)/.exec(all)?.[0] ?? all;
  return first.length > MAX_ABOUT ? `${first.slice(0, MAX_ABOUT - 1).trimEnd()}…` : first;
}

/** `--set path=value` pairs (stress, mc) as spec overrides. */
export function setPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of pairs) {
    const k = kv.indexOf('=');
    if (k <= 0) throw new ConfigError(`--set ${kv}: expected path=value`, { field: '--set', hint: 'e.g. --set route=private' });
    out[kv.slice(0, k)] = kv.slice(k + 1);
  }
  return out;
}

/** Scenario runs (stress tests) that drive several venues at once; each writes a queryable run folder. */
export function registerStress(program: Command): void {
  const stress = program
    .command('stress')
    .enablePositionalOptions()
    .description('Stress scenarios: `primesim stress <name>` runs scenarios/<name>.yaml, a run spec (see `primesim stress --list`).')
    .argument('[scenario]', 'a run spec in ./scenarios or primesim\'s scenarios/ (without .yaml; yours first)')
    .option('--list', 'list the scenarios (./scenarios and primesim\'s)')
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name')
    .option('--force', 'replace --runs/<run-id> even if it is not a run folder (never the current or home folder)')
    .option('--seed <n>', 'override the scenario seed', intArg('--seed'))
    .option('--set <path=value>', 'override a spec field or a strategy parameter, e.g. route=private or venues.weth-usdc.kind=amm-v3 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-report', 'do not write the HTML report')
    .option('--json', 'print the manifest as JSON instead of the tables (as run --json)')
    .action(async (name: string | undefined, o: RunSpecOptions & { list?: boolean }) => {
      const { readdirSync, existsSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { scenarioDirs } = await import('../package-root.ts');
      const dirs = scenarioDirs();
      // The working folder's scenarios/ first (a user's own), then primesim's: a name in both is the user's.
      const byName = new Map<string, string>();
      for (const d of [...dirs].reverse()) if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.yaml')) byName.set(f.replace(/\.yaml$/, ''), join(d, f));
      if (o.list || name === undefined) {
        const rows = [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([n, f]) => [n, scenarioAbout(readFileSync(f, 'utf8'))]);
        process.stdout.write(`${formatTable(['scenario', 'about'], rows)}\n`);
        return;
      }
      const file = byName.get(name);
      if (file === undefined) {
        // The scenarios this name may have meant: those it begins (cascade → cascade-drop, cascade-2022-01), or one typo away.
        const { nearestKey } = await import('../world/spec-keys.ts');
        const names = [...byName.keys()];
        const starts = names.filter((n) => n.startsWith(name)).sort();
        const near = nearestKey(name, names);
        const meant = starts.length > 0 ? starts : near !== undefined ? [near] : [];
        throw new ConfigError(`no scenario ${name}`, { field: 'scenario', hint: meant.length > 0 ? `did you mean ${meant.join(' or ')}? primesim stress --list lists them all` : 'see primesim stress --list' });
      }
      // The same as `primesim run <file>`: progress, summary, report.
      const { runSpecFile } = await import('./cmd-run.ts');
      await runSpecFile(file, o);
    });
  // Check the output target before the scenario runs, not after minutes of work.
  stress.hook('preAction', (_this, action) => {
    const o = action.opts<{ runs?: string; runId?: string; force?: boolean }>();
    if (o.runId !== undefined) runTarget(o.runs ?? 'runs', o.runId, o.force ?? false);
    else if (o.runs !== undefined) checkParentDir(o.runs);
  });

}
