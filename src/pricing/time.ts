/** Microseconds in a 365-day year: the ACT/365 convention used for option expiries. */
export const US_PER_YEAR = 365 * 24 * 3600 * 1e6;

/**
 * ACT/365 year fraction between two Unix-microsecond timestamps (`toUs - fromUs`, may be negative
 * when `toUs` is earlier; callers that price options reject T <= 0 themselves).
 */
export function yearFracUs(fromUs: number, toUs: number): number {
  return (toUs - fromUs) / US_PER_YEAR;
}
