import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAaveReserveParams } from '../../../src/data/readers/aave-params.ts';
import { PACKAGE_ROOT } from '../../../src/package-root.ts';

const data = join(PACKAGE_ROOT, '..', 'shared', 'data', 'chain', 'aave');
const tmp = mkdtempSync(join(tmpdir(), 'primesim-aave-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Aave v3 reserve snapshots, both layouts', () => {
  it('raw UiPoolDataProvider CSV (bps, rays): Ethereum 2025-03-19 as the file prints it', () => {
    const r = readAaveReserveParams(join(data, 'risk-parameters-20250319', 'aave_v3_ethereum.csv'));
    expect(r).toHaveLength(38);
    // Line 2: WETH,18,8050,8300,10500,1500,True,True,…, slopes 27000000000000000000000000 and 8e26, optimal 9e26 (rays).
    expect(r.find((x) => x.symbol === 'WETH')).toEqual({
      symbol: 'WETH', decimals: 18, ltvBps: 8050, liquidationThresholdBps: 8300, liquidationBonusBps: 10500, reserveFactorBps: 1500,
      collateralEnabled: true, borrowingEnabled: true, optimalUsage: 0.9, baseVariableRate: 0, variableSlope1: 0.027, variableSlope2: 0.8, line: 2,
      // The strategy exactly, as the file's rays.
      interest: { optimalUsageRay: 9n * 10n ** 26n, baseVariableRateRay: 0n, variableSlope1Ray: 27n * 10n ** 24n, variableSlope2Ray: 8n * 10n ** 26n, reserveFactorBps: 1500 },
    });
    // Polygon 2025: USDC(.e) cannot be collateral (LTV 0, usageAsCollateralEnabled False), base rate 0.
    const p = readAaveReserveParams(join(data, 'risk-parameters-20250319', 'aave_v3_polygon.csv')).find((x) => x.symbol === 'USDC')!;
    expect([p.ltvBps, p.liquidationThresholdBps, p.collateralEnabled, p.reserveFactorBps]).toEqual([0, 7800, false, 6000]);
  });

  it('percent layout (";"-separated, BOM): Ethereum 2023-09-11; a bonus of 5% is stored as 10500', () => {
    const r = readAaveReserveParams(join(data, 'risk-parameters-20230911', 'aave_v3_ethereum.csv'));
    // WETH;True;80.5%;83%;5%;15%;True;90%;…
    const w = r.find((x) => x.symbol === 'WETH')!;
    expect([w.ltvBps, w.liquidationThresholdBps, w.liquidationBonusBps, w.reserveFactorBps, w.optimalUsage, w.decimals, w.interest]).toEqual([8050, 8300, 10500, 1500, 0.9, undefined, undefined]);
    // USDC;True;77%;80%;4.5%;10%;True;90%;…
    const u = r.find((x) => x.symbol === 'USDC')!;
    expect([u.ltvBps, u.liquidationThresholdBps, u.liquidationBonusBps]).toEqual([7700, 8000, 10450]);
  });

  it('a bad field names file, line and column', () => {
    const f = join(tmp, 'bad.csv');
    writeFileSync(f, '\uFEFFsymbol;canCollateral;LTV;liqThereshold;liqBonus;reserveFactor;canBorrow\nWETH;True;80.5%;83%;5%;15%;True\nUSDC;True;77;80%;4.5%;10%;True\n');
    expect(() => readAaveReserveParams(f)).toThrow(/bad\.csv:3.*LTV.*"77" is not a percentage|bad\.csv:3, field LTV/);
  });
});
