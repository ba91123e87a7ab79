import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestSpec, parseBacktestConfig, runBacktest } from '../../src/backtest/run.ts';
import { writeBarsCatalog } from '../../src/data/bars-catalog.ts';
import { barsInstrument, leanBarsId } from '../../src/data/bars-instrument.ts';
import { readBars } from '../../src/data/readers/bars.ts';
import { queryRuns } from '../../src/results/query.ts';
import { primesim, SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'primesim-barsinst-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const LEAN = join(SHARED, 'lean');
const BYBIT = join(LEAN, 'cryptofuture_bybit_minute_btcusdt_20221213_trade.zip');
const COINM = join(LEAN, 'cryptofuture_binance_minute_btcusd_20221213_trade.zip');
const STRAT = join(import.meta.dirname, '..', '..', 'strategies', 'sma-cross.ts');

describe('the instrument a bars file names', () => {
  it("reads LEAN's layout, as a tree or with its segments joined by _", () => {
    expect(leanBarsId('/data/cryptofuture/bybit/minute/btcusdt/20221213_trade.zip')).toEqual({ securityType: 'cryptofuture', market: 'bybit', symbol: 'btcusdt', instrument: 'bybit:BTCUSDT' });
    expect(leanBarsId(BYBIT)?.instrument).toBe('bybit:BTCUSDT');
    expect(leanBarsId(join(LEAN, 'cryptofuture_bybit_minute_btcusdt_20221213_quote.zip'))?.instrument).toBe('bybit:BTCUSDT');
    // LEAN's Binance cryptofuture `btcusd` is the coin-margined perpetual; `…usdt` the USDⓈ-M one.
    expect(leanBarsId(COINM)?.instrument).toBe('binance-delivery:BTCUSD_PERP');
    expect(leanBarsId('Data/cryptofuture/binance/minute/ethusdt/20221213_trade.zip')?.instrument).toBe('binance-futures:ETHUSDT');
    expect(leanBarsId('Data/crypto/binance/minute/btcusdt/20221213_trade.zip')?.instrument).toBe('binance:BTCUSDT');
    // Not LEAN's layout: nothing is named.
    expect(leanBarsId(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv'))).toBeUndefined();
    expect(leanBarsId('/data/crypto_notes/minute.csv')).toBeUndefined();
  });

  it.skipIf(!sharedDataAvailable())('a bars catalog imported from a LEAN file names what the file names', () => {
    const cat = join(work, 'bybit-cat');
    writeBarsCatalog(cat, readBars(BYBIT), { source: BYBIT, builtWith: 'test' });
    expect(barsInstrument(cat)?.instrument).toBe('bybit:BTCUSDT');
    const plain = join(work, 'plain-cat');
    writeBarsCatalog(plain, readBars(join(SHARED, 'bars', 'btc-perp-20211231-20220201_1m.csv')), { source: 'btc-perp.csv', builtWith: 'test' });
    expect(barsInstrument(plain)).toBeUndefined();
  });

  it.skipIf(!sharedDataAvailable())("a backtest on Bybit's LEAN bars trades Bybit's contract: at zero slippage entries fill one 0.5 tick above the next open (the laid book's one-tick spread), exits at it", async () => {
    // It ran as binance-futures:BTCUSDT (tick 0.1): entries 0.1 above the open, on a venue named binance-futures.
    const r = await runBacktest({ strategy: STRAT, data: BYBIT, runsDir: join(work, 'runs'), runId: 'bybit', fees: '0:0' });
    const venues = (r.manifest as unknown as { venues: { id: string; instrument: string }[] }).venues;
    expect(venues.map((v) => [v.id, v.instrument])).toEqual([['bybit', 'bybit:BTCUSDT']]);
    const b = readBars(BYBIT);
    const openAt = new Map(Array.from(b.tsUs, (t, i) => [t, b.open[i]!]));
    const fills = (await queryRuns([r.dir], 'SELECT f.ts_us, f.price, o.tag FROM fills f JOIN orders o USING (order_id) ORDER BY f.ts_us')).rows;
    expect(fills.length).toBeGreaterThan(10);
    for (const [ts, price, tag] of fills) {
      // Orders decided at a close (1 µs before the next bar) reach the venue at the next bar's open.
      const open = openAt.get(Number(ts))!;
      expect(Number(price)).toBe(tag === 'enter' ? open + 0.5 : open);
    }
    // An explicit instrument wins over the file's.
    const spec = backtestSpec(parseBacktestConfig({ strategy: STRAT, data: BYBIT, instrument: 'binance-futures:BTCUSDT' }));
    expect(JSON.stringify(spec.venues)).toMatch(/"instrument":"binance-futures:BTCUSDT"/);
    // Binance's COIN-M file is the inverse perpetual without saying so.
    expect(JSON.stringify(backtestSpec(parseBacktestConfig({ strategy: STRAT, data: COINM })).venues)).toMatch(/"instrument":"binance-delivery:BTCUSD_PERP"/);
  });

  it.skipIf(!sharedDataAvailable())('a spec takes the instrument from the file; a LEAN market primesim does not know is an error naming the file', async () => {
    const dir = join(work, 'lean', 'cryptofuture', 'okx', 'minute', 'ethusdt');
    mkdirSync(dir, { recursive: true });
    copyFileSync(BYBIT, join(dir, '20221213_trade.zip'));
    const spec = join(work, 'spec.yaml');
    writeFileSync(spec, `venues:\n  - id: p\n    kind: perp\n    data: { bars: { file: ${BYBIT}, execution: bar } }\naccounts:\n  - { id: a, deposits: { USDT: 1000 }, margin: cross }\n`);
    let r = await primesim(['run', spec, '--runs', join(work, 'runs'), '--run-id', 'spec-bybit', '--json'], work);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { instrument: { venue: string; tickSize: string } }).instrument).toMatchObject({ venue: 'bybit', tickSize: '0.5' });
    writeFileSync(spec, `venues:\n  - id: p\n    kind: perp\n    data: { bars: { file: lean/cryptofuture/okx/minute/ethusdt/20221213_trade.zip, execution: bar } }\naccounts:\n  - { id: a, deposits: { USDT: 1000 }, margin: cross }\n`);
    r = await primesim(['run', spec, '--runs', join(work, 'runs'), '--run-id', 'spec-okx'], work);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^primesim: ConfigError: .*spec\.yaml:4, field venues\[0\]\.data\.bars\.instrument: .*ethusdt\/20221213_trade\.zip holds LEAN cryptofuture bars of okx ethusdt: okx:ETHUSDT is not a known instrument \(set instrument, one of .*bybit:BTCUSDT\)$/);
  });

  // Bars built from a trades catalog ran as binance-futures:BTCUSDT whatever the catalog traded
  // (BitMEX's inverse XBTUSD as a linear contract, Hyperliquid's BTC with Binance's tick).
  it.skipIf(!sharedDataAvailable())("bars built from a catalog's trades trade that catalog's contract, even one primesim does not list (Hyperliquid BTC, BitMEX's inverse XBTUSD)", async () => {
    const runs = join(work, 'runs');
    for (const [capture, id, kind, settle] of [
      [join(SHARED, 'hyperliquid', 'hyperliquid_btcusd_20250126.gz'), 'hyperliquid:BTC', 'linear', 'USDC'],
      [join(SHARED, 'tardis', 'bitmex_trades_XBTUSD.csv'), 'bitmex:XBTUSD', 'inverse', 'BTC'],
    ] as const) {
      const name = id.replace(':', '-');
      let r = await primesim(['data', 'import', capture, '--out', join(work, name)], work);
      expect(r.code, r.stderr).toBe(0);
      r = await primesim(['data', 'bars', join(work, name), '--interval', '1s', '--out', join(work, `${name}-bars`)], work);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`(${id})`);
      const trades = JSON.parse(readFileSync(join(work, name, 'manifest.json'), 'utf8')) as { instrument: unknown };
      const bars = JSON.parse(readFileSync(join(work, `${name}-bars`, 'manifest.json'), 'utf8')) as { instrument: unknown };
      expect(bars.instrument).toEqual(trades.instrument);
      r = await primesim(['backtest', 'strategies/sma-cross.ts', '--data', join(work, `${name}-bars`), '--param', 'fast=2', '--param', 'slow=3', '--runs', runs, '--run-id', name, '--json'], work);
      expect(r.code, r.stderr).toBe(0);
      const m = JSON.parse(r.stdout) as { instrument: { kind: string; settle: string }; venues: { instrument: string }[] };
      expect(m.venues.map((v) => v.instrument)).toEqual([id]);
      expect(m.instrument).toEqual(trades.instrument);
      expect([m.instrument.kind, m.instrument.settle]).toEqual([kind, settle]);
    }
  });
});
