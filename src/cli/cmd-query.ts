import type { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { queryRuns } from '../results/query.ts';
import { formatTable, toCsv, toJson } from './format.ts';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('Run SQL (DuckDB) over one or more runs. Views: orders, fills, equity, positions, ledger, runs.')
    .argument('<runs...>', 'run folders or folders of runs, then the SQL as the last argument')
    .option('-f, --format <fmt>', 'table, csv or json', 'table')
    .addHelpText('after', '\nExample:\n  primesim query runs/<id> "select side, count(*), sum(qty) from fills group by side"\n  primesim query runs "select run_id, total_pnl from runs order by total_pnl desc"')
    .action(async (args: string[], o: { format: string }) => {
      if (args.length < 2) throw new ConfigError('give at least one run folder and the SQL', { field: 'sql' });
      const sql = args[args.length - 1]!;
      const { columns, rows } = await queryRuns(args.slice(0, -1), sql);
      const f = o.format;
      if (f === 'csv') process.stdout.write(toCsv(columns, rows) + '\n');
      else if (f === 'json') process.stdout.write(toJson(columns, rows) + '\n');
      else if (f === 'table') process.stdout.write(formatTable(columns, rows) + `\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
      else throw new ConfigError(`unknown format ${f}`, { field: '--format', hint: 'table, csv or json' });
    });
}
