/**
 * Aave v3 interest accrual, transcribed from the protocol's MathUtils and ReserveLogic:
 *  - the liquidity index grows linearly over the elapsed seconds at the supply (liquidity) rate:
 *    RAY + rate · Δt / SECONDS_PER_YEAR;
 *  - the variable borrow index compounds, by the three-term binomial approximation of
 *    (1 + rate / SECONDS_PER_YEAR)^Δt that `calculateCompoundedInterest` uses;
 *  - each new index is the old one `rayMul`-ed by that factor (half-up rounding), updated at most
 *    once per block timestamp (Δt = 0 leaves it unchanged).
 * Rates and indices are rays (1e27); time in seconds, a year is 365 days.
 */
import type { InterestStrategy } from './types.ts';
import { PERCENTAGE_FACTOR, percentMul, RAY, rayDiv, rayMul } from './wad-ray-math.ts';

export const SECONDS_PER_YEAR = 365n * 24n * 3600n;

export function linearInterest(rateRay: bigint, dtSeconds: bigint): bigint {
  return RAY + (rateRay * dtSeconds) / SECONDS_PER_YEAR;
}

export function compoundedInterest(rateRay: bigint, dtSeconds: bigint): bigint {
  const exp = dtSeconds;
  if (exp === 0n) return RAY;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = rayMul(rateRay, rateRay) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rateRay) / SECONDS_PER_YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rateRay * exp) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

export interface ReserveIndices {
  liquidityIndex: bigint;
  variableBorrowIndex: bigint;
  liquidityRate: bigint;
  variableBorrowRate: bigint;
  /** Seconds since the epoch of the last update. */
  lastUpdate: bigint;
}

/** The indices at `now` (seconds): ReserveLogic._updateIndexes with the rates set at the last update. */
export function accrue(r: ReserveIndices, now: bigint): { liquidityIndex: bigint; variableBorrowIndex: bigint } {
  const dt = now - r.lastUpdate;
  if (dt <= 0n) return { liquidityIndex: r.liquidityIndex, variableBorrowIndex: r.variableBorrowIndex };
  return {
    // Aave skips the update when the rate is 0 (the index cannot move).
    liquidityIndex: r.liquidityRate === 0n ? r.liquidityIndex : rayMul(linearInterest(r.liquidityRate, dt), r.liquidityIndex),
    variableBorrowIndex: r.variableBorrowRate === 0n ? r.variableBorrowIndex : rayMul(compoundedInterest(r.variableBorrowRate, dt), r.variableBorrowIndex),
  };
}

/**
 * DefaultReserveInterestRateStrategy.calculateInterestRates (Aave v3.0), variable debt only and
 * nothing unbacked: the borrow usage ratio totalDebt / (availableLiquidity + totalDebt) (rayDiv of
 * token amounts), the variable rate from the two slopes around the optimal usage, and the
 * liquidity rate = the overall borrow rate (the debt-weighted rate: wadToRay, rayMul, rayDiv — it
 * can round a unit away from the variable rate) × the supply usage × (1 − reserve factor).
 */
export function interestRates(k: InterestStrategy, availableLiquidity: bigint, totalVariableDebt: bigint): { liquidityRate: bigint; variableBorrowRate: bigint; usage: bigint } {
  const usage = totalVariableDebt === 0n ? 0n : rayDiv(totalVariableDebt, availableLiquidity + totalVariableDebt);
  let rate = k.baseVariableRateRay;
  if (usage > k.optimalUsageRay) rate += k.variableSlope1Ray + rayMul(k.variableSlope2Ray, rayDiv(usage - k.optimalUsageRay, RAY - k.optimalUsageRay));
  else rate += rayDiv(rayMul(k.variableSlope1Ray, usage), k.optimalUsageRay);
  let overall = 0n;
  if (totalVariableDebt !== 0n) {
    const debtRay = totalVariableDebt * 10n ** 9n;
    overall = rayDiv(rayMul(debtRay, rate), debtRay);
  }
  return { liquidityRate: percentMul(rayMul(overall, usage), PERCENTAGE_FACTOR - BigInt(k.reserveFactorBps)), variableBorrowRate: rate, usage };
}
