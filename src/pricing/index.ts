/** Option pricing: pure functions, float64, no I/O. See each module for units and conventions. */
export { erf, erfc, erfcx, normCdf, normPdf } from './normal.ts';
export { yearFracUs, US_PER_YEAR } from './time.ts';
export {
  black76Greeks,
  black76Price,
  bsGreeks,
  bsPrice,
  forwardBlack,
  type Black76Input,
  type BsInput,
  type Greeks,
  type OptionKind,
} from './black.ts';
export {
  impliedVolBlack76,
  impliedVolBs,
  type ImpliedVolBlack76Input,
  type ImpliedVolBsInput,
  type ImpliedVolOptions,
} from './implied-vol.ts';
export { inverseGreeks, inversePrice, type DeribitGreeks, type InverseCoinGreeks, type InverseGreeks } from './inverse.ts';
export {
  checkButterfly,
  checkCalendar,
  kGrid,
  sviDerivatives,
  sviG,
  sviTotalVariance,
  validateSvi,
  type ArbitrageKind,
  type ArbitrageViolation,
  type GridOptions,
  type SviParams,
  type SviSlice,
} from './svi.ts';
export { fitSviSlice, fitSviTotalVariance, type SviFitOptions, type SviFitResult } from './svi-fit.ts';
export { buildVolSurface, fitVolSurface, type SliceQuotes, type SurfaceFit, type VolSurface } from './surface.ts';
