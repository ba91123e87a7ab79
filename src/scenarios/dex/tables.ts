/** Column builders for the on-chain scenario result tables (Arrow via writeRunFolder). */
import type { Chain } from '../../chain/chain.ts';
import type { Block, Receipt } from '../../chain/types.ts';
import type { MevRecord, TxTiming } from '../../mev/adversaries/index.ts';

export interface SliceRow {
  slice: number;
  hash: string;
  amountIn: bigint;
  amountOutMin: bigint;
  quote: bigint;
  submittedTsUs: number;
  receipt?: Receipt | undefined;
  amountOut?: bigint | undefined;
  mevLoss?: bigint;
  includedTsUs?: number | undefined;
  finalTsUs?: number | undefined;
}

const f64 = (xs: number[]) => Float64Array.from(xs);
const i32 = (xs: number[]) => Int32Array.from(xs);
const big = (xs: bigint[]) => BigInt64Array.from(xs);

export function blocksTable(blocks: readonly Block[]) {
  return {
    number: i32(blocks.map((b) => b.number)),
    ts_us: f64(blocks.map((b) => b.tsUs)),
    base_fee: big(blocks.map((b) => b.baseFeeWei)),
    gas_used: f64(blocks.map((b) => b.gasUsed)),
    tx_count: i32(blocks.map((b) => b.txs.length)),
    dropped_bundles: i32(blocks.map((b) => b.droppedBundles.length)),
  };
}

/** Every tx the run submitted, included or not (block −1 and NaN times while pending). */
export function txsTable(chain: Chain, blocks: readonly Block[], timing: ReadonlyMap<string, TxTiming>) {
  const rows: Array<{ hash: string; sender: string; r: Receipt | undefined; t: TxTiming | undefined }> = [];
  const seen = new Set<string>();
  for (const b of blocks) {
    for (let i = 0; i < b.txs.length; i++) {
      const tx = b.txs[i]!;
      seen.add(tx.hash);
      rows.push({ hash: tx.hash, sender: tx.from, r: b.receipts[i], t: timing.get(tx.hash) });
    }
  }
  for (const [hash, t] of timing) if (!seen.has(hash)) rows.push({ hash, sender: '', r: undefined, t });
  return {
    hash: rows.map((x) => x.hash),
    sender: rows.map((x) => x.sender),
    block: i32(rows.map((x) => x.r?.blockNumber ?? -1)),
    position: i32(rows.map((x) => x.r?.position ?? -1)),
    gas_paid: big(rows.map((x) => x.r?.feeWei ?? 0n)),
    status: rows.map((x) => x.r?.status ?? 'pending'),
    route: rows.map((x) => x.t?.route ?? ''),
    submitted_ts_us: f64(rows.map((x) => x.t?.submittedTsUs ?? NaN)),
    included_ts_us: f64(rows.map((x) => (x.r === undefined ? NaN : blocks[x.r.blockNumber]!.tsUs))),
    final_ts_us: f64(rows.map((x) => chain.finalityTsUs(x.hash) ?? NaN)),
  };
}

/** Extraction attributed to a victim tx; profit is net of gas, in ETH. */
export function mevTable(rs: readonly MevRecord[]) {
  return {
    attacker: rs.map((r) => r.attacker),
    victim_tx: rs.map((r) => r.victimTx),
    kind: rs.map((r) => r.kind),
    profit: f64(rs.map((r) => Number(r.profitWei) / 1e18)),
    gross: f64(rs.map((r) => Number(r.gross) / 1e18)),
    gas_eth: f64(rs.map((r) => Number(r.gasWei) / 1e18)),
    victim_loss: f64(rs.map((r) => Number(r.victimLoss) / 1e6)),
    block: i32(rs.map((r) => r.block)),
    ts_us: f64(rs.map((r) => r.tsUs)),
  };
}

export function arbsTable(rs: readonly MevRecord[]) {
  return {
    attacker: rs.map((r) => r.attacker),
    profit: f64(rs.map((r) => Number(r.profitWei) / 1e18)),
    gas_eth: f64(rs.map((r) => Number(r.gasWei) / 1e18)),
    block: i32(rs.map((r) => r.block)),
    ts_us: f64(rs.map((r) => r.tsUs)),
  };
}

export function slicesTable(ss: readonly SliceRow[]) {
  return {
    slice: i32(ss.map((s) => s.slice)),
    tx: ss.map((s) => s.hash),
    status: ss.map((s) => s.receipt?.status ?? 'pending'),
    amount_in: f64(ss.map((s) => Number(s.amountIn) / 1e18)),
    quote_out: f64(ss.map((s) => Number(s.quote) / 1e6)),
    amount_out_min: f64(ss.map((s) => Number(s.amountOutMin) / 1e6)),
    amount_out: f64(ss.map((s) => (s.amountOut === undefined ? NaN : Number(s.amountOut) / 1e6))),
    mev_loss: f64(ss.map((s) => Number(s.mevLoss ?? 0n) / 1e6)),
    submitted_ts_us: f64(ss.map((s) => s.submittedTsUs)),
    included_ts_us: f64(ss.map((s) => s.includedTsUs ?? NaN)),
    final_ts_us: f64(ss.map((s) => s.finalTsUs ?? NaN)),
    settlement_delay_us: f64(ss.map((s) => (s.finalTsUs === undefined ? NaN : s.finalTsUs - s.submittedTsUs))),
  };
}
