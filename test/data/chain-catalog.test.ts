/**
 * Chain history imported into catalogs: Uniswap v3 raw logs and decoded events (the same columns,
 * equal event by event), Chainlink rounds (exact integer answers), Aave parameters, the CEX
 * liquidation-volume file; every column hashed and checked when read back; bad rows named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Interface } from '@ethersproject/abi';
import { aaveEventsFromCatalog, importChainFile, readChainCatalog, v3EventsFromCatalog } from '../../src/data/chain-catalog.ts';
import { readAaveEventsCsv, readAaveRawLogsCsv, type AaveEvent } from '../../src/data/readers/aave-events.ts';
import { readV3EventsCsv, readV3RawLogsCsv } from '../../src/data/readers/uniswap-v3-day.ts';
import { readAaveReserveParams } from '../../src/data/readers/aave-params.ts';
import { SHARED, sharedDataAvailable } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-chaincat-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const V3 = (f: string) => join(SHARED, 'chain', 'uniswap-v3', f);

describe('chain catalogs', () => {
  it('raw logs and decoded events import to the same events, exact integers kept', () => {
    if (!sharedDataAvailable()) return;
    const raw = importChainFile(V3('usdc-weth-005_20240105.raw.csv'), join(root, 'raw'));
    const dec = importChainFile(V3('usdc-weth-005_20240105.events.csv'), join(root, 'dec'));
    expect(raw.kind).toBe('uniswap-v3-events');
    expect(raw.provenance.layout).toBe('raw-logs');
    expect(dec.provenance.layout).toBe('decoded-events');
    expect(raw.rows).toBe(6234);
    const a = v3EventsFromCatalog(join(root, 'raw'));
    const b = v3EventsFromCatalog(join(root, 'dec'));
    // Equal to the readers' own events (the catalog loses nothing) …
    expect(a).toEqual(readV3RawLogsCsv(V3('usdc-weth-005_20240105.raw.csv')));
    expect(b).toEqual(readV3EventsCsv(V3('usdc-weth-005_20240105.events.csv')));
    // … and raw equals decoded on what both carry.
    const key = (e: (typeof a)[number]) => `${e.block}:${e.logIndex}:${e.kind}:${e.amount0}:${e.amount1}:${e.tickLower ?? ''}:${e.tickUpper ?? ''}:${e.kind === 'swap' ? `${e.sqrtPriceX96}:${e.tick}:${e.poolLiquidity}` : ''}`;
    expect(a.map(key)).toEqual(b.map(key));
  });

  it('oracle rounds keep the exact answers; Aave parameters and liquidation volume read back', () => {
    if (!sharedDataAvailable()) return;
    const r = importChainFile(join(SHARED, 'chain', 'chainlink', 'husd-eth_rounds.txt'), join(root, 'husd'));
    expect(r.kind).toBe('oracle-rounds');
    const c = readChainCatalog(join(root, 'husd'), 'oracle-rounds');
    const first = readFileSync(join(SHARED, 'chain', 'chainlink', 'husd-eth_rounds.txt'), 'utf8').split('\n').find((l) => l.trim() && !l.startsWith('#'))!.split(/\s+/);
    expect(c.text('round_id')[0]).toBe(first[0]);
    expect(c.text('answer')[0]).toBe(first[1]);
    expect(c.f64('updated_us')[0]).toBe(Number(first[3]) * 1e6);
    const aave = join(SHARED, 'chain', 'aave', 'risk-parameters-20250319', 'aave_v3_ethereum.csv');
    importChainFile(aave, join(root, 'aave'));
    const p = readChainCatalog(join(root, 'aave'), 'aave-params');
    const want = readAaveReserveParams(aave);
    expect(p.text('symbol')).toEqual(want.map((x) => x.symbol));
    expect(Array.from(p.f64('liquidation_threshold_bps'))).toEqual(want.map((x) => x.liquidationThresholdBps));
    const liq = importChainFile(join(SHARED, 'cex', 'ethusdt_quotes_liquidations_202101.csv'), join(root, 'liq'));
    expect(liq.kind).toBe('liquidation-volume');
    expect(liq.rows).toBe(43_173);
    const l = readChainCatalog(join(root, 'liq'));
    expect(l.f64('liquidated_long')[0]).toBe(51.95);
    expect(l.f64('ask')[0]).toBeCloseTo(730.8601369863013, 12);
  });

  // Every 2023-09-11 snapshot (the percent layout, header `…;liqThereshold;…`) was "unrecognised input format".
  it('Aave parameter snapshots import in both layouts, every one of the shared files', async () => {
    if (!sharedDataAvailable()) return;
    const { readdirSync } = await import('node:fs');
    for (const day of ['risk-parameters-20230911', 'risk-parameters-20250319']) {
      for (const f of readdirSync(join(SHARED, 'chain', 'aave', day)).filter((x) => x.endsWith('.csv'))) {
        const file = join(SHARED, 'chain', 'aave', day, f);
        const m = importChainFile(file, join(root, `${day}-${f}`));
        expect(m.kind, f).toBe('aave-params');
        expect(m.provenance.layout, f).toBe(day.endsWith('20230911') ? 'percent' : 'raw');
        const p = readChainCatalog(join(root, `${day}-${f}`), 'aave-params');
        expect(p.text('symbol'), f).toEqual(readAaveReserveParams(file).map((x) => x.symbol));
      }
    }
  });

  it('`data validate` checks chain files row by row as an import would (it called them an unknown format)', async () => {
    if (!sharedDataAvailable()) return;
    const { primesim } = await import('../helpers/cli.ts');
    const ok = await primesim(['data', 'validate', join(SHARED, 'chain', 'chainlink', 'usdc-usd_depeg_20230312.csv')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/usdc-usd_depeg_20230312\.csv: oracle-rounds \(getRoundData-csv\), 400 rows, read to the end\nok: no problems found/);
    const bad = join(root, 'bad-rounds.csv');
    const lines = readFileSync(join(SHARED, 'chain', 'chainlink', 'usdc-usd_depeg_20230312.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.split(',').map((c, i) => (i === 1 ? 'x' : c)).join(',');
    writeFileSync(bad, lines.join('\n'));
    const r = await primesim(['data', 'validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad-rounds\.csv: chain history, stopped at the first bad row\n {2}.*bad-rounds\.csv:4/);
  });

  it('a flipped byte is caught on read; bad rows name file, line and field', () => {
    if (!sharedDataAvailable()) return;
    importChainFile(join(SHARED, 'chain', 'chainlink', 'usdc-usd_rounds.csv'), join(root, 'usdc'));
    const f = join(root, 'usdc', 'updated_us.f64');
    const buf = readFileSync(f);
    buf[9] = buf[9]! ^ 1;
    writeFileSync(f, buf);
    expect(() => readChainCatalog(join(root, 'usdc')).f64('updated_us')).toThrow(/sha256/);
    // A truncated hex field in a raw log.
    const lines = readFileSync(V3('usdc-weth-005_20240105.raw.csv'), 'utf8').split('\n');
    lines[5] = lines[5]!.replace(/,0x([0-9a-f]+)$/, (_m, h: string) => `,0x${h.slice(0, 61)}`);
    const bad = join(root, 'bad.raw.csv');
    writeFileSync(bad, lines.join('\n'));
    expect(() => importChainFile(bad, join(root, "bad"))).toThrow(/bad\.raw\.csv:6, field data: v3Swap log does not decode/);
    // A block number going backwards, in the raw logs and in the decoded events.
    const rl = readFileSync(V3('usdc-weth-005_20240105.raw.csv'), 'utf8').split('\n');
    [rl[20], rl[40]] = [rl[40]!, rl[20]!];
    writeFileSync(join(root, 'swapped.raw.csv'), rl.join('\n'));
    expect(() => importChainFile(join(root, 'swapped.raw.csv'), join(root, 'x1'))).toThrow(/swapped\.raw\.csv:\d+, field block_number: log out of order/);
    const dl = readFileSync(V3('usdc-weth-005_20240105.events.csv'), 'utf8').split('\n');
    [dl[20], dl[40]] = [dl[40]!, dl[20]!];
    writeFileSync(join(root, 'swapped.events.csv'), dl.join('\n'));
    expect(() => importChainFile(join(root, 'swapped.events.csv'), join(root, 'x2'))).toThrow(/swapped\.events\.csv:\d+, field block_number: event out of order/);
    // A Chainlink round going back in time within its phase (a new phase may restart earlier: the real files do).
    const cl = readFileSync(join(SHARED, 'chain', 'chainlink', 'tusd-usd_rounds.csv'), 'utf8').split('\n');
    const firstData = cl.findIndex((l) => /^\d/.test(l));
    [cl[firstData + 3], cl[firstData + 4]] = [cl[firstData + 4]!, cl[firstData + 3]!];
    writeFileSync(join(root, 'back.csv'), cl.join('\n'));
    expect(() => importChainFile(join(root, 'back.csv'), join(root, 'x3'))).toThrow(/back\.csv:\d+, field updatedAt: round goes back in time/);
    // A log of another contract inside a pool's logs: named by its topic (the file is a pool's by
    // its first log; Aave logs on their own import as an Aave catalog).
    const mixed = readFileSync(V3('usdc-weth-005_20240105.raw.csv'), 'utf8').split('\n');
    mixed[9] = mixed[9]!.replace(/\['0x[0-9a-f]{64}'/, "['0x804c9b842b2748a22bb64b345453a3de7ca54a6ca45ce00d415894979e22897a'");
    writeFileSync(join(root, 'mixed.raw.csv'), mixed.join('\n'));
    expect(() => importChainFile(join(root, 'mixed.raw.csv'), join(root, 'x4'))).toThrow(/mixed\.raw\.csv:10, field (topics: not a Uniswap v3 pool event|data)/);
    // A liquidation-volume row going back in time.
    const lv = readFileSync(join(SHARED, 'cex', 'ethusdt_quotes_liquidations_202101.csv'), 'utf8').split('\n').slice(0, 6);
    [lv[3], lv[4]] = [lv[4]!, lv[3]!];
    const badLv = join(root, 'bad-liq.csv');
    writeFileSync(badLv, lv.join('\n'));
    expect(() => importChainFile(badLv, join(root, 'bad-liq'))).toThrow(/line 5.*timestamp_x|timestamp_x/);
  });
});

describe.skipIf(!sharedDataAvailable())('Aave v3 event catalogs (Polygon, 2024-01-06)', () => {
  const AAVE = (f: string) => join(SHARED, 'chain', 'aave', 'polygon-events-20240106', f);
  const ABI = new Interface([
    'event Supply(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint16 indexed referralCode)',
    'event Withdraw(address indexed reserve, address indexed user, address indexed to, uint256 amount)',
    'event Borrow(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint8 interestRateMode, uint256 borrowRate, uint16 indexed referralCode)',
    'event Repay(address indexed reserve, address indexed user, address indexed repayer, uint256 amount, bool useATokens)',
    'event ReserveDataUpdated(address indexed reserve, uint256 liquidityRate, uint256 stableBorrowRate, uint256 variableBorrowRate, uint256 liquidityIndex, uint256 variableBorrowIndex)',
  ]);

  for (const asset of ['usdc', 'weth']) {
    it(`${asset}: raw logs and the decoded CSV agree field by field; ethers decodes the raw logs to the same values; the catalog round-trips`, () => {
      const raw = readAaveRawLogsCsv(AAVE(`${asset}.raw.csv`));
      const dec = readAaveEventsCsv(AAVE(`${asset}.events.csv`));
      const actions = raw.filter((e) => e.kind !== 'reserve_data_updated');
      expect(actions.length).toBe(dec.length);
      // The decoded file's `owner` of a withdrawal is its recipient (`to`); the raw log has both.
      const key = (e: AaveEvent) => [e.block, e.tsUs, e.tx, e.logIndex, e.kind, e.reserve, e.kind === 'withdraw' && e.recipient !== undefined ? e.recipient : e.owner, e.amount];
      expect(actions.map(key)).toEqual(dec.map(key));
      // Every action is preceded in its transaction by its reserve's ReserveDataUpdated (Aave updates state first).
      expect(raw.filter((e) => e.kind === 'reserve_data_updated').length).toBeGreaterThanOrEqual(actions.length);
      // An independent decoder (ethers) on the raw text.
      const lines = readFileSync(AAVE(`${asset}.raw.csv`), 'utf8').trim().split('\n').slice(1);
      lines.forEach((l, i) => {
        const topics = /"\[(.*)\]"/.exec(l)![1]!.match(/0x[0-9a-f]{64}/g)!;
        const data = /,(0x[0-9a-f]*)$/.exec(l)![1]!;
        const p = ABI.parseLog({ topics, data });
        const e = raw[i]!;
        const big = (x: { toString(): string }) => BigInt(x.toString());
        expect((p.args.reserve as string).toLowerCase()).toBe(e.reserve);
        if (p.name === 'ReserveDataUpdated') expect([big(p.args.liquidityRate), big(p.args.variableBorrowRate), big(p.args.liquidityIndex), big(p.args.variableBorrowIndex)]).toEqual([e.liquidityRate, e.variableBorrowRate, e.liquidityIndex, e.variableBorrowIndex]);
        else {
          expect(big(p.args.amount)).toBe(e.amount);
          const owner = (p.name === 'Supply' || p.name === 'Borrow' ? p.args.onBehalfOf : p.args.user) as string;
          expect(owner.toLowerCase()).toBe(e.owner);
        }
      });
      const out = join(root, `aave-${asset}`);
      const m = importChainFile(AAVE(`${asset}.raw.csv`), out);
      expect([m.kind, m.provenance.layout, m.rows]).toEqual(['aave-v3-events', 'raw-logs', raw.length]);
      expect(aaveEventsFromCatalog(out).map((e) => ({ ...e }))).toEqual(raw.map((e) => ({ ...e })));
      const m2 = importChainFile(AAVE(`${asset}.events.csv`), join(root, `aave-${asset}-dec`));
      expect([m2.kind, m2.provenance.layout, m2.rows]).toEqual(['aave-v3-events', 'decoded-events', dec.length]);
    });
  }

  it('bad Aave logs fail with file, line and field: truncated data, an unknown topic, a block going backwards', () => {
    const lines = readFileSync(AAVE('weth.raw.csv'), 'utf8').trim().split('\n');
    const write = (name: string, body: string[]) => {
      const f = join(root, name);
      writeFileSync(f, [lines[0]!, ...body].join('\n') + '\n');
      return f;
    };
    const truncated = lines[3]!.replace(/,(0x[0-9a-f]*)$/, (_m, d: string) => `,${d.slice(0, d.length - 10)}`);
    expect(() => readAaveRawLogsCsv(write('t.csv', [lines[1]!, lines[2]!, truncated]))).toThrow(/t\.csv:4, field data/);
    const unknown = lines[2]!.replace(/\['0x[0-9a-f]{64}'/, `['0x${'ab'.repeat(32)}'`);
    expect(() => readAaveRawLogsCsv(write('u.csv', [lines[1]!, unknown]))).toThrow(/u\.csv:3, field topics: not an Aave v3 pool event/);
    expect(() => readAaveRawLogsCsv(write('b.csv', [lines[5]!, lines[2]!]))).toThrow(/b\.csv:3, field block_number/);
  });
});
