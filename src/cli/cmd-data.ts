import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DataError } from '../errors.ts';
import { checkOutputTarget } from '../results/safe-output.ts';
import { KNOWN_INSTRUMENTS } from '../market/instrument.ts';
import type { CatalogManifest } from '../data/catalog.ts';
import { duration } from '../report/tear-sheet-stats.ts';
import { formatTable, intArg, numArg } from './format.ts';
import { isBinanceKlinesLine, namesOhlc } from '../data/readers/bars.ts';
import { Progress } from './progress.ts';

/** A bar interval as written: 1 min, 4 h, 1 d (whole units), else as a duration. */
function barInterval(us: number): string {
  for (const [u, name] of [[86_400e6, 'd'], [3_600e6, 'h'], [60e6, 'min'], [1e6, 's']] as const) if (us % u === 0) return `${us / u} ${name}`;
  return duration(us);
}

/** A catalog's summary: its counts and the time it covers (from, to and how long: 5.8 min, 31.0 d). */
export function manifestSummary(m: CatalogManifest, dir: string): string {
  const iso = (us: number) => new Date(us / 1000).toISOString();
  const n = (x: number) => x.toLocaleString('en-US');
  return formatTable(
    ['dataset', 'instrument', 'rows', 'levels', 'snapshot', 'trades', 'bbo', 'messages', 'from', 'to', 'span'],
    [[dir, `${m.instrument.venue}:${m.instrument.symbol}`, n(m.rows), n(m.counts.level), n(m.counts.snapshot), n(m.counts.trade), n(m.counts.bbo), n(m.counts.messages), iso(m.timeRange.startUs), iso(m.timeRange.endUs), duration(m.timeRange.endUs - m.timeRange.startUs)]],
  );
}

/** OHLCV bars: a LEAN zip, a headerless Binance klines file, or a CSV whose header names open, high, low and close (see barsColumns). */
function looksLikeBars(file: string): boolean {
  if (/\.zip$/i.test(file)) return true;
  // Open, high, low and close named is bars even when the time or volume column is missing or
  // unknown: the bars reader then names the column it needs, not a list of order-book formats.
  const first = firstBytes(file, 400).split(/\r?\n/)[0] ?? '';
  return isBinanceKlinesLine(first) || namesOhlc(first);
}

/** The first `n` bytes of a file as text (format sniffing without reading a large file). */
function firstBytes(file: string, n: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.toString('utf8', 0, got);
  } finally {
    closeSync(fd);
  }
}

export function registerData(program: Command): void {
  const data = program.command('data').description('Import, validate and generate market datasets (columnar catalogs).');
  data
    .command('list')
    .description('List the catalogs in a folder (default: datasets): kind, instrument, rows, the time they cover and their size.')
    .argument('[folder]', 'folder of catalogs (or one catalog)', 'datasets')
    .option('--json', 'print the list as JSON')
    .action(async (folder: string, o: { json?: boolean }) => {
      const { listCatalogs } = await import('../data/catalog-list.ts');
      const { catalogs, others } = listCatalogs(folder);
      if (o.json) {
        process.stdout.write(JSON.stringify(catalogs, null, 2) + '\n');
        return;
      }
      if (catalogs.length === 0) {
        process.stdout.write(`no catalogs in ${folder}${others ? ` (${others} other folder${others === 1 ? '' : 's'})` : ''}: import one with primesim data import <file> --out ${join(folder, '<name>')}\n`);
        return;
      }
      const iso = (us: number | undefined) => (us === undefined ? '—' : new Date(us / 1000).toISOString().replace(/\.000Z$/, 'Z'));
      const mb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(0)} kB` : `${b} B`);
      const rows = catalogs.map((c) => [
        c.dir,
        c.kind === 'bars' && c.intervalUs !== undefined ? `bars ${barInterval(c.intervalUs)}` : c.kind,
        c.instrument ?? '—',
        c.rows.toLocaleString('en-US'),
        iso(c.fromUs),
        iso(c.toUs),
        c.fromUs !== undefined && c.toUs !== undefined ? duration(c.toUs - c.fromUs) : '—',
        mb(c.bytes),
      ]);
      process.stdout.write(formatTable(['catalog', 'kind', 'instrument', 'rows', 'from', 'to', 'span', 'size'], rows) + '\n');
      if (others) process.stdout.write(`(${others} other folder${others === 1 ? '' : 's'} in ${folder}: not catalogs)\n`);
    });

  data
    .command('import')
    .description('Validate and convert a Binance capture (.gz), Binance depth CSV, Tardis CSV, OHLCV bars (CSV `timestamp,open,high,low,close,volume` in any order, a Binance kline file, or a LEAN bar zip), or chain history (Uniswap v3 or Aave v3 pool raw logs or decoded events, Chainlink rounds, Aave v3 parameters, CEX liquidation volume) into a catalog folder.')
    .argument('<file>', 'input file (plain or .gz)')
    .requiredOption('--out <dir>', 'catalog folder to write; an existing catalog there is replaced atomically, any other folder is refused')
    .option('--force', 'replace --out even if it holds something other than a catalog (never the current or home folder)')
    .option('--on-bad-row <mode>', 'error (default) or skip: skipped rows are counted in the manifest', 'error')
    .option('--instrument <venue:symbol>', `instrument spec, e.g. ${Object.keys(KNOWN_INSTRUMENTS)[0]}`)
    .action(async (file: string, o: { out: string; onBadRow: string; instrument?: string; force?: boolean }) => {
      if (o.onBadRow !== 'error' && o.onBadRow !== 'skip') throw new ConfigError(`--on-bad-row must be error or skip, got ${o.onBadRow}`, { field: '--on-bad-row' });
      let instrument;
      if (o.instrument) {
        instrument = KNOWN_INSTRUMENTS[o.instrument];
        if (!instrument) throw new ConfigError(`unknown instrument ${o.instrument}`, { field: '--instrument', hint: Object.keys(KNOWN_INSTRUMENTS).join(', ') });
      }
      const { checkInput, importDataset } = await import('../data/import/import-dataset.ts');
      checkInput(file);
      {
        // Chain history (Uniswap v3 or Aave v3 logs or decoded events, Chainlink rounds, Aave parameters, CEX liquidation volume).
        const { detectChainFormat, importChainFile } = await import('../data/chain-catalog.ts');
        const fmt = /\.gz$/i.test(file) ? undefined : detectChainFormat(firstBytes(file, 4096));
        if (fmt) {
          const t0 = performance.now();
          const m = importChainFile(file, o.out, o.force ?? false);
          const secs = (performance.now() - t0) / 1000;
          process.stdout.write(`${o.out}: ${m.rows.toLocaleString('en-US')} rows of ${m.kind} (${fmt.layout}) in ${secs.toFixed(2)} s (${Math.round(m.rows / secs).toLocaleString('en-US')} rows/s)\n`);
          return;
        }
      }
      if (looksLikeBars(file)) {
        // OHLCV bars: every row checked (file, line, field), stored as hashed float64 columns.
        const { readBars } = await import('../data/readers/bars.ts');
        const { writeBarsCatalog } = await import('../data/bars-catalog.ts');
        const { createHash } = await import('node:crypto');
        // --on-bad-row skip: bad rows left out, counted in the manifest (as a market catalog's).
        const skipped = o.onBadRow === 'skip' ? { count: 0, examples: [] as string[] } : undefined;
        let bars;
        try {
          bars = readBars(file, {}, skipped);
        } catch (e) {
          // A bad row (not a bad header or file): the way past it.
          if (e instanceof DataError && e.line !== undefined && e.line > 1 && !skipped) throw new DataError(e.reason, { ...(e.file !== undefined ? { file: e.file } : {}), line: e.line, ...(e.field !== undefined ? { field: e.field } : {}), hint: e.hint ?? '--on-bad-row skip leaves bad rows out, counted in the manifest' });
          if (e instanceof DataError && skipped && skipped.count > 0) throw new DataError(`no good bar: all ${skipped.count.toLocaleString('en-US')} rows are bad; the first: ${skipped.examples[0]}`, { file });
          throw e;
        }
        // A LEAN file names its market and symbol: the catalog keeps it, runs on it take that instrument.
        const named = (await import('../data/bars-instrument.ts')).barsInstrument(file);
        const m = writeBarsCatalog(o.out, bars, { source: file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), builtWith: 'primesim data import' }, o.force ?? false, named?.spec, skipped);
        process.stdout.write(`${o.out}: ${m.rows.toLocaleString('en-US')} bar${m.rows === 1 ? '' : 's'} of ${barInterval(m.intervalUs)}, ${new Date(m.timeRange.startUs / 1000).toISOString()} to ${new Date(m.timeRange.endUs / 1000).toISOString()}${named ? `; LEAN ${named.instrument} bars (runs price that instrument unless told otherwise)` : ''}${bars.fromQuotes ? '; quote bars, read as the mid of bid and ask (volume: the bid and ask sizes)' : ''}\n`);
        if (skipped && skipped.count > 0) process.stdout.write(`skipped ${skipped.count.toLocaleString('en-US')} bad row${skipped.count === 1 ? '' : 's'} (see manifest.json skippedRows), the first: ${skipped.examples[0]}\n`);
        return;
      }
      checkOutputTarget(o.out, 'catalog', { force: o.force ?? false });
      const total = statSync(file).size;
      const bar = new Progress('import', total, 'bytes');
      let m: CatalogManifest;
      try {
        m = await importDataset({ input: file, out: o.out, force: o.force ?? false, onBadRow: o.onBadRow, ...(instrument ? { instrument } : {}), onProgress: (b) => bar.update(b) });
      } finally {
        bar.stop();
      }
      process.stdout.write(`${manifestSummary(m, o.out)}\n`);
      if (m.skippedRows.count > 0) process.stdout.write(`skipped ${m.skippedRows.count.toLocaleString('en-US')} bad row${m.skippedRows.count === 1 ? '' : 's'} (see manifest.json skippedRows)\n`);
    });

  data
    .command('validate')
    .description('Check a file for malformed rows, sequence gaps, backwards timestamps and crossed snapshots without importing; or check a catalog folder\'s column files against their sha256.')
    .argument('<file>', 'input file (plain or .gz), or a catalog folder')
    .option('--max <n>', 'problems to list', intArg('--max'), 50)
    .action(async (file: string, o: { max: number }) => {
      if (existsSync(file) && statSync(file).isDirectory() && existsSync(join(file, 'manifest.json'))) {
        // Already imported: its columns against the sizes and sha256 its manifest keeps.
        const { verifyCatalog } = await import('../data/catalog.ts');
        const c = await verifyCatalog(file);
        const what = `${file}: ${c.kind} catalog${c.instrument ? ` of ${c.instrument}` : ''}, ${c.rows.toLocaleString('en-US')} rows, ${c.columns} column files`;
        if (c.problems.length === 0) process.stdout.write(`${what}\nok: every column file matches its size and sha256 in manifest.json\n`);
        else {
          process.stdout.write(`${what}\n${c.problems.map((p) => `  ${p}`).join('\n')}\n${c.problems.length} of ${c.columns} column files changed since the catalog was written (import it again)\n`);
          process.exitCode = 1;
        }
        return;
      }
      if (existsSync(file) && statSync(file).isFile() && looksLikeBars(file)) {
        // Bars (an OHLCV CSV or a LEAN zip): read as an import would, which checks every row
        // (dates in order, high and low bounding open and close, no negative volume).
        // Every bad row listed (up to --max), as for market data; the header's problem stops it.
        const { readBarsCsv, readLeanZip } = await import('../data/readers/bars.ts');
        const bad = { count: 0, examples: [] as string[], max: o.max };
        const rows = (n: number) => `${n.toLocaleString('en-US')} bad row${n === 1 ? '' : 's'}`;
        const listed = () => `${bad.examples.map((p) => `  ${p}\n`).join('')}${bad.count > bad.examples.length ? `… and ${(bad.count - bad.examples.length).toLocaleString('en-US')} more\n` : ''}`;
        try {
          const b = /\.zip$/i.test(file) ? readLeanZip(file, {}, bad) : readBarsCsv(file, {}, bad);
          const iso = (us: number) => new Date(us / 1000).toISOString();
          process.stdout.write(`${file}: bars, ${b.tsUs.length.toLocaleString('en-US')} good bar${b.tsUs.length === 1 ? '' : 's'} of ${barInterval(b.intervalUs)}, ${iso(b.tsUs[0]!)} to ${iso(b.tsUs[b.tsUs.length - 1]!)}, ${rows(bad.count)}, read to the end\n`);
          process.stdout.write(bad.count === 0 ? 'ok: no problems found\n' : `${listed()}(primesim data import --on-bad-row skip leaves them out)\n`);
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          // Every row bad: the rows say why, not "no bars".
          process.stdout.write(bad.count > 0 ? `${file}: bars, no good bar, ${rows(bad.count)}\n${listed()}` : `${file}: bars, stopped: ${e.message}\n`);
          process.exitCode = 1;
        }
        if (bad.count > 0) process.exitCode = 1;
        return;
      }
      {
        // Chain history: read and checked row by row as an import would (its readers stop at the first bad row).
        const { detectChainFormat, readChainFile } = await import('../data/chain-catalog.ts');
        if (existsSync(file) && statSync(file).isFile() && !/\.gz$/i.test(file) && detectChainFormat(firstBytes(file, 4096))) {
          try {
            const r = readChainFile(file);
            process.stdout.write(`${file}: ${r.kind} (${r.layout}), ${(r.cols[0]?.values.length ?? 0).toLocaleString('en-US')} rows, read to the end\nok: no problems found\n`);
          } catch (e) {
            if (!(e instanceof DataError)) throw e;
            process.stdout.write(`${file}: chain history, stopped at the first bad row\n  ${e.message}\n`);
            process.exitCode = 1;
          }
          return;
        }
      }
      const { validateDataset } = await import('../data/import/validate-dataset.ts');
      const r = await validateDataset({ input: file, maxProblems: o.max });
      const fmt = r.format === null ? 'unknown format' : r.format.type === 'tardis' ? `tardis ${r.format.kind}` : r.format.type;
      const inst = r.instrument ? ` ${r.instrument.venue}:${r.instrument.symbol}` : '';
      process.stdout.write(`${file}: ${fmt}${inst}, ${r.rows} rows, ${r.badRows} bad rows, ${r.complete ? 'read to the end' : 'stopped early'}\n`);
      for (const p of r.problems.slice(0, o.max)) process.stdout.write(`  ${p}\n`);
      if (r.problems.length > 0 || !r.complete) process.exitCode = 1;
      else process.stdout.write('ok: no problems found\n');
    });

  data
    .command('generate')
    .description('Generate a seeded synthetic dataset calibrated on the real BTCUSDT sample (Hawkes arrivals, jumps).')
    .requiredOption('--out <dir>', 'catalog folder to write; an existing catalog there is replaced, any other folder is refused')
    .option('--force', 'replace --out even if it holds something other than a catalog (never the current or home folder)')
    .option('--seed <n>', 'generator seed', intArg('--seed'), 1)
    .option('--events <n>', 'number of rows to generate', intArg('--events'), 1_000_000)
    .option('--profile <p>', 'calm, volatile or crash', 'calm')
    .action(async (o: { out: string; seed: number; events: number; profile: string; force?: boolean }) => {
      if (!['calm', 'volatile', 'crash'].includes(o.profile)) throw new ConfigError(`unknown profile ${o.profile}`, { field: '--profile', hint: 'calm, volatile or crash' });
      if (!(o.events > 0)) throw new ConfigError('--events must be a positive number', { field: '--events' });
      checkOutputTarget(o.out, 'catalog', { force: o.force ?? false });
      const { generateDataset } = await import('../data/synthetic/dataset.ts');
      const bar = new Progress('generate', o.events, 'rows');
      let m: CatalogManifest;
      try {
        m = await generateDataset({ dir: o.out, force: o.force ?? false, seed: o.seed, events: o.events, profile: o.profile as 'calm' | 'volatile' | 'crash', onProgress: (rows: number) => bar.update(rows) });
      } finally {
        bar.stop();
      }
      process.stdout.write(`${manifestSummary(m, o.out)}\n`);
    });

  data
    .command('replay-reserve')
    .description('Replay a day of Aave v3 pool logs (raw logs CSV) of one reserve against a reserve configured from a risk-parameter snapshot, and report which ReserveDataUpdated logs the model\'s rates reproduce exactly.')
    .argument('<file>', 'e.g. ../shared/data/chain/aave/polygon-events-20240106/weth.raw.csv')
    .requiredOption('--params <snapshot>', 'Aave risk-parameter snapshot (reserve factor, optimal usage, and the slopes when it has them), e.g. ../shared/data/chain/aave/risk-parameters-20230911/aave_v3_polygon.csv')
    .requiredOption('--symbol <symbol>', 'the reserve in the snapshot, e.g. WETH')
    .option('--optimal-usage <fraction>', 'optimal usage ratio (e.g. 0.8): wins over the snapshot\'s', numArg('--optimal-usage'))
    .option('--base-rate <fraction>', 'base variable rate (annual, e.g. 0.01): needed when the snapshot has none, wins over it when it has one', numArg('--base-rate'))
    .option('--slope1 <fraction>', 'variable rate slope below the optimal usage (e.g. 0.033): needed when the snapshot has none, wins over it when it has one', numArg('--slope1'))
    .option('--slope2 <fraction>', 'variable rate slope above the optimal usage (e.g. 0.8): needed when the snapshot has none, wins over it when it has one', numArg('--slope2'))
    .action(async (file: string, o: { params: string; symbol: string; optimalUsage?: number; baseRate?: number; slope1?: number; slope2?: number }) => {
      const { readAaveRawLogsCsv } = await import('../data/readers/aave-events.ts');
      const { readAaveReserveParams } = await import('../data/readers/aave-params.ts');
      const { replayAaveReserve } = await import('../venues/lending/reserve-replay.ts');
      const { formatTable } = await import('./format.ts');
      const { ConfigError } = await import('../errors.ts');
      const p = readAaveReserveParams(o.params).find((r) => r.symbol === o.symbol);
      if (!p) throw new ConfigError(`no reserve ${o.symbol} in ${o.params}`, { field: 'symbol' });
      const fraction = (r: bigint) => String(Number(r / 10n ** 18n) / 1e9);
      const ray = (x: number | undefined, what: string): bigint => {
        if (x === undefined || !Number.isFinite(x)) throw new ConfigError(`the snapshot has no ${what} for ${o.symbol}: give --${what}`, { field: what });
        return BigInt(Math.round(x * 1e9)) * 10n ** 18n;
      };
      // A flag given wins over the snapshot's value (the snapshot may be of another day than the
      // logs); else the snapshot's exact rays (raw layout), else its fractions (percent layout).
      const rate = (flag: number | undefined, exact: bigint | undefined, approx: number | undefined, what: string): bigint => (flag === undefined && exact !== undefined ? exact : ray(flag ?? approx, what));
      const i = p.interest;
      const k = {
        optimalUsageRay: rate(o.optimalUsage, i?.optimalUsageRay, p.optimalUsage, 'optimal-usage'),
        baseVariableRateRay: rate(o.baseRate, i?.baseVariableRateRay, p.baseVariableRate, 'base-rate'),
        variableSlope1Ray: rate(o.slope1, i?.variableSlope1Ray, p.variableSlope1, 'slope1'),
        variableSlope2Ray: rate(o.slope2, i?.variableSlope2Ray, p.variableSlope2, 'slope2'),
        reserveFactorBps: i?.reserveFactorBps ?? p.reserveFactorBps,
      };
      const r = replayAaveReserve(readAaveRawLogsCsv(file), k);
      if (!r.startFits) {
        // Every log would print as unexplained against totals at the end of the search range.
        const { ModelError } = await import('../errors.ts');
        throw new ModelError(`with ${o.symbol}'s rate strategy from ${o.params} (reserve factor ${k.reserveFactorBps / 100}%, optimal usage ${fraction(k.optimalUsageRay)}, base ${fraction(k.baseVariableRateRay)}, slopes ${fraction(k.variableSlope1Ray)} / ${fraction(k.variableSlope2Ray)}) no starting totals reproduce the first ReserveDataUpdated's rates`, { file, line: r.checks[0]?.line ?? 1, hint: 'these are not the parameters in force on the logs\' day: use a snapshot from before it, or give --optimal-usage, --base-rate, --slope1 and --slope2' });
      }
      const n = r.checks.length;
      const pct = (x: number) => `${x} (${((100 * x) / Math.max(1, n)).toFixed(2)}%)`;
      const rows: [string, string | number][] = [
        ['ReserveDataUpdated logs', n],
        ['starting totals solved for (available wei / scaled debt)', `${r.start.available} / ${r.start.scaledDebt}`],
        ['rates reproduced exactly from the logged action', pct(r.counts.exact + r.counts.anchor)],
        ['exact after inferring a pool call missing from the file', pct(r.counts.inferred)],
        ['  of which flash loans (repayment logs with the premium)', r.flashLoanRepayments],
        ['unexplained', pct(r.counts.unexplained)],
        ['variable borrow index accrued exactly', `${r.indices.variableExact} of ${n - 1}`],
        ['liquidity index accrued exactly / above (flash-loan premiums)', `${r.indices.liquidityExact} / ${r.indices.liquidityAbove}`],
      ];
      process.stdout.write(`${formatTable(['reserve replay', 'value'], rows)}\n`);
    });

  data
    .command('replay-pool')
    .description('Replay a day of Uniswap v3 pool events (decoded events CSV or raw logs CSV) through the bit-exact swap math and report which swaps it reproduces exactly.')
    .argument('<file>', 'e.g. ../shared/data/chain/uniswap-v3/usdc-weth-005_20240105.events.csv')
    .option('--fee <pips>', 'fee tier in hundredths of a bip (500 = 0.05%)', numArg('--fee'), 500)
    .option('--tick-spacing <n>', 'tick spacing of the fee tier', intArg('--tick-spacing'), 10)
    .option('--no-pair-search', 'skip the last resort (a nested search, swap by swap, for two segments no swap ended in, tried only when solving them from all the swaps through them failed): faster when it runs, rarely explains fewer')
    .action(async (file: string, o: { fee: number; tickSpacing: number; pairSearch: boolean }) => {
      const { readV3EventsCsv, readV3RawLogsCsv } = await import('../data/readers/uniswap-v3-day.ts');
      const { replayV3Day } = await import('../venues/amm/v3/log-replay.ts');
      const { formatTable } = await import('./format.ts');
      const head = (await import('node:fs')).readFileSync(file, 'utf8').slice(0, 300);
      const events = /\btopics\b/.test(head.split('\n')[0] ?? '') ? readV3RawLogsCsv(file) : readV3EventsCsv(file);
      const r = replayV3Day(events, { feePips: o.fee, tickSpacing: o.tickSpacing, pairSearch: o.pairSearch });
      const n = r.swaps.length;
      const pct = (x: number) => `${x} (${((100 * x) / Math.max(1, n - r.counts.first)).toFixed(2)}% of the swaps checked)`;
      const rows: [string, string | number][] = [
        ['events', events.length],
        ['swaps', n],
        // The state before the first swap is not in the file: that swap's logged price and liquidity start the replay.
        ['first swap (starts the replay from its logged state; not checked)', r.counts.first],
        ['exact: logged price, amounts and liquidity reproduced', pct(r.counts.exact)],
        ['  of which exact input / exact output / price limit', ['exactIn', 'exactOut', 'limit'].map((m) => r.swaps.filter((x) => x.verdict === 'exact' && x.mode === m).length).join(' / ')],
        ['exact after inferring the initialized ticks crossed', pct(r.counts.inferred)],
        ['  of which from the segments\' liquidity (segments solved for)', `${r.swaps.filter((x) => x.segments !== undefined).length} (${r.swaps.reduce((a, x) => a + (x.solvedJointlyWith === undefined ? (x.solvedSegments ?? 0) : 2 / x.solvedJointlyWith), 0)})`],
        ['  of which through two segments solved from several swaps at once', `${r.swaps.filter((x) => x.solvedJointlyWith !== undefined).length} (swaps) / ${Math.round(r.swaps.reduce((a, x) => a + (x.solvedJointlyWith === undefined ? 0 : 1 / x.solvedJointlyWith), 0))} (pairs)`],
        ['unexplained (no one exact solution found)', pct(r.counts.unexplained)],
        ['initialized ticks learnt', r.inferredTicks.size],
        ['mints/burns in range / out of range', `${r.liquidityEventsInRange} / ${r.liquidityEventsOutOfRange}`],
      ];
      process.stdout.write(`${formatTable(['pool replay', 'value'], rows)}\n`);
      if (r.solvedSegments.length > 0) {
        // What was inferred, not read: the liquidity of segments no swap ended in (one exact solution each).
        const seg = r.solvedSegments.map((x) => [`${x.tickLower}–${x.tickLower + o.tickSpacing}`, x.liquidity.toString(), `line ${x.line}`, x.swaps === 1 ? 'one swap' : `${x.swaps} swaps together`]);
        process.stdout.write(`\n${formatTable(['segment solved for (ticks)', 'liquidity', 'at', 'from'], seg)}\n`);
      }
      const un = r.swaps.filter((x) => x.verdict === 'unexplained').slice(0, 5).map((x) => x.line);
      if (un.length) process.stdout.write(`first unexplained swaps at lines ${un.join(', ')} of ${file}\n`);
    });

  data
    .command('fit-liquidations')
    .description("Calibration check of the cascade model's leveraged population on a CEX's real liquidation volume (e.g. ../shared/data/cex/ethusdt_quotes_liquidations_202101.csv): fit leverage range, holding time and entry volumes before --train-until, compare hourly volume after it; writes an HTML report.")
    .argument('<file>', 'minute quotes with *_liquidation_long / *_liquidation_short quantities')
    .option('--train-until <time>', 'first held-out time (ISO, UTC); default: the middle of the file')
    .option('--bar <dur>', 'bar length of the model', '5m')
    .option('--days <list>', 'days whose volume to compare, comma-separated (YYYY-MM-DD); default: the three of largest real volume in training and in the held-out part', '')
    .option('--mmr <rate>', 'maintenance margin rate', numArg('--mmr'), 0.005)
    .option('--out <file>', 'report file, or a folder to write liquidation-fit.html in', 'reports/liquidation-fit.html')
    .action(async (file: string, o: { trainUntil?: string; bar: string; days: string; mmr: number; out: string }) => {
      const { readLiquidationVolume } = await import('../data/chain-catalog.ts');
      const { toBars, fitLiquidations, fitGridEdges } = await import('../risk/liquidation-fit.ts');
      const { busiestDays, checkDays, dayVolumes, writeLiquidationFitReport } = await import('../report/liquidation-fit-report.ts');
      const { parseDurationUs } = await import('../market/latency.ts');
      const { formatTable } = await import('./format.ts');
      const barMinutes = parseDurationUs(o.bar, '--bar', { positive: true }) / 60e6;
      if (!Number.isInteger(barMinutes)) throw new ConfigError(`bar ${o.bar} is not a whole number of minutes`, { field: '--bar' });
      const v = readLiquidationVolume(file);
      const s = toBars(v.tsUs, v.mid, v.long, v.short, barMinutes);
      const untilUs = o.trainUntil !== undefined ? Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(o.trainUntil) ? o.trainUntil : `${o.trainUntil}Z`) * 1000 : (s.tsUs[0]! + s.tsUs[s.tsUs.length - 1]!) / 2;
      if (!Number.isFinite(untilUs)) throw new ConfigError(`"${o.trainUntil}" is not a time`, { field: '--train-until' });
      const split = s.tsUs.findIndex((t) => t >= untilUs);
      if (split < 24 || split > s.tsUs.length - 24) throw new ConfigError('--train-until leaves too little data on one side', { field: '--train-until' });
      const perBar = 60 / barMinutes;
      const grid = { leverageMin: [1, 2, 5], leverageMax: [10, 20, 50, 100, 125], holdBars: [1, 4, 12, 48, 96, 192, 384].map((h) => Math.max(1, Math.round(h * perBar))), mmr: o.mmr };
      const f = fitLiquidations(s, split, barMinutes, grid);
      const edges = fitGridEdges(f.params, grid, barMinutes);
      const given = o.days.split(',').map((d) => d.trim()).filter((d) => d !== '');
      const days = dayVolumes(s, f, given.length > 0 ? checkDays(s, given) : busiestDays(s, f));
      const out = writeLiquidationFitReport(o.out, file, s, f, days, barMinutes, given.length > 0);
      const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
      const rows: [string, string][] = [
        ['leverage (log-uniform)', `${f.params.leverageMin}× – ${f.params.leverageMax}×`],
        ['mean holding time', `${n((f.params.holdBars * barMinutes) / 60, 1)} h`],
        ['entering per hour (longs / shorts)', `${n(f.entryLong * perBar)} / ${n(f.entryShort * perBar)}`],
        ['hourly volume correlation, training / held out', `${n(f.corrTrain, 3)} / ${n(f.corrHeldOut, 3)}`],
        ...days.flatMap((d): [string, string][] => [
          [`${d.day} (${d.heldOut ? 'held out' : 'training'}) longs real / model`, `${n(d.realLong)} / ${n(d.modelLong)}`],
          [`${d.day} (${d.heldOut ? 'held out' : 'training'}) shorts real / model`, `${n(d.realShort)} / ${n(d.modelShort)}`],
        ]),
        ...(edges.length > 0 ? [['on an edge of the grid searched', edges.join('; ')] as [string, string]] : []),
      ];
      process.stdout.write(`${formatTable(['liquidation fit', 'value'], rows)}\nreport: ${out}\n`);
    });

  data
    .command('bars')
    .description('Build OHLCV bars of any interval from a catalog\'s trades (exchange time), or longer bars from bars (a bars CSV, LEAN zip or bars catalog), into a bars catalog.')
    .argument('<catalog>', 'a market catalog folder (from `primesim data import`), or bars to aggregate')
    .requiredOption('--out <dir>', 'bars catalog folder to write (an existing catalog there is replaced; never the one read)')
    .option('--interval <dur>', 'bar length, e.g. 1s, 1m, 1h, 1d', '1m')
    .option('--force', 'replace --out even if it holds something other than a catalog (never the current or home folder)')
    .action(async (catalog: string, o: { out: string; interval: string; force?: boolean }) => {
      const { parseDurationUs } = await import('../market/latency.ts');
      const { aggregateBars, barsFromTrades, isBarsData, writeBarsCatalog } = await import('../data/bars-catalog.ts');
      const intervalUs = parseDurationUs(o.interval, '--interval', { positive: true });
      // Writing over the catalog being read would replace the user's bars with their aggregate.
      if (resolve(o.out) === resolve(catalog)) throw new ConfigError('is the catalog the bars are read from: it would be replaced by its own aggregate', { field: '--out', hint: 'give another folder' });
      checkOutputTarget(o.out, 'catalog', { force: o.force ?? false });
      const fromBars = isBarsData(catalog);
      const bars = fromBars ? aggregateBars((await import('../data/readers/bars.ts')).readBars(catalog), intervalUs) : barsFromTrades(catalog, intervalUs);
      // The instrument they price: the trades catalog's, or what the bars aggregated name.
      const instrument = fromBars ? (await import('../data/bars-instrument.ts')).barsInstrument(catalog)?.spec : (await import('../data/catalog.ts')).readManifest(catalog).instrument;
      const m = writeBarsCatalog(o.out, bars, { source: catalog, builtWith: `primesim data bars --interval ${o.interval}` }, o.force ?? false, instrument);
      process.stdout.write(`${o.out}: ${m.rows.toLocaleString('en-US')} bar${m.rows === 1 ? '' : 's'} of ${barInterval(m.intervalUs)} from the ${fromBars ? 'bars' : 'trades'} of ${catalog}${instrument ? ` (${instrument.venue}:${instrument.symbol})` : ''}\n`);
    });
}
