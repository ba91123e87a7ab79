/**
 * Token flow of one transaction (mev-inspect-py `tokenflow.py`, `run_tokenflow`): how much ether
 * — ETH sent with calls and WETH moved by `transfer` / `transferFrom` — came into and went out of
 * the addresses the transaction acts for: the contract it calls (unless a known router) and the
 * contracts that contract delegates to. An arbitrage's profit is inflow − outflow before gas.
 * Transcribed rule by rule, including upstream's quirks (a WETH transfer counts as inflow when
 * its recipient is checked, otherwise as outflow when the caller is; raw calldata lengths).
 */
import type { ChainBlockData, Trace } from '../data/chain/types.ts';

export const WETH_ADDRESS = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';

/** Routers and aggregators whose flows are their users', not their own. */
const KNOWN_ROUTERS = new Set([
  '0x7a250d5630b4cf539739df2c5dacb4c659f2488d', // Uniswap V2 router 02
  '0xd9e1ce17f2641f24ae83637ab66a2cca9c378b9f', // SushiSwap router
  '0x11111254369792b2ca5d084ab5eea397ca8fa48b', // 1inch v2
  '0x111111125434b319222cdbf8c261674adb56f3ae', // 1inch v2 (later)
  '0xdef1c0ded9bec7f1a1670819833240f027b25eff', // 0x exchange proxy
  '0xe592427a0aece92de3edee1f18e0157c05861564', // Uniswap V3 SwapRouter
]);

export interface TokenFlow {
  /** Addresses whose flows are counted. */
  addresses: string[];
  /** [inflow, outflow] of ether (ETH + WETH), wei. */
  etherFlows: [bigint, bigint];
}

export function tokenFlow(block: ChainBlockData, transactionHash: string): TokenFlow {
  const receipt = block.receipts.find((r) => r.transactionHash === transactionHash);
  if (receipt === undefined || receipt.to === null) throw new Error(`transaction ${transactionHash} has no receipt with a recipient in block ${block.blockNumber}`);
  const traces = block.traces.filter((t) => t.transactionHash === transactionHash);
  const to = receipt.to;
  const addresses: string[] = [];
  for (const t of traces) if (t.type === 'call' && t.action.callType === 'delegatecall' && t.action.from === to) addresses.push(t.action.to.toLowerCase());
  if (!KNOWN_ROUTERS.has(to)) addresses.push(to.toLowerCase());
  return { addresses, etherFlows: etherFlows(traces, new Set(addresses)) };
}

function etherFlows(traces: readonly Trace[], check: ReadonlySet<string>): [bigint, bigint] {
  let inflow = 0n;
  let outflow = 0n;
  for (const t of traces) {
    if (t.type === 'call') {
      const a = t.action;
      const value = a.value;
      if (a.callType !== 'delegatecall' && a.from !== WETH_ADDRESS && value > 0n && check.has(a.to)) inflow += value;
      if (a.callType !== 'delegatecall' && a.to !== WETH_ADDRESS && value > 0n && check.has(a.from)) outflow += value;
      if (a.to === WETH_ADDRESS) {
        const input = a.input.toLowerCase();
        // transfer(address,uint256)
        if (input.length === 138 && input.slice(2, 10) === 'a9059cbb') {
          const recipient = `0x${input.slice(34, 74)}`;
          const amount = BigInt(`0x${input.slice(74, 138)}`);
          if (check.has(recipient)) inflow += amount;
          else if (check.has(a.from)) outflow += amount;
        }
        // transferFrom(address,address,uint256)
        if (input.length === 202 && input.slice(2, 10) === '23b872dd') {
          const sender = `0x${input.slice(34, 74)}`;
          const recipient = `0x${input.slice(98, 138)}`;
          const amount = BigInt(`0x${input.slice(138, 202)}`);
          if (check.has(recipient)) inflow += amount;
          else if (check.has(sender)) outflow += amount;
        }
      }
    } else if (t.type === 'suicide') {
      const refund = String(t.action.refundAddress ?? '').toLowerCase();
      if (check.has(refund)) inflow += BigInt(String(t.action.balance ?? '0x0'));
    }
  }
  return [inflow, outflow];
}
