import { z } from 'zod';
import { PrimesimError } from '../errors.ts';
import { parseDurationUs } from '../market/latency.ts';
import { parseQueueModel } from '../market/queue-model.ts';
import { parseFees } from '../venues/clob/fees.ts';
import { parseMarkModel } from '../venues/perp/mark.ts';

/**
 * A setting written as a string its model parses (fees `2:5`, queue `power:3`), checked with the
 * schema: a sweep or Monte Carlo grid value it refuses fails before any run, not in its own run.
 */
function parsedBy(parse: (s: string) => unknown): (s: string, ctx: z.RefinementCtx) => void {
  return (s, ctx) => {
    try {
      parse(s);
    } catch (e) {
      if (!(e instanceof PrimesimError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.hint !== undefined ? `${e.reason} (${e.hint})` : e.reason });
    }
  };
}

/** Fees as `maker:taker` bps (checked by the fee model's parser). */
export const FeesString = z.string().superRefine(parsedBy(parseFees));
/** A queue model: risk-averse, power:<n>, log (checked by its parser). */
export const QueueString = z.string().superRefine(parsedBy(parseQueueModel));
/** A perp's mark price rule: index, mid, median[:tauUs] (checked by its parser: a grid point of a bad one ran the good points first). */
const MarkString = z.string().superRefine(parsedBy(parseMarkModel));

/**
 * The run spec: everything one run is made of, as data. `src/world/build.ts` is the only code
 * that turns it into a wired simulation; `primesim backtest` writes a one-venue spec, `primesim
 * run <spec.yaml>` reads one. Relative paths resolve against the spec file's folder.
 *
 * This version wires CLOB venues (spot and perpetual, linear or inverse) replayed from catalogs,
 * generated or laid around price paths; a chain with AMM pools (Uniswap v2/v3), Aave-style
 * lending markets and oracle feeds; accounts with cash or margin modes on one shared margin
 * engine and on-chain balances; user strategies, populations of leveraged traders, borrowers,
 * MEV adversaries and liquidation searchers; the liquidation engine and circuit breakers. What
 * the DESIGN names but this builder does not wire yet (options venues) is refused with a message
 * rather than ignored.
 */

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id is a letter then letters, digits, "_" or "-"');

/** µs since the epoch, or an ISO-8601 time. */
const Time = z.union([z.number().int().nonnegative(), z.string().min(1)]);
/** A bare number (`entry: 5`, `--set …latency.entry=5`) as its text, for the parser to say what it lacks. */
const asText = (v: unknown) => (typeof v === 'number' ? String(v) : v);
/**
 * A duration (`2ms`, `1h`), checked by its parser here so a bad one — a bare `5` is 'duration "5"
 * needs a unit', not "expected string, received number" — is refused with its field before anything
 * runs (every point of a sweep or an MC grid too); the builder reads it again for its bounds.
 */
export const Duration = z.preprocess(asText, z.string().superRefine(parsedBy((s) => parseDurationUs(s))));
/** A latency: a duration, or `empirical:<samples or file>` (a file is read by the builder, against the spec's folder). */
export const Latency = z.preprocess(asText, z.string().superRefine(parsedBy((s) => (s.startsWith('empirical:') ? undefined : parseDurationUs(s)))));

export const CLOB_VENUE_KINDS = ['spot', 'perp'] as const;
export const CHAIN_VENUE_KINDS = ['amm-v2', 'amm-v3', 'lending'] as const;
export const VENUE_KINDS = [...CLOB_VENUE_KINDS, 'options', ...CHAIN_VENUE_KINDS] as const;
/** Kinds the DESIGN has that run specs cannot wire yet, named so the error can say so (none now). */
export const PLANNED_VENUE_KINDS: readonly string[] = [];

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
  /**
   * The instrument the book trades. Default: the one a LEAN file names by its market and symbol
   * (e.g. bybit:BTCUSDT; see src/data/bars-instrument.ts), else Binance USDⓈ-M BTCUSDT (tick 0.1, lot 0.001).
   */
  instrument: z.string().optional(),
  /** Multiplies the capture's depth (other eras are deeper or thinner). */
  depthScale: z.number().positive().default(1),
  /** How far the laid-out book reaches from the mid, bps. */
  maxBps: z.number().int().min(5).max(2000).default(200),
  /** Liquidity taken moves the mid (decaying with `resilience`); false = the no-impact counterfactual. */
  impact: z.boolean().default(true),
  resilience: Duration.default('10m'),
  /**
   * `book`: a book with the capture's depth laid around each bar's close (tick-style execution,
   * impact). `bar`: the bar-backtest convention (see src/world/bar-source.ts) — orders decided on
   * a bar's close fill at the next open ± `slippageBps`, resting limits inside later bars along
   * open→high→low→close (open→low→high→close for a down bar); strategies get `onBar`.
   */
  execution: z.enum(['book', 'bar']).default('book'),
  slippageBps: z.number().min(0).max(1000).default(0),
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
      step: Duration.default('15s'),
      length: Duration.default('1d'),
    }),
  }),
  z.strictObject({
    /** Chainlink rounds (on-chain oracle answers) as the path, e.g. HUSD/ETH inverted = ETH/USD. */
    oracle: z.strictObject({ file: z.string().min(1), decimals: z.number().int().min(0).max(36).default(8), invert: z.boolean().default(false), from: Time.optional(), to: Time.optional() }),
  }),
  z.strictObject({
    /** A jump-diffusion whose vol, drift and jumps are estimated from real bars (threshold estimator, see paths.ts). */
    jumpDiffusionFrom: z.strictObject({
      bars: z.string().min(1),
      from: Time.optional(),
      to: Time.optional(),
      /** Returns beyond k robust standard deviations are jumps. */
      k: z.number().positive().default(4),
      start: Time,
      price: z.number().positive(),
      step: Duration.default('1m'),
      length: Duration.default('1d'),
    }),
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
  z.strictObject({
    /**
     * Another path venue's path with the co-movement of two real markets (src/world/comovement.ts):
     * at each of the leader's steps, β × its log return plus an independent normal residual —
     * correlated BTC/ETH moves on every Monte Carlo path (the leader is `mc.venue`). β and the
     * residual volatility are estimated from two simultaneous files (any book/trade/quote format
     * `data import` reads; their mids sampled every `interval`), or given.
     */
    follow: z.strictObject({
      venue: id,
      price: z.number().positive(),
      comovement: z.union([
        z.strictObject({ leader: z.string().min(1), follower: z.string().min(1), interval: Duration.default('1s') }),
        /** Given: β and the residual's annualised volatility (scaled with the leader path's when `leaderVol`, the leader's own, is given). */
        z.strictObject({ beta: z.number(), residualVol: z.number().nonnegative(), leaderVol: z.number().positive().optional() }),
      ]),
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
  z.strictObject({ rebase: z.strictObject({ price: z.number().positive().optional(), start: Time.optional() }) }),
]);

const PathData = z.strictObject({
  source: PathSource,
  transforms: z.array(PathTransformSpec).default([]),
  instrument: z.string().default('binance-futures:BTCUSDT'),
  depthScale: z.number().positive().default(1),
  maxBps: z.number().int().min(5).max(2000).default(200),
  impact: z.boolean().default(true),
  resilience: Duration.default('10m'),
});

export const ClobVenueSpecSchema = z.strictObject({
  id,
  kind: z.enum(CLOB_VENUE_KINDS),
  /**
   * Where the market comes from: a catalog folder (historical replay), the calibrated generator,
   * a book laid around real OHLCV bars (`bars`), or around any price path (`path`: bars, a
   * jump-diffusion or a bootstrap of real bars, with stress transforms), each with the real
   * capture's depth profile.
   */
  data: z.union([z.strictObject({
    catalog: z.string().min(1),
    /**
     * Trade a derivative capture's book as a spot market (the book and trades are real, the
     * contract is treated as spot: no funding, no margin) — e.g. routing studies where the only
     * ETHUSDT capture is the perpetual's. Say so in the report; the spot book differs.
     */
    asSpot: z.boolean().optional(),
  }), z.strictObject({ generate: Generate }), z.strictObject({ bars: Bars }), z.strictObject({ path: PathData })]),
  /** `maker:taker` in bps; negative maker = rebate. */
  fees: FeesString.default('2:5'),
  /** risk-averse, power:<n>, log. */
  queue: QueueString.default('risk-averse'),
  latency: z
    .strictObject({
      entry: Latency.default('1ms'),
      response: Latency.default('1ms'),
      /** `data`: add the feed latency measured from the data's two timestamps to order arrival. */
      feed: z.enum(['data', 'none']).default('data'),
    })
    .default({ entry: '1ms', response: '1ms', feed: 'data' }),
  // --- perp only ---
  /** Mark price model: median (Binance's rule), mid or index. */
  mark: MarkString.default('median'),
  /** Venue id whose mid is this perp's index price (default: the perp's own mid). */
  index: z.string().optional(),
  /** none, <rate>[@interval], lean:<file>, tardis:<derivative_ticker.csv>. */
  funding: z.string().default('none'),
  /** Leverage brackets of the margin model (default by instrument: Binance USDⓈ-M or COIN-M). */
  tiers: z.enum(['binance-usdm', 'binance-coinm', 'dydx']).optional(),
});

/** A token amount per token symbol, in whole tokens, e.g. { WETH: 1000, USDC: 2000000 }. */
const TokenAmounts = z.record(z.string(), z.number().nonnegative());

/**
 * An AMM pool on the chain: Uniswap v2 (constant product, 0.3%) or v3 (concentrated liquidity,
 * seeded positions around the price the reserves imply, each as deep as the v2 pool with these
 * reserves ×0.5–1.5).
 */
export const AmmVenueSpecSchema = z.strictObject({
  id,
  kind: z.enum(['amm-v2', 'amm-v3']),
  /** token0 and token1, as on chain (token0 is what `zeroForOne` sells). */
  tokens: z.tuple([z.string(), z.string()]),
  /** Starting reserves (v2), or the v2-equivalent depth each v3 position matches. */
  reserves: TokenAmounts.default({}),
  /**
   * v3: the liquidity profile of a real pool day instead of seeded positions: the active
   * liquidity its swap logs report at each tick (median per tick-spacing bucket, so one-block JIT
   * liquidity does not count), re-centred so the pool starts at \`price\` (whole units of the other
   * token per \`priceOf\`) with the same depth in value, and held flat at the day's median for
   * \`extend\` beyond the range the day visited.
   */
  profile: z.strictObject({
    events: z.string().min(1),
    priceOf: z.string(),
    price: z.number().positive(),
    from: Time.optional(),
    to: Time.optional(),
    extend: z.number().gt(0).max(1).default(0.2),
  }).optional(),
  /** v3 fee tier in hundredths of a bip: 100, 500, 3000 or 10000. */
  feePips: z.number().int().default(500),
  /** v3: number of seeded positions. */
  positions: z.number().int().positive().max(1000).default(8),
});

const LendingReserveSpec = z.strictObject({
  asset: z.string(),
  /**
   * Take LTV, liquidation threshold and bonus from a real Aave v3 reserve snapshot (either layout
   * of ../shared/data/chain/aave/risk-parameters-*), the row whose symbol is `symbol` (default:
   * the asset). Fields given here override the file's.
   */
  params: z.strictObject({ file: z.string().min(1), symbol: z.string().optional() }).optional(),
  ltvBps: z.number().int().min(0).max(10_000).optional(),
  liquidationThresholdBps: z.number().int().min(0).max(10_000).optional(),
  liquidationBonusBps: z.number().int().min(10_000).max(20_000).optional(),
  liquidationProtocolFeeBps: z.number().int().min(0).max(10_000).default(1000),
  /**
   * Interest: the snapshot's variable-rate strategy (raw layout) accrues on supplies and debts, so
   * health factors drift with time; false turns it off (indices stay 1).
   */
  interest: z.boolean().default(true),
  /** The chain oracle that prices this reserve (an id from `chain.oracles`). */
  oracle: z.string(),
});

/** An Aave v3-style lending market on the chain. */
export const LendingVenueSpecSchema = z.strictObject({
  id,
  kind: z.literal('lending'),
  reserves: z.array(LendingReserveSpec).min(1),
  /** Liquidity supplied at the start by a passive lender, whole tokens per asset. */
  liquidity: TokenAmounts.default({}),
});

/**
 * An options venue (Deribit-style inverse options, premium-paid, cash-settled at expiry): its
 * listed chain and mark-IV quotes come from a Tardis `options_chain` file (snapshot at the run's
 * start) or a generator with a known smile; marks and greeks come from an SVI surface fitted to
 * those quotes, on the forward given by the underlying venue's mark.
 */
export const OptionsVenueSpecSchema = z.strictObject({
  id,
  kind: z.literal('options'),
  /** The spot/perp venue whose mark is the options' forward and settlement price. */
  underlying: id,
  optionChain: z.union([
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({
      generate: z.strictObject({
        /** ATM implied vol of the generated smile (annual). */
        atmVol: z.number().positive().default(0.6),
        /** Expiries in days after the start, at 08:00 UTC. */
        expiries: z.array(z.number().positive()).min(1).default([7, 14]),
        strikeStep: z.number().positive().default(500),
        wings: z.number().int().positive().max(40).default(6),
        /** Underlying price the strikes centre on (default: the underlying path venue's first price). */
        price: z.number().positive().optional(),
      }),
    }),
  ]),
  /** Fee on premium, bps. */
  feeBps: z.number().min(0).default(3),
  /** The venue trades at mark × (1 ± halfSpread): buys above, sells below. */
  halfSpread: z.number().min(0).lt(1).default(0.02),
});

export const VenueSpecSchema = z.discriminatedUnion('kind', [ClobVenueSpecSchema, OptionsVenueSpecSchema, AmmVenueSpecSchema, LendingVenueSpecSchema]);

/** An oracle feed on the chain (Chainlink-style push: deviation threshold, heartbeat, latency). */
const OracleSpec = z.strictObject({
  id: z.string().min(1),
  /** Follows this spot/perp venue's mark (its quote taken as USD) … */
  venue: id.optional(),
  /** … or holds a fixed price (e.g. a stablecoin at 1) … */
  fixed: z.number().positive().optional(),
  /**
   * … or replays real Chainlink rounds (answer, updatedAt) from a getRoundData file, each round
   * readable at its updatedAt (`invert`: 1/answer, e.g. HUSD/ETH → ETH/USD).
   */
  rounds: z.strictObject({ file: z.string().min(1), decimals: z.number().int().min(0).max(36).default(8), invert: z.boolean().default(false) }).optional(),
  /**
   * With \`venue\`: the index blends in an AMM pool's price by its weight, (1 − w)·venue + w·pool,
   * so sales into the pool (liquidators dumping collateral) move the oracle too.
   */
  blend: z.strictObject({ pool: id, weight: z.number().gt(0).lt(1) }).optional(),
  deviationBps: z.number().int().positive().default(50),
  heartbeat: Duration.default('1h'),
  latency: Duration.default('0s'),
});

/**
 * The chain the AMM and lending venues live on: a block every slot, EIP-1559 base fee, a public
 * mempool watched by the adversaries, a private relay, finality, oracle feeds.
 */
export const ChainSpecSchema = z.strictObject({
  profile: z.enum(['ethereum', 'l2-rollup']).default('ethereum'),
  /**
   * Background demand for block space (everyone else's txs): the share of the gas limit it fills
   * per block at the reference base fee (0.5 = the EIP-1559 target, so the fee holds there; above
   * it the fee climbs), how that share answers the fee (`elasticity`: it falls by this much per
   * e-fold of the base fee above `referenceGwei`, rises below it; 0 = fixed demand), normal noise
   * on the share, the priority fee it pays, and spikes (a window at a higher share). With the
   * default 0.1 a window of full demand settles near e^5 ≈ 150× the reference (1 gwei → ~150
   * gwei on the ethereum profile) and the fee decays back after it; with 0 any demand the run adds
   * on top of a half-full background lifts the fee without end. Without `gas` only the run's own
   * txs fill blocks and the base fee decays to its floor.
   */
  gas: z
    .strictObject({
      utilisation: z.number().min(0).max(1).default(0.5),
      elasticity: z.number().min(0).max(10).default(0.1),
      /** The base fee at which the background fills `utilisation`, and where the base fee starts (default: the profile's initial base fee). */
      referenceGwei: z.number().positive().optional(),
      noise: z.number().min(0).max(1).default(0),
      tipGwei: z.number().min(0).default(1),
      spikes: z.array(z.strictObject({ from: Time, to: Time, utilisation: z.number().min(0).max(1) })).default([]),
    })
    .optional(),
  oracles: z.array(OracleSpec).default([]),
});

export const AccountSpecSchema = z.strictObject({
  id,
  /** Starting balances in whole units per asset, e.g. { USDT: 100000, BTC: 1 }. */
  deposits: z.record(z.string(), z.number().nonnegative()),
  /** cash: spot only, no borrowing; cross/isolated: tiered brackets; portfolio: scenario grid. */
  margin: z.enum(['cash', 'cross', 'isolated', 'portfolio']).default('cross'),
  /** Collateral haircuts of non-valuation assets (0 = full value, 1 = none), e.g. { BTC: 0.05 }. */
  haircuts: z.record(z.string(), z.number().min(0).max(1)).default({}),
  /**
   * Chosen leverage of cross and isolated accounts (Binance's per-symbol setting): initial margin
   * of a perp position is notional / leverage, so an order beyond it is rejected (the rate of the
   * position's bracket where that bracket allows less). Default: the bracket schedule (125× on
   * BTCUSDT's first bracket).
   */
  leverage: z.number().min(1).optional(),
  /** Tokens the account holds on the chain (its address is the account id), e.g. { WETH: 50, ETH: 10 }. */
  onchain: TokenAmounts.default({}),
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

/** MEV adversaries on the chain's public mempool and liquidation searchers in a gas auction. */
export const AdversarySpecSchema = z.strictObject({
  adversary: z.discriminatedUnion('kind', [
    z.strictObject({
      /** Front- and back-runs public swaps on any pool, bounded by the victim's amountOutMin. */
      kind: z.literal('sandwich'),
      count: z.number().int().positive().max(100).default(1),
      presence: z.number().min(0).max(1).default(1),
      /** When it sees a public tx; bot k (from 1) sees it k × latency after broadcast. */
      latency: Duration.default('200ms'),
      /** Its starting balance per pool: this many whole token0, and their value in token1 at the pool's starting price (a front-run sells what the victim sells). */
      capital: z.number().positive().default(500),
      /** Share of the expected profit bid as priority fee, bps (bot k bids this + 500·(k−1)). */
      tipShareBps: z.number().int().min(0).max(10_000).default(8000),
    }),
    z.strictObject({
      /** Back-runs each block: trades the pool to the CEX venue's price when it pays after gas. */
      kind: z.literal('cex-dex-arb'),
      pool: id,
      /** The spot/perp venue whose mark is the CEX price. */
      venue: id,
      presence: z.number().min(0).max(1).default(1),
      tipShareBps: z.number().int().min(0).max(10_000).default(5000),
    }),
    z.strictObject({
      /** Liquidation searchers competing in a priority-gas auction for underwater borrowers. */
      kind: z.literal('liquidator'),
      lending: id,
      count: z.number().int().positive().max(100).default(3),
      presence: z.number().min(0).max(1).default(0.9),
      /** Searcher k (from 1) reacts k × latency after the oracle update. */
      latency: Duration.default('50ms'),
      /**
       * Debt-asset balance each searcher starts with, whole tokens. A searcher bids only for a
       * liquidation it can repay from what it holds then (its sales of seized collateral refill
       * it), so in a deep cascade the searchers' capital is a limit on how fast debt is cleared.
       */
      capital: z.number().positive().default(10_000_000),
      /**
       * The winner sells the seized collateral into this AMM pool in the next block, through the
       * public mempool (so it can be sandwiched), accepting \`slippageBps\` below the quote.
       */
      sell: z.strictObject({ pool: id, slippageBps: z.number().int().min(0).max(9999).default(100) }).optional(),
      aggression: z.strictObject({ min: z.number().min(0).max(1), max: z.number().min(0).max(1) }).default({ min: 0.3, max: 0.95 }),
    }),
  ]),
});

/** Seeded borrowers on a lending venue: collateral in one asset, debt in another, near the LTV limit. */
export const BorrowersSpecSchema = z.strictObject({
  borrowers: z.strictObject({
    lending: id,
    count: z.number().int().positive().max(100_000),
    collateral: z.string(),
    debt: z.string(),
    /** Whole collateral tokens per borrower, drawn uniformly as an integer in [min, max]. */
    collateralUnits: z.strictObject({ min: z.number().int().positive(), max: z.number().int().positive() }).default({ min: 5, max: 50 }),
    /** Debt as a share of the LTV limit, drawn in [min, max] (per mille resolution). */
    borrowShare: z.strictObject({ min: z.number().gt(0).max(1), max: z.number().gt(0).max(1) }).default({ min: 0.7, max: 0.99 }),
  }),
});

/**
 * Monte Carlo: N paths from one spec (\`primesim mc\`). Path k replaces the price path of one path
 * venue: the historical sources first (k = 0 …), then paths generated from \`generate\` (a block
 * bootstrap of real returns or a jump-diffusion; several are taken in turn), each seeded from the
 * run seed and k, with its returns scaled by the next of \`shocks\` (cycled after every generator). Every path is re-based to start at \`start\`
 * and \`price\`, so all paths share one clock and price level (historical shocks of one market
 * applied to another); the venue's own transforms (e.g. depth withdrawal) apply after that.
 */
export const McSpecSchema = z.strictObject({
  paths: z.number().int().positive().max(1_000_000).default(100),
  venue: id,
  start: Time,
  price: z.number().positive(),
  historical: z.array(z.strictObject({ name: z.string().min(1), source: PathSource })).default([]),
  /** One generator, or several taken in turn (e.g. a bootstrap and a calibrated jump-diffusion). */
  generate: z.union([PathSource, z.array(PathSource).min(1)]),
  shocks: z.array(z.number().positive()).min(1).default([1]),
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
  /** The chain AMM and lending venues live on (required when the spec has one). */
  chain: ChainSpecSchema.optional(),
  agents: z.array(z.union([AgentSpecSchema, PopulationSpecSchema, AdversarySpecSchema, BorrowersSpecSchema])).default([]),
  risk: z
    .strictObject({
      /** Liquidate accounts whose equity falls below maintenance margin (default true). */
      liquidation: z.boolean().default(true),
      /** Share of a position closed per partial liquidation step. */
      stepShare: z.number().gt(0).max(1).default(0.25),
      /** Wait between steps of one account. */
      cooldown: Duration.default('1s'),
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
        .strictObject({ haltThreshold: z.number().gt(0).lt(1).default(0.1), window: Duration.default('5m'), halt: Duration.default('60s'), bandPct: z.number().min(0).default(0.05) })
        .optional(),
    })
    .default({ liquidation: true, stepShare: 0.25, cooldown: '1s', feeRate: 0.002, insuranceFund: 0 }),
  /**
   * Equity sampling interval (also at every fill). Default: 1s, or for a run whose venues all
   * execute on bars the longest bar interval (at least 1m), as `backtest` does: a minute-bar run
   * sampled every second had 59 zero returns in 60, and statistics counted them as data.
   */
  record: z.strictObject({ equityInterval: Duration.optional() }).default({}),
  /** Monte Carlo paths (see McSpecSchema); a plain run ignores it. */
  mc: McSpecSchema.optional(),
});

export type RunSpec = z.output<typeof RunSpecSchema>;
export type McSpec = z.output<typeof McSpecSchema>;
export type RunSpecInput = z.input<typeof RunSpecSchema>;
export type VenueSpec = z.output<typeof ClobVenueSpecSchema>;
export type AnyVenueSpec = z.output<typeof VenueSpecSchema>;
export type OptionsVenueSpec = z.output<typeof OptionsVenueSpecSchema>;
export type AmmVenueSpec = z.output<typeof AmmVenueSpecSchema>;
export type LendingVenueSpec = z.output<typeof LendingVenueSpecSchema>;
export type ChainSpec = z.output<typeof ChainSpecSchema>;
export type AdversarySpec = z.output<typeof AdversarySpecSchema>['adversary'];
export type BorrowersSpec = z.output<typeof BorrowersSpecSchema>['borrowers'];
export type AccountSpec = z.output<typeof AccountSpecSchema>;
export type AgentSpec = z.output<typeof AgentSpecSchema>;
export type PopulationSpec = z.output<typeof PopulationSpecSchema>['population'];
