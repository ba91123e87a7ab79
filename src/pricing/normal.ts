/**
 * Standard normal pdf/cdf built on W. J. Cody's rational Chebyshev approximations of erf/erfc
 * (CALERF, Argonne 1969/1985; coefficients as published in SPECFUN). Relative accuracy is close to
 * 1e-16 over the whole line, including the far tails, which matters because deep out-of-the-money
 * option prices are differences of tiny cdf values.
 */

const SQRT_PI_INV = 5.6418958354775628695e-1; // 1/sqrt(pi)
const THRESH = 0.46875;
const XUNDER = 27.3; // erfc is below the smallest subnormal beyond this
const XHUGE = 6.71e7; // erfcx(x) == 1/(x sqrt(pi)) to double precision beyond this
const XNEG = -26.628; // erfcx overflows below this

const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

// Typed-array copies let V8 keep the hot loops monomorphic and free of bounds-check `undefined`.
const a = Float64Array.from(A);
const b = Float64Array.from(B);
const c = Float64Array.from(C);
const d = Float64Array.from(D);
const p = Float64Array.from(P);
const q = Float64Array.from(Q);

/** exp(-y^2) without the cancellation of squaring y directly: split y = ysq + del at 1/16 steps. */
function expNegSq(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/**
 * Cody's CALERF core for |x| > THRESH: returns erfc(|x|) scaled by exp(x^2) (i.e. erfcx(|x|)).
 */
function erfcxAbove(y: number): number {
  if (y <= 4) {
    let num = c[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + c[i]!) * y;
      den = (den + d[i]!) * y;
    }
    return (num + c[7]!) / (den + d[7]!);
  }
  if (y >= XHUGE) return SQRT_PI_INV / y;
  const z = 1 / (y * y);
  let num = p[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + p[i]!) * z;
    den = (den + q[i]!) * z;
  }
  const r = (z * (num + p[4]!)) / (den + q[4]!);
  return (SQRT_PI_INV - r) / y;
}

function erfSmall(x: number): number {
  const z = x * x;
  let num = a[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + a[i]!) * z;
    den = (den + b[i]!) * z;
  }
  return (x * (num + a[3]!)) / (den + b[3]!);
}

/** Complementary error function, relative accuracy ~1e-16 down to the normal range (x < 26.5). */
export function erfc(x: number): number {
  const y = Math.abs(x);
  let r: number;
  if (y <= THRESH) return 1 - erfSmall(x);
  // Past Cody's XBIG the result is subnormal; JS keeps it (with fewer digits) instead of flushing to 0.
  if (y >= XUNDER) r = 0;
  else r = expNegSq(y) * erfcxAbove(y);
  return x < 0 ? 2 - r : r;
}

/** Error function; relative accuracy ~1e-16 including tiny arguments. */
export function erf(x: number): number {
  if (Math.abs(x) <= THRESH) return erfSmall(x);
  const r = expNegSq(Math.abs(x)) * erfcxAbove(Math.abs(x));
  return x < 0 ? r - 1 : 1 - r;
}

/** Scaled complementary error function exp(x^2) * erfc(x); no underflow for large positive x. */
export function erfcx(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESH) return Math.exp(x * x) * (1 - erfSmall(x));
  const r = erfcxAbove(y);
  if (x >= 0) return r;
  if (x < XNEG) return Number.POSITIVE_INFINITY;
  const e = 1 / expNegSq(y);
  return e + e - r;
}

const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Standard normal cdf, accurate in relative terms in the lower tail (where option values live). */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x * INV_SQRT_2);
}

// Acklam's rational approximation of the normal quantile (relative error < 1.15e-9), then one
// Halley step on normCdf, which brings it to double precision.
const ACK_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACK_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACK_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACK_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile Φ⁻¹(p) for p in (0, 1) (±Infinity at 0 and 1, NaN outside). */
export function normInv(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const lo = 0.02425;
  let x: number;
  if (p < lo || p > 1 - lo) {
    // Tails: in terms of the smaller tail probability, so 1 − p loses nothing.
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const c = ACK_C;
    const d = ACK_D;
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    if (p > lo) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    const a = ACK_A;
    const b = ACK_B;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  // Halley: the error of Φ(x) against p, in the tail where Φ is accurate in relative terms.
  const e = p < 0.5 ? normCdf(x) - p : -(normCdf(-x) - (1 - p));
  const u = (e * Math.sqrt(2 * Math.PI)) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
