import { z } from 'zod';

/**
 * The run spec: everything one run is made of, as data. `src/world/build.ts` is the only code
 * that turns it into a wired simulation; `primesim backtest` writes a one-venue spec, `primesim
 * run <spec.yaml>` reads one. Relative paths resolve against the spec file's folder.
 *
 * This version wires CLOB venues (spot and perpetual, linear or inverse) replayed from catalogs
 * or generated, accounts with cash or margin modes on one shared margin engine, user strategies
 * and the liquidation engine. Sections the DESIGN names but this builder does not wire yet
 * (`paths`, `chain`, AMM/lending/options venues, populations, adversaries) are refused with a
 * message rather than ignored.
 */

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id is a letter then letters, digits, "_" or "-"');

/** µs since the epoch, or an ISO-8601 time. */
const Time = z.union([z.number().int().nonnegative(), z.string().min(1)]);

export const VENUE_KINDS = ['spot', 'perp'] as const;
/** Kinds the DESIGN has that run specs cannot wire yet (named so the error can say so). */
export const PLANNED_VENUE_KINDS = ['options', 'amm-v2', 'amm-v3', 'lending'] as const;

const Generate = z.strictObject({
  seed: z.union([z.number().int(), z.string()]).default(1),
  events: z.number().int().positive().default(200_000),
  profile: z.enum(['calm', 'volatile', 'crash']).default('calm'),
});

const Bars = z.strictObject({
  /** OHLCV CSV: timestamp,open,high,low,close,volume (e.g. ../shared/data/bars/…_1m.csv). */
  file: z.string().min(1),
  from: Time.optional(),
  to: Time.optional(),
  /** The instrument the book trades (default Binance USDⓈ-M BTCUSDT: tick 0.1, lot 0.001). */
  instrument: z.string().default('binance-futures:BTCUSDT'),
  /** Multiplies the capture's depth (other eras are deeper or thinner). */
  depthScale: z.number().positive().default(1),
  /** How far the laid-out book reaches from the mid, bps. */
  maxBps: z.number().int().min(5).max(2000).default(200),
  /** Liquidity taken moves the mid (decaying with `resilience`); false = the no-impact counterfactual. */
  impact: z.boolean().default(true),
  resilience: z.string().default('10m'),
});

/** Where a price path comes from: real bars, a Merton jump-diffusion, or a block bootstrap of real bars. */
const PathSource = z.union([
  z.strictObject({ bars: z.strictObject({ file: z.string().min(1), from: Time.optional(), to: Time.optional() }) }),
  z.strictObject({
    jumpDiffusion: z.strictObject({
      start: Time,
      price: z.number().positive(),
      vol: z.number().nonnegative(),
      drift: z.number().default(0),
      jumpsPerDay: z.number().nonnegative().default(0),
      jumpMean: z.number().default(0),
      jumpStd: z.number().nonnegative().default(0),
      step: z.string().default('15s'),
      length: z.string().default('1d'),
    }),
  }),
  z.strictObject({
    /** Chainlink rounds (on-chain oracle answers) as the path, e.g. HUSD/ETH inverted = ETH/USD. */
    oracle: z.strictObject({ file: z.string().min(1), decimals: z.number().int().min(0).max(36).default(8), invert: z.boolean().default(false), from: Time.optional(), to: Time.optional() }),
  }),
  z.strictObject({
    bootstrap: z.strictObject({
      bars: z.string().min(1),
      from: Time.optional(),
      to: Time.optional(),
      /** Consecutive returns per block (bars). */
      block: z.number().int().positive().default(60),
      /** Bars to generate. */
      length: z.number().int().positive(),
      start: Time.optional(),
    }),
  }),
]);

/** Stress transforms of a path, applied in order (see src/world/paths.ts). */
const PathTransformSpec = z.union([
  z.strictObject({ scaleReturns: z.number() }),
  z.strictObject({ volatility: z.strictObject({ k: z.number().nonnegative(), from: Time.optional(), to: Time.optional() }) }),
  z.strictObject({ gap: z.strictObject({ at: Time, pct: z.number() }) }),
  z.strictObject({ trend: z.strictObject({ from: Time, to: Time, pct: z.number().gt(-100) }) }),
  z.strictObject({ withdrawDepth: z.strictObject({ fraction: z.number().min(0).lt(1), from: Time, to: Time }) }),
]);

const PathData = z.strictObject({
  source: PathSource,
  transforms: z.array(PathTransformSpec).default([]),
  instrument: z.string().default('binance-futures:BTCUSDT'),
  depthScale: z.number().positive().default(1),
  maxBps: z.number().int().min(5).max(2000).default(200),
  impact: z.boolean().default(true),
  resilience: z.string().default('10m'),
});

export const VenueSpecSchema = z.strictObject({
  id,
  kind: z.string(),
  /**
   * Where the market comes from: a catalog folder (historical replay), the calibrated generator,
   * a book laid around real OHLCV bars (`bars`), or around any price path (`path`: bars, a
   * jump-diffusion or a bootstrap of real bars, with stress transforms), each with the real
   * capture's depth profile.
   */
  data: z.union([z.strictObject({ catalog: z.string().min(1) }), z.strictObject({ generate: Generate }), z.strictObject({ bars: Bars }), z.strictObject({ path: PathData })]),
  /** `maker:taker` in bps; negative maker = rebate. */
  fees: z.string().default('2:5'),
  /** risk-averse, power:<n>, log. */
  queue: z.string().default('risk-averse'),
  latency: z
    .strictObject({
      entry: z.string().default('1ms'),
      response: z.string().default('1ms'),
      /** `data`: add the feed latency measured from the data's two timestamps to order arrival. */
      feed: z.enum(['data', 'none']).default('data'),
    })
    .default({ entry: '1ms', response: '1ms', feed: 'data' }),
  // --- perp only ---
  /** Mark price model: median (Binance's rule), mid or index. */
  mark: z.string().default('median'),
  /** Venue id whose mid is this perp's index price (default: the perp's own mid). */
  index: z.string().optional(),
  /** none, <rate>[@interval], lean:<file>, tardis:<derivative_ticker.csv>. */
  funding: z.string().default('none'),
  /** Leverage brackets of the margin model (default by instrument: Binance USDⓈ-M or COIN-M). */
  tiers: z.enum(['binance-usdm', 'binance-coinm', 'dydx']).optional(),
});

export const AccountSpecSchema = z.strictObject({
  id,
  /** Starting balances in whole units per asset, e.g. { USDT: 100000, BTC: 1 }. */
  deposits: z.record(z.string(), z.number().nonnegative()),
  /** cash: spot only, no borrowing; cross/isolated: tiered brackets; portfolio: scenario grid. */
  margin: z.enum(['cash', 'cross', 'isolated', 'portfolio']).default('cross'),
  /** Collateral haircuts of non-valuation assets (0 = full value, 1 = none), e.g. { BTC: 0.05 }. */
  haircuts: z.record(z.string(), z.number().min(0).max(1)).default({}),
});

export const AgentSpecSchema = z.strictObject({
  /** A strategy module file (anywhere on disk). */
  strategy: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  account: id,
  /** Venue ids this strategy may trade, primary first (its `ctx.book`/`ctx.submit` are the first's). */
  venues: z.array(id).min(1),
});

/** A population of leveraged traders on one perp venue (many margin accounts, seeded). */
export const PopulationSpecSchema = z.strictObject({
  population: z.strictObject({
    id: id.default('pop'),
    venue: id,
    count: z.number().int().positive().max(1_000_000),
    longShare: z.number().min(0).max(1).default(0.75),
    leverage: z.strictObject({ min: z.number().min(1), max: z.number().min(1) }).default({ min: 3, max: 50 }),
    notional: z.strictObject({ median: z.number().positive(), sigma: z.number().min(0).default(1) }).default({ median: 20_000, sigma: 1 }),
    /** Entry window (default: the first tenth of the run). */
    entry: z.strictObject({ from: Time.optional(), to: Time.optional() }).default({}),
    margin: z.enum(['isolated', 'cross']).default('isolated'),
  }),
});

export const RunSpecSchema = z.strictObject({
  /** Names the run folder (with the seed and a hash of the spec) unless a run id is given. */
  name: z.string().regex(/^[\w.-]+$/).optional(),
  seed: z.number().int().default(1),
  /** Optional window inside the data; rows before `start` still build the books (warm-up). */
  time: z.strictObject({ start: Time.optional(), end: Time.optional() }).default({}),
  /** Asset equity and margin are valued in (default: the first venue's quote asset). */
  valuation: z.string().optional(),
  venues: z.array(VenueSpecSchema).min(1),
  accounts: z.array(AccountSpecSchema).min(1),
  agents: z.array(z.union([AgentSpecSchema, PopulationSpecSchema])).default([]),
  risk: z
    .strictObject({
      /** Liquidate accounts whose equity falls below maintenance margin (default true). */
      liquidation: z.boolean().default(true),
      /** Share of a position closed per partial liquidation step. */
      stepShare: z.number().gt(0).max(1).default(0.25),
      /** Wait between steps of one account. */
      cooldown: z.string().default('1s'),
      /** Liquidation fee to the insurance fund, fraction of notional. */
      feeRate: z.number().min(0).lt(1).default(0.002),
      /** Starting balance of the insurance fund, in the margin asset. */
      insuranceFund: z.number().nonnegative().default(0),
      /**
       * Circuit breaker on every perp's mark: halt when the mark moves more than `haltThreshold`
       * from the window's extreme; while halted only reduce-only orders pass and liquidations
       * wait; limit orders further than `bandPct` from the mark are rejected.
       */
      breaker: z
        .strictObject({ haltThreshold: z.number().gt(0).lt(1).default(0.1), window: z.string().default('5m'), halt: z.string().default('60s'), bandPct: z.number().min(0).default(0.05) })
        .optional(),
    })
    .default({ liquidation: true, stepShare: 0.25, cooldown: '1s', feeRate: 0.002, insuranceFund: 0 }),
  record: z.strictObject({ equityInterval: z.string().default('1s') }).default({ equityInterval: '1s' }),
});

export type RunSpec = z.output<typeof RunSpecSchema>;
export type RunSpecInput = z.input<typeof RunSpecSchema>;
export type VenueSpec = z.output<typeof VenueSpecSchema>;
export type AccountSpec = z.output<typeof AccountSpecSchema>;
export type AgentSpec = z.output<typeof AgentSpecSchema>;
export type PopulationSpec = z.output<typeof PopulationSpecSchema>['population'];
