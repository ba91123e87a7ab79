/** LiquidityMath.addDelta: uint128 + int128 with the contract's 'LS' (underflow) / 'LA' (overflow) reverts. */
import { ModelError } from '../../../errors.ts';
import { MAX_UINT128 } from './full-math.ts';

export function addDelta(x: bigint, y: bigint): bigint {
  const z = x + y;
  if (y < 0n) {
    if (z < 0n) throw new ModelError('LS', { field: 'liquidity', hint: 'liquidity would go negative' });
  } else if (z > MAX_UINT128) {
    throw new ModelError('LA', { field: 'liquidity', hint: 'liquidity would exceed uint128' });
  }
  return z;
}
