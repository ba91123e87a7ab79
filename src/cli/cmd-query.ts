import { relative } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { formatTable, toCsv, toJson } from './format.ts';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('Run SQL (DuckDB) over one or more runs. Views: every result table the runs have (orders, fills, equity, positions, trades — the round trips —, ledger; margin, liquidations, marks, funding for margin runs; blocks, txs, lending, oracle_rounds … with a chain; routes, tca, tca_venues for routed orders; the paths of an MC summary) and runs, one row per run.')
    .argument('<runs...>', 'run folders or folders of runs, then the SQL as the last argument')
    .option('-f, --format <fmt>', 'table, csv or json', 'table')
    .option('--verify', 'check every result file against the sha256 in its manifest (default: sizes only)')
    .option('--allow-files', 'let the SQL read or write files and run statements other than SELECT (COPY, ATTACH, CREATE …); off by default')
    .addHelpText('after', '\nExample:\n  primesim query runs/<id> "select side, count(*), sum(qty) from fills group by side"\n  primesim query runs "select run_id, total_pnl from runs order by total_pnl desc"\n\nQueries are read-only: only SELECT/EXPLAIN run and SQL sees no file but the runs given.\nEach run is checked against its manifest first (file sizes; full sha256 with --verify).\nThe runs table has a column per strategy parameter (param_*), model (model_*), seed and sweep (and data_from/data_to for a window of a bars file).')
    .action(async (args: string[], o: { format: string; verify?: boolean; allowFiles?: boolean }) => {
      if (args.length < 2) throw new ConfigError('give at least one run folder and the SQL', { field: 'sql' });
      const sql = args[args.length - 1]!;
      const { queryRuns } = await import('../results/query.ts');
      const { columns, rows, sharedRunIds } = await queryRuns(args.slice(0, -1), sql, { verify: o.verify ?? false, allowFiles: o.allowFiles ?? false });
      // On stderr (csv and json stay clean): rows of these folders carry one run_id, so a GROUP BY run_id adds them up.
      for (const d of sharedRunIds) process.stderr.write(`note: run id ${d.runId} is carried by ${d.dirs.length} folders (${d.dirs.map((x) => relative(process.cwd(), x) || '.').join(', ')}): their rows share run_id, so grouping by it adds them up (a copied run folder? query one of them)\n`);
      const f = o.format;
      if (f === 'csv') process.stdout.write(toCsv(columns, rows) + '\n');
      else if (f === 'json') process.stdout.write(toJson(columns, rows) + '\n');
      else if (f === 'table') process.stdout.write(formatTable(columns, rows) + `\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
      else throw new ConfigError(`unknown format ${f}`, { field: '--format', hint: 'table, csv or json' });
    });
}
