import { ModelError } from '../errors.ts';

/**
 * Input guards shared by the pricing functions. Every failure is a ModelError whose message and
 * `field` name the offending value, so a caller several layers up can tell which input was bad.
 */

export function requireFinite(field: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new ModelError(`${field} must be a finite number, got ${String(value)}`, { field });
  }
  return value;
}

export function requirePositive(field: string, value: number, hint?: string): number {
  requireFinite(field, value);
  if (!(value > 0)) {
    throw new ModelError(`${field} must be > 0, got ${value}`, hint === undefined ? { field } : { field, hint });
  }
  return value;
}

/** Time to expiry: an option at or past expiry has no vol to speak of, so T <= 0 is refused. */
export function requireTime(field: string, t: number): number {
  return requirePositive(field, t, 'option expired or expiring now (T <= 0)');
}
