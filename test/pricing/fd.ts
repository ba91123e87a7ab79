/**
 * Richardson-extrapolated central finite differences (error O(h^4)), used to check analytic
 * greeks against the price function alone.
 */
export function d1(f: (x: number) => number, x: number, h: number): number {
  const c = (s: number): number => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * c(h / 2) - c(h)) / 3;
}

export function d2(f: (x: number) => number, x: number, h: number): number {
  const fx = f(x);
  const c = (s: number): number => (f(x + s) - 2 * fx + f(x - s)) / (s * s);
  return (4 * c(h / 2) - c(h)) / 3;
}

export function dxy(f: (x: number, y: number) => number, x: number, y: number, hx: number, hy: number): number {
  const c = (sx: number, sy: number): number =>
    (f(x + sx, y + sy) - f(x + sx, y - sy) - f(x - sx, y + sy) + f(x - sx, y - sy)) / (4 * sx * sy);
  return (4 * c(hx / 2, hy / 2) - c(hx, hy)) / 3;
}
