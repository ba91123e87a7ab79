/**
 * Aave liquidations (mev-inspect-py `aave_liquidations.py`): the outermost `liquidationCall` in a
 * transaction (the lending pool delegates to its implementation with the same call, which must
 * not count twice); the liquidator's payout is the first transfer to it made by an Aave contract.
 * Unlike mev-inspect, "outermost" is judged within one transaction, not across the block.
 */
import { childCalls, erc20TransferOf, isChildTraceAddress, type TxTraces } from './classifier-traces.ts';
import type { Liquidation } from './classifier-types.ts';

const AAVE_CONTRACT_ADDRESSES = new Set([
  '0x398ec7346dcd622edc5ae82352f02be94c62d119', // Aave v1 lending pool proxy
  '0x7d2768de32b0b80b7a3454c06bdac94a69ddc7a9', // Aave v2 lending pool
  '0x3dfd23a6c5e8bbcfc9581d2e864a68feb6a076d3', // Aave v1 core
  '0x030ba81f1c18d280636f32af80b9aad02cf0854e', // aWETH v2
  '0x79be75ffc64dd58e66787e4eae470c8a1fd08ba4', // Aave AMM market DAI
  '0xbcca60bb61934080951369a648fb03df4f96263c', // aUSDC v2
]);

export function getAaveLiquidationsForTransaction(tx: TxTraces, blockNumber: number): Liquidation[] {
  const out: Liquidation[] = [];
  const parents: number[][] = [];
  for (const t of tx.traces) {
    const c = tx.calls.get(t);
    if (c === undefined || c.decoded.kind !== 'aaveLiquidation') continue;
    if (parents.some((p) => isChildTraceAddress(t.traceAddress, p))) continue;
    parents.push(t.traceAddress);
    const d = c.decoded;
    const liquidator = c.trace.action.from;
    let receivedToken = d.collateralAsset;
    let receivedAmount = 0n;
    for (const child of childCalls(tx, t.traceAddress)) {
      const tr = erc20TransferOf(child);
      if (tr !== undefined && tr.toAddress === liquidator && AAVE_CONTRACT_ADDRESSES.has(child.trace.action.from)) {
        receivedToken = tr.tokenAddress;
        receivedAmount = tr.amount;
        break;
      }
    }
    out.push({
      protocol: 'aave',
      liquidatedUser: d.user,
      liquidatorUser: liquidator,
      collateralTokenAddress: d.collateralAsset,
      debtTokenAddress: d.debtAsset,
      debtPurchaseAmount: d.debtToCover,
      receivedAmount,
      receivedTokenAddress: receivedToken,
      transactionHash: tx.transactionHash,
      traceAddress: t.traceAddress,
      blockNumber,
    });
  }
  return out;
}

/**
 * Compound v2 liquidations (mev-inspect-py `compound_liquidations.py`): a `liquidateBorrow` on a
 * cToken — CEther repays with the call's ETH value, a CErc20 with `repayAmount` of its
 * underlying — whose collateral cToken then `seize`s `seizeTokens` cTokens from the borrower to
 * the liquidator. The debt token is the cToken repaid (its address), the received token the
 * collateral cToken. A reverted call, or one with no seize, is not a liquidation.
 */
export function getCompoundLiquidationsForTransaction(tx: TxTraces, blockNumber: number): Liquidation[] {
  const out: Liquidation[] = [];
  const parents: number[][] = [];
  for (const t of tx.traces) {
    const c = tx.calls.get(t);
    if (c === undefined || c.decoded.kind !== 'compoundLiquidate' || c.trace.action.callType !== 'call' || c.trace.error !== null) continue;
    if (parents.some((p) => isChildTraceAddress(t.traceAddress, p))) continue;
    const d = c.decoded;
    const seize = childCalls(tx, t.traceAddress).find((x) => x.decoded.kind === 'compoundSeize' && x.decoded.cToken === d.cTokenCollateral && x.trace.action.callType === 'call' && x.trace.error === null);
    if (seize === undefined || seize.decoded.kind !== 'compoundSeize') continue;
    parents.push(t.traceAddress);
    out.push({
      protocol: 'compound_v2',
      liquidatedUser: d.borrower,
      liquidatorUser: seize.decoded.liquidator,
      collateralTokenAddress: d.cTokenCollateral,
      debtTokenAddress: d.cToken,
      debtPurchaseAmount: d.repayAmount,
      receivedAmount: seize.decoded.seizeTokens,
      receivedTokenAddress: d.cTokenCollateral,
      transactionHash: tx.transactionHash,
      traceAddress: t.traceAddress,
      blockNumber,
    });
  }
  return out;
}
