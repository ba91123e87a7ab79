import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { primesim, ROOT, SHARED, sharedDataAvailable } from '../helpers/cli.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'primesim-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One line on stderr, naming what is wrong, and a non-zero exit. */
function expectOneLineError(r: Awaited<ReturnType<typeof primesim>>, ...patterns: RegExp[]): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length).toBe(1);
  for (const p of patterns) expect(lines[0]).toMatch(p);
}

describe('primesim CLI end to end', () => {
  it('--help works on every command', async () => {
    const cmds = [[], ['demo'], ['data'], ['data', 'import'], ['data', 'validate'], ['data', 'generate'], ['backtest'], ['query'], ['report'], ['sweep'], ['stress'], ['run']];
    const results = await Promise.all(cmds.map((args) => primesim([...args, '--help'])));
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: primesim/);
    }
  });

  it('backtest --list-params prints what --param takes, without data', async () => {
    const r = await primesim(['backtest', 'strategies/sma-cross.ts', '--list-params']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe([
      'sma-cross: SMA fast/slow crossover, long-only, fixed size.',
      'parameter  kind     default  bounds',
      '─────────  ───────  ───────  ──────',
      'fast       integer       10  > 0',
      'slow       integer       20  > 0',
      'size       number         1  > 0',
      'set with --param <name>=<value> (a sweep: --grid <name>=v1,v2)',
      '',
    ].join('\n'));
  });

  it('generate → backtest → query → report, as a user types them', async () => {
    const ds = join(work, 'gen');
    let r = await primesim(['data', 'generate', '--out', ds, '--seed', '3', '--events', '200000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/binance-futures:BTCUSDT/);
    const runs = join(work, 'runs');
    r = await primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--seed', '7', '--latency-entry', '2ms', '--queue', 'power:3', '--param', 'spreadBps=1', '--runs', runs, '--run-id', 'mm1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/total PnL \(USDT\)/);
    const manifest = JSON.parse(readFileSync(join(runs, 'mm1', 'manifest.json'), 'utf8')) as { counts: { fills: number }; metrics: { fills: number } };
    expect(manifest.counts.fills).toBeGreaterThan(0);
    r = await primesim(['query', join(runs, 'mm1'), 'select side, count(*) as n, sum(qty) as q from fills group by side order by side', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { side: string; n: number }[];
    expect(rows.reduce((s, x) => s + Number(x.n), 0)).toBe(manifest.counts.fills);
    r = await primesim(['query', runs, "select run_id, fills from runs where run_id = 'mm1'", '-f', 'csv']);
    expect(r.stdout.trim().split('\n')).toEqual(['run_id,fills', `mm1,${manifest.counts.fills}`]);
    // the same run from a YAML config; a flag on the command line wins over the file
    const cfg = join(work, 'mm.yaml');
    writeFileSync(cfg, `strategy: strategies/market-maker.ts\ndata: ${ds}\nseed: 7\nlatencyEntry: 2ms\nqueue: power:3\nparams:\n  spreadBps: 1\nrunsDir: ${runs}\nrunId: mm2\n`);
    r = await primesim(['backtest', '--config', cfg, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const viaConfig = JSON.parse(r.stdout) as { resultsSha256: string };
    expect(viaConfig.resultsSha256).toBe((JSON.parse(readFileSync(join(runs, 'mm1', 'manifest.json'), 'utf8')) as { resultsSha256: string }).resultsSha256);
    r = await primesim(['backtest', '--config', cfg, '--seed', '8', '--run-id', 'mm3', '--json']);
    expect((JSON.parse(r.stdout) as { config: { seed: number } }).config.seed).toBe(8);
    writeFileSync(cfg, `strategy: strategies/market-maker.ts\ndata: ${ds}\nqueue: 3\n`);
    expectOneLineError(await primesim(['backtest', '--config', cfg]), /mm\.yaml:3, field queue/);
    // A bad strategy parameter from the file is the file's line; from --param, the flag.
    writeFileSync(cfg, `strategy: strategies/market-maker.ts\ndata: ${ds}\nparams:\n  spreadBps: -3\n`);
    expectOneLineError(await primesim(['backtest', '--config', cfg]), /mm\.yaml:4, field params\.spreadBps: bad parameter spreadBps: Too small/);
    expectOneLineError(await primesim(['backtest', '--config', cfg, '--param', 'spreadBps=0']), /field --param spreadBps: bad parameter spreadBps/);
    const out = join(work, 'rep.html');
    r = await primesim(['report', join(runs, 'mm1'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('imports the real Binance capture and backtests the taker on it', async () => {
    if (!sharedDataAvailable()) return;
    const ds = join(work, 'btc');
    let r = await primesim(['data', 'import', join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'), '--out', ds]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')) as { rows: number; provenance: { sourceSha256: string }; counts: { trade: number } };
    expect(m.counts.trade).toBe(21_313);
    expect(m.provenance.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    // The summary says what the catalog covers: grouped counts, from, to and the span.
    expect(r.stdout).toMatch(/ 598,753 .* 21,313 .* 2024-08-08T23:54:16\.313Z +2024-08-09T00:00:01\.105Z +5\.7 min/);
    r = await primesim(['backtest', 'strategies/trade-flow-taker.ts', '--data', ds, '--runs', join(work, 'runs2'), '--run-id', 'taker', '--param', 'thresholdLots=3000']);
    expect(r.code, r.stderr).toBe(0);
    r = await primesim(['query', join(work, 'runs2', 'taker'), "select count(*) from fills where liquidity = 'taker'", '-f', 'csv']);
    expect(Number(r.stdout.trim().split('\n')[1])).toBeGreaterThan(0);
  });

  it('bad inputs: one line naming file, line and field, non-zero exit, nothing left behind', async () => {
    const bad = join(work, 'bad');
    mkdirSync(bad, { recursive: true });
    // malformed Tardis row (missing a column) on line 3
    const tardis = join(bad, 'trades.csv');
    writeFileSync(tardis, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbitmex,XBTUSD,1,2,a,buy,100.5,10\nbitmex,XBTUSD,3,4,b,sell,100.5\n');
    expectOneLineError(await primesim(['data', 'import', tardis, '--out', join(bad, 'o1')]), /trades\.csv:3/);
    const v = await primesim(['data', 'validate', tardis]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/tardis trades bitmex:XBTUSD, 1 rows, 1 bad rows/);
    expect(v.stdout).toMatch(/trades\.csv:3/);
    expect(existsSync(join(bad, 'o1'))).toBe(false);
    // unknown column
    const unk = join(bad, 'unk.csv');
    writeFileSync(unk, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount,bogus\n');
    expectOneLineError(await primesim(['data', 'import', unk, '--out', join(bad, 'o2')]), /unk\.csv/, /bogus/);
    // negative size and NaN
    const neg = join(bad, 'neg.csv');
    writeFileSync(neg, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbitmex,XBTUSD,1,2,a,buy,100.5,-3\n');
    expectOneLineError(await primesim(['data', 'import', neg, '--out', join(bad, 'o3')]), /neg\.csv:2/, /amount/);
    // --on-bad-row skip records skipped rows in the manifest
    const r = await primesim(['data', 'import', neg, '--out', join(bad, 'o3'), '--on-bad-row', 'skip']);
    if (r.code === 0) {
      const m = JSON.parse(readFileSync(join(bad, 'o3', 'manifest.json'), 'utf8')) as { skippedRows: { count: number } };
      expect(m.skippedRows.count).toBe(1);
    } else {
      expect(r.stderr).toMatch(/no rows|empty/i);
    }
    if (sharedDataAvailable()) {
      // a depth-diff sequence gap: drop one depth diff line from the real capture
      const lines = gunzipSync(readFileSync(join(SHARED, 'binance', 'usdm_btcusdt_20240808.gz'))).toString('utf8').split('\n');
      let seen = 0;
      const gapLine = lines.findIndex((l) => l.includes('depthUpdate') && ++seen === 200);
      lines.splice(gapLine, 1);
      const gap = join(bad, 'gap.gz');
      writeFileSync(gap, gzipSync(lines.slice(0, gapLine + 500).join('\n')));
      expectOneLineError(await primesim(['data', 'import', gap, '--out', join(bad, 'o4')]), /gap\.gz:\d+/, /pu/, /gap/i);
      expect(existsSync(join(bad, 'o4'))).toBe(false);
    }
    // unknown strategy, unknown parameter, a folder that is not a run
    const ds = join(work, 'gen');
    expectOneLineError(await primesim(['backtest', 'strategies/nope.ts', '--data', ds, '--runs', join(bad, 'r')]), /strategies\/nope\.ts/, /unknown strategy/);
    expectOneLineError(await primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--param', 'sprdBps=2', '--runs', join(bad, 'r')]), /unknown parameter sprdBps/);
    expectOneLineError(await primesim(['backtest', 'strategies/market-maker.ts', '--data', bad, '--runs', join(bad, 'r')]), /not a dataset catalog/);
    expectOneLineError(await primesim(['query', bad, 'select 1']), /not a run/);
    expectOneLineError(await primesim(['report', ROOT]), /not a run/);
    expect(existsSync(join(bad, 'r')) ? readdirSync(join(bad, 'r')) : []).toEqual([]);
  });

  it('a backtest killed mid-run leaves no folder that looks like a finished run, and earlier runs intact', async () => {
    const ds = join(work, 'big');
    let r = await primesim(['data', 'generate', '--out', ds, '--seed', '5', '--events', '4000000']);
    expect(r.code, r.stderr).toBe(0);
    const runs = join(work, 'runs-kill');
    r = await primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--run-id', 'earlier']);
    expect(r.code, r.stderr).toBe(0);
    const before = readFileSync(join(runs, 'earlier', 'manifest.json'), 'utf8');
    const { spawn } = await import('node:child_process');
    // Kill at several points (start-up, mid-replay, while writing): whatever the moment, a folder
    // with a manifest must be a complete run whose files match their recorded hashes.
    for (const delayMs of [700, 1400, 2100, 2800]) {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'primesim.js'), 'backtest', 'strategies/market-maker.ts', '--data', ds, '--runs', runs, '--run-id', 'killed'], { cwd: ROOT, stdio: 'ignore' });
      const exited = new Promise((res) => child.on('exit', res));
      await new Promise((res) => setTimeout(res, delayMs));
      child.kill('SIGKILL');
      await exited;
      const mf = join(runs, 'killed', 'manifest.json');
      if (existsSync(mf)) {
        const m = JSON.parse(readFileSync(mf, 'utf8')) as { files: { file: string; sha256: string }[] };
        const { createHash } = await import('node:crypto');
        for (const f of m.files) expect(createHash('sha256').update(readFileSync(join(runs, 'killed', f.file))).digest('hex')).toBe(f.sha256);
        rmSync(join(runs, 'killed'), { recursive: true });
      } else {
        expect(existsSync(join(runs, 'killed'))).toBe(false);
      }
    }
    r = await primesim(['query', runs, 'select run_id from runs', '-f', 'csv']);
    expect(r.stdout.trim().split('\n')).toEqual(['run_id', 'earlier']);
    expect(readFileSync(join(runs, 'earlier', 'manifest.json'), 'utf8')).toBe(before);
  });

  it('stress scenarios write runs that query and report like backtests', async () => {
    const runs = join(work, 'stress');
    let r = await primesim(['stress', 'cascade-drop', '--runs', runs, '--run-id', 'c1'], work);
    expect(r.code, r.stderr).toBe(0);
    // The report's line, as `run` prints it.
    expect(r.stdout).toMatch(/^report: .*\.html$/m);
    r = await primesim(['query', join(runs, 'c1'), 'select count(*) as n, min(price) as low from liquidations', '-f', 'json']);
    const [row] = JSON.parse(r.stdout) as { n: number; low: number }[];
    expect(Number(row!.n)).toBeGreaterThan(0);
    expect(Number(row!.low)).toBeLessThan(60_000);
    // `stress` takes `run`'s --no-report (it was an unknown option) and prints its events line.
    r = await primesim(['stress', 'dex-twap', '--set', 'route=private', '--set', 'slices=3', '--runs', runs, '--run-id', 'd1', '--no-report'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/swaps \(filled \/ sent\)\s+3 \/ 3/);
    expect(r.stdout).not.toMatch(/^report:/m);
    expect(r.stdout).toMatch(/^events: [\d,]+ in /m);
    r = await primesim(['query', join(runs, 'd1'), 'select coalesce(sum(mev_loss), 0) as loss, count(*) as n from swaps', '-f', 'csv']);
    expect(r.stdout.trim().split('\n')[1]).toBe('0,3');
    r = await primesim(['report', join(runs, 'd1'), '--out', join(work, 'd1.html')]);
    expect(r.code, r.stderr).toBe(0);
    expectOneLineError(await primesim(['stress', 'dex-twap', '--set', 'route=dark', '--runs', runs], work), /scenarios\/dex-twap\.yaml.*route/);
  });

  it('backtest is a shorthand: run on its --print-spec gives byte-identical results; stress runs scenario specs', async () => {
    const ds = join(work, 'spec-ds');
    let r = await primesim(['data', 'generate', '--out', ds, '--seed', '4', '--events', '60000']);
    expect(r.code, r.stderr).toBe(0);
    const runs = join(work, 'spec-runs');
    const flags = ['strategies/market-maker.ts', '--data', ds, '--queue', 'power:2', '--seed', '5', '--latency-entry', '3ms', '--param', 'spreadBps=1', '--runs', runs];
    const [bt, printed] = await Promise.all([primesim(['backtest', ...flags, '--run-id', 'bt', '--json']), primesim(['backtest', ...flags, '--print-spec'])]);
    expect(bt.code, bt.stderr).toBe(0);
    expect(printed.stdout).toMatch(/kind: perp/);
    const specFile = join(work, 'printed.yaml');
    writeFileSync(specFile, printed.stdout);
    r = await primesim(['run', specFile, '--runs', runs, '--run-id', 'viaspec', '--json', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { resultsSha256: string }).resultsSha256).toBe((JSON.parse(bt.stdout) as { resultsSha256: string }).resultsSha256);
    r = await primesim(['stress', '--list']);
    expect(r.stdout).toMatch(/crash-50x/);
    expect(r.stdout).toMatch(/basis-20240808/);
    r = await primesim(['stress', 'crash-50x', '--runs', runs, '--run-id', 'crash'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/liquidation steps \(strategy account \/ all\)\s+[1-9]/);
    expect(existsSync(join(work, 'reports'))).toBe(true); // the report goes under the current folder
    // run takes --set as stress does, and prints what stress prints (the chain's figures too).
    const lending = join(ROOT, 'scenarios', 'lending-liquidations.yaml');
    const [viaRun, viaStress] = await Promise.all([
      primesim(['run', lending, '--set', 'agents.0.borrowers.count=6', '--runs', runs, '--run-id', 'lend-run', '--no-report']),
      primesim(['stress', 'lending-liquidations', '--set', 'agents.0.borrowers.count=6', '--runs', runs, '--run-id', 'lend-stress'], work),
    ]);
    expect(viaRun.code, viaRun.stderr).toBe(0);
    const tables = (out: string) => out.slice(0, out.indexOf('\nrun:'));
    expect(tables(viaRun.stdout)).toMatch(/^chain +value\n[─ ]+\nblocks +100\n/);
    expect(tables(viaRun.stdout)).toBe(tables(viaStress.stdout));
    const spec = (JSON.parse(readFileSync(join(runs, 'lend-run', 'manifest.json'), 'utf8')) as { config: { agents: { borrowers?: { count: number } }[] } }).config;
    expect(spec.agents[0]!.borrowers!.count).toBe(6);
    expectOneLineError(await primesim(['run', lending, '--set', 'nope.x=1', '--runs', runs]), /field --set: nope\.x: a spec has no section nope \(sections: name, seed, time/);
    // stress --json prints the manifest, as run --json does.
    const json = await primesim(['stress', 'lending-liquidations', '--set', 'agents.0.borrowers.count=6', '--runs', runs, '--run-id', 'lend-json', '--json'], work);
    expect((JSON.parse(json.stdout) as { resultsSha256: string }).resultsSha256).toBe((JSON.parse(readFileSync(join(runs, 'lend-stress', 'manifest.json'), 'utf8')) as { resultsSha256: string }).resultsSha256);
  });

  it('npm run demo works from a fresh checkout layout (small dataset)', async () => {
    const r = await primesim(['demo', '--events', '150000'], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/report: .*\.html/);
    // Two runs side by side, one parameter apart, and the query that compares them.
    expect(r.stdout).toMatch(/spread 2 bps +spread 0\.5 bps/);
    const next = /next: +npx primesim (query .*)$/m.exec(r.stdout)![1]!;
    const args = next.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
    const q = await primesim(args, work);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toMatch(/param_spread_bps/);
    const m = /run: +(\S+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(existsSync(join(m![1]!, 'fills.arrow'))).toBe(true);
  });

  it('bars files: data validate checks them (a bad row is named, exit 1); data bars makes longer bars from them', async () => {
    if (!sharedDataAvailable()) return;
    const dir = mkdtempSync(join(tmpdir(), 'primesim-barscli-'));
    try {
      const file = join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv');
      let r = await primesim(['data', 'validate', file], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/bars, 45,031 good bars of 1 min, 2021-12-31T23:01:00\.000Z to 2022-02-01T05:31:00\.000Z, 0 bad rows, read to the end\nok: no problems found/);
      // Every bad row is listed (it stopped at the first); import refuses them, or leaves them out with --on-bad-row skip.
      writeFileSync(join(dir, 'bad.csv'), 'timestamp,open,high,low,close,volume\n2022-01-01T00:00:00Z,1,2,0.5,1.5,10\n2022-01-01T00:01:00Z,1.5,0.9,1,1.2,3\n2022-01-01T00:01:00Z,1.5,2,1,1.2,3\n2022-01-01T00:01:00Z,1.5,2,1,1.2,3\n2022-01-01T00:02:00Z,1.5,2,1,x,3\n2022-01-01T00:03:00Z,1.5,2,1,1.2,3\n');
      r = await primesim(['data', 'validate', 'bad.csv'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe([
        'bad.csv: bars, 3 good bars of 1 min, 2022-01-01T00:00:00.000Z to 2022-01-01T00:03:00.000Z, 3 bad rows, read to the end',
        '  bad.csv:3, field high: high 0.9 / low 1 do not bound open 1.5 and close 1.2',
        '  bad.csv:5, field timestamp: timestamp does not increase',
        '  bad.csv:6, field close: "x" is not a valid close',
        '(primesim data import --on-bad-row skip leaves them out)',
        '',
      ].join('\n'));
      // Every row bad: the rows say why (it said "no bars in the requested range").
      writeFileSync(join(dir, 'allbad.csv'), 'timestamp,open,high,low,close,volume\nx,1,1,1,1,1\n');
      r = await primesim(['data', 'validate', 'allbad.csv'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^allbad\.csv: bars, no good bar, 1 bad row\n {2}allbad\.csv:2, field timestamp: "x" is not a time/);
      r = await primesim(['data', 'import', 'bad.csv', '--out', 'badcat'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('primesim: DataError: bad.csv:3, field high: high 0.9 / low 1 do not bound open 1.5 and close 1.2 (--on-bad-row skip leaves bad rows out, counted in the manifest)');
      expect(existsSync(join(dir, 'badcat'))).toBe(false);
      // OHLC named but the time column under a name it does not know: the bars reader says which
      // column it needs (it said "unrecognised input format", listing order-book formats).
      writeFileSync(join(dir, 'when.csv'), 'when,open,high,low,close,volume\n2022-01-01T00:00:00Z,1,2,0.5,1.5,10\n');
      r = await primesim(['data', 'import', 'when.csv', '--out', 'whencat'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe("primesim: DataError: when.csv:1, field timestamp: bars header must have timestamp,open,high,low,close,volume (in any order; the time may be called time, date, datetime, open_time, open time, ts), or no header as Binance's kline files");
      r = await primesim(['data', 'import', 'bad.csv', '--out', 'badcat', '--on-bad-row', 'skip'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^badcat: 3 bars of 1 min, .*\nskipped 3 bad rows \(see manifest\.json skippedRows\)/);
      const sk = (JSON.parse(readFileSync(join(dir, 'badcat', 'manifest.json'), 'utf8')) as { skippedRows: { count: number; examples: string[] } }).skippedRows;
      expect(sk.count).toBe(3);
      expect(sk.examples[1]).toBe('bad.csv:5, field timestamp: timestamp does not increase');
      r = await primesim(['data', 'bars', file, '--interval', '1d', '--out', 'daily'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/daily: 33 bars of 1 d from the bars of/);
      // --out the catalog being read replaced it by its own aggregate (the daily bars lost): refused, also with --force.
      for (const force of [[], ['--force']]) {
        r = await primesim(['data', 'bars', 'daily', '--interval', '2d', '--out', 'daily/', ...force], dir);
        expect(r.code).toBe(1);
        expect(r.stderr.trim()).toBe('primesim: ConfigError: field --out: is the catalog the bars are read from: it would be replaced by its own aggregate (give another folder)');
      }
      // A catalog folder: its column files against their manifest (it said "is a folder, not a data file").
      r = await primesim(['data', 'validate', 'daily'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('daily: bars catalog, 33 rows, 6 column files\nok: every column file matches its size and sha256 in manifest.json\n');
      const close = join(dir, 'daily', 'close.f64');
      const bytes = readFileSync(close);
      bytes[9] = bytes[9]! ^ 1;
      writeFileSync(close, bytes);
      r = await primesim(['data', 'validate', 'daily'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\n {2}close\.f64: sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…\n1 of 6 column files changed since the catalog was written \(import it again\)\n$/);
      expectOneLineError(await primesim(['data', 'bars', file, '--interval', '90s', '--out', 'x'], dir), /--interval.*90 s is not a multiple of the bars' 60 s/);
      // Bar execution fixes the entry (the next open) and fills whole: entry latency and queue settings
      // are refused, not ignored; the response latency applies and reaches the spec.
      expectOneLineError(await primesim(['backtest', join(ROOT, 'strategies', 'sma-cross.ts'), '--data', file, '--latency-entry', '5ms'], dir), /field --latency-entry: does not apply to bars/);
      expectOneLineError(await primesim(['backtest', join(ROOT, 'strategies', 'sma-cross.ts'), '--data', file, '--queue', 'power:3'], dir), /field --queue: does not apply to bars/);
      r = await primesim(['backtest', join(ROOT, 'strategies', 'sma-cross.ts'), '--data', file, '--latency-response', '30s', '--print-spec'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/latency:\n\s+response: 30s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('data fit-liquidations: the calibration table on stdout and a report file; a bad --train-until is one line naming the flag', async () => {
    if (!sharedDataAvailable()) return;
    const dir = mkdtempSync(join(tmpdir(), 'primesim-fitliq-'));
    try {
      const file = join(SHARED, 'cex', 'ethusdt_quotes_liquidations_202101.csv');
      const r = await primesim(['data', 'fit-liquidations', file, '--train-until', '2021-01-16', '--days', '2021-01-11,2021-01-21', '--out', join(dir, 'fit.html')], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/hourly volume correlation, training \/ held out +0\.\d{3} \/ 0\.\d{3}/);
      expect(r.stdout).toMatch(/2021-01-21 \(held out\) longs real \/ model +87,784 \/ [\d,]+/);
      expect(r.stdout).toMatch(/2021-01-21 \(held out\) shorts real \/ model +6,504 \/ [\d,]+/);
      const html = readFileSync(join(dir, 'fit.html'), 'utf8');
      expect(html).toContain('<title>primesim liquidation fit');
      // Daily totals, longs per hour, shorts per hour, price.
      expect((html.match(/<svg/g) ?? []).length).toBe(4);
      expect(html).toContain('Volume on chosen days');
      // Without --days: the three days of largest real volume on each side of the split, summed
      // here from the file's own minutes (longs + shorts by UTC day).
      const byDay = new Map<string, number>();
      for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
        const [ts, , , long, short] = line.split(',').map(Number);
        const day = new Date(ts! / 1000).toISOString().slice(0, 10);
        byDay.set(day, (byDay.get(day) ?? 0) + long! + short!);
      }
      const top = (held: boolean) => [...byDay].filter(([d]) => (d >= '2021-01-16') === held).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([d]) => d);
      const busiest = [...top(false), ...top(true)].sort();
      const dflt = await primesim(['data', 'fit-liquidations', file, '--train-until', '2021-01-16', '--out', join(dir, 'busiest.html')], dir);
      expect(dflt.code, dflt.stderr).toBe(0);
      expect([...new Set([...dflt.stdout.matchAll(/^(\d{4}-\d\d-\d\d) \((?:training|held out)\) longs/gm)].map((m) => m[1]))]).toEqual(busiest);
      expect(readFileSync(join(dir, 'busiest.html'), 'utf8')).toContain('Volume on the busiest days');
      // A misspelt day or one outside the file compared nothing (a row of zeros): refused.
      expectOneLineError(await primesim(['data', 'fit-liquidations', file, '--days', '2021-02-30', '--out', join(dir, 'y.html')], dir), /field --days: "2021-02-30" is not a day/);
      expectOneLineError(await primesim(['data', 'fit-liquidations', file, '--days', '2021-02-03', '--out', join(dir, 'y.html')], dir), /field --days: 2021-02-03 is outside the file \(2021-01-01 to 2021-01-30\)/);
      // Run again: the earlier report is replaced (it is a primesim report), not refused.
      const again = await primesim(['data', 'fit-liquidations', file, '--train-until', '2021-01-16', '--days', '2021-01-11', '--out', join(dir, 'fit.html')], dir);
      expect(again.code, again.stderr).toBe(0);
      expectOneLineError(await primesim(['data', 'fit-liquidations', file, '--train-until', 'someday', '--out', join(dir, 'x.html')], dir), /--train-until/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backtest --from/--to runs a window of a bars file (an out-of-sample split): its bars only, errors name the flag', async () => {
    if (!sharedDataAvailable()) return;
    const file = join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv');
    const runs = join(work, 'window-runs');
    const from = Date.parse('2022-01-15T00:00:00Z') * 1000;
    const to = Date.parse('2022-01-22T00:00:00Z') * 1000;
    // The bars in [from, to), counted from the CSV itself.
    const inWindow = readFileSync(file, 'utf8').trim().split('\n').slice(1).filter((l) => {
      const us = Date.parse(l.split(',')[0]!.replace(' ', 'T') + 'Z') * 1000;
      return us >= from && us < to;
    }).length;
    const r = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', file, '--from', '2022-01-15', '--to', '2022-01-22T00:00:00Z', '--runs', runs, '--run-id', 'oos', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as { counts: { rows: number }; config: { from: string; to: string } };
    expect(m.counts.rows).toBe(inWindow);
    expect(m.config.from).toBe('2022-01-15');
    const q = await primesim(['query', join(runs, 'oos'), 'select min(ts_us) as a, max(ts_us) as b from fills']);
    expect(q.code, q.stderr).toBe(0);
    const [a, b] = q.stdout.split('\n')[2]!.trim().split(/\s+/).map(Number);
    expect(a).toBeGreaterThanOrEqual(from);
    expect(b).toBeLessThan(to);
    const bad = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', file, '--from', '2022-01-20', '--to', '2022-01-10', '--runs', runs]);
    expectOneLineError(bad, /field --to: 2022-01-10 is not after from 2022-01-20/);
    const none = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', file, '--from', '2023-01-01', '--runs', runs]);
    // The span the data has, so the user sees whether the window or the file is wrong.
    expectOneLineError(none, /field --from: no bars in the requested range \(the data has bars from 2021-12-31T23:01:00Z to 2022-02-01T05:31:00Z\)/);
    const early = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', file, '--to', '2021-01-01', '--runs', runs]);
    expectOneLineError(early, /field --to: no bars in the requested range \(the data has bars from 2021-12-31T23:01:00Z/);
    writeTinyDataset(join(work, 'tiny'), 3, 2000);
    const cat = await primesim(['backtest', 'strategies/market-maker.ts', '--data', join(work, 'tiny'), '--from', '2024-08-09', '--runs', runs]);
    expectOneLineError(cat, /field --from: a time window applies to bars data/);
  });
});
