/**
 * Almgren–Chriss inputs measured on the replayed market before an order starts (pure functions
 * over what a strategy observed during its warm-up):
 * - σ: realised volatility of the mid, price units per √second (quadratic variation / time).
 * - η: temporary impact from the book. AC charges a slice n traded over τ a concession of
 *   η·n/τ per unit beyond the touch (plus ε, the half spread and fee); walking n on the book
 *   concedes (VWAP − touch) per unit, so η = (VWAP(n) − touch)·τ / n.
 * - γ: permanent impact, Kyle's λ: the slope (through the origin) of mid changes on the signed
 *   traded volume over the same intervals.
 */

/** σ from mid samples: √(Σ(Δmid)² / elapsed seconds). */
export function realisedVol(tsUs: ArrayLike<number>, mid: ArrayLike<number>): number {
  let qv = 0;
  for (let i = 1; i < mid.length; i++) qv += (mid[i]! - mid[i - 1]!) ** 2;
  const secs = mid.length > 1 ? (tsUs[mid.length - 1]! - tsUs[0]!) / 1e6 : 0;
  return secs > 0 ? Math.sqrt(qv / secs) : 0;
}

/** Average concession per unit beyond the touch when walking `qty` through the levels (best first). */
export function walkConcession(prices: ArrayLike<number>, sizes: ArrayLike<number>, qty: number): number {
  if (!(qty > 0) || prices.length === 0) return 0;
  const touch = prices[0]!;
  let left = qty;
  let conc = 0;
  for (let j = 0; j < prices.length && left > 0; j++) {
    const take = Math.min(left, sizes[j]!);
    conc += take * Math.abs(prices[j]! - touch);
    left -= take;
  }
  // Beyond the visible depth the last level's concession is assumed (a floor, not a forecast).
  if (left > 0) conc += left * Math.abs(prices[prices.length - 1]! - touch);
  return conc / qty;
}

/** η for slices of `slice` base units every `tauS` seconds. */
export function temporaryImpact(prices: ArrayLike<number>, sizes: ArrayLike<number>, slice: number, tauS: number): number {
  return (walkConcession(prices, sizes, slice) * tauS) / slice;
}

/** Kyle's λ: Σ Δmid·v / Σ v² over intervals (price per base unit of signed volume). */
export function kyleLambda(dMid: ArrayLike<number>, signedVolume: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < dMid.length; i++) {
    num += dMid[i]! * signedVolume[i]!;
    den += signedVolume[i]! ** 2;
  }
  return den > 0 ? Math.max(0, num / den) : 0;
}
