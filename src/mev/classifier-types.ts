/** Output records of the MEV classifier, field for field those of flashbots/mev-inspect-py. */

export interface Transfer {
  transactionHash: string;
  traceAddress: number[];
  tokenAddress: string;
  fromAddress: string;
  toAddress: string;
  amount: bigint;
}

export type SwapAbi = 'UniswapV2Pair' | 'UniswapV3Pool' | 'CurveSwap';

export interface Swap {
  abiName: SwapAbi;
  protocol: 'uniswap_v2' | 'uniswap_v3' | 'curve';
  transactionHash: string;
  transactionPosition: number;
  blockNumber: number;
  traceAddress: number[];
  contractAddress: string;
  fromAddress: string;
  toAddress: string;
  tokenInAddress: string;
  tokenInAmount: bigint;
  tokenOutAddress: string;
  tokenOutAmount: bigint;
  error: string | null;
}

export interface Sandwich {
  blockNumber: number;
  sandwicherAddress: string;
  frontrunSwap: Swap;
  backrunSwap: Swap;
  sandwichedSwaps: Swap[];
  profitTokenAddress: string;
  /** Back-run output minus front-run input, in the profit token's raw units. */
  profitAmount: bigint;
}

export interface Arbitrage {
  swaps: Swap[];
  blockNumber: number;
  transactionHash: string;
  accountAddress: string;
  profitTokenAddress: string;
  startAmount: bigint;
  endAmount: bigint;
  profitAmount: bigint;
  error: string | null;
}

export interface Liquidation {
  protocol: 'aave' | 'compound_v2';
  liquidatedUser: string;
  liquidatorUser: string;
  collateralTokenAddress: string;
  debtTokenAddress: string;
  debtPurchaseAmount: bigint;
  receivedAmount: bigint;
  receivedTokenAddress: string;
  transactionHash: string;
  traceAddress: number[];
  blockNumber: number;
}
