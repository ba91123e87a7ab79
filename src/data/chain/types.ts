/** Parsed block data with parity-style call traces. Addresses are lowercase `0x` hex. */

export interface CallAction {
  from: string;
  to: string;
  callType: string;
  gas: bigint;
  input: string;
  value: bigint;
}

export interface CallResult {
  gasUsed: bigint;
  output: string;
}

interface TraceBase {
  transactionHash: string | null;
  transactionPosition: number | null;
  blockNumber: number;
  traceAddress: number[];
  subtraces: number;
  error: string | null;
}

export interface CallTrace extends TraceBase {
  type: 'call';
  action: CallAction;
  /** null when the call reverted (parity reports no result then). */
  result: CallResult | null;
}

/** create, suicide, reward: kept so trace positions line up, their payload is not interpreted. */
export interface OtherTrace extends TraceBase {
  type: 'create' | 'suicide' | 'reward';
  action: Record<string, unknown>;
}

export type Trace = CallTrace | OtherTrace;

export interface ChainReceipt {
  transactionHash: string;
  transactionIndex: number;
  gasUsed: number;
  effectiveGasPrice: bigint;
  cumulativeGasUsed: number;
  to: string | null;
}

export interface ChainBlockData {
  blockNumber: number;
  /** Unix seconds; absent in the older mev-inspect schema. */
  blockTimestamp: number | undefined;
  miner: string;
  baseFeePerGas: bigint;
  traces: Trace[];
  receipts: ChainReceipt[];
}

/** One block header of a header series (e.g. for base-fee replays). */
export interface BlockHeader {
  number: number;
  timestampUs: number;
  baseFeePerGas: bigint;
  gasUsed: number;
  gasLimit: number;
}
