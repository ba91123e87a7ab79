/**
 * The EIP-1559 base-fee update, transcribed from the spec (https://eips.ethereum.org/EIPS/eip-1559):
 * parent_gas_target = gas_limit // 2; if used > target: base + max(base·(used − target) // target // 8, 1);
 * if used < target: base − base·(target − used) // target // 8. The reference the chain tests check against.
 */
export function eip1559(base: bigint, used: bigint, limit: bigint): bigint {
  const target = limit / 2n;
  if (used === target) return base;
  if (used > target) {
    const d = (base * (used - target)) / target / 8n;
    return base + (d > 1n ? d : 1n);
  }
  return base - (base * (target - used)) / target / 8n;
}
