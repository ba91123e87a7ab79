/**
 * jsbi ships CommonJS with `export default class` typings; under NodeNext the default import is
 * typed as the module namespace. Resolve the class once here, for types and at runtime.
 */
import jsbiModule from 'jsbi';

type JSBIClass = typeof jsbiModule.default;
export type JSBI = ReturnType<JSBIClass['BigInt']>;
const mod = jsbiModule as unknown as JSBIClass & { default?: JSBIClass };
export const JSBI: JSBIClass = mod.default ?? mod;

export const J = (x: bigint): JSBI => JSBI.BigInt(x.toString());
export const B = (x: JSBI): bigint => BigInt(x.toString());
