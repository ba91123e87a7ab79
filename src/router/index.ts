/** Smart order router: cost curves, the split, execution schedules and their calibration. */
export { AmmCurve, ClobCurve, termsTotal, type AmmState, type CostCurve, type CostTerms, type RouteSide } from './cost-curve.ts';
export { splitOrder, type RouteLeg, type RouteSplit } from './split.ts';
export { v2State, v3State } from './venue-state.ts';
export { almgrenChrissCost, almgrenChrissKappa, almgrenChrissSchedule, povTarget, twapSchedule, volumeProfile, vwapSchedule, type AlmgrenChrissParams, type Schedule } from './schedules.ts';
export { kyleLambda, realisedVol, temporaryImpact, walkConcession } from './calibrate.ts';
