/**
 * Re-creation of the pool setups and swap cases of Uniswap/v3-core test/UniswapV3Pool.swaps.spec.ts
 * (the version whose snapshot has 16 cases per pool, incl. "with a price limit") and the helpers of
 * test/shared/utilities.ts. Constants are quoted from upstream, not derived from the model.
 */
export const FEE = { LOW: 500, MEDIUM: 3000, HIGH: 10000 } as const;
export const TICK_SPACINGS: Record<number, number> = { 500: 10, 3000: 60, 10000: 200 };
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
export const MaxUint128 = (1n << 128n) - 1n;

export const getMinTick = (tickSpacing: number): number => Math.ceil(-887272 / tickSpacing) * tickSpacing;
export const getMaxTick = (tickSpacing: number): number => Math.floor(887272 / tickSpacing) * tickSpacing;
export const getMaxLiquidityPerTick = (tickSpacing: number): bigint =>
  MaxUint128 / BigInt((getMaxTick(tickSpacing) - getMinTick(tickSpacing)) / tickSpacing + 1);
export const expandTo18Decimals = (n: number): bigint => BigInt(n) * 10n ** 18n;

const SCALE = 10n ** 40n;
/** round-half-up of num/den, as bignumber.js ROUND_HALF_UP on a positive quotient */
function divHalfUp(num: bigint, den: bigint): bigint {
  const q = num / den;
  return 2n * (num % den) >= den ? q + 1n : q;
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}
/**
 * encodePriceSqrt(reserve1, reserve0) of utilities.ts: bignumber.js with DECIMAL_PLACES 40 and
 * ROUND_HALF_UP for div and sqrt, then * 2^96 and integerValue(ROUND_FLOOR).
 */
export function encodePriceSqrt(reserve1: bigint, reserve0: bigint): bigint {
  const q = divHalfUp(reserve1 * SCALE, reserve0); // ratio * 1e40
  const n = q * SCALE; // sqrt(ratio) * 1e40 = sqrt(q * 1e40)
  let s = isqrt(n);
  if (n - s * s > s) s += 1n; // n >= (s + 1/2)^2 -> round half up
  return (s << 96n) / SCALE;
}

export interface Position { tickLower: number; tickUpper: number; liquidity: bigint }
export interface PoolCase { description: string; feeAmount: number; tickSpacing: number; startingPrice: bigint; positions: Position[] }
export interface SwapCase {
  description: string;
  zeroForOne: boolean;
  exactOut?: boolean;
  amount?: bigint;
  sqrtPriceLimit?: bigint;
}

const e18 = expandTo18Decimals(1);
const P50 = encodePriceSqrt(50n, 100n);
const P200 = encodePriceSqrt(200n, 100n);
export const DEFAULT_POOL_SWAP_TESTS: SwapCase[] = [
  { description: 'swap exactly 1.0000 token0 for token1', zeroForOne: true, exactOut: false, amount: e18 },
  { description: 'swap exactly 1.0000 token1 for token0', zeroForOne: false, exactOut: false, amount: e18 },
  { description: 'swap token0 for exactly 1.0000 token1', zeroForOne: true, exactOut: true, amount: e18 },
  { description: 'swap token1 for exactly 1.0000 token0', zeroForOne: false, exactOut: true, amount: e18 },
  { description: 'swap exactly 1.0000 token0 for token1 to price 0.50000', zeroForOne: true, exactOut: false, amount: e18, sqrtPriceLimit: P50 },
  { description: 'swap exactly 1.0000 token1 for token0 to price 2.0000', zeroForOne: false, exactOut: false, amount: e18, sqrtPriceLimit: P200 },
  { description: 'swap token0 for exactly 1.0000 token1 to price 0.50000', zeroForOne: true, exactOut: true, amount: e18, sqrtPriceLimit: P50 },
  { description: 'swap token1 for exactly 1.0000 token0 to price 2.0000', zeroForOne: false, exactOut: true, amount: e18, sqrtPriceLimit: P200 },
  { description: 'swap exactly 0.0000000000000010000 token0 for token1', zeroForOne: true, exactOut: false, amount: 1000n },
  { description: 'swap exactly 0.0000000000000010000 token1 for token0', zeroForOne: false, exactOut: false, amount: 1000n },
  { description: 'swap token0 for exactly 0.0000000000000010000 token1', zeroForOne: true, exactOut: true, amount: 1000n },
  { description: 'swap token1 for exactly 0.0000000000000010000 token0', zeroForOne: false, exactOut: true, amount: 1000n },
  { description: 'swap token1 for token0 to price 2.5000', zeroForOne: false, sqrtPriceLimit: encodePriceSqrt(5n, 2n) },
  { description: 'swap token0 for token1 to price 0.40000', zeroForOne: true, sqrtPriceLimit: encodePriceSqrt(2n, 5n) },
  { description: 'swap token0 for token1 to price 2.5000', zeroForOne: true, sqrtPriceLimit: encodePriceSqrt(5n, 2n) },
  { description: 'swap token1 for token0 to price 0.40000', zeroForOne: false, sqrtPriceLimit: encodePriceSqrt(2n, 5n) },
];

const fullRange = (ts: number, liquidity: bigint): Position => ({ tickLower: getMinTick(ts), tickUpper: getMaxTick(ts), liquidity });
const L2 = expandTo18Decimals(2);
const M = TICK_SPACINGS[FEE.MEDIUM]!;
const LOWTS = TICK_SPACINGS[FEE.LOW]!;

export const TEST_POOLS: PoolCase[] = [
  { description: 'low fee, 1:1 price, 2e18 max range liquidity', feeAmount: FEE.LOW, tickSpacing: LOWTS, startingPrice: encodePriceSqrt(1n, 1n), positions: [fullRange(LOWTS, L2)] },
  { description: 'medium fee, 1:1 price, 2e18 max range liquidity', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n), positions: [fullRange(M, L2)] },
  { description: 'high fee, 1:1 price, 2e18 max range liquidity', feeAmount: FEE.HIGH, tickSpacing: 200, startingPrice: encodePriceSqrt(1n, 1n), positions: [fullRange(200, L2)] },
  { description: 'medium fee, 10:1 price, 2e18 max range liquidity', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(10n, 1n), positions: [fullRange(M, L2)] },
  { description: 'medium fee, 1:10 price, 2e18 max range liquidity', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 10n), positions: [fullRange(M, L2)] },
  {
    description: 'medium fee, 1:1 price, 0 liquidity, all liquidity around current price', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n),
    positions: [{ tickLower: getMinTick(M), tickUpper: -M, liquidity: L2 }, { tickLower: M, tickUpper: getMaxTick(M), liquidity: L2 }],
  },
  {
    description: 'medium fee, 1:1 price, additional liquidity around current price', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n),
    positions: [fullRange(M, L2), { tickLower: getMinTick(M), tickUpper: -M, liquidity: L2 }, { tickLower: M, tickUpper: getMaxTick(M), liquidity: L2 }],
  },
  {
    description: 'low fee, large liquidity around current price (stable swap)', feeAmount: FEE.LOW, tickSpacing: LOWTS, startingPrice: encodePriceSqrt(1n, 1n),
    positions: [{ tickLower: -LOWTS, tickUpper: LOWTS, liquidity: L2 }],
  },
  { description: 'medium fee, token0 liquidity only', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n), positions: [{ tickLower: 0, tickUpper: 2000 * M, liquidity: L2 }] },
  { description: 'medium fee, token1 liquidity only', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n), positions: [{ tickLower: -2000 * M, tickUpper: 0, liquidity: L2 }] },
  { description: 'close to max price', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n << 127n, 1n), positions: [fullRange(M, L2)] },
  { description: 'close to min price', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n << 127n), positions: [fullRange(M, L2)] },
  { description: 'max full range liquidity at 1:1 price with default fee', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: encodePriceSqrt(1n, 1n), positions: [fullRange(M, getMaxLiquidityPerTick(M))] },
  { description: 'initialized at the max ratio', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: MAX_SQRT_RATIO - 1n, positions: [fullRange(M, L2)] },
  { description: 'initialized at the min ratio', feeAmount: FEE.MEDIUM, tickSpacing: M, startingPrice: MIN_SQRT_RATIO, positions: [fullRange(M, L2)] },
];

/** amountSpecified as the upstream TestUniswapV3Callee passes it to pool.swap */
export function amountSpecified(c: SwapCase): bigint {
  if (c.amount === undefined) return (1n << 255n) - 1n; // swapToLower/HigherSqrtPrice: type(int256).max
  return c.exactOut ? -c.amount : c.amount;
}
/** createPoolFunctions defaults the limit to MIN_SQRT_RATIO + 1 / MAX_SQRT_RATIO - 1 */
export function priceLimit(c: SwapCase): bigint {
  return c.sqrtPriceLimit ?? (c.zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
}
