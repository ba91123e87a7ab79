/**
 * EIP-1559 base fee update, integer-exact as in the EIP's reference code (and geth's
 * CalcBaseFee): the target is gasLimit / elasticity; above target the fee rises by at least 1 wei.
 */
import { ModelError } from '../errors.ts';

export interface BaseFeeParams {
  elasticityMultiplier: bigint;
  baseFeeMaxChangeDenominator: bigint;
}

export const ETHEREUM_BASE_FEE_PARAMS: BaseFeeParams = { elasticityMultiplier: 2n, baseFeeMaxChangeDenominator: 8n };

export function gasTarget(gasLimit: bigint, params: BaseFeeParams = ETHEREUM_BASE_FEE_PARAMS): bigint {
  return gasLimit / params.elasticityMultiplier;
}

/** Base fee of the child of a block with `parentBaseFee`, `parentGasUsed`, `parentGasLimit`. */
export function nextBaseFee(
  parentBaseFee: bigint,
  parentGasUsed: bigint,
  parentGasLimit: bigint,
  params: BaseFeeParams = ETHEREUM_BASE_FEE_PARAMS,
): bigint {
  if (parentBaseFee < 0n) throw new ModelError(`negative base fee ${parentBaseFee}`, { field: 'baseFeePerGas' });
  if (parentGasUsed < 0n || parentGasUsed > parentGasLimit) {
    throw new ModelError(`gasUsed ${parentGasUsed} outside [0, gasLimit ${parentGasLimit}]`, { field: 'gasUsed' });
  }
  const target = gasTarget(parentGasLimit, params);
  if (target <= 0n) throw new ModelError(`gas target is zero (gasLimit ${parentGasLimit})`, { field: 'gasLimit' });
  const d = params.baseFeeMaxChangeDenominator;
  if (parentGasUsed === target) return parentBaseFee;
  if (parentGasUsed > target) {
    const delta = (parentBaseFee * (parentGasUsed - target)) / target / d;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  const delta = (parentBaseFee * (target - parentGasUsed)) / target / d;
  const next = parentBaseFee - delta;
  return next > 0n ? next : 0n;
}
