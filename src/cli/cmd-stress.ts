import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { checkParentDir, runTarget } from '../results/safe-output.ts';
import { formatTable, riskRows } from './format.ts';

function printResult(r: { dir: string; metrics: Record<string, unknown> }): void {
  const rows = Object.entries(r.metrics).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v)]);
  process.stdout.write(`${formatTable(['metric', 'value'], rows)}\n\nrun: ${r.dir}\nnext: npx primesim query ${r.dir} "select * from runs"\n`);
}

const num = (field: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`${v} is not a number`, { field });
  return n;
};

function firstLine(file: string): string {
  return readFileSync(file, 'utf8').slice(0, 2000);
}

/** Scenario runs (stress tests) that drive several venues at once; each writes a queryable run folder. */
export function registerStress(program: Command): void {
  const stress = program
    .command('stress')
    .enablePositionalOptions()
    .description('Stress scenarios: `primesim stress <name>` runs scenarios/<name>.yaml (a run spec); the subcommands below are the older hand-wired scenarios, not yet run specs.')
    .argument('[scenario]', 'a run spec in scenarios/ (without .yaml)')
    .option('--list', 'list the scenarios in scenarios/')
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name')
    .option('--seed <n>', 'override the scenario seed', num('--seed'))
    .action(async (name: string | undefined, o: { list?: boolean; runs: string; runId?: string; seed?: number }) => {
      const { readdirSync, existsSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { PACKAGE_ROOT } = await import('../package-root.ts');
      const dirs = [join(process.cwd(), 'scenarios'), join(PACKAGE_ROOT, 'scenarios')];
      const dir = dirs.find((d) => existsSync(d)) ?? dirs[1]!;
      if (o.list || name === undefined) {
        const rows = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
          const text = (firstLine(join(dir, f)).match(/^#\s?(.*)$/m)?.[1] ?? '').trim();
          return [f.replace(/\.yaml$/, ''), text];
        });
        rows.push(...['hedger', 'dex-twap', 'lending-liquidations'].map((n) => [n, '(hand-wired, see `primesim stress ' + n + ' --help`)']));
        process.stdout.write(`${formatTable(['scenario', 'about'], rows)}\n`);
        return;
      }
      const file = join(dir, `${name}.yaml`);
      if (!existsSync(file)) throw new ConfigError(`no scenario ${name}: ${file} does not exist`, { field: 'scenario', hint: 'see primesim stress --list' });
      const { loadSpecFile } = await import('../world/spec-file.ts');
      const { runWorld } = await import('../world/run.ts');
      const { metricsTable } = await import('./cmd-backtest.ts');
      const { spec, source } = loadSpecFile(file);
      if (o.seed !== undefined) spec.seed = o.seed;
      const r = await runWorld(spec, source, { runsDir: o.runs, ...(o.runId ? { runId: o.runId } : {}), clock: () => Date.now() });
      const { writeReport } = await import('../report/report.ts');
      const rep = await writeReport(r.dir, { png: false });
      const m = r.metrics;
      const head = r.world.agents.length > 0 ? `${metricsTable(m)}\n\n` : '';
      process.stdout.write(`${head}${formatTable(['risk', 'value'], riskRows(m))}\n\nrun:    ${r.dir}\nreport: ${rep.html}\n`);
    });
  // Check the output target before the scenario runs, not after minutes of work.
  stress.hook('preAction', (_this, action) => {
    const o = action.opts<{ runs?: string; runId?: string }>();
    if (o.runId !== undefined) runTarget(o.runs ?? 'runs', o.runId);
    else if (o.runs !== undefined) checkParentDir(o.runs);
  });

  stress
    .command('hedger')
    .description('Short option strangle on a seeded jump-diffusion market, delta-hedged with a perp that pays funding (tables: greeks, funding, hedges, margin, equity, fills, ledger).')
    .option('--seed <n>', 'seed', num('--seed'), 11)
    .option('--hours <n>', 'simulated hours', num('--hours'), 48)
    .option('--band <coins>', 'delta band in BTC', num('--band'), 0.5)
    .option('--vol <annual>', 'annual volatility of the underlying', num('--vol'), 0.6)
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name')
    .action(async (o: { seed: number; hours: number; band: number; vol: number; runs: string; runId?: string }) => {
      const { runHedgerScenario } = await import('../scenarios/hedger/index.ts');
      const r = await runHedgerScenario({ seed: o.seed, hours: o.hours, bandCoins: o.band, vol: o.vol, runsDir: o.runs, ...(o.runId ? { runId: o.runId } : {}) });
      printResult(r);
    });

  stress
    .command('dex-twap')
    .description('Sell ETH through a Uniswap v2 or v3 pool in slices via the public mempool or a private relay, against sandwich and CEX-DEX arbitrage bots (tables: slices, txs, blocks, mev, arbs).')
    .option('--route <r>', 'public or private', 'public')
    .option('--pool <p>', 'v2 (constant product) or v3 (concentrated liquidity, 0.05% tier)', 'v2')
    .option('--slices <n>', 'number of slices', num('--slices'), 10)
    .option('--total-eth <n>', 'ETH to sell in total', num('--total-eth'), 50)
    .option('--slippage-bps <n>', 'slippage limit per slice', num('--slippage-bps'), 100)
    .option('--seed <n>', 'seed', num('--seed'), 1)
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name')
    .action(async (o: { route: string; pool: string; slices: number; totalEth: number; slippageBps: number; seed: number; runs: string; runId?: string }) => {
      if (o.route !== 'public' && o.route !== 'private') throw new ConfigError(`--route must be public or private, got ${o.route}`, { field: '--route' });
      if (o.pool !== 'v2' && o.pool !== 'v3') throw new ConfigError(`--pool must be v2 or v3, got ${o.pool}`, { field: '--pool' });
      const { runDexTwapScenario } = await import('../scenarios/dex/index.ts');
      const r = await runDexTwapScenario({ seed: o.seed, route: o.route, pool: o.pool, slices: o.slices, totalEth: o.totalEth, slippageBps: o.slippageBps, runsDir: o.runs, ...(o.runId ? { runId: o.runId } : {}) });
      printResult(r);
    });

  stress
    .command('lending-liquidations')
    .description('An Aave-style pool through an ETH crash: searchers compete in a priority-gas auction for liquidations (tables: lending, liquidations, mev, txs, blocks).')
    .option('--borrowers <n>', 'number of borrowers', num('--borrowers'), 20)
    .option('--searchers <n>', 'competing liquidation searchers', num('--searchers'), 3)
    .option('--crash <fraction>', 'ETH price drop over the run', num('--crash'), 0.3)
    .option('--seed <n>', 'seed', num('--seed'), 1)
    .option('--runs <dir>', 'folder for run outputs', 'runs')
    .option('--run-id <id>', 'run folder name')
    .action(async (o: { borrowers: number; searchers: number; crash: number; seed: number; runs: string; runId?: string }) => {
      const { runLendingLiquidationScenario } = await import('../scenarios/dex/index.ts');
      const r = await runLendingLiquidationScenario({ seed: o.seed, borrowers: o.borrowers, searchers: o.searchers, crash: o.crash, runsDir: o.runs, ...(o.runId ? { runId: o.runId } : {}) });
      printResult(r);
    });

}
