import { Command, InvalidArgumentError, Option } from 'commander';
import { PrimesimError } from '../errors.ts';
import { registerBacktest } from './cmd-backtest.ts';
import { registerData } from './cmd-data.ts';
import { registerDemo } from './cmd-demo.ts';
import { registerQuery } from './cmd-query.ts';
import { registerReport } from './cmd-report.ts';
import { registerRun } from './cmd-run.ts';
import { registerStress } from './cmd-stress.ts';
import { registerSweep } from './cmd-sweep.ts';
import { registerMc, registerWorker } from './cmd-mc.ts';
import { removeUnfinishedOnInterrupt } from './interrupt.ts';

export function intArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

// `primesim … | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  .name('primesim')
  .description('Deterministic event simulator for crypto trading research: replay order books, backtest strategies, query results, write reports.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  // Options belong to the command they follow (`stress --runs` and `stress cascade --runs` differ).
  .enablePositionalOptions()
  .configureOutput({ outputError: (s, write) => write(s) });

registerDemo(program);
registerData(program);
registerBacktest(program);
registerRun(program);
registerQuery(program);
registerReport(program);
registerStress(program);
registerSweep(program);
registerMc(program);
registerWorker(program);
// --debug on every command (commander rejects unknown options after a subcommand name).
const DEBUG_HELP = 'print stack traces on errors (for an exception in a strategy: its full stack)';
const addDebug = (c: Command): void => {
  if (c.commands.length === 0) c.addOption(new Option('--debug', DEBUG_HELP));
  for (const k of c.commands) addDebug(k);
};
program.addOption(new Option('--debug', DEBUG_HELP));
for (const c of program.commands) addDebug(c);

/**
 * Commands that write runs, sweeps, Monte Carlo folders or catalogs and turn the event loop while
 * they work: Ctrl-C removes what they were writing (see interrupt.ts). Not `worker` (it finishes
 * its path and stops) nor `data generate` (one synchronous loop: a signal would wait for its end;
 * killed at once instead, its temporary folder is removed by the next write into that folder).
 */
const INTERRUPTIBLE = new Set(['demo', 'backtest', 'run', 'stress', 'sweep', 'mc', 'data import', 'data bars']);
program.hook('preAction', (_program, action) => {
  const name = action.parent && action.parent !== program ? `${action.parent.name()} ${action.name()}` : action.name();
  if (INTERRUPTIBLE.has(name)) removeUnfinishedOnInterrupt();
});

function fail(e: unknown): never {
  const debug = process.argv.includes('--debug') || process.env.PRIMESIM_DEBUG === '1';
  if (e instanceof PrimesimError) {
    process.stderr.write(`primesim: ${e.name}: ${e.message}\n`);
  } else {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`primesim: error: ${msg}\n`);
  }
  if (debug && e instanceof Error) {
    const original = (e as { original?: unknown }).original;
    process.stderr.write(`${original instanceof Error ? original.stack : e.stack}\n`);
  } else if (e instanceof PrimesimError && e.name === 'StrategyError') {
    process.stderr.write('primesim: (run with --debug for the stack)\n');
  }
  process.exit(1);
}

process.on('unhandledRejection', fail);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  fail(e);
}
