import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, erfcx, normCdf, normInv, normPdf } from '../../src/pricing/normal.ts';

// Reference values computed with mpmath 1.3 at 40 significant digits (mp.ncdf, mp.erfc,
// exp(x^2)*erfc(x)), independent of this implementation.
const CDF: [number, number][] = [
  [-38, 2.8854283600687843084e-316],
  [-30, 4.9067139271481870595e-198],
  [-20, 2.7536241186062336951e-89],
  [-10, 7.619853024160526066e-24],
  [-5, 2.8665157187919391167e-7],
  [-3, 0.0013498980316300945267],
  [-1.5, 0.066807201268858066004],
  [-1, 0.15865525393145705141],
  [-0.5, 0.30853753872598689636],
  [-0.3, 0.38208857781104736693],
  [-0.1, 0.46017216272297101633],
  [0, 0.5],
  [0.1, 0.53982783727702898367],
  [0.4, 0.65542174161032417491],
  [1, 0.84134474606854294859],
  [1.96, 0.97500210485177956379],
  [3, 0.99865010196836990547],
  [8, 0.9999999999999993779],
];
const ERFC: [number, number, number][] = [
  [0.2, 0.77729741078952153382, 0.80901951990158073552],
  [0.46875, 0.50738652678206200841, 0.63206968924955607816],
  [0.5, 0.47950012218695346232, 0.61569034419292587487],
  [1, 0.15729920705028513066, 0.42758357615580700441],
  [2, 0.0046777349810472658379, 0.25539567631050574387],
  [3.9, 3.4792248597231767129e-8, 0.14031418160068970328],
  [4, 1.5417257900280018852e-8, 0.13699945762506138989],
  [5, 1.5374597944280348502e-12, 0.11070463773306862637],
  [10, 2.088487583762544757e-45, 0.056140992743822585858],
  [26, 5.6631924088561428465e-296, 0.021683584850562906616],
];

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('normal cdf (Cody erfc)', () => {
  it('matches mpmath to ~1e-15 relative in the body and ~1e-13 in the far tail', () => {
    for (const [x, ref] of CDF) {
      // The x/sqrt(2) argument rounding costs ~x^2 ulps in the tail; the subnormal 1e-316 keeps ~8 digits.
      const tol = x < -37 ? 1e-7 : Math.abs(x) > 5 ? 5e-14 : 2e-15;
      expect(rel(normCdf(x), ref), `N(${x})`).toBeLessThan(tol);
    }
  });
  it('erfc and erfcx match mpmath to 2e-15 relative', () => {
    for (const [x, ec, ecx] of ERFC) {
      expect(rel(erfc(x), ec), `erfc(${x})`).toBeLessThan(2e-15);
      expect(rel(erfcx(x), ecx), `erfcx(${x})`).toBeLessThan(2e-15);
      expect(rel(erfc(-x), 2 - ec), `erfc(${-x})`).toBeLessThan(2e-15);
    }
    expect(rel(erfcx(-3), 16205.988853999586625)).toBeLessThan(2e-15);
    expect(rel(erfcx(-1), 5.0089800807622834663)).toBeLessThan(2e-15);
    expect(rel(erfcx(50), 0.0112815362653237725)).toBeLessThan(2e-15);
    expect(rel(erfcx(1e8), 5.6418958354775625874e-9)).toBeLessThan(2e-15);
  });
  it('pdf is the standard normal density and N(x) + N(-x) = 1', () => {
    expect(rel(normPdf(1), Math.exp(-0.5) / Math.sqrt(2 * Math.PI))).toBeLessThan(1e-15);
    for (let x = -6; x <= 6; x += 0.37) expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThan(2e-16 * 4);
  });
});

describe('erf', () => {
  it('keeps relative accuracy for tiny arguments and matches 1 - erfc elsewhere', async () => {
    const { erf } = await import('../../src/pricing/normal.ts');
    // erf(x) = 2x/sqrt(pi) (1 - x^2/3 + ...) for tiny x.
    expect(Math.abs(erf(1e-10) / (2e-10 / Math.sqrt(Math.PI)) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(erf(1) - (1 - 0.15729920705028513066))).toBeLessThan(2e-16);
    expect(Math.abs(erf(-2) + (1 - 0.0046777349810472658379))).toBeLessThan(2e-16);
  });
});

describe('normal quantile', () => {
  // scipy.stats.norm.ppf (SciPy 1.17.1).
  const PPF: [number, number][] = [
    [1e-300, -37.0470962993612], [1e-20, -9.262340089798409], [1e-10, -6.361340902404056], [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813], [0.02425, -1.972961051311885], [0.025, -1.9599639845400545], [0.1, -1.2815515655446004],
    [0.3, -0.5244005127080409], [0.5, 0], [0.7, 0.5244005127080407], [0.975, 1.959963984540054], [0.999, 3.090232306167813],
    [1 - 1e-10, 6.361340889697422],
  ];
  it('matches SciPy to 3e-16 relative, both tails included', () => {
    for (const [p, x] of PPF) expect(Math.abs(normInv(p) - x)).toBeLessThanOrEqual(3e-16 * Math.max(1, Math.abs(x)));
    expect([normInv(0), normInv(1), normInv(-0.1), normInv(NaN)]).toEqual([-Infinity, Infinity, NaN, NaN]);
  });
  it('inverts normCdf in the lower tail (where Φ(x) keeps its digits; above 0, 1 − Φ(x) loses them to rounding)', () => {
    fc.assert(fc.property(fc.double({ min: -37, max: 0, noNaN: true }), (x) => Math.abs(normInv(normCdf(x)) - x) < 1e-13 * Math.max(1, Math.abs(x))));
  });
});
