import { parseDecimal } from '../../market/instrument.ts';

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

/** Parsed decimal string: value = mantissa × 10^-scale (scale may be negative after an exponent). */
interface Dec {
  mantissa: bigint;
  scale: number;
}

/** Why a string did not convert; `null` means it converted. Kept as data so callers decide skip vs throw. */
export type ConvertProblem = 'not a number' | 'negative' | 'off grid';

/**
 * Exact decimal-string → integer-units conversion for one unit (a tick or lot size given as a
 * decimal string). `units("61800.20")` with unit "0.1" is 618002; "61800.25" is off the grid.
 * The fast path works on doubles holding integers below 2^53 (exact); longer inputs fall back
 * to BigInt. No floating-point division is ever involved.
 */
export class DecimalScaler {
  readonly unit: string;
  private readonly unitMantissa: number;
  private readonly unitMantissaBig: bigint;
  private readonly unitScale: number;
  /** Set by `units()` when it returns NaN. */
  problem: ConvertProblem | null = null;

  constructor(unit: string) {
    const d = parseDecimal(unit);
    if (d.mantissa <= 0n) throw new RangeError(`unit ${unit} must be > 0`);
    this.unit = unit;
    this.unitMantissaBig = d.mantissa;
    this.unitMantissa = Number(d.mantissa);
    this.unitScale = d.scale;
  }

  /** Integer number of units, or NaN with `problem` set. */
  units(s: string): number {
    this.problem = null;
    const n = s.length;
    let i = 0;
    if (n === 0) return this.fail('not a number');
    let c = s.charCodeAt(0);
    if (c === 45 /* - */) {
      // "-0" / "-0.000" is zero, anything else negative is an error the caller names.
      return /^-0*(\.0*)?$/.test(s) && s.length > 1 ? 0 : /^-\d/.test(s) || /^-\.\d/.test(s) ? this.fail('negative') : this.fail('not a number');
    }
    if (c === 43 /* + */) i++;
    let m = 0;
    let digits = 0;
    let frac = -1; // digits after the point, -1 = no point yet
    let anyDigit = false;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        anyDigit = true;
        // leading zeros do not count towards precision
        if (digits > 0 || c !== 48) digits++;
        m = m * 10 + (c - 48);
        if (frac >= 0) frac++;
      } else if (c === 46 /* . */ && frac < 0) {
        frac = 0;
      } else break;
    }
    if (!anyDigit) return this.fail('not a number');
    let scale = frac < 0 ? 0 : frac;
    if (i < n) {
      if ((c === 101 || c === 69) /* e E */ && i + 1 < n) {
        const exp = s.slice(i + 1);
        if (!/^[+-]?\d{1,3}$/.test(exp)) return this.fail('not a number');
        scale -= Number(exp);
      } else return this.fail('not a number');
    }
    if (digits > 15) return this.slow(s);
    // value = m / 10^scale; units = value / (uM / 10^uS) = m · 10^(uS − scale) / uM
    const shift = this.unitScale - scale;
    let num: number;
    if (shift >= 0) {
      if (shift > 22) return this.slow(s);
      num = m * POW10[shift]!;
      if (!Number.isSafeInteger(num)) return this.slow(s);
    } else {
      if (-shift > 22) return m === 0 ? 0 : this.fail('off grid');
      const p = POW10[-shift]!;
      if (m % p !== 0) return this.fail('off grid');
      num = m / p;
    }
    if (num % this.unitMantissa !== 0) return this.fail('off grid');
    return num / this.unitMantissa;
  }

  private slow(s: string): number {
    const d = toDec(s);
    if (!d) return this.fail('not a number');
    const shift = this.unitScale - d.scale;
    let num: bigint;
    if (shift >= 0) num = d.mantissa * 10n ** BigInt(shift);
    else {
      const p = 10n ** BigInt(-shift);
      if (d.mantissa % p !== 0n) return this.fail('off grid');
      num = d.mantissa / p;
    }
    if (num % this.unitMantissaBig !== 0n) return this.fail('off grid');
    const r = Number(num / this.unitMantissaBig);
    return Number.isSafeInteger(r) ? r : this.fail('off grid');
  }

  private fail(p: ConvertProblem): number {
    this.problem = p;
    return NaN;
  }
}

function toDec(s: string): Dec | null {
  const m = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const frac = m[2] ?? '';
  return { mantissa: BigInt((m[1] ?? '') + frac || '0'), scale: frac.length - Number(m[3] ?? 0) };
}

/** Digits after the point, ignoring trailing zeros ("0.0100" → 2, "5" → 0): used to infer tick/lot sizes. */
export function significantDecimals(s: string): number {
  const d = toDec(s.startsWith('-') ? s.slice(1) : s);
  if (!d) return 0;
  let { mantissa, scale } = d;
  while (scale > 0 && mantissa % 10n === 0n && mantissa !== 0n) {
    mantissa /= 10n;
    scale--;
  }
  return mantissa === 0n ? 0 : Math.max(0, scale);
}

/** "0.001" for 3, "1" for 0. */
export function unitForDecimals(d: number): string {
  return d <= 0 ? '1' : `0.${'0'.repeat(d - 1)}1`;
}
