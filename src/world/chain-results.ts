/**
 * What a run's chain leaves behind: its result tables (blocks, transactions, MEV, swaps, the
 * lending panel and liquidations, oracle rounds, simulated against detected sandwiches) and the
 * metrics a run with a chain adds. Read once, when the run ends.
 */
import type { Chain } from '../chain/chain.ts';
import { ORACLE_SCALE, type OracleFeed } from '../chain/oracle.ts';
import { fromMinor, tokenDecimals } from '../chain/tokens.ts';
import type { Block } from '../chain/types.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ChainBank, ChainPool, LiquidationPga, MevHarness, MevRecord, PgaRecord } from '../mev/adversaries/index.ts';
import { detectSimulatedMev } from '../mev/detect-simulated.ts';
import type { Sandwich } from '../mev/classifier-types.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import type { SwapLog } from '../strategy/pool-port.ts';
import type { LendingPool } from '../venues/lending/index.ts';

/** The strategies' swaps of one direction: input token → output token (whole units). */
export interface SwapPairMetrics {
  tokenIn: string;
  tokenOut: string;
  swaps: number;
  filled: number;
  /** Output lost to sandwiches (tokenOut). */
  mevLoss: number;
  /** Output per input over the filled swaps (tokenOut per tokenIn). */
  avgPrice: number;
}

/** What a run with a chain adds to the metrics (swaps are the strategies' own). */
export interface ChainMetrics {
  blocks: number;
  swaps: number;
  swapsFilled: number;
  swapsSandwiched: number;
  /**
   * Output the strategies' swaps lost to sandwiches, in their output token (whole units); NaN when
   * the swaps have several output tokens (a sum of WETH and USDC means nothing: see swapsByPair).
   */
  swapMevLoss: number;
  /** Output per input over filled swaps, whole tokens (e.g. USDC per WETH sold); NaN over several directions. */
  swapAvgPrice: number;
  /** The same per direction (input token → output token), in order of the first swap of each. */
  swapsByPair?: SwapPairMetrics[];
  swapGasEth: number;
  meanSettlementDelayS: number;
  sandwichProfitEth: number;
  arbProfitEth: number;
  chainLedgerMismatches: number;
  lendingLiquidations?: number;
  lendingAccountsLiquidated?: number;
  searcherProfitUsd?: number;
  priorityFeesUsd?: number;
  lendingBadDebtUsd?: number;
  lendingProtocolFeesUsd?: number;
}

/**
 * Simulated against detected sandwiches, one row per victim: the classifier's rules run on the
 * run's own blocks (detectSimulatedMev) and every sandwich an adversary recorded, matched by the
 * victim tx. `detected_profit_minor` is the classifier's profit (back-run out − front-run in, in
 * the front-run's input token), `simulated_gross_minor` the adversary's own gross take.
 */
export function detectedTable(blocks: readonly Block[], bank: ChainBank, pools: readonly ChainPool[], records: readonly MevRecord[]): Record<string, ColumnData> {
  const found = detectSimulatedMev(blocks, (h) => bank.movements(h), pools.map((p) => ({ account: p.account, kind: p.kind })));
  const sim = new Map(records.filter((r) => r.kind === 'sandwich').map((r) => [r.victimTx, r] as const));
  const rows: { block: number; victim: string; det: Sandwich | undefined; rec: MevRecord | undefined }[] = [];
  const seen = new Set<string>();
  for (const d of found.sandwiches) {
    for (const v of d.sandwichedSwaps) {
      seen.add(v.transactionHash);
      rows.push({ block: d.blockNumber, victim: v.transactionHash, det: d, rec: sim.get(v.transactionHash) });
    }
  }
  for (const [victim, r] of sim) if (!seen.has(victim)) rows.push({ block: r.block, victim, det: undefined, rec: r });
  rows.sort((a, b) => a.block - b.block || a.victim.localeCompare(b.victim));
  return {
    block: i32(rows.map((x) => x.block)),
    victim_tx: rows.map((x) => x.victim),
    detected: i32(rows.map((x) => (x.det ? 1 : 0))),
    simulated: i32(rows.map((x) => (x.rec ? 1 : 0))),
    sandwicher: rows.map((x) => x.det?.sandwicherAddress ?? ''),
    attacker: rows.map((x) => x.rec?.attacker ?? ''),
    frontrun_tx: rows.map((x) => x.det?.frontrunSwap.transactionHash ?? ''),
    backrun_tx: rows.map((x) => x.det?.backrunSwap.transactionHash ?? ''),
    profit_token: rows.map((x) => x.det?.profitTokenAddress ?? x.rec?.asset ?? ''),
    detected_profit_minor: big(rows.map((x) => x.det?.profitAmount ?? 0n)),
    simulated_gross_minor: big(rows.map((x) => x.rec?.gross ?? 0n)),
  };
}

const f64 = (xs: number[]) => Float64Array.from(xs);
const i32 = (xs: number[]) => Int32Array.from(xs);
const big = (xs: bigint[]) => BigInt64Array.from(xs);

export function chainTables(c: {
  chain: Chain;
  blocks: Block[];
  harness: MevHarness;
  pgas: Map<string, LiquidationPga>;
  swaps: SwapLog[];
  hf: { ts: number[]; account: string[]; venue: string[]; hf: number[]; liq: number[] };
  lending: Map<string, LendingPool>;
  oracles: Map<string, OracleFeed>;
  saleDecimals?: ReadonlyMap<string, number>;
}): Record<string, Record<string, ColumnData>> {
  const { chain, blocks } = c;
  const out: Record<string, Record<string, ColumnData>> = {};
  out.blocks = {
    number: i32(blocks.map((b) => b.number)),
    ts_us: f64(blocks.map((b) => b.tsUs)),
    base_fee: big(blocks.map((b) => b.baseFeeWei)),
    gas_used: f64(blocks.map((b) => b.gasUsed)),
    background_gas: f64(blocks.map((b) => b.backgroundGas)),
    tx_count: i32(blocks.map((b) => b.txs.length)),
    dropped_bundles: i32(blocks.map((b) => b.droppedBundles.length)),
  };
  // Every tx the run submitted, included or not (block −1 and NaN times while pending).
  const rows: { hash: string; sender: string; r: Block['receipts'][number] | undefined }[] = [];
  const seen = new Set<string>();
  for (const b of blocks) {
    for (let i = 0; i < b.txs.length; i++) {
      seen.add(b.txs[i]!.hash);
      rows.push({ hash: b.txs[i]!.hash, sender: b.txs[i]!.from, r: b.receipts[i] });
    }
  }
  for (const hash of c.harness.timing.keys()) if (!seen.has(hash)) rows.push({ hash, sender: '', r: undefined });
  const timing = c.harness.timing;
  out.txs = {
    hash: rows.map((x) => x.hash),
    sender: rows.map((x) => x.sender),
    block: i32(rows.map((x) => x.r?.blockNumber ?? -1)),
    position: i32(rows.map((x) => x.r?.position ?? -1)),
    gas_paid: big(rows.map((x) => x.r?.feeWei ?? 0n)),
    status: rows.map((x) => x.r?.status ?? 'pending'),
    route: rows.map((x) => timing.get(x.hash)?.route ?? ''),
    submitted_ts_us: f64(rows.map((x) => timing.get(x.hash)?.submittedTsUs ?? NaN)),
    included_ts_us: f64(rows.map((x) => (x.r === undefined ? NaN : blocks[x.r.blockNumber]!.tsUs))),
    final_ts_us: f64(rows.map((x) => chain.finalityTsUs(x.hash) ?? NaN)),
  };
  const all = c.harness.records();
  const extraction = [...all.filter((r) => r.kind === 'sandwich'), ...[...c.pgas.values()].flatMap((p): MevRecord[] => [...p.records()])];
  const outDecimals = new Map([...c.swaps.map((s) => [s.hash, s.decimalsOut] as const), ...(c.saleDecimals ?? [])]);
  out.mev = {
    attacker: extraction.map((r) => r.attacker),
    victim_tx: extraction.map((r) => r.victimTx),
    kind: extraction.map((r) => r.kind),
    profit: f64(extraction.map((r) => Number(r.profitWei) / 1e18)),
    gross: f64(extraction.map((r) => Number(r.gross) / 1e18)),
    gas_eth: f64(extraction.map((r) => Number(r.gasWei) / 1e18)),
    victim_loss_minor: big(extraction.map((r) => r.victimLoss)),
    victim_loss: f64(extraction.map((r) => Number(r.victimLoss) / 10 ** (outDecimals.get(r.victimTx) ?? 18))),
    block: i32(extraction.map((r) => r.block)),
    ts_us: f64(extraction.map((r) => r.tsUs)),
  };
  const arbs = all.filter((r) => r.kind === 'arbitrage');
  out.arbs = {
    attacker: arbs.map((r) => r.attacker),
    profit: f64(arbs.map((r) => Number(r.profitWei) / 1e18)),
    gas_eth: f64(arbs.map((r) => Number(r.gasWei) / 1e18)),
    block: i32(arbs.map((r) => r.block)),
    ts_us: f64(arbs.map((r) => r.tsUs)),
  };
  const ss = c.swaps;
  out.swaps = {
    account: ss.map((s) => s.account),
    pool: ss.map((s) => s.pool),
    label: ss.map((s) => s.label),
    tx: ss.map((s) => s.hash),
    route: ss.map((s) => s.route),
    token_in: ss.map((s) => s.tokenIn),
    token_out: ss.map((s) => s.tokenOut),
    status: ss.map((s) => s.status ?? 'pending'),
    amount_in: f64(ss.map((s) => fromMinor(s.amountIn, s.decimalsIn))),
    quote_out: f64(ss.map((s) => fromMinor(s.quote, s.decimalsOut))),
    amount_out_min: f64(ss.map((s) => fromMinor(s.amountOutMin, s.decimalsOut))),
    amount_out: f64(ss.map((s) => (s.amountOut === undefined ? NaN : fromMinor(s.amountOut, s.decimalsOut)))),
    mev_loss: f64(ss.map((s) => fromMinor(s.mevLoss ?? 0n, s.decimalsOut))),
    gas_paid_eth: f64(ss.map((s) => Number(s.gasPaidWei ?? 0n) / 1e18)),
    submitted_ts_us: f64(ss.map((s) => s.submittedTsUs)),
    included_ts_us: f64(ss.map((s) => s.includedTsUs ?? NaN)),
    final_ts_us: f64(ss.map((s) => s.finalTsUs ?? NaN)),
    settlement_delay_us: f64(ss.map((s) => (s.finalTsUs === undefined ? NaN : s.finalTsUs - s.submittedTsUs))),
  };
  if (c.lending.size > 0) {
    out.lending = { ts_us: f64(c.hf.ts), venue: c.hf.venue, account: c.hf.account, health_factor: f64(c.hf.hf), liquidations: i32(c.hf.liq) };
    const liqs = [...c.lending.entries()].flatMap(([id, p]) => p.liquidations.map((l) => ({ id, l })));
    const dec = (a: string) => 10 ** tokenDecimals(a);
    out.lending_liquidations = {
      ts_us: f64(liqs.map((x) => x.l.tsUs)),
      venue: liqs.map((x) => x.id),
      user: liqs.map((x) => x.l.user),
      liquidator: liqs.map((x) => x.l.liquidator),
      debt_asset: liqs.map((x) => x.l.debtAsset),
      debt_repaid: f64(liqs.map((x) => Number(x.l.debtRepaid) / dec(x.l.debtAsset))),
      collateral_asset: liqs.map((x) => x.l.collateralAsset),
      collateral_seized: f64(liqs.map((x) => Number(x.l.collateralSeized) / dec(x.l.collateralAsset))),
      protocol_fee: f64(liqs.map((x) => Number(x.l.protocolFee) / dec(x.l.collateralAsset))),
      close_factor_bps: i32(liqs.map((x) => Number(x.l.closeFactorBps))),
      hf_before: f64(liqs.map((x) => Number(x.l.healthFactorBeforeWad) / 1e18)),
      bad_debt: f64(liqs.map((x) => Number(x.l.badDebt.reduce((a, b) => a + b.amount, 0n)) / dec(x.l.debtAsset))),
    };
  }
  if (c.oracles.size > 0) {
    const rs = [...c.oracles.values()].flatMap((f) => f.allRounds().map((r) => ({ f: f.name, r })));
    out.oracle_rounds = {
      feed: rs.map((x) => x.f),
      round: i32(rs.map((x) => x.r.roundId)),
      answer: f64(rs.map((x) => Number(x.r.answer) / ORACLE_SCALE)),
      triggered_ts_us: f64(rs.map((x) => x.r.triggeredTsUs)),
      published_ts_us: f64(rs.map((x) => x.r.publishedTsUs)),
      reason: rs.map((x) => x.r.reason),
    };
  }
  return out;
}


/** Fill in each strategy swap's outcome: receipt, output, MEV loss, inclusion and finality times. */
export function settleSwaps(swaps: SwapLog[], chain: Chain, blocks: readonly Block[], records: readonly MevRecord[]): void {
  const loss = new Map<string, bigint>();
  for (const r of records) if (r.kind === 'sandwich') loss.set(r.victimTx, (loss.get(r.victimTx) ?? 0n) + r.victimLoss);
  for (const s of swaps) {
    const rc = chain.receipt(s.hash);
    s.status = rc?.status ?? 'pending';
    s.amountOut = rc?.status === 'success' ? chain.state.get<bigint>(`out:${s.hash}`) : undefined;
    s.gasPaidWei = rc?.feeWei;
    s.mevLoss = loss.get(s.hash) ?? 0n;
    s.includedTsUs = rc === undefined ? undefined : blocks[rc.blockNumber]?.tsUs;
    s.finalTsUs = chain.finalityTsUs(s.hash);
  }
}

export function chainMetrics(c: {
  ledger: Ledger;
  bank: ChainBank;
  blocks: Block[];
  harness: MevHarness;
  pgas: Map<string, LiquidationPga>;
  swaps: SwapLog[];
  lending: Map<string, LendingPool>;
  pools: Map<string, ChainPool>;
  oracles: Map<string, OracleFeed>;
  accounts: string[];
}): ChainMetrics {
  const recs = c.harness.records();
  const sandwiches = recs.filter((r) => r.kind === 'sandwich');
  const arbs = recs.filter((r) => r.kind === 'arbitrage');
  const ok = c.swaps.filter((s) => s.status === 'success');
  const sumWei = (xs: readonly MevRecord[]) => xs.reduce((a, r) => a + r.profitWei, 0n);
  let delay = 0;
  let n = 0;
  for (const s of c.swaps) if (s.finalTsUs !== undefined) { delay += s.finalTsUs - s.submittedTsUs; n++; }
  // Per direction: average price (output per input in whole tokens, e.g. USDC per WETH sold, over
  // filled swaps) and MEV loss (in the output token). Across directions neither adds up.
  const pairs = new Map<string, SwapPairMetrics & { inUnits: number; outUnits: number }>();
  for (const s of c.swaps) {
    const key = `${s.tokenIn}\u0000${s.tokenOut}`;
    let p = pairs.get(key);
    if (p === undefined) pairs.set(key, (p = { tokenIn: s.tokenIn, tokenOut: s.tokenOut, swaps: 0, filled: 0, mevLoss: 0, avgPrice: 0, inUnits: 0, outUnits: 0 }));
    p.swaps++;
    p.mevLoss += fromMinor(s.mevLoss ?? 0n, s.decimalsOut);
    if (s.status === 'success') {
      p.filled++;
      p.inUnits += fromMinor(s.amountIn, s.decimalsIn);
      p.outUnits += fromMinor(s.amountOut ?? 0n, s.decimalsOut);
    }
  }
  const byPair: SwapPairMetrics[] = [...pairs.values()].map(({ inUnits, outUnits, ...p }) => ({ ...p, avgPrice: inUnits > 0 ? outUnits / inUnits : 0 }));
  const oneOut = new Set(byPair.map((p) => p.tokenOut)).size <= 1;
  const m: ChainMetrics = {
    blocks: c.blocks.length,
    swaps: c.swaps.length,
    swapsFilled: ok.length,
    swapsSandwiched: c.swaps.filter((s) => (s.mevLoss ?? 0n) > 0n).length,
    swapMevLoss: oneOut ? byPair.reduce((a, p) => a + p.mevLoss, 0) : NaN,
    swapAvgPrice: byPair.length === 0 ? 0 : byPair.length === 1 ? byPair[0]!.avgPrice : NaN,
    ...(byPair.length > 0 ? { swapsByPair: byPair } : {}),
    swapGasEth: c.swaps.reduce((a, s) => a + Number(s.gasPaidWei ?? 0n) / 1e18, 0),
    meanSettlementDelayS: n > 0 ? delay / n / 1e6 : 0,
    sandwichProfitEth: Number(sumWei(sandwiches)) / 1e18,
    arbProfitEth: Number(sumWei(arbs)) / 1e18,
    // Conservation: chain balances equal the ledger's for every token of every pool and account.
    chainLedgerMismatches: chainMismatches(c),
  };
  if (c.lending.size > 0) {
    const prec = [...c.pgas.values()].flatMap((p) => p.records() as PgaRecord[]);
    const liqs = [...c.lending.values()].flatMap((p) => p.liquidations);
    m.lendingLiquidations = liqs.length;
    m.lendingAccountsLiquidated = new Set(liqs.map((l) => l.user)).size;
    m.searcherProfitUsd = Number(prec.reduce((a, r) => a + r.profitBase, 0n)) / ORACLE_SCALE;
    m.priorityFeesUsd = Number(prec.reduce((a, r) => a + r.feeBase, 0n)) / ORACLE_SCALE;
    // Bad debt (deficits) and protocol fees valued in USD at the oracles' last answers.
    const lastTs = c.blocks.length > 0 ? c.blocks[c.blocks.length - 1]!.tsUs : 0;
    let bad = 0;
    let fees = 0;
    for (const p of c.lending.values()) {
      for (const a of p.reserveAssets()) {
        const px = Number(p.price(a, lastTs)) / ORACLE_SCALE;
        bad += fromMinor(p.deficit(a), tokenDecimals(a)) * px;
        fees += fromMinor(c.ledger.balance(p.treasuryAccount, a), tokenDecimals(a)) * px;
      }
    }
    m.lendingBadDebtUsd = bad;
    m.lendingProtocolFeesUsd = fees;
  }
  return m;
}

function chainMismatches(c: { ledger: Ledger; bank: ChainBank; pools: Map<string, ChainPool>; accounts: string[]; swaps: SwapLog[]; harness: MevHarness }): number {
  const tokens = new Set<string>();
  for (const p of c.pools.values()) tokens.add(p.token0).add(p.token1);
  const holders = new Set<string>([...c.accounts, ...c.harness.adversaries.map((a) => a.name), ...[...c.pools.values()].map((p) => p.account)]);
  let bad = 0;
  for (const h of holders) for (const t of tokens) if (c.bank.balance(h, t) !== c.ledger.balance(h, t)) bad++;
  return bad;
}
