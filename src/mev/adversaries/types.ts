/** The adversary interface: agents that watch the public mempool and the chain. */
import type { Chain } from '../../chain/chain.ts';
import type { Block, Bundle, ChainTx } from '../../chain/types.ts';
import type { ChainBank } from './chain-bank.ts';
import type { ChainV2Pool } from './chain-amm.ts';
import type { ChainV3Pool } from './chain-v3-pool.ts';

/** A pool living in chain state; `kind` tells the adversaries which curve to size trades on. */
export type ChainPool = ChainV2Pool | ChainV3Pool;

export interface AdversaryConfig {
  /** Probability that the adversary is present for a given opportunity (0..1). */
  presence: number;
  /** How long after broadcast it sees a public mempool tx, µs. */
  latencyUs: number;
  /** Most it will put at risk in one opportunity, in the input token's minor units. */
  capital: bigint;
}

export interface AdversaryContext {
  chain: Chain;
  bank: ChainBank;
  pools: ReadonlyMap<string, ChainPool>;
  /** When the adversary acts (block build time). */
  nowUs: number;
  /** Time of the block being executed (read by tx bodies that need a clock). */
  blockTsUs: number;
  /** Value of `amount` of `asset` in native wei (for gas-vs-profit decisions). */
  valueInNativeWei(asset: string, amount: bigint): bigint;
}

export type MevKind = 'sandwich' | 'arbitrage' | 'liquidation';

/** One realised extraction (included on chain). */
export interface MevRecord {
  attacker: string;
  /** The victim tx ('' for arbitrage against a price move, the borrower for a liquidation). */
  victimTx: string;
  kind: MevKind;
  block: number;
  tsUs: number;
  /** Gross take in `asset` minor units. */
  gross: bigint;
  asset: string;
  /** Gas paid by the adversary's txs (burn + tip), native wei. */
  gasWei: bigint;
  /** Net profit in native wei: value(gross) − gas. */
  profitWei: bigint;
  /** What the victim lost against the unattacked outcome, in the victim's output token. */
  victimLoss: bigint;
}

export interface AdversaryModel {
  readonly name: string;
  readonly config: AdversaryConfig;
  /** A public tx became visible; return a bundle to send to the builder, or nothing. */
  onMempool(tx: ChainTx, ctx: AdversaryContext): Bundle | undefined;
  /** The builder took this adversary's bundle (it outbid the others for the same victim). */
  onBundleAccepted?(bundle: Bundle): void;
  /** A block was sealed; record outcomes and return txs for the next block (sent privately). */
  onBlock?(block: Block, ctx: AdversaryContext): ChainTx[];
  records(): readonly MevRecord[];
}
