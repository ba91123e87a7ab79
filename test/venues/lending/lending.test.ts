import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/errors.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { OracleFeed } from '../../../src/chain/oracle.ts';
import { LendingPool, OracleFeedPriceSource, StaticPriceSource, type ReserveConfig } from '../../../src/venues/lending/index.ts';

const E18 = 10n ** 18n;
const E8 = 10n ** 8n;
const E6 = 10n ** 6n;
const USD = (x: number) => BigInt(Math.round(x * 1e8)); // Aave base currency: USD, 8 decimals

const WETH: ReserveConfig = { asset: 'WETH', decimals: 18, ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, liquidationProtocolFeeBps: 1000, eModeCategory: 1 };
const WBTC: ReserveConfig = { asset: 'WBTC', decimals: 8, ltvBps: 7300, liquidationThresholdBps: 7800, liquidationBonusBps: 10650, liquidationProtocolFeeBps: 1000 };
const USDC: ReserveConfig = { asset: 'USDC', decimals: 6, ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, liquidationProtocolFeeBps: 1000 };
const WSTETH: ReserveConfig = { asset: 'wstETH', decimals: 18, ltvBps: 6900, liquidationThresholdBps: 7950, liquidationBonusBps: 10600, liquidationProtocolFeeBps: 1000, eModeCategory: 1 };

// Independent re-statement of Aave's half-up PercentageMath, written from the Solidity source.
const pMul = (v: bigint, p: bigint) => (v * p + 5000n) / 10000n;
const pDiv = (v: bigint, p: bigint) => (v * 10000n + p / 2n) / p;

function setup(prices: Record<string, bigint>) {
  const ledger = new Ledger();
  const px = new StaticPriceSource(prices);
  const pool = new LendingPool({
    name: 'aave', ledger, prices: px, reserves: [WETH, WBTC, USDC, WSTETH],
    eModes: [{ id: 1, label: 'ETH correlated', ltvBps: 9300, liquidationThresholdBps: 9500, liquidationBonusBps: 10100 }],
  });
  const fund = (acct: string, asset: string, amount: bigint) => ledger.transfer(0, 'external:mint', acct, asset, amount, 'deposit');
  fund('lp', 'USDC', 10_000_000n * E6);
  pool.supply(0, 'lp', 'USDC', 10_000_000n * E6);
  return { ledger, px, pool, fund };
}

describe('health factor', () => {
  it('matches a hand computation for two collaterals (weighted threshold floored to bps, half-up wad division)', () => {
    const { pool, fund } = setup({ WETH: USD(2000), WBTC: USD(60000), USDC: USD(1), wstETH: USD(2300) });
    fund('alice', 'WETH', 10n * E18);
    fund('alice', 'WBTC', 1n * E8);
    pool.supply(0, 'alice', 'WETH', 10n * E18);
    pool.supply(0, 'alice', 'WBTC', 1n * E8);
    pool.borrow(0, 'alice', 'USDC', 50_000n * E6);
    // collateral 20000 + 60000 = 80000 USD; weighted LT = (20000·8250 + 60000·7800)/80000 = 7912.5 → 7912 bps
    // HF = (80000 · 0.7912) / 50000 = 63296 / 50000 = 1.26592 (exact rational with 7912.5 would be 1.266)
    const d = pool.accountData('alice', 0);
    expect(d.totalCollateralBase).toBe(80_000n * E8);
    expect(d.totalDebtBase).toBe(50_000n * E8);
    expect(d.avgLiquidationThresholdBps).toBe(7912n);
    expect(d.avgLtvBps).toBe((20000n * 8000n + 60000n * 7300n) / 80000n); // 7475
    expect(d.healthFactorWad).toBe(1_265_920_000_000_000_000n);
  });

  it('e-mode raises the threshold of correlated assets only', () => {
    const { pool, fund } = setup({ WETH: USD(2000), WBTC: USD(60000), USDC: USD(1), wstETH: USD(2300) });
    fund('bob', 'wstETH', 10n * E18);
    pool.supply(0, 'bob', 'wstETH', 10n * E18);
    fund('lp2', 'WETH', 100n * E18);
    pool.supply(0, 'lp2', 'WETH', 100n * E18);
    pool.borrow(0, 'bob', 'WETH', 5n * E18);
    // 23000 · 0.7950 / 10000 = 1.8285
    expect(pool.healthFactor('bob', 0)).toBe(1_828_500_000_000_000_000n);
    pool.setUserEMode(0, 'bob', 1);
    // 23000 · 0.95 / 10000 = 2.185
    expect(pool.healthFactor('bob', 0)).toBe(2_185_000_000_000_000_000n);
    // and borrowing USDC (not in the category) is refused in e-mode
    expect(() => pool.setUserEMode(0, 'bob', 0)).not.toThrow();
  });

  it('refuses a borrow beyond LTV and an oracle price of zero', () => {
    const { pool, fund, px } = setup({ WETH: USD(2000), WBTC: USD(60000), USDC: USD(1), wstETH: USD(2300) });
    fund('carol', 'WETH', 1n * E18);
    pool.supply(0, 'carol', 'WETH', 1n * E18);
    expect(() => pool.borrow(0, 'carol', 'USDC', 1601n * E6)).toThrow(/COLLATERAL_CANNOT_COVER_NEW_BORROW/);
    pool.borrow(0, 'carol', 'USDC', 1600n * E6); // exactly 80% LTV
    px.set('WETH', 0n);
    expect(() => pool.healthFactor('carol', 0)).toThrow(ModelError);
    expect(() => pool.healthFactor('carol', 0)).toThrow(/oracle price of WETH is 0/);
  });

  it('reads prices from an OracleFeed as of the call time', () => {
    const ledger = new Ledger();
    const feed = new OracleFeed('ETH/USD', { deviationBps: 50, heartbeatUs: 3_600_000_000, latencyUs: 1_000_000 });
    const usdc = new OracleFeed('USDC/USD', { deviationBps: 50, heartbeatUs: 3_600_000_000, latencyUs: 0 });
    feed.observe(0, USD(2000));
    usdc.observe(0, USD(1));
    const pool = new LendingPool({ name: 'p', ledger, prices: new OracleFeedPriceSource({ WETH: feed, USDC: usdc }), reserves: [{ ...WETH, eModeCategory: 0 }, USDC] });
    expect(() => pool.price('WETH', 500_000)).toThrow(/no oracle price|oracle price/); // not yet published
    expect(pool.price('WETH', 1_000_000)).toBe(USD(2000));
    feed.observe(10_000_000, USD(1900));
    expect(pool.price('WETH', 10_500_000)).toBe(USD(2000));
    expect(pool.price('WETH', 11_000_000)).toBe(USD(1900));
  });
});

describe('liquidation', () => {
  // 10 WETH collateral, 17000 USDC debt: HF = 10·p·0.825 / 17000.
  function liquidatable(ethUsd: number) {
    const s = setup({ WETH: USD(2200), WBTC: USD(60000), USDC: USD(1), wstETH: USD(2300) });
    s.fund('dave', 'WETH', 10n * E18);
    s.pool.supply(0, 'dave', 'WETH', 10n * E18);
    s.pool.borrow(0, 'dave', 'USDC', 16_000n * E6);
    s.pool.borrow(0, 'dave', 'USDC', 1_000n * E6);
    s.px.set('WETH', USD(ethUsd));
    s.fund('liq', 'USDC', 100_000n * E6);
    return s;
  }

  /** Aave's formula, restated independently: collateral = debt·Pd/Pc·bonus, fee = share of the bonus part. */
  function expectedSeize(debt: bigint, pDebt: bigint, pColl: bigint, bonus: bigint, feeBps: bigint) {
    const base = (pDebt * debt * E18) / (pColl * E6);
    const seized = pMul(base, bonus);
    const bonusPart = seized - pDiv(seized, bonus);
    const fee = pMul(bonusPart, feeBps);
    return { seized, fee, toLiquidator: seized - fee };
  }

  it('HF 0.97: at most 50% of the debt, seized collateral and protocol fee by Aave formula', () => {
    const price = 1998.79; // HF = 10·1998.79·0.825/17000 ≈ 0.970
    const { pool, ledger } = liquidatable(price);
    const hf = pool.healthFactor('dave', 0);
    expect(hf).toBeGreaterThan(950_000_000_000_000_000n);
    expect(hf).toBeLessThan(971_000_000_000_000_000n);
    expect(Number(hf) / 1e18).toBeCloseTo((10 * price * 0.825) / 17000, 4);
    const r = pool.liquidationCall(0, 'liq', { user: 'dave', collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: 17_000n * E6 });
    expect(r.closeFactorBps).toBe(5000n);
    expect(r.debtRepaid).toBe(8_500n * E6);
    const e = expectedSeize(8_500n * E6, USD(1), USD(price), 10500n, 1000n);
    expect(r.collateralSeized).toBe(e.seized);
    expect(r.protocolFee).toBe(e.fee);
    expect(ledger.balance('liq', 'WETH')).toBe(e.toLiquidator);
    expect(ledger.balance('aave:treasury', 'WETH')).toBe(e.fee);
    expect(ledger.balance('liq', 'USDC')).toBe(100_000n * E6 - 8_500n * E6);
    expect(pool.debt('dave', 'USDC')).toBe(8_500n * E6);
    expect(pool.collateral('dave', 'WETH')).toBe(10n * E18 - e.seized);
    // ≈ 8500/1998.79·1.05 = 4.4652 WETH, fee = 10% of the 5% bonus part
    expect(Number(e.seized) / 1e18).toBeCloseTo((8500 / price) * 1.05, 6);
    expect(Number(e.fee) / 1e18).toBeCloseTo((8500 / price) * 0.05 * 0.1, 6);
  });

  it('HF 0.9: up to 100% of the debt', () => {
    const price = 1854.55; // HF ≈ 0.900
    const { pool } = liquidatable(price);
    const hf = pool.healthFactor('dave', 0);
    expect(hf).toBeLessThan(950_000_000_000_000_000n);
    expect(Number(hf) / 1e18).toBeCloseTo(0.9, 3);
    const q = pool.previewLiquidation(0, { user: 'dave', collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: 10n ** 30n });
    expect(q.closeFactorBps).toBe(10000n);
    expect(q.debtRepaid).toBe(17_000n * E6);
    expect(q.collateralSeized).toBe(expectedSeize(17_000n * E6, USD(1), USD(price), 10500n, 1000n).seized);
  });

  it('healthy accounts cannot be liquidated', () => {
    const { pool } = liquidatable(2100);
    expect(() => pool.liquidationCall(0, 'liq', { user: 'dave', collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: E6 })).toThrow(/HEALTH_FACTOR_NOT_BELOW_THRESHOLD/);
  });

  it('when collateral runs out, the liquidator gets all of it and the rest of the debt is recorded as deficit', () => {
    const price = 1500; // collateral worth 15000 < 17000 debt
    const { pool, ledger } = liquidatable(price);
    const r = pool.liquidationCall(0, 'liq', { user: 'dave', collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: 17_000n * E6 });
    expect(r.collateralSeized).toBe(10n * E18);
    // debt needed = (Pc·coll / Pd) / bonus = 15000 / 1.05 = 14285.714286 USDC
    const debtNeeded = pDiv((USD(price) * 10n * E18 * E6) / (USD(1) * E18), 10500n);
    expect(r.debtRepaid).toBe(debtNeeded);
    expect(r.badDebt).toEqual([{ asset: 'USDC', amount: 17_000n * E6 - debtNeeded }]);
    expect(pool.deficit('USDC')).toBe(17_000n * E6 - debtNeeded);
    expect(pool.debt('dave', 'USDC')).toBe(0n);
    expect(pool.collateral('dave', 'WETH')).toBe(0n);
    for (const a of ledger.assets()) expect(ledger.total(a)).toBe(0n);
  });

  it('a failed liquidation moves nothing', () => {
    const { pool, ledger } = liquidatable(1998.79);
    ledger.transfer(0, 'liq', 'external:burn', 'USDC', 100_000n * E6 - 1n, 'other'); // leaves 1 unit
    const before = ledger.transferCount;
    expect(() => pool.liquidationCall(0, 'liq', { user: 'dave', collateralAsset: 'WETH', debtAsset: 'USDC', debtToCover: 8_500n * E6 })).toThrow(/insufficient balance/);
    expect(ledger.transferCount).toBe(before);
    expect(pool.debt('dave', 'USDC')).toBe(17_000n * E6);
  });
});

describe('interest accrual (Aave v3 rate strategy, scaled balances)', () => {
  const RAY = 10n ** 27n;
  // Independent statements of Aave's WadRayMath (half-up) and MathUtils, from the Solidity source.
  const rMul = (a: bigint, b: bigint) => (a * b + RAY / 2n) / RAY;
  const rDiv = (a: bigint, b: bigint) => (a * RAY + b / 2n) / b;
  const YEAR = 365n * 24n * 3600n;
  const compounded = (rate: bigint, t: bigint) => {
    if (t === 0n) return RAY;
    const p2 = rMul(rate, rate) / (YEAR * YEAR);
    const p3 = rMul(p2, rate) / YEAR;
    return RAY + (rate * t) / YEAR + (t * (t - 1n) * p2) / 2n + (t * (t - 1n) * (t > 2n ? t - 2n : 0n) * p3) / 6n;
  };
  const linear = (rate: bigint, t: bigint) => RAY + (rate * t) / YEAR;
  // The 2025-03-19 Ethereum snapshot's USDC strategy, as the raw file gives it.
  const strategy = { optimalUsageRay: 92n * RAY / 100n, baseVariableRateRay: 0n, variableSlope1Ray: 65n * RAY / 1000n, variableSlope2Ray: 6n * RAY / 10n, reserveFactorBps: 1000 };
  const USDCi: ReserveConfig = { ...USDC, interest: strategy };

  function world() {
    const ledger = new Ledger();
    const pool = new LendingPool({ name: 'aave', ledger, prices: new StaticPriceSource({ WETH: USD(2000), USDC: USD(1) }), reserves: [{ ...WETH, eModeCategory: 0 }, USDCi] });
    const fund = (acct: string, asset: string, amount: bigint) => ledger.transfer(0, 'external:mint', acct, asset, amount, 'deposit');
    fund('lp', 'USDC', 1_000_000n * E6);
    pool.supply(0, 'lp', 'USDC', 1_000_000n * E6);
    fund('bob', 'WETH', 500n * E18);
    pool.supply(0, 'bob', 'WETH', 500n * E18);
    return { ledger, pool, fund };
  }

  it('the rates follow the strategy from utilisation, below and above the optimal usage', () => {
    const { pool, fund } = world();
    fund('bob', 'WETH', 500n * E18);
    pool.supply(0, 'bob', 'WETH', 500n * E18);
    pool.borrow(0, 'bob', 'USDC', 460_000n * E6); // U = 46% (half the optimal usage)
    const u1 = rDiv(460_000n * E6, 1_000_000n * E6);
    const v1 = rDiv(rMul(strategy.variableSlope1Ray, u1), strategy.optimalUsageRay);
    expect(pool.reserveData('USDC').variableBorrowRate).toBe(v1);
    expect(Number(v1) / 1e27).toBeCloseTo(0.0325, 12);
    expect(pool.reserveData('USDC').liquidityRate).toBe(pMul(rMul(v1, u1), 9000n));
    pool.borrow(0, 'bob', 'USDC', 500_000n * E6); // U = 96% (above 92%)
    const u2 = rDiv(960_000n * E6, 1_000_000n * E6);
    const v2 = strategy.variableSlope1Ray + rMul(strategy.variableSlope2Ray, rDiv(u2 - strategy.optimalUsageRay, RAY - strategy.optimalUsageRay));
    expect(pool.reserveData('USDC').variableBorrowRate).toBe(v2);
    expect(Number(v2) / 1e27).toBeCloseTo(0.065 + 0.6 * 0.5, 12);
  });

  it('debt compounds and supply grows linearly between actions, exactly as MathUtils; the health factor drifts to liquidation with no price move', () => {
    const { pool, fund } = world();
    const B = 700_000n * E6;
    pool.borrow(0, 'bob', 'USDC', B);
    const { variableBorrowRate: vr, liquidityRate: lr } = pool.reserveData('USDC');
    const year = 365 * 24 * 3600;
    for (const days of [1, 30, 365]) {
      const t = BigInt(days * 24 * 3600);
      const ts = days * 24 * 3600 * 1e6;
      expect(pool.debt('bob', 'USDC', ts)).toBe(rMul(rDiv(B, RAY), rMul(compounded(vr, t), RAY)));
      expect(pool.collateral('lp', 'USDC', ts)).toBe(rMul(rDiv(1_000_000n * E6, RAY), rMul(linear(lr, t), RAY)));
    }
    // Suppliers earn (1 − reserve factor) of what borrowers pay, to first order (over a day the
    // borrowers' compounding adds ~1e-4 relative).
    const paid = Number(pool.debt('bob', 'USDC', 86_400e6) - B);
    const earned = Number(pool.collateral('lp', 'USDC', 86_400e6) - 1_000_000n * E6);
    expect(earned / paid).toBeGreaterThan(0.8995);
    expect(earned / paid).toBeLessThanOrEqual(0.9);
    expect(year).toBe(31_536_000);
    // HF: 500 WETH × 2000 × 0.825 / debt → falls with time; below 1 once debt > 825,000 USDC.
    const hf0 = pool.healthFactor('bob', 0);
    const hf1 = pool.healthFactor('bob', 365 * 24 * 3600e6);
    expect(hf1 < hf0).toBe(true);
    let t = 0;
    while (pool.healthFactor('bob', t) >= 10n ** 18n) t += 7 * 24 * 3600e6;
    expect(pool.debt('bob', 'USDC', t) > 825_000n * E6).toBe(true);
    fund('liq', 'USDC', 1_000_000n * E6);
    const r = pool.liquidationCall(t, 'liq', { collateralAsset: 'WETH', debtAsset: 'USDC', user: 'bob', debtToCover: 100_000n * E6 });
    expect(r.healthFactorBeforeWad < 10n ** 18n).toBe(true);
    // Repaying in full at a later time clears the scaled debt to zero (no dust).
    fund('bob', 'USDC', 2_000_000n * E6);
    pool.repay(t + 1e6, 'bob', 'USDC', 2_000_000n * E6);
    expect(pool.debt('bob', 'USDC', t + 100e6)).toBe(0n);
    expect(pool.totalDebt('USDC')).toBe(0n);
  });

  it('a reserve without a strategy keeps its indices at one ray (no interest)', () => {
    const { pool } = setup({ WETH: USD(2000), WBTC: USD(60000), USDC: USD(1), wstETH: USD(2300) });
    expect(pool.collateral('lp', 'USDC', 3e13)).toBe(10_000_000n * E6);
    expect(pool.reserveData('USDC').liquidityIndex).toBe(10n ** 27n);
  });
});
