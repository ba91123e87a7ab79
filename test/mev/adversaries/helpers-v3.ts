import { Chain } from '../../../src/chain/chain.ts';
import { ETHEREUM } from '../../../src/chain/profiles.ts';
import { Rng } from '../../../src/kernel/rng.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { ChainBank, ChainV3Pool, MevHarness, type AdversaryModel, type V3PositionSpec } from '../../../src/mev/adversaries/index.ts';
import { V3Pool } from '../../../src/venues/amm/index.ts';

/** ≈ 2000 USDC per WETH (token0 WETH 18 dp, token1 USDC 6 dp), between ticks -200313 and -200312. */
export const SQRT_P0 = 3543191142285914327220224n;
export const CENTER = -200310;
export const FEE = 500;
export const SPACING = 10;

/**
 * A ladder of nested positions around the price: a boundary every 20 ticks (0.2%) out to ±200
 * ticks, plus a full-range position, so any swap of a few ETH crosses initialized ticks.
 */
export const POSITIONS: V3PositionSpec[] = [
  ...Array.from({ length: 10 }, (_, k) => ({ tickLower: CENTER - 20 * (k + 1), tickUpper: CENTER + 20 * (k + 1), liquidity: BigInt(3 + k) * 10n ** 16n })),
  { tickLower: -887270, tickUpper: 887270, liquidity: 4n * 10n ** 16n },
];

/** An independent pool built with the plain V3Pool API (no chain, no journaling). */
export function freshPool(): V3Pool {
  const p = new V3Pool({ fee: FEE, tickSpacing: SPACING, sqrtPriceX96: SQRT_P0 });
  for (const s of POSITIONS) p.mint('lp', s.tickLower, s.tickUpper, s.liquidity);
  return p;
}

/** Exact-input output of a real V3Pool.swap (mutates `p`). */
export function swapOut(p: V3Pool, amountIn: bigint, zeroForOne: boolean): bigint {
  const r = p.swap({ zeroForOne, amountSpecified: amountIn });
  if ((zeroForOne ? r.amount0 : r.amount1) !== amountIn) throw new Error('partial fill');
  return -(zeroForOne ? r.amount1 : r.amount0);
}

export function worldV3(adversaries: (bank: ChainBank) => AdversaryModel[] = () => []) {
  const ledger = new Ledger();
  const chain = new Chain(ETHEREUM);
  const bank = new ChainBank(ledger, chain.state);
  const pool = new ChainV3Pool('weth-usdc-v3', 'WETH', 'USDC', bank, { fee: FEE, tickSpacing: SPACING });
  pool.init(0, SQRT_P0, POSITIONS);
  const advs = adversaries(bank);
  const harness = new MevHarness(chain, bank, new Map([[pool.id, pool]]), advs, Rng.root(7).split('mev'));
  return { ledger, chain, bank, pool, harness, advs };
}
