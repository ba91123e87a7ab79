/**
 * Decoders for the calls the MEV classifier needs, read from trace inputs/outputs (the dumps carry
 * no event logs). A call is classified by its selector alone, whatever contract it goes to, as
 * mev-inspect-py does; an input that does not strictly decode under that ABI is unknown.
 */
import { decodeAbi, decodeCallInput, selectorOf } from './abi.ts';
import type { CallTrace, Trace } from './types.ts';

export const SELECTORS = {
  transfer: '0xa9059cbb',
  transferFrom: '0x23b872dd',
  uniswapV2Swap: '0x022c0d9f',
  uniswapV3Swap: '0x128acb08',
  getReserves: '0x0902f1ac',
  aaveLiquidationCall: '0x00a718a9',
  curveExchange: '0x3df02124',
  curveExchangeUnderlying: '0xa6417ed6',
  compoundLiquidateEther: '0xaae40a2a',
  compoundLiquidateErc20: '0xf5e3c462',
  compoundSeize: '0xb2a02ff1',
  uniswapV3Mint: '0x3c8a7d8d',
  uniswapV3Burn: '0xa34123a7',
  uniswapV3Collect: '0x4f1eb3d8',
} as const;

/** Pseudo token address mev-inspect uses for native ETH. */
export const ETH_TOKEN_ADDRESS = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';

export interface Erc20TransferCall { kind: 'transfer'; token: string; from: string; to: string; amount: bigint }
export interface V2SwapCall { kind: 'v2swap'; pool: string; amount0Out: bigint; amount1Out: bigint; recipient: string }
export interface V3SwapCall { kind: 'v3swap'; pool: string; recipient: string; zeroForOne: boolean; amountSpecified: bigint }
/** Curve `exchange(i, j, dx, min_dy)` / `exchange_underlying`: the pool pays the caller. */
export interface CurveSwapCall { kind: 'curveswap'; pool: string; recipient: string; i: bigint; j: bigint; dx: bigint }
export interface LiquidationCall {
  kind: 'aaveLiquidation';
  pool: string;
  collateralAsset: string;
  debtAsset: string;
  user: string;
  debtToCover: bigint;
  receiveAToken: boolean;
}
/** Compound v2 `liquidateBorrow` on a cToken: CEther repays with the call's value, CErc20 with `repayAmount`. */
export interface CompoundLiquidateCall { kind: 'compoundLiquidate'; cToken: string; borrower: string; repayAmount: bigint; cTokenCollateral: string; ether: boolean }
/** CToken.seize(liquidator, borrower, seizeTokens). */
export interface CompoundSeizeCall { kind: 'compoundSeize'; cToken: string; liquidator: string; borrower: string; seizeTokens: bigint }
/** Uniswap v3 pool mint / burn / collect on a tick range; amounts from the call's return value (0 when it has none). */
export interface V3LiquidityCall { kind: 'v3Mint' | 'v3Burn' | 'v3Collect'; pool: string; tickLower: number; tickUpper: number; amount0: bigint; amount1: bigint }
export interface UnknownCall { kind: 'unknown' }
export type DecodedCall = Erc20TransferCall | V2SwapCall | V3SwapCall | CurveSwapCall | LiquidationCall | CompoundLiquidateCall | CompoundSeizeCall | V3LiquidityCall | UnknownCall;

const UNKNOWN: UnknownCall = { kind: 'unknown' };

export function isCall(t: Trace): t is CallTrace {
  return t.type === 'call';
}

/** Classifies one call trace by selector and strict ABI decoding of its input. */
export function classifyCall(t: CallTrace): DecodedCall {
  const input = t.action.input;
  const sel = selectorOf(input);
  if (sel === undefined) return UNKNOWN;
  switch (sel) {
    case SELECTORS.transfer: {
      const a = decodeCallInput(input, sel, ['address', 'uint256']);
      if (a) return { kind: 'transfer', token: t.action.to, from: t.action.from, to: a[0] as string, amount: a[1] as bigint };
      return UNKNOWN;
    }
    case SELECTORS.transferFrom: {
      const a = decodeCallInput(input, sel, ['address', 'address', 'uint256']);
      if (a) return { kind: 'transfer', token: t.action.to, from: a[0] as string, to: a[1] as string, amount: a[2] as bigint };
      return UNKNOWN;
    }
    case SELECTORS.uniswapV2Swap: {
      const a = decodeCallInput(input, sel, ['uint256', 'uint256', 'address', 'bytes']);
      if (a) return { kind: 'v2swap', pool: t.action.to, amount0Out: a[0] as bigint, amount1Out: a[1] as bigint, recipient: a[2] as string };
      return UNKNOWN;
    }
    case SELECTORS.uniswapV3Swap: {
      const a = decodeCallInput(input, sel, ['address', 'bool', 'int256', 'uint160', 'bytes']);
      if (a) return { kind: 'v3swap', pool: t.action.to, recipient: a[0] as string, zeroForOne: a[1] as boolean, amountSpecified: a[2] as bigint };
      return UNKNOWN;
    }
    case SELECTORS.curveExchange:
    case SELECTORS.curveExchangeUnderlying: {
      const a = decodeCallInput(input, sel, ['int128', 'int128', 'uint256', 'uint256']);
      if (a) return { kind: 'curveswap', pool: t.action.to, recipient: t.action.from, i: a[0] as bigint, j: a[1] as bigint, dx: a[2] as bigint };
      return UNKNOWN;
    }
    case SELECTORS.compoundLiquidateEther: {
      const a = decodeCallInput(input, sel, ['address', 'address']);
      if (a) return { kind: 'compoundLiquidate', cToken: t.action.to, borrower: a[0] as string, repayAmount: t.action.value, cTokenCollateral: a[1] as string, ether: true };
      return UNKNOWN;
    }
    case SELECTORS.compoundLiquidateErc20: {
      const a = decodeCallInput(input, sel, ['address', 'uint256', 'address']);
      if (a) return { kind: 'compoundLiquidate', cToken: t.action.to, borrower: a[0] as string, repayAmount: a[1] as bigint, cTokenCollateral: a[2] as string, ether: false };
      return UNKNOWN;
    }
    case SELECTORS.compoundSeize: {
      const a = decodeCallInput(input, sel, ['address', 'address', 'uint256']);
      if (a) return { kind: 'compoundSeize', cToken: t.action.to, liquidator: a[0] as string, borrower: a[1] as string, seizeTokens: a[2] as bigint };
      return UNKNOWN;
    }
    case SELECTORS.uniswapV3Mint:
    case SELECTORS.uniswapV3Collect: {
      // mint(recipient, tickLower, tickUpper, amount, data) / collect(recipient, tickLower, tickUpper, max0, max1)
      const a = decodeCallInput(input, sel, ['address', 'int24', 'int24']);
      if (a) return { kind: sel === SELECTORS.uniswapV3Mint ? 'v3Mint' : 'v3Collect', pool: t.action.to, tickLower: Number(a[1]), tickUpper: Number(a[2]), ...returnedAmounts(t) };
      return UNKNOWN;
    }
    case SELECTORS.uniswapV3Burn: {
      const a = decodeCallInput(input, sel, ['int24', 'int24', 'uint128']);
      if (a) return { kind: 'v3Burn', pool: t.action.to, tickLower: Number(a[0]), tickUpper: Number(a[1]), ...returnedAmounts(t) };
      return UNKNOWN;
    }
    case SELECTORS.aaveLiquidationCall: {
      const a = decodeCallInput(input, sel, ['address', 'address', 'address', 'uint256', 'bool']);
      if (a) {
        return {
          kind: 'aaveLiquidation', pool: t.action.to, collateralAsset: a[0] as string, debtAsset: a[1] as string,
          user: a[2] as string, debtToCover: a[3] as bigint, receiveAToken: a[4] as boolean,
        };
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/** (amount0, amount1) a pool call returned: mint, burn and collect all return them. */
function returnedAmounts(t: CallTrace): { amount0: bigint; amount1: bigint } {
  const v = t.result === null ? undefined : decodeAbi(t.result.output, ['uint256', 'uint256']);
  return v === undefined ? { amount0: 0n, amount1: 0n } : { amount0: v[0] as bigint, amount1: v[1] as bigint };
}

/** A plain ETH send (value > 0, empty input) as a transfer of the ETH pseudo-token. */
export function ethTransferOf(t: CallTrace): Erc20TransferCall | undefined {
  if (t.action.value > 0n && t.action.input === '0x') {
    return { kind: 'transfer', token: ETH_TOKEN_ADDRESS, from: t.action.from, to: t.action.to, amount: t.action.value };
  }
  return undefined;
}

export interface Reserves { reserve0: bigint; reserve1: bigint; blockTimestampLast: bigint }

/** `getReserves()` output of a pair, or undefined if the call has no (valid) output. */
export function decodeGetReserves(t: CallTrace): Reserves | undefined {
  if (selectorOf(t.action.input) !== SELECTORS.getReserves || t.result === null) return undefined;
  const a = decodeAbi(t.result.output, ['uint112', 'uint112', 'uint32']);
  if (!a) return undefined;
  return { reserve0: a[0] as bigint, reserve1: a[1] as bigint, blockTimestampLast: a[2] as bigint };
}
