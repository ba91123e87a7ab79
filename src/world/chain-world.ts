/**
 * The chain part of a world: one chain (slots, EIP-1559 base fee, public mempool gossiped to the
 * adversaries, private relay, finality), the AMM pools and lending markets that live on it, oracle
 * feeds that follow the world's CEX venues, MEV adversaries and liquidation searchers, seeded
 * borrowers, and the strategies' pool ports. Wired only by `build.ts` (the one builder); the CEX
 * venues, the ledger and the clock are the world's own, so a CEX price move reaches the pools
 * (through the arbitrageur) and the lending markets (through the oracles) in the same run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Chain } from '../chain/chain.ts';
import { readAaveReserveParams, type AaveReserveParams } from '../data/readers/aave-params.ts';
import { readChainlinkRounds } from '../data/readers/chainlink.ts';
import { ORACLE_SCALE, OracleFeed } from '../chain/oracle.ts';
import { ETHEREUM, L2_ROLLUP, type ChainProfile } from '../chain/profiles.ts';
import { fromMinor, pricedAs, tokenDecimals, toMinor } from '../chain/tokens.ts';
import type { BackgroundDemand, Block } from '../chain/types.ts';
import type { ConfigError } from '../errors.ts';
import { PRIO_TIMER, type Simulation } from '../kernel/simulation.ts';
import type { Rng } from '../kernel/rng.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { parseDurationUs } from '../market/latency.ts';
import {
  ChainBank, ChainV2Pool, ChainV3Pool, CexDexArbitrageur, LiquidationPga, MevHarness, NATIVE, SandwichAttacker, makeSwapTx,
  type AdversaryModel, type ChainPool, type LiquidationSearcher, type Opportunity,
} from '../mev/adversaries/index.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import { PoolPort, type SwapLog } from '../strategy/pool-port.ts';
import { LendingPool, OracleFeedPriceSource } from '../venues/lending/index.ts';
import { seedV3Positions, sqrtPriceX96Of } from './v3-liquidity.ts';
import { recentredProfile } from './v3-profile.ts';
import { readV3EventsCsv, readV3RawLogsCsv, type V3PoolEvent } from '../data/readers/uniswap-v3-day.ts';
import type { AdversarySpec, AmmVenueSpec, BorrowersSpec, ChainSpec, LendingVenueSpec, RunSpec } from './spec.ts';
import { chainMetrics, chainTables, detectedTable, settleSwaps, type ChainMetrics } from './chain-results.ts';

type At = (path: (string | number)[], msg: string, hint?: string) => ConfigError;

const PROFILES: Readonly<Record<string, ChainProfile>> = { ethereum: ETHEREUM, 'l2-rollup': L2_ROLLUP };
const V3_TICK_SPACING: Readonly<Record<number, number>> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };
const E18 = 10n ** 18n;

/** A CEX venue's current price as the chain sees it (quote per base, whole units). */
export interface CexPrice {
  base: string;
  price(): number;
}

/** A seeded borrower: its lending venue and the searchers' opportunity on it (user, collateral, debt; one object, asked about at every block while under water). */
interface Borrower {
  lending: string;
  opp: Opportunity;
  /** Its searchers (none when no searchers watch its pool) and its index among their watched opportunities. */
  pga: LiquidationPga | undefined;
  watch: number;
}

/** A health factor above 1e6 (WAD) is shown as infinite: no debt to speak of. */
const HF_INFINITE = 10n ** 24n;

export interface ChainWorld {
  chain: Chain;
  profile: ChainProfile;
  bank: ChainBank;
  pools: Map<string, ChainPool>;
  lending: Map<string, LendingPool>;
  oracles: Map<string, OracleFeed>;
  harness: MevHarness;
  /** Pool ports handed to strategies, by (account, pool). */
  port(account: string, poolId: string): PoolPort;
  blocks: Block[];
  /** Called after every sealed block (the router settles its swaps here). */
  afterBlock: ((tsUs: number) => void)[];
  /** Output a tx lost to sandwiches (its output token's minor units). */
  mevLoss(hash: string): bigint;
  /** Schedule the slot clock and fund the on-chain balances (called by `World.start`). */
  start(startUs: number, endUs: number): void;
  tables(): Record<string, Record<string, ColumnData>>;
  metrics(): ChainMetrics;
}

/** A pool's event log: the decoded layout, or raw logs (a `topics` column) decoded with the pool ABI. */
function readV3PoolLog(file: string): V3PoolEvent[] {
  const head = readFileSync(file, 'utf8').slice(0, 2000).split(/\r?\n/, 1)[0] ?? '';
  return head.split(',').includes('topics') ? readV3RawLogsCsv(file) : readV3EventsCsv(file);
}

/** Same-asset aliases across CEX and chain (a CEX ETH price prices WETH; USDT quotes are USD). */
export function sameAsset(a: string, b: string): boolean {
  return pricedAs(a) === pricedAs(b);
}

export function buildChainWorld(args: {
  spec: RunSpec;
  sim: Simulation;
  ledger: Ledger;
  rng: Rng;
  at: At;
  /** CEX venues by id (for oracles and arbitrageurs). */
  cex: ReadonlyMap<string, CexPrice>;
  /** Folder relative paths in the spec resolve against. */
  baseDir: string;
  /** Health factors are recorded at most this often (the run's equity interval) and at every liquidation. */
  recordEveryUs: number;
  /** A spec time (ISO or µs) → µs, errors naming the field. */
  time: (path: (string | number)[], v: number | string) => number;
}): ChainWorld {
  const { spec, sim, ledger, at } = args;
  const gas = spec.chain!.gas;
  // A reference fee is also where the base fee starts (no warm-up climb from the profile's).
  const profile = gas?.referenceGwei !== undefined ? { ...PROFILES[spec.chain!.profile]!, initialBaseFeeWei: BigInt(Math.round(gas.referenceGwei * 1e9)) } : PROFILES[spec.chain!.profile]!;
  const slot = profile.slotUs;
  const chain = new Chain(profile, { ...(spec.chain!.gas ? { background: backgroundDemand(spec.chain!.gas, profile, args.rng.split('gas'), args.time) } : {}) });
  const bank = new ChainBank(ledger, chain.state);
  const dur = (path: (string | number)[], v: string, positive = false) => {
    try {
      return parseDurationUs(v, path.join('.'), { positive });
    } catch (e) {
      throw at(path, (e as Error).message.replace(/^field [^:]+: /, ''));
    }
  };
  const token = (path: (string | number)[], s: string) => {
    try {
      return tokenDecimals(s);
    } catch (e) {
      throw at(path, (e as Error).message.replace(/^field [^:]+: /, ''), (e as ConfigError).hint);
    }
  };

  // ---- oracles ----
  const oracles = new Map<string, OracleFeed>();
  const oracleInputs: { feed: OracleFeed; read: () => number }[] = [];
  /** Oracles that blend in a pool's price: wired once the pools are built. */
  const blends: { path: (string | number)[]; pool: string; base: string; set: (poolPx: () => number) => void }[] = [];
  /** Feeds replaying real rounds: the rounds (µs, answer) and the next one to publish. */
  const replays: { feed: OracleFeed; tsUs: Float64Array; answer: bigint[]; next: number }[] = [];
  spec.chain!.oracles.forEach((o, k) => {
    const base = ['chain', 'oracles', k];
    if (oracles.has(o.id)) throw at([...base, 'id'], `duplicate oracle id ${o.id}`);
    if ([o.venue, o.fixed, o.rounds].filter((x) => x !== undefined).length !== 1) throw at(base, `oracle ${o.id} needs exactly one of venue (follow a CEX venue's mark), fixed (a constant price) or rounds (replay a Chainlink rounds file)`);
    const feed = new OracleFeed(o.id, { deviationBps: o.deviationBps, heartbeatUs: dur([...base, 'heartbeat'], o.heartbeat, true), latencyUs: dur([...base, 'latency'], o.latency) });
    let read: () => number;
    if (o.rounds !== undefined) {
      const file = resolve(args.baseDir, o.rounds.file);
      if (!existsSync(file)) throw at([...base, 'rounds', 'file'], `file ${o.rounds.file} does not exist`);
      const r = readChainlinkRounds(file, { decimals: o.rounds.decimals, invert: o.rounds.invert });
      oracles.set(o.id, feed);
      replays.push({ feed, tsUs: r.tsUs, answer: Array.from(r.value, (v) => BigInt(Math.round(v * ORACLE_SCALE))), next: 0 });
      return;
    }
    if (o.venue !== undefined) {
      const c = args.cex.get(o.venue);
      if (!c) throw at([...base, 'venue'], `oracle ${o.id} follows venue "${o.venue}", which is not a spot or perp venue of the spec`, `venues: ${[...args.cex.keys()].join(', ')}`);
      read = c.price;
      if (o.blend) {
        const b = o.blend;
        // Resolved once the pools exist (below): the pool's price of the venue's base asset.
        blends.push({ path: [...base, 'blend', 'pool'], pool: b.pool, base: c.base, set: (poolPx) => { read = () => (1 - b.weight) * c.price() + b.weight * poolPx(); } });
      }
    } else {
      const v = o.fixed!;
      read = () => v;
    }
    oracles.set(o.id, feed);
    oracleInputs.push({ feed, read: () => read() });
  });

  /** A v3 pool's positions from a real day's liquidity profile, re-centred at the spec's price. */
  const profilePositions = (a: AmmVenueSpec, i: number, d0: number, d1: number, spacing: number) => {
    const pr = a.profile!;
    const base = ['venues', i, 'profile'];
    const file = resolve(args.baseDir, pr.events);
    if (!existsSync(file)) throw at([...base, 'events'], `file ${pr.events} does not exist`);
    if (pr.priceOf !== a.tokens[0] && pr.priceOf !== a.tokens[1]) throw at([...base, 'priceOf'], `${pr.priceOf} is not a token of ${a.id}`, `tokens: ${a.tokens.join(', ')}`);
    const events = readV3PoolLog(file);
    const fromUs = pr.from === undefined ? undefined : args.time([...base, 'from'], pr.from);
    const toUs = pr.to === undefined ? undefined : args.time([...base, 'to'], pr.to);
    // token1 minor per token0 minor at the target price.
    const rawPrice = (pr.priceOf === a.tokens[0] ? pr.price : 1 / pr.price) * 10 ** (d1 - d0);
    const prof = recentredProfile(events, { tickSpacing: spacing, ...(fromUs !== undefined ? { fromUs } : {}), ...(toUs !== undefined ? { toUs } : {}), extend: pr.extend, priced: pr.priceOf === a.tokens[0] ? 'token0' : 'token1', rawPrice });
    const sqrtPriceX96 = prof.sqrtPriceX96;
    return { sqrtPriceX96, positions: prof.positions };
  };

  // ---- venues on the chain ----
  const pools = new Map<string, ChainPool>();
  /** Each pool's starting price, whole token1 per token0 (to fund bots in both tokens). */
  const startPrice = new Map<string, number>();
  const lending = new Map<string, LendingPool>();
  const poolInits: (() => void)[] = [];
  const lendingInits: ((t0: number) => void)[] = [];
  spec.venues.forEach((v, i) => {
    if (v.kind === 'amm-v2' || v.kind === 'amm-v3') {
      const a = v as AmmVenueSpec;
      const [t0sym, t1sym] = a.tokens;
      const d0 = token(['venues', i, 'tokens', 0], t0sym);
      const d1 = token(['venues', i, 'tokens', 1], t1sym);
      if (a.kind === 'amm-v3' && a.profile) {
        const spacing = V3_TICK_SPACING[a.feePips];
        if (spacing === undefined) throw at(['venues', i, 'feePips'], `fee tier ${a.feePips} is not a Uniswap v3 tier`, 'one of 100, 500, 3000, 10000');
        const pool = new ChainV3Pool(a.id, t0sym, t1sym, bank, { fee: a.feePips, tickSpacing: spacing });
        const positions = profilePositions(a, i, d0, d1, spacing);
        poolInits.push(() => pool.init(sim.nowUs, positions.sqrtPriceX96, positions.positions));
        pools.set(a.id, pool);
        startPrice.set(a.id, a.profile.priceOf === t0sym ? a.profile.price : 1 / a.profile.price);
        return;
      }
      const r0 = a.reserves[t0sym];
      const r1 = a.reserves[t1sym];
      if (!(r0 !== undefined && r0 > 0 && r1 !== undefined && r1 > 0)) throw at(['venues', i, 'reserves'], `pool ${a.id} needs positive reserves of ${t0sym} and ${t1sym}`, a.kind === 'amm-v3' ? 'or a liquidity profile: profile: { events, priceOf, price }' : undefined);
      const reserve0 = toMinor(r0, d0);
      const reserve1 = toMinor(r1, d1);
      startPrice.set(a.id, r1 / r0);
      if (a.kind === 'amm-v3') {
        const spacing = V3_TICK_SPACING[a.feePips];
        if (spacing === undefined) throw at(['venues', i, 'feePips'], `fee tier ${a.feePips} is not a Uniswap v3 tier`, 'one of 100, 500, 3000, 10000');
        const pool = new ChainV3Pool(a.id, t0sym, t1sym, bank, { fee: a.feePips, tickSpacing: spacing });
        const price = Number(reserve1) / Number(reserve0); // token1 minor per token0 minor
        const positions = seedV3Positions(args.rng.split(`v3-liquidity:${a.id}`), { price, reserve0, reserve1, tickSpacing: spacing, count: a.positions });
        poolInits.push(() => pool.init(sim.nowUs, sqrtPriceX96Of(price), positions));
        pools.set(a.id, pool);
      } else {
        const pool = new ChainV2Pool(a.id, t0sym, t1sym, bank);
        poolInits.push(() => pool.init(sim.nowUs, reserve0, reserve1));
        pools.set(a.id, pool);
      }
    } else if (v.kind === 'lending') {
      const l = v as LendingVenueSpec;
      const feeds: Record<string, OracleFeed> = {};
      const reserves = l.reserves.map((r, k) => {
        const base = ['venues', i, 'reserves', k];
        const decimals = token([...base, 'asset'], r.asset);
        const feed = oracles.get(r.oracle);
        if (!feed) throw at([...base, 'oracle'], `oracle "${r.oracle}" is not in chain.oracles`, `oracles: ${[...oracles.keys()].join(', ') || '(none)'}`);
        feeds[r.asset] = feed;
        let fromFile: AaveReserveParams | undefined;
        if (r.params) {
          const file = resolve(args.baseDir, r.params.file);
          if (!existsSync(file)) throw at([...base, 'params', 'file'], `file ${r.params.file} does not exist`);
          const sym = r.params.symbol ?? r.asset;
          const rows = readAaveReserveParams(file);
          fromFile = rows.find((x) => x.symbol === sym);
          if (!fromFile) throw at([...base, 'params', 'symbol'], `no reserve ${sym} in ${r.params.file}`, `symbols: ${rows.map((x) => x.symbol).join(', ')}`);
          if (fromFile.decimals !== undefined && fromFile.decimals !== decimals) throw at([...base, 'params'], `${sym} has ${fromFile.decimals} decimals in ${r.params.file}, ${decimals} on this chain`);
        }
        const pick = (f: 'ltvBps' | 'liquidationThresholdBps' | 'liquidationBonusBps') => {
          const v = r[f] ?? fromFile?.[f];
          if (v === undefined) throw at([...base, f], `reserve ${r.asset} needs ${f} (or params: { file } with a risk-parameter snapshot)`);
          return v;
        };
        return { asset: r.asset, decimals, ltvBps: pick('ltvBps'), liquidationThresholdBps: pick('liquidationThresholdBps'), liquidationBonusBps: pick('liquidationBonusBps'), liquidationProtocolFeeBps: r.liquidationProtocolFeeBps, ...(fromFile && !fromFile.collateralEnabled ? { collateralEnabled: false } : {}), ...(fromFile?.interest && r.interest ? { interest: fromFile.interest } : {}) };
      });
      const pool = new LendingPool({ name: l.id, ledger, prices: new OracleFeedPriceSource(feeds), reserves });
      for (const [asset, units] of Object.entries(l.liquidity)) {
        const r = l.reserves.find((x) => x.asset === asset);
        if (!r) throw at(['venues', i, 'liquidity', asset], `${asset} is not a reserve of ${l.id}`);
        if (units <= 0) continue;
        const amount = toMinor(units, tokenDecimals(asset));
        lendingInits.push((t0) => {
          ledger.transfer(t0, 'external:deposits', `lp:${l.id}`, asset, amount, 'deposit');
          pool.supply(t0, `lp:${l.id}`, asset, amount);
        });
      }
      lending.set(l.id, pool);
    }
  });

  for (const b of blends) {
    const pool = pools.get(b.pool);
    if (!pool) throw at(b.path, `oracle blends in pool "${b.pool}", which is not an AMM venue of the spec`, `pools: ${[...pools.keys()].join(', ') || '(none)'}`);
    const d0 = tokenDecimals(pool.token0);
    const d1 = tokenDecimals(pool.token1);
    const of0 = sameAsset(b.base, pool.token0);
    if (!of0 && !sameAsset(b.base, pool.token1)) throw at(b.path, `pool ${b.pool} (${pool.token0}/${pool.token1}) does not price ${b.base}`);
    b.set(() => {
      const [r0, r1] = pool.reserves();
      const p = (Number(r1) / Number(r0)) * 10 ** (d0 - d1); // token1 per token0, whole units
      return of0 ? p : 1 / p;
    });
  }

  // ---- on-chain balances of spec accounts ----
  /** On-chain balances to fund at the start; `viaLedger`: a lending-market asset held off the ChainBank. */
  const funding: { account: string; asset: string; amount: bigint; viaLedger?: boolean }[] = [];
  spec.accounts.forEach((a, i) => {
    for (const [asset, units] of Object.entries(a.onchain)) {
      const d = token(['accounts', i, 'onchain', asset], asset);
      if (units > 0) funding.push({ account: a.id, asset, amount: toMinor(units, d) });
    }
  });

  // ---- adversaries, searchers, borrowers ----
  const adversaries: AdversaryModel[] = [];
  const searchersBy = new Map<string, LiquidationSearcher[]>();
  const searcherCapital = new Map<string, number>();
  /** Lending venue → the pool its searchers sell seized collateral into. */
  const sellInto = new Map<string, { pool: ChainPool; slippageBps: number }>();
  const borrowers: Borrower[] = [];
  const borrowerInits: ((t0: number) => void)[] = [];
  const poolList = [...pools.values()];
  spec.agents.forEach((g, i) => {
    if ('adversary' in g) {
      const adv = g.adversary as AdversarySpec;
      const base = ['agents', i, 'adversary'];
      if (adv.kind === 'sandwich') {
        if (poolList.length === 0) throw at([...base, 'kind'], 'a sandwich bot needs an AMM venue (amm-v2 or amm-v3) in the spec');
        const lat = dur([...base, 'latency'], adv.latency);
        for (let k = 0; k < adv.count; k++) {
          const name = `sandwich${k + 1}`;
          // Capital in both tokens of each pool (a front-run sells what the victim sells): the
          // token0 amount given, and its value in token1 at the pool's starting price; gas money.
          // Its balances are the cap per attack (capital in the model is unbounded).
          const held = new Map<string, bigint>();
          for (const p of poolList) {
            const px = startPrice.get(p.id) ?? 1;
            for (const [t, units] of [[p.token0, adv.capital], [p.token1, adv.capital * px]] as const) {
              if (!held.has(t) && t !== NATIVE) held.set(t, toMinor(units, tokenDecimals(t)));
            }
          }
          for (const [t, amount] of held) funding.push({ account: name, asset: t, amount });
          funding.push({ account: name, asset: NATIVE, amount: 100n * E18 });
          adversaries.push(new SandwichAttacker({ name, presence: adv.presence, latencyUs: lat * (k + 1), capital: 2n ** 200n, tipShareBps: Math.min(10_000, adv.tipShareBps + 500 * k) }));
        }
      } else if (adv.kind === 'cex-dex-arb') {
        const pool = pools.get(adv.pool);
        if (!pool) throw at([...base, 'pool'], `the arbitrageur trades pool "${adv.pool}", which is not an AMM venue of the spec`, `pools: ${[...pools.keys()].join(', ') || '(none)'}`);
        const cex = args.cex.get(adv.venue);
        if (!cex) throw at([...base, 'venue'], `the arbitrageur's CEX venue "${adv.venue}" is not a spot or perp venue of the spec`, `venues: ${[...args.cex.keys()].join(', ')}`);
        const d0 = tokenDecimals(pool.token0);
        const d1 = tokenDecimals(pool.token1);
        // token1 minor units per token0 minor unit at the CEX's current mark.
        let toPool: (p: number) => number;
        if (sameAsset(cex.base, pool.token0)) toPool = (p) => (p * 10 ** d1) / 10 ** d0;
        else if (sameAsset(cex.base, pool.token1)) toPool = (p) => (10 ** d1) / (p * 10 ** d0);
        else throw at([...base, 'venue'], `venue ${adv.venue} prices ${cex.base}, which is neither token of pool ${adv.pool} (${pool.token0}/${pool.token1})`);
        const name = `arb:${adv.pool}`;
        funding.push({ account: name, asset: pool.token0, amount: toMinor(500, d0) }, { account: name, asset: pool.token1, amount: toMinor(1_000_000, d1) }, { account: name, asset: NATIVE, amount: 100n * E18 });
        // The CEX price is read when the block is built (the world's clock is at the block time).
        adversaries.push(new CexDexArbitrageur({ name, pool: pool.id, presence: adv.presence, latencyUs: 0, capital: 10n ** 30n, tipShareBps: adv.tipShareBps, cexPrice: () => toPool(cex.price()) }));
      } else {
        const pool = lending.get(adv.lending);
        if (!pool) throw at([...base, 'lending'], `the searchers watch lending venue "${adv.lending}", which the spec does not have`, `lending venues: ${[...lending.keys()].join(', ') || '(none)'}`);
        if (adv.aggression.max < adv.aggression.min) throw at([...base, 'aggression'], 'aggression max is below min');
        const lat = dur([...base, 'latency'], adv.latency);
        if (adv.sell) {
          const sp = pools.get(adv.sell.pool);
          if (!sp) throw at([...base, 'sell', 'pool'], `searchers sell into pool "${adv.sell.pool}", which is not an AMM venue of the spec`, `pools: ${[...pools.keys()].join(', ') || '(none)'}`);
          sellInto.set(adv.lending, { pool: sp, slippageBps: adv.sell.slippageBps });
        }
        const list = searchersBy.get(adv.lending) ?? [];
        for (let k = 0; k < adv.count; k++) {
          const name = `searcher${list.length + 1}:${adv.lending}`;
          list.push({ name, presence: adv.presence, latencyUs: lat * (k + 1), capital: 0n, aggressionMin: adv.aggression.min, aggressionMax: adv.aggression.max });
          searcherCapital.set(name, adv.capital);
        }
        searchersBy.set(adv.lending, list);
      }
    } else if ('borrowers' in g) {
      const b = g.borrowers as BorrowersSpec;
      const base = ['agents', i, 'borrowers'];
      const pool = lending.get(b.lending);
      if (!pool) throw at([...base, 'lending'], `borrowers use lending venue "${b.lending}", which the spec does not have`, `lending venues: ${[...lending.keys()].join(', ') || '(none)'}`);
      const lspec = lendingSpec(args.spec, b.lending);
      for (const [f, asset] of [['collateral', b.collateral], ['debt', b.debt]] as const) {
        if (!lspec.reserves.some((r) => r.asset === asset)) throw at([...base, f], `${asset} is not a reserve of ${b.lending}`, `reserves: ${lspec.reserves.map((r) => r.asset).join(', ')}`);
      }
      if (b.collateralUnits.max < b.collateralUnits.min) throw at([...base, 'collateralUnits'], 'max is below min');
      if (b.borrowShare.max < b.borrowShare.min) throw at([...base, 'borrowShare'], 'max is below min');
      const rng = args.rng.split(`borrowers:${b.lending}:${i}`);
      const first = borrowers.length;
      for (let k = 0; k < b.count; k++) {
        const user = `borrower${String(first + k).padStart(3, '0')}`;
        borrowers.push({ lending: b.lending, opp: { user, collateralAsset: b.collateral, debtAsset: b.debt }, pga: undefined, watch: -1 });
      }
      const cUnit = 10n ** BigInt(tokenDecimals(b.collateral));
      const dUnit = 10n ** BigInt(tokenDecimals(b.debt));
      borrowerInits.push((t0) => {
        for (let k = 0; k < b.count; k++) {
          const u = borrowers[first + k]!.opp.user;
          const coll = BigInt(rng.int(b.collateralUnits.min, b.collateralUnits.max)) * cUnit;
          ledger.transfer(t0, 'external:deposits', u, b.collateral, coll, 'deposit');
          pool.supply(t0, u, b.collateral, coll);
          // Borrow a share of the LTV limit (per mille): HF at start ≈ threshold / (LTV × share).
          const d = pool.accountData(u, t0);
          const share = BigInt(rng.int(Math.round(b.borrowShare.min * 1000), Math.round(b.borrowShare.max * 1000)));
          const debtBase = (d.totalCollateralBase * d.avgLtvBps * share) / 10_000n / 1000n;
          pool.borrow(t0, u, b.debt, (debtBase * dUnit) / pool.price(b.debt, t0));
        }
      });
    }
  });
  /** Each borrower's place in `borrowers`, by user. */
  const borrowerAt = new Map(borrowers.map((b, i) => [b.opp.user, i]));
  const pgas = new Map<string, LiquidationPga>();
  let blockTs = 0;
  for (const [id, list] of searchersBy) {
    const pool = lending.get(id)!;
    const lspec = lendingSpec(spec, id);
    if (!lspec.reserves.some((r) => r.asset === 'WETH')) throw at(['venues', spec.venues.findIndex((v) => v.id === id), 'reserves'], `liquidation searchers value gas in WETH: lending venue ${id} needs a WETH reserve`);
    const debts = new Set(borrowers.filter((b) => b.lending === id).map((b) => b.opp.debtAsset));
    for (const s of list) {
      let cap = 0n;
      for (const asset of debts) {
        const amt = toMinor(searcherCapital.get(s.name)!, tokenDecimals(asset));
        funding.push({ account: s.name, asset, amount: amt, viaLedger: true });
        if (amt > cap) cap = amt;
      }
      funding.push({ account: s.name, asset: NATIVE, amount: 100n * E18 });
      s.capital = cap;
    }
    const pga = new LiquidationPga({ chain, pool, searchers: list, rng: args.rng.split(`pga:${id}`), nativeAsset: 'WETH', blockTsUs: () => blockTs });
    pgas.set(id, pga);
    for (const b of borrowers) {
      if (b.lending !== id) continue;
      b.pga = pga;
      b.watch = pga.watch(b.opp);
    }
  }
  const harness = new MevHarness(chain, bank, pools, adversaries, args.rng.split('mev'));

  // ---- strategy ports ----
  const swaps: SwapLog[] = [];
  const ports = new Map<string, PoolPort>();
  const port = (account: string, poolId: string): PoolPort => {
    const key = `${account}\u0000${poolId}`;
    let p = ports.get(key);
    if (!p) {
      const pool = pools.get(poolId)!;
      p = new PoolPort({ id: poolId, kind: pool.kind === 'v3' ? 'amm-v3' : 'amm-v2', pool, account, sim, bank, harness, log: swaps, decimals0: tokenDecimals(pool.token0), decimals1: tokenDecimals(pool.token1) });
      ports.set(key, p);
    }
    return p;
  };

  // ---- the slot clock ----
  const blocks: Block[] = [];
  const hf = { ts: [] as number[], account: [] as string[], venue: [] as string[], hf: [] as number[], liq: [] as number[] };
  const liqCount = new Map<string, number>();
  let lastHfUs = -Infinity;
  const scan = {
    onEvent: (ts: number) => {
      for (const r of replays) while (r.next < r.tsUs.length && r.tsUs[r.next]! <= ts) r.feed.replay(r.tsUs[r.next]!, r.answer[r.next++]!);
      for (const o of oracleInputs) {
        const px = o.read();
        if (Number.isFinite(px) && px > 0) o.feed.observe(ts, BigInt(Math.round(px * ORACLE_SCALE)));
        else o.feed.tick(ts);
      }
      // Searchers scan after the oracle update, mid-slot, and bid for the next block. A health
      // factor changes only when a price the pool reads changes or the account is liquidated
      // (interest is not accrued here), so every borrower is re-checked only then; accounts found
      // under water are re-checked every slot until liquidated or back above 1.
      let sig = '';
      for (const f of oracles.values()) sig += `${f.latest(ts)?.roundId ?? 0},`;
      const full = sig !== lastSig || liquidatedSinceScan;
      lastSig = sig;
      liquidatedSinceScan = false;
      const list = full ? borrowers : underwater;
      const n = full ? borrowers.length : underwaterN;
      // The two lists take turns and keep their room (deep in a crash, a thousand accounts under
      // water every slot); only their first underwaterN / stillN entries count.
      const still = spare;
      let stillN = 0;
      if (n > 0) {
        for (const pga of pgas.values()) pga.beginScan(ts);
        const bidFor = ts + slot / 2;
        // Indexed: thousands of borrowers a scan, hundreds of scans a crash.
        for (let i = 0; i < n; i++) {
          const b = list[i]!;
          const pga = b.pga;
          if (!pga) continue;
          // No opportunity (health factor ≥ 1, or nothing a liquidation could take): not under water.
          const bids = pga.competeWatched(b.watch, ts, bidFor);
          if (bids === undefined) continue;
          still[stillN++] = b;
          for (let j = 0; j < bids.length; j++) harness.timing.set(bids[j]!.hash, { submittedTsUs: ts, route: 'public' });
        }
      }
      spare = underwater;
      underwater = still;
      underwaterN = stillN;
    },
  };
  const sold = new Map<string, number>();
  let saleSeq = 0;
  const collateralSales: { hash: string; lending: string; seller: string; asset: string; amountIn: bigint; tsUs: number }[] = [];
  let lastSig = '';
  let liquidatedSinceScan = true;
  let underwater: Borrower[] = [];
  let underwaterN = 0;
  let spare: Borrower[] = [];
  const onBlock = {
    onEvent: (ts: number) => {
      blockTs = ts;
      const block = harness.buildBlock(ts);
      blocks.push(block);
      for (const f of afterBlock) f(ts);
      let liquidated = false;
      // Seized collateral from the liquidations of this block is sold into the pool next block.
      for (const [id, pool] of lending) {
        const s = sellInto.get(id);
        if (!s) continue;
        const seen = sold.get(id) ?? 0;
        for (const l of pool.liquidations.slice(seen)) {
          const tokenIn = l.collateralAsset;
          if (tokenIn !== s.pool.token0 && tokenIn !== s.pool.token1) continue;
          const zeroForOne = tokenIn === s.pool.token0;
          const amountIn = l.collateralToLiquidator;
          bank.credit(l.liquidator, tokenIn, amountIn);
          const quote = s.pool.quoteExactIn(amountIn, zeroForOne);
          if (quote <= 0n) continue;
          const hash = `${l.liquidator}:sell:${saleSeq++}`;
          const tx = makeSwapTx(s.pool, { hash, from: l.liquidator, amountIn, zeroForOne, amountOutMin: (quote * BigInt(10_000 - s.slippageBps)) / 10_000n, gas: { maxFeePerGasWei: 2n * chain.nextBaseFeeWei + 10n ** 9n, maxPriorityFeePerGasWei: 10n ** 9n } });
          harness.broadcast(tx, ts);
          collateralSales.push({ hash, lending: id, seller: l.liquidator, asset: tokenIn, amountIn, tsUs: ts });
        }
        sold.set(id, pool.liquidations.length);
      }
      const hit: string[] = [];
      for (const pga of pgas.values()) {
        const before = pga.records().length;
        pga.onBlock(block);
        for (const r of pga.records().slice(before)) {
          liqCount.set(r.victimTx, (liqCount.get(r.victimTx) ?? 0) + 1);
          hit.push(r.victimTx);
          liquidated = true;
          liquidatedSinceScan = true;
        }
      }
      // The panel: every borrower at the record cadence; between, the borrowers liquidated in
      // this block (their health factor after it and their count), not all of them again (in a
      // cascade that was thousands of exact health factors per block).
      const due = ts - lastHfUs >= args.recordEveryUs;
      if (!liquidated && !due) return;
      if (due) lastHfUs = ts;
      const row = (b: Borrower) => {
        const user = b.opp.user;
        const h = lending.get(b.lending)!.healthFactor(user, ts);
        hf.ts.push(ts);
        hf.account.push(user);
        hf.venue.push(b.lending);
        hf.hf.push(h > HF_INFINITE ? Number.POSITIVE_INFINITY : Number(h) / 1e18);
        hf.liq.push(liqCount.get(user) ?? 0);
      };
      if (due) for (const b of borrowers) row(b);
      else {
        // The liquidated ones, once each, in the borrowers' order (a search of the block's list
        // for every borrower was thousands of comparisons a block in a cascade).
        const at = [...new Set(hit.map((u) => borrowerAt.get(u)).filter((i) => i !== undefined))].sort((x, y) => x - y);
        for (const i of at) row(borrowers[i]!);
      }
    },
  };

  const afterBlock: ((tsUs: number) => void)[] = [];
  const world: ChainWorld = {
    afterBlock,
    mevLoss: (hash) => {
      let x = 0n;
      for (const r of harness.records()) if (r.kind === 'sandwich' && r.victimTx === hash) x += r.victimLoss;
      return x;
    },
    chain,
    profile,
    bank,
    pools,
    lending,
    oracles,
    harness,
    port,
    blocks,
    start(startUs, endUs) {
      // Pools and balances exist from the first instant (strategies may quote in onStart) …
      for (const f of poolInits) f();
      for (const f of funding) {
        if (f.viaLedger) ledger.transfer(sim.nowUs, 'external:deposits', f.account, f.asset, f.amount, 'deposit');
        else bank.fund(sim.nowUs, f.account, f.asset, f.amount);
      }
      // … oracles, lending positions and the slot clock start at the run's start, once the CEX
      // venues have a price (their data at that instant is dispatched first).
      sim.schedule(startUs, PRIO_TIMER, {
        onEvent: (ts) => {
          for (const r of replays) {
            // The latest real round at or before the start is the feed's first answer.
            let k = -1;
            while (k + 1 < r.tsUs.length && r.tsUs[k + 1]! <= ts) k++;
            if (k < 0) throw at(['chain', 'oracles'], `oracle ${r.feed.name} has no round at or before the start (${new Date(ts / 1000).toISOString()}); its first is ${new Date(r.tsUs[0]! / 1000).toISOString()}`);
            r.feed.replay(r.tsUs[k]!, r.answer[k]!);
            r.next = k + 1;
          }
          for (const o of oracleInputs) {
            const px = o.read();
            if (!(Number.isFinite(px) && px > 0)) throw at(['chain', 'oracles'], `oracle ${o.feed.name} has no price at the start (its venue has no mark yet)`, "start the run after the venue's first data (time.start)");
            // The feed's answer at the start is already on chain (its latency delays later rounds):
            // lending positions are opened against it at once.
            o.feed.seed(ts, BigInt(Math.round(px * ORACLE_SCALE)));
          }
          for (const f of lendingInits) f(ts);
          for (const f of borrowerInits) f(ts);
          if (oracleInputs.length > 0 || replays.length > 0) sim.every(ts + slot / 2, slot, endUs, scan);
          sim.every(ts + slot, slot, endUs, onBlock);
        },
      });
    },
    tables: () => {
      settleSwaps(swaps, chain, blocks, harness.records());
      // Sandwiched collateral sales: their losses are in the sale's output token.
      const saleDecimals = new Map(collateralSales.map((x) => { const p = sellInto.get(x.lending)!.pool; return [x.hash, tokenDecimals(p.tokenOut(x.asset === p.token0))] as const; }));
      const out = chainTables({ chain, blocks, harness, pgas, swaps, hf, lending, oracles, saleDecimals });
      if (pools.size > 0) out.mev_detected = detectedTable(blocks, bank, [...pools.values()], harness.records());
      if (collateralSales.length > 0) {
        const loss = new Map<string, bigint>();
        for (const r of harness.records()) if (r.kind === 'sandwich') loss.set(r.victimTx, (loss.get(r.victimTx) ?? 0n) + r.victimLoss);
        const cs = collateralSales;
        const poolOf = (x: (typeof cs)[number]) => sellInto.get(x.lending)!.pool;
        const outDec = (x: (typeof cs)[number]) => tokenDecimals(poolOf(x).tokenOut(x.asset === poolOf(x).token0));
        out.collateral_sales = {
          ts_us: Float64Array.from(cs.map((x) => x.tsUs)),
          lending: cs.map((x) => x.lending),
          seller: cs.map((x) => x.seller),
          tx: cs.map((x) => x.hash),
          asset: cs.map((x) => x.asset),
          amount_in: Float64Array.from(cs.map((x) => fromMinor(x.amountIn, tokenDecimals(x.asset)))),
          status: cs.map((x) => chain.receipt(x.hash)?.status ?? 'pending'),
          amount_out: Float64Array.from(cs.map((x) => { const o = chain.state.get<bigint>(`out:${x.hash}`); return o === undefined || chain.receipt(x.hash)?.status !== 'success' ? NaN : fromMinor(o, outDec(x)); })),
          mev_loss: Float64Array.from(cs.map((x) => fromMinor(loss.get(x.hash) ?? 0n, outDec(x)))),
        };
      }
      return out;
    },
    metrics: () => {
      settleSwaps(swaps, chain, blocks, harness.records());
      return chainMetrics({ ledger, bank, blocks, harness, pgas, swaps, lending, pools, oracles, accounts: spec.accounts.map((a) => a.id) });
    },
  };
  return world;
}

/**
 * Seeded background demand from the spec's `chain.gas` (one normal draw per block, in block order).
 * Elastic: the share falls by `elasticity` per e-fold of the base fee above the reference (and
 * rises below it), so demand added on top of a half-full background lifts the fee until others
 * step back, not without end (fixed demand let a crash's liquidation bids drive it to ~50,000 gwei
 * and hold it there, where no liquidation pays for its gas).
 */
export function backgroundDemand(g: NonNullable<ChainSpec['gas']>, profile: ChainProfile, rng: Rng, time: (path: (string | number)[], v: number | string) => number): BackgroundDemand {
  const spikes = g.spikes.map((s, k) => ({ from: time(['chain', 'gas', 'spikes', k, 'from'], s.from), to: time(['chain', 'gas', 'spikes', k, 'to'], s.to), u: s.utilisation }));
  const tip = BigInt(Math.round(g.tipGwei * 1e9));
  const refWei = g.referenceGwei !== undefined ? g.referenceGwei * 1e9 : Number(profile.initialBaseFeeWei);
  return {
    at(_n, tsUs, baseFeeWei) {
      let u = g.utilisation;
      for (const s of spikes) if (tsUs >= s.from && tsUs < s.to) u = s.u;
      if (g.elasticity > 0) u -= g.elasticity * Math.log(Number(baseFeeWei) / refWei);
      if (g.noise > 0) u += g.noise * rng.normal();
      return { gas: Math.round(Math.min(1, Math.max(0, u)) * profile.gasLimit), tipPerGasWei: tip };
    },
  };
}

function lendingSpec(spec: RunSpec, id: string): LendingVenueSpec {
  return spec.venues.find((v) => v.id === id && v.kind === 'lending') as LendingVenueSpec;
}
