import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';
import type { InterestStrategy } from '../../venues/lending/types.ts';

/** One Aave v3 reserve's risk parameters (basis points) and its variable-rate strategy (rays → fractions). */
export interface AaveReserveParams {
  symbol: string;
  /** ERC-20 decimals (the raw layout has them; the percent layout does not). */
  decimals: number | undefined;
  ltvBps: number;
  liquidationThresholdBps: number;
  /** 10000 + bonus (10500 = the liquidator receives 5% extra collateral), as Aave stores it. */
  liquidationBonusBps: number;
  reserveFactorBps: number;
  collateralEnabled: boolean;
  borrowingEnabled: boolean;
  /** Variable rate: base + slope1·U/U* below the optimal usage U*, + slope2 above (annual fractions). */
  optimalUsage: number | undefined;
  baseVariableRate: number | undefined;
  variableSlope1: number | undefined;
  variableSlope2: number | undefined;
  /** The rate strategy exactly (rays), when the snapshot has it (the raw layout). */
  interest: InterestStrategy | undefined;
  /** Where it came from: file and line. */
  line: number;
}

const RAY = 10n ** 27n;
const rayToFraction = (s: string) => Number((BigInt(s) * 10n ** 12n) / RAY) / 1e12;

/**
 * Aave v3 reserve snapshots in either layout of `../shared/data/chain/aave`: the raw
 * UiPoolDataProvider CSV (comma-separated, basis points, rays: `baseLTVasCollateral`,
 * `reserveLiquidationThreshold`, `reserveLiquidationBonus`, `reserveFactor`, `variableRateSlope1`, …)
 * or the human-readable `;`-separated one with percentages (`LTV` 80.5%, `liqThereshold` 83%,
 * `liqBonus` 5% → 10500, `reserveFactor`, `optimalUtilization`; a UTF-8 BOM may start it). A bad
 * field names the file, line and column.
 */
export function readAaveReserveParams(file: string): AaveReserveParams[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new DataError(`cannot read Aave parameters: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? '';
  const semi = header.includes(';');
  const cols = header.split(semi ? ';' : ',').map((c) => c.trim());
  const need = semi ? ['symbol', 'LTV', 'liqThereshold', 'liqBonus', 'reserveFactor'] : ['symbol', 'decimals', 'baseLTVasCollateral', 'reserveLiquidationThreshold', 'reserveLiquidationBonus', 'reserveFactor'];
  for (const c of need) if (!cols.includes(c)) throw new DataError(`no column ${c} (not an Aave v3 reserve snapshot?)`, { file, line: 1, field: c });
  const out: AaveReserveParams[] = [];
  for (let ln = 1; ln < lines.length; ln++) {
    const raw = lines[ln]!;
    if (raw.trim() === '') continue;
    const cells = raw.split(semi ? ';' : ',');
    const get = (name: string) => (cells[cols.indexOf(name)] ?? '').trim();
    const bad = (name: string, what: string): never => {
      throw new DataError(`"${get(name)}" is not ${what}`, { file, line: ln + 1, field: name });
    };
    const int = (name: string) => (/^\d+$/.test(get(name)) ? Number(get(name)) : bad(name, 'a whole number'));
    const pct = (name: string) => {
      const m = /^(\d+(?:\.\d+)?)%$/.exec(get(name));
      return m ? Math.round(Number(m[1]) * 100) : bad(name, 'a percentage');
    };
    const bool = (name: string) => (get(name) === 'True' ? true : get(name) === 'False' ? false : bad(name, 'True or False'));
    const ray = (name: string) => (cols.includes(name) ? (/^\d+$/.test(get(name)) ? rayToFraction(get(name)) : bad(name, 'a ray (integer × 1e27)')) : undefined);
    if (semi) {
      out.push({
        symbol: get('symbol'), decimals: undefined,
        ltvBps: pct('LTV'), liquidationThresholdBps: pct('liqThereshold'), liquidationBonusBps: 10_000 + pct('liqBonus'), reserveFactorBps: pct('reserveFactor'),
        collateralEnabled: bool('canCollateral'), borrowingEnabled: bool('canBorrow'),
        optimalUsage: cols.includes('optimalUtilization') ? pct('optimalUtilization') / 10_000 : undefined,
        baseVariableRate: undefined, variableSlope1: undefined, variableSlope2: undefined, interest: undefined, line: ln + 1,
      });
    } else {
      out.push({
        symbol: get('symbol'), decimals: int('decimals'),
        ltvBps: int('baseLTVasCollateral'), liquidationThresholdBps: int('reserveLiquidationThreshold'), liquidationBonusBps: int('reserveLiquidationBonus'), reserveFactorBps: int('reserveFactor'),
        collateralEnabled: bool('usageAsCollateralEnabled'), borrowingEnabled: bool('borrowingEnabled'),
        optimalUsage: ray('optimalUsageRatio'), baseVariableRate: ray('baseVariableBorrowRate'), variableSlope1: ray('variableRateSlope1'), variableSlope2: ray('variableRateSlope2'),
        interest: ['optimalUsageRatio', 'baseVariableBorrowRate', 'variableRateSlope1', 'variableRateSlope2'].every((c) => cols.includes(c))
          ? { optimalUsageRay: BigInt(get('optimalUsageRatio')), baseVariableRateRay: BigInt(get('baseVariableBorrowRate')), variableSlope1Ray: BigInt(get('variableRateSlope1')), variableSlope2Ray: BigInt(get('variableRateSlope2')), reserveFactorBps: int('reserveFactor') }
          : undefined,
        line: ln + 1,
      });
    }
  }
  if (out.length === 0) throw new DataError('no reserves in the file', { file, line: 2 });
  return out;
}
