/** Reserve and e-mode configuration, price sources and the results the lending pool returns. */

export interface ReserveConfig {
  asset: string;
  decimals: number;
  /** Loan-to-value in bps: how much may be borrowed against this collateral. */
  ltvBps: number;
  /** Liquidation threshold in bps: the collateral weight in the health factor. */
  liquidationThresholdBps: number;
  /** Liquidation bonus in bps over 10000 (10500 = liquidator gets 5% extra collateral). */
  liquidationBonusBps: number;
  /** Share of the bonus paid to the treasury, in bps (Aave's liquidationProtocolFee). */
  liquidationProtocolFeeBps: number;
  /** E-mode category this asset belongs to (0 = none). */
  eModeCategory?: number;
  /** Can be used as collateral (Aave: usageAsCollateralEnabled and threshold ≠ 0). */
  collateralEnabled?: boolean;
  /** Variable-rate strategy; without it the reserve pays and charges no interest (indices stay 1). */
  interest?: InterestStrategy;
}

/**
 * Aave v3's DefaultReserveInterestRateStrategy, rays (1e27 = 100% a year): the variable borrow
 * rate is base + slope1·U/U* up to the optimal usage U*, base + slope1 + slope2·(U − U*)/(1 − U*)
 * above it; suppliers earn that rate × U × (1 − reserve factor).
 */
export interface InterestStrategy {
  optimalUsageRay: bigint;
  baseVariableRateRay: bigint;
  variableSlope1Ray: bigint;
  variableSlope2Ray: bigint;
  reserveFactorBps: number;
}

/** Correlated assets (e.g. ETH and LSTs) get a higher LTV, threshold and a smaller bonus. */
export interface EModeCategory {
  id: number;
  label: string;
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
}

/** Oracle prices in the pool's base currency (Aave: USD with 8 decimals) per whole asset unit. */
export interface PriceSource {
  /** Price of one whole unit of `asset` at `tsUs`; throws ModelError when unknown or zero. */
  price(asset: string, tsUs: number): bigint;
}

export interface AccountData {
  totalCollateralBase: bigint;
  totalDebtBase: bigint;
  /** Collateral-weighted LTV, floor-divided to whole bps as Aave does. */
  avgLtvBps: bigint;
  avgLiquidationThresholdBps: bigint;
  /** Wad (1e18 = 1.0); MAX_UINT256 without debt. */
  healthFactorWad: bigint;
}

export interface LiquidationParams {
  user: string;
  collateralAsset: string;
  debtAsset: string;
  /** How much debt the liquidator offers to repay; capped by the close factor. */
  debtToCover: bigint;
}

export interface LiquidationQuote extends LiquidationParams {
  healthFactorBeforeWad: bigint;
  /** 5000 (50%) when HF > 0.95, else 10000 (Aave v3 CLOSE_FACTOR_HF_THRESHOLD). */
  closeFactorBps: bigint;
  /** Debt the liquidator actually repays. */
  debtRepaid: bigint;
  /** Collateral leaving the user: to the liquidator plus the protocol fee. */
  collateralSeized: bigint;
  collateralToLiquidator: bigint;
  protocolFee: bigint;
  liquidationBonusBps: bigint;
}

export interface LiquidationResult extends LiquidationQuote {
  tsUs: number;
  liquidator: string;
  healthFactorAfterWad: bigint;
  /** Debt written off because no collateral was left (per debt asset), recorded as deficit. */
  badDebt: Array<{ asset: string; amount: bigint }>;
}
