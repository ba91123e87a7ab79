/**
 * Aave v3 GenericLogic.calculateUserAccountData and LiquidationLogic's collateral computation,
 * as pure bigint functions over plain balances (no interest indices: balances are already
 * "current"). Each step keeps the contract's order of operations and rounding.
 */
import { MAX_UINT256, percentDiv, percentMul, wadDiv } from './wad-ray-math.ts';
import type { AccountData } from './types.ts';

/** Aave v3 constants (LiquidationLogic). */
export const DEFAULT_LIQUIDATION_CLOSE_FACTOR_BPS = 5_000n;
export const MAX_LIQUIDATION_CLOSE_FACTOR_BPS = 10_000n;
export const CLOSE_FACTOR_HF_THRESHOLD_WAD = 950_000_000_000_000_000n;
export const HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD = 1_000_000_000_000_000_000n;

export interface PricedBalance {
  /** Balance in the asset's minor units. */
  amount: bigint;
  /** Price of one whole unit in base currency. */
  price: bigint;
  /** 10^decimals. */
  unit: bigint;
  ltvBps: bigint;
  liquidationThresholdBps: bigint;
}

/** balance × price / unit, floored (GenericLogic._getUserBalanceInBaseCurrency / _getUserDebtInBaseCurrency, v3.0). */
export function toBase(amount: bigint, price: bigint, unit: bigint): bigint {
  return (amount * price) / unit;
}

export function accountData(collateral: readonly PricedBalance[], debt: readonly PricedBalance[]): AccountData {
  let totalCollateralBase = 0n;
  let ltvWeighted = 0n;
  let ltWeighted = 0n;
  for (const c of collateral) {
    if (c.amount === 0n || c.liquidationThresholdBps === 0n) continue;
    const v = toBase(c.amount, c.price, c.unit);
    totalCollateralBase += v;
    ltvWeighted += v * c.ltvBps;
    ltWeighted += v * c.liquidationThresholdBps;
  }
  let totalDebtBase = 0n;
  for (const d of debt) if (d.amount !== 0n) totalDebtBase += toBase(d.amount, d.price, d.unit);
  const avgLtvBps = totalCollateralBase === 0n ? 0n : ltvWeighted / totalCollateralBase;
  const avgLiquidationThresholdBps = totalCollateralBase === 0n ? 0n : ltWeighted / totalCollateralBase;
  const healthFactorWad = totalDebtBase === 0n ? MAX_UINT256 : wadDiv(percentMul(totalCollateralBase, avgLiquidationThresholdBps), totalDebtBase);
  return { totalCollateralBase, totalDebtBase, avgLtvBps, avgLiquidationThresholdBps, healthFactorWad };
}

export function closeFactorBps(healthFactorWad: bigint): bigint {
  return healthFactorWad > CLOSE_FACTOR_HF_THRESHOLD_WAD ? DEFAULT_LIQUIDATION_CLOSE_FACTOR_BPS : MAX_LIQUIDATION_CLOSE_FACTOR_BPS;
}

export interface CollateralToLiquidate {
  /** Collateral leaving the user (liquidator's share + protocol fee). */
  collateralAmount: bigint;
  debtAmountNeeded: bigint;
  protocolFee: bigint;
}

/**
 * LiquidationLogic._calculateAvailableCollateralToLiquidate: the collateral worth
 * debtToCover × bonus, or all the user's collateral (and proportionally less debt) when that is
 * not enough. The protocol fee is a share of the bonus part only.
 */
export function collateralToLiquidate(p: {
  debtToCover: bigint;
  debtPrice: bigint;
  debtUnit: bigint;
  collateralPrice: bigint;
  collateralUnit: bigint;
  userCollateral: bigint;
  liquidationBonusBps: bigint;
  protocolFeeBps: bigint;
}): CollateralToLiquidate {
  const baseCollateral = (p.debtPrice * p.debtToCover * p.collateralUnit) / (p.collateralPrice * p.debtUnit);
  const maxCollateral = percentMul(baseCollateral, p.liquidationBonusBps);
  let collateralAmount: bigint;
  let debtAmountNeeded: bigint;
  if (maxCollateral > p.userCollateral) {
    collateralAmount = p.userCollateral;
    debtAmountNeeded = percentDiv((p.collateralPrice * collateralAmount * p.debtUnit) / (p.debtPrice * p.collateralUnit), p.liquidationBonusBps);
  } else {
    collateralAmount = maxCollateral;
    debtAmountNeeded = p.debtToCover;
  }
  let protocolFee = 0n;
  if (p.protocolFeeBps !== 0n) {
    const bonusCollateral = collateralAmount - percentDiv(collateralAmount, p.liquidationBonusBps);
    protocolFee = percentMul(bonusCollateral, p.protocolFeeBps);
  }
  return { collateralAmount, debtAmountNeeded, protocolFee };
}
