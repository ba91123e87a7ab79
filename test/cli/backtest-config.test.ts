import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBacktest } from '../../src/cli/cmd-backtest.ts';
import { intArg, numArg } from '../../src/cli/format.ts';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

const work = mkdtempSync(join(tmpdir(), 'primesim-btcfg-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BARS = join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv');

/**
 * Every backtest setting, as a flag and as the config file's key, with a value that differs from
 * its default, on bars data (`flag` → [config key, YAML value, CLI value]). Settings that do not
 * shape the run spec (output, printing) are listed apart; a new flag in neither list fails the test.
 */
const SETTINGS: Record<string, [string, string, string]> = {
  '--instrument': ['instrument', 'binance-futures:ETHUSDT', 'binance-futures:ETHUSDT'],
  '--slippage-bps': ['slippageBps', '7', '7'],
  '--from': ['from', '2022-01-02', '2022-01-02'],
  '--to': ['to', '2022-01-05', '2022-01-05'],
  '--seed': ['seed', '9', '9'],
  '--param': ['params', '{ fast: "7" }', 'fast=7'],
  '--latency-response': ['latencyResponse', '3ms', '3ms'],
  '--fees': ['fees', '"1:3"', '1:3'],
  '--funding': ['funding', '0.0001@8h', '0.0001@8h'],
  '--capital': ['capital', '5000', '5000'],
  '--leverage': ['leverage', '10', '10'],
  '--equity-interval': ['equityInterval', '5m', '5m'],
};
/** Tick-data settings (refused on bars) and settings that do not change the spec. */
const NOT_ON_BARS = ['--latency-entry', '--feed-latency', '--queue'];
const OUTSIDE_SPEC = ['--config', '--data', '--runs', '--run-id', '--force', '--json', '--print-spec', '--list-params', '--help'];

describe('backtest --config', () => {
  it('lists every flag of the command (a new one must say how a config file sets it)', () => {
    const program = new Command();
    registerBacktest(program);
    const flags = program.commands.find((c) => c.name() === 'backtest')!.options.map((o) => o.long!);
    expect(flags.filter((f) => !(f in SETTINGS) && !NOT_ON_BARS.includes(f) && !OUTSIDE_SPEC.includes(f) && f !== '--debug')).toEqual([]);
  });

  // `instrument` and `slippageBps` in a config file were ignored: the command took its flags' defaults.
  it.skipIf(!sharedDataAvailable())('a setting in the config file gives the same run spec as its flag', async () => {
    const strat = 'strategies/sma-cross.ts';
    const cases = await Promise.all(
      Object.entries(SETTINGS).map(async ([flag, [key, yaml, cli]]) => {
        const cfg = join(work, `${key}.yaml`);
        writeFileSync(cfg, `strategy: ${strat}\ndata: ${BARS}\n${key}: ${yaml}\n`);
        const viaFile = await primesim(['backtest', '--config', cfg, '--print-spec']);
        const viaFlag = await primesim(['backtest', strat, '--data', BARS, flag, cli, '--print-spec']);
        const plain = await primesim(['backtest', strat, '--data', BARS, '--print-spec']);
        return { flag, viaFile, viaFlag, plain };
      }),
    );
    for (const { flag, viaFile, viaFlag, plain } of cases) {
      expect(viaFlag.code, `${flag}: ${viaFlag.stderr}`).toBe(0);
      expect(viaFile.code, `${flag}: ${viaFile.stderr}`).toBe(0);
      // The value changes the spec (else this case would prove nothing), and the file says what the flag says.
      expect(viaFlag.stdout, flag).not.toBe(plain.stdout);
      expect(viaFile.stdout, flag).toBe(viaFlag.stdout);
    }
  });

  // They were ignored: the run went on with the catalog's instrument and its book's prices.
  it('the bars-only settings are refused on a catalog, as flags and in the file', async () => {
    const ds = join(work, 'tiny');
    writeTinyDataset(ds, 3, 2000);
    const cfg = join(work, 'tick.yaml');
    writeFileSync(cfg, `strategy: strategies/market-maker.ts\ndata: ${ds}\nslippageBps: 5\n`);
    const [slip, inst, file] = await Promise.all([
      primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--slippage-bps', '5', '--runs', join(work, 'runs')]),
      primesim(['backtest', 'strategies/market-maker.ts', '--data', ds, '--instrument', 'bybit:BTCUSDT', '--runs', join(work, 'runs')]),
      primesim(['backtest', '--config', cfg, '--runs', join(work, 'runs')]),
    ]);
    expect(slip.code).not.toBe(0);
    expect(slip.stderr.trim()).toBe('primesim: ConfigError: field --slippage-bps: applies to bars data: on a catalog, fills take the book as it is (its depth, the queue model)');
    expect(inst.stderr.trim()).toBe("primesim: ConfigError: field --instrument: applies to bars data: a catalog's instrument is in its manifest");
    expect(file.stderr.trim()).toMatch(/field --slippage-bps: applies to bars data/);
  });

  // The library's check named its config key (`field capital`), and a sweep ran every point to
  // fail each on the same flag before saying "every run of the sweep failed".
  it('a value out of range names its flag, in a backtest and in a sweep before any run', async () => {
    const tiny = join(work, 'tiny-range');
    writeTinyDataset(tiny, 3, 2000);
    const runs = join(work, 'range-runs');
    const [cap, slip, sweep] = await Promise.all([
      primesim(['backtest', 'strategies/market-maker.ts', '--data', tiny, '--capital', '-5', '--runs', runs]),
      primesim(['backtest', 'strategies/sma-cross.ts', '--data', BARS, '--slippage-bps', '-1', '--runs', runs]),
      primesim(['sweep', 'strategies/market-maker.ts', '--data', tiny, '--grid', 'spreadBps=1,2', '--capital', '0', '--runs', runs]),
    ]);
    expect(cap.stderr.trim()).toBe('primesim: ConfigError: field --capital: Too small: expected number to be >0');
    expect(sweep.stderr.trim()).toBe('primesim: ConfigError: field --capital: Too small: expected number to be >0');
    if (sharedDataAvailable()) expect(slip.stderr.trim()).toBe('primesim: ConfigError: field --slippage-bps: Too small: expected number to be >=0');
    for (const r of [cap, slip, sweep]) expect(r.code).not.toBe(0);
    expect(existsSync(runs)).toBe(false);
  });

  // A bare number where a duration goes ("expected string, received number"); a spec grid of one
  // ran its good points first.
  it('a duration without a unit says so, at its file line, its flag or its grid point, before any run', async () => {
    const tiny = join(work, 'tiny-dur');
    writeTinyDataset(tiny, 3, 2000);
    const cfg = join(work, 'dur.yaml');
    writeFileSync(cfg, `strategy: strategies/market-maker.ts\ndata: ${tiny}\nequityInterval: 60\n`);
    const runs = join(work, 'dur-runs');
    const [file, grid] = await Promise.all([
      primesim(['backtest', '--config', cfg, '--runs', runs]),
      primesim(['sweep', 'scenarios/crash-50x.yaml', '--grid', 'venues.perp.latency.entry=1ms,5', '--runs', runs]),
    ]);
    expect(file.stderr.trim()).toBe(`primesim: ConfigError: ${cfg}:3, field equityInterval: duration "60" needs a unit (e.g. 500us, 2ms, 1s, 5m, 8h, 1d)`);
    expect(grid.stderr.trim()).toBe('primesim: ConfigError: field --grid venues.perp.latency.entry=5: duration "5" needs a unit (e.g. 500us, 2ms, 1s, 5m, 8h, 1d)');
    for (const r of [file, grid]) expect(r.code).not.toBe(0);
    expect(existsSync(runs)).toBe(false);
  });

  // parseInt read `--seed 1.5` as 1 and `--paths 7x` as 7; Number read `--capital abc` as NaN.
  it('numeric flags take only the number they say: one line naming the flag otherwise', async () => {
    expect(intArg('--seed')('42')).toBe(42);
    expect(intArg('--seed')('-3')).toBe(-3);
    expect(numArg('--capital')('2.5e4')).toBe(25_000);
    for (const v of ['1.5', '7x', '', ' ', 'abc', '1e400']) expect(() => intArg('--seed')(v), v).toThrow(/^field --seed: ".*" is not a whole number$/);
    for (const v of ['abc', '', 'Infinity', '5k']) expect(() => numArg('--capital')(v), v).toThrow(/^field --capital: ".*" is not a number$/);
    const [seed, paths] = await Promise.all([
      primesim(['backtest', 'strategies/sma-cross.ts', '--data', BARS, '--seed', '1.5']),
      primesim(['mc', 'scenarios/mc-cascade.yaml', '--paths', '7x']),
    ]);
    expect(seed.stderr.trim()).toBe('primesim: ConfigError: field --seed: "1.5" is not a whole number');
    expect(paths.stderr.trim()).toBe('primesim: ConfigError: field --paths: "7x" is not a whole number');
  });
});
