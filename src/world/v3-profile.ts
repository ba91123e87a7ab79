/**
 * A Uniswap v3 pool's liquidity profile taken from a real day of its swap logs, as positions a
 * simulated pool can be minted with.
 *
 * There is no snapshot of the initialized ticks at the start of the day, but every Swap log
 * reports the active liquidity at the tick it leaves the price at: over a day, that is the
 * pool's real liquidity across every tick the price visited. Per tick-spacing bucket the median
 * is kept, so a just-in-time position minted and burnt around one swap (a one-block spike of
 * 100× the usual liquidity) does not count as depth. Buckets the price skipped take the
 * nearer visited neighbour's value; beyond the visited range the liquidity is held flat at the
 * day's median for `extend` (a stated assumption, not data).
 *
 * Re-centring to another price level (a CEX capture from another day): ticks shift by the log
 * of the price ratio, and liquidity scales by 1/√k when the price of the priced token rises by
 * k, which keeps the value of the depth per relative price move the same (the amount of the
 * quote-like token in a range is L·Δ(1/√P) or L·Δ√P, whichever side it is on).
 */
import { ConfigError } from '../errors.ts';
import type { V3PoolEvent } from '../data/readers/uniswap-v3-day.ts';
import type { V3PositionSpec } from '../mev/adversaries/index.ts';
import { getTickAtSqrtRatio, MAX_TICK, MIN_TICK } from '../venues/amm/index.ts';

export interface V3ProfileOptions {
  tickSpacing: number;
  fromUs?: number;
  toUs?: number;
  /** Flat extension beyond the visited range, as a fraction of price (0.2 = ±20%). */
  extend: number;
  /** Ticks to add (re-centring) and the liquidity factor (1/√k). */
  tickShift: number;
  liquidityScale: number;
}

export interface V3Profile {
  positions: V3PositionSpec[];
  /** The pool's tick at the first swap of the window (before re-centring). */
  startTick: number;
  /** Active liquidity per visited bucket (lower tick, after re-centring) — for reports and tests. */
  buckets: { tick: number; liquidity: bigint; swaps: number }[];
  swaps: number;
}

function median(xs: bigint[]): bigint {
  const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s[(s.length - 1) >> 1]!;
}

export function v3ProfileFromSwaps(events: readonly V3PoolEvent[], o: V3ProfileOptions): V3Profile {
  const sp = o.tickSpacing;
  const by = new Map<number, bigint[]>();
  let startTick: number | undefined;
  let swaps = 0;
  const all: bigint[] = [];
  for (const e of events) {
    if (e.kind !== 'swap' || e.tick === undefined || e.poolLiquidity === undefined) continue;
    if (o.fromUs !== undefined && e.tsUs < o.fromUs) continue;
    if (o.toUs !== undefined && e.tsUs >= o.toUs) continue;
    startTick ??= e.tick;
    swaps++;
    const b = Math.floor(e.tick / sp) * sp;
    const list = by.get(b) ?? [];
    list.push(e.poolLiquidity);
    by.set(b, list);
    all.push(e.poolLiquidity);
  }
  if (startTick === undefined) throw new ConfigError('no swaps with the pool state in the window: no liquidity profile', { field: 'profile' });
  const keys = [...by.keys()].sort((a, b) => a - b);
  const lo = keys[0]!;
  const hi = keys[keys.length - 1]!;
  // Exact for a factor of 1; otherwise to 1e-12 relative (integer liquidity × a rounded factor).
  const factor = BigInt(Math.round(o.liquidityScale * 1e12));
  const scale = (l: bigint) => (o.liquidityScale === 1 ? l : (l * factor) / 10n ** 12n);
  const buckets: V3Profile['buckets'] = [];
  for (let t = lo; t <= hi; t += sp) {
    let xs = by.get(t);
    // A bucket the price skipped: the nearer visited neighbour (lower on a tie).
    for (let d = sp; xs === undefined; d += sp) xs = by.get(t - d) ?? by.get(t + d);
    buckets.push({ tick: t + o.tickShift, liquidity: scale(median(xs)), swaps: by.get(t)?.length ?? 0 });
  }
  const positions: V3PositionSpec[] = buckets.map((b) => ({ tickLower: b.tick, tickUpper: b.tick + sp, liquidity: b.liquidity }));
  // Flat extension at the day's median on both sides.
  const ext = Math.ceil(Math.log(1 + o.extend) / Math.log(1.0001) / sp) * sp;
  const flat = scale(median(all));
  const minT = Math.ceil(MIN_TICK / sp) * sp;
  const maxT = Math.floor(MAX_TICK / sp) * sp;
  const first = buckets[0]!.tick;
  const last = buckets[buckets.length - 1]!.tick + sp;
  if (flat > 0n) {
    positions.unshift({ tickLower: Math.max(minT, first - ext), tickUpper: first, liquidity: flat });
    positions.push({ tickLower: last, tickUpper: Math.min(maxT, last + ext), liquidity: flat });
  }
  return { positions: positions.filter((p) => p.liquidity > 0n && p.tickUpper > p.tickLower), startTick, buckets, swaps };
}

/**
 * The profile re-centred so the pool starts at \`rawPrice\` (token1 minor per token0 minor), with
 * the value of its depth kept in the other token than \`priced\` (the one whose price moves).
 */
export function recentredProfile(events: readonly V3PoolEvent[], o: { tickSpacing: number; fromUs?: number; toUs?: number; extend: number; priced: 'token0' | 'token1'; rawPrice: number }): V3Profile & { sqrtPriceX96: bigint } {
  const sqrtPriceX96 = BigInt(Math.round(Math.sqrt(o.rawPrice) * 2 ** 96));
  const target = getTickAtSqrtRatio(sqrtPriceX96);
  const base = { tickSpacing: o.tickSpacing, extend: o.extend, ...(o.fromUs !== undefined ? { fromUs: o.fromUs } : {}), ...(o.toUs !== undefined ? { toUs: o.toUs } : {}) };
  const probe = v3ProfileFromSwaps(events, { ...base, tickShift: 0, liquidityScale: 1 });
  const shift = Math.round((target - probe.startTick) / o.tickSpacing) * o.tickSpacing;
  const r = 1.0001 ** shift;
  // token0 amounts in a range scale by 1/√r, token1 amounts by √r: keep the other token's.
  const liquidityScale = o.priced === 'token1' ? Math.sqrt(r) : 1 / Math.sqrt(r);
  return { ...v3ProfileFromSwaps(events, { ...base, tickShift: shift, liquidityScale }), sqrtPriceX96 };
}
