/**
 * An Aave v3-style lending pool: supply, borrow, repay, withdraw, e-mode and liquidationCall,
 * oracle-priced and bigint-exact. Every movement of tokens is a Ledger transfer between the
 * user's wallet account, the pool's reserve account and its treasury. A reserve with an interest
 * strategy accrues as Aave v3 does: balances are kept scaled by the liquidity and variable-borrow
 * indices, the indices grow with time at the rates set by the last action (ReserveLogic
 * updateState: linear for suppliers, compounded for borrowers, see interest.ts), and every action
 * resets the rates from the reserve's utilisation (the rate strategy). So a borrower's debt and
 * health factor drift between actions as on chain. Reads at a time use the indices at that time
 * (Aave's getNormalizedIncome / getNormalizedVariableDebt). The reserve factor's share of interest
 * is not minted to the treasury (Aave's accruedToTreasury) — suppliers' income is already net of it.
 *
 * Each mutating call validates everything first and only then moves money, so a call that
 * throws leaves the pool and the ledger untouched (a chain tx wrapping it reverts cleanly).
 */
import { ConfigError, ModelError, type ErrorWhere } from '../../errors.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import {
  accountData, CLOSE_FACTOR_HF_THRESHOLD_WAD, closeFactorBps, collateralToLiquidate, DEFAULT_LIQUIDATION_CLOSE_FACTOR_BPS, HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD, toBase, type PricedBalance,
} from './account-math.ts';
import { accrue, interestRates } from './interest.ts';
import { MAX_UINT256, percentDiv, percentMul, PERCENTAGE_FACTOR, RAY, rayDiv, rayMul, wadDiv } from './wad-ray-math.ts';
import type {
  AccountData, EModeCategory, LiquidationParams, LiquidationQuote, LiquidationResult, PriceSource, ReserveConfig,
} from './types.ts';

/** `liquidatable`'s float screen: relative margin around HF = 1, and the smallest totals (base units) it decides. */
const SCREEN = 1e-6;
const SCREEN_MIN_BASE = 1e9;
const CLOSE_FACTOR_HF = Number(CLOSE_FACTOR_HF_THRESHOLD_WAD) / 1e18;
const HALF_CLOSE = Number(DEFAULT_LIQUIDATION_CLOSE_FACTOR_BPS) / 10_000;

/** liquidationValueBound's formula: the repayable debt × (bonus − 1) in base currency, plus the conversions' rounding. */
function valueBound(userDebt: number, share: number, debtPerUnit: number, collPerUnit: number, bonus: number): number {
  const worth = userDebt * share * debtPerUnit * ((bonus - 10_000) / 10_000);
  return worth * (1 + 1e-6) + 4 + 2 * (debtPerUnit + collPerUnit);
}

const SECONDS_PER_YEAR_F = 365 * 24 * 3600;

/** A user's liquidation-value bound as valued at `tsUs` (see boundFromMemo). */
interface BoundMemo {
  nonce: number;
  tsUs: number;
  collateralAsset: string;
  debtAsset: string;
  /** The assets the health factor was valued with, and their prices then. */
  assets: string[];
  prices: bigint[];
  hfLo: number;
  hfHi: number;
  /** The debt in the debt asset's minor units. */
  userDebt: number;
  bonus: number;
  debtPerUnit: number;
  collPerUnit: number;
}

interface Reserve {
  config: ReserveConfig;
  unit: bigint;
  unitF: number;
  /** The configuration's liquidation threshold as a bigint (outside e-mode). */
  ltBps: bigint;
  /** Σ users' scaled debt (debt ÷ variable-borrow index). */
  scaledDebt: bigint;
  /** Debt written off with no collateral left to seize (Aave v3.3 "deficit"). */
  deficit: bigint;
  liquidityIndex: bigint;
  variableBorrowIndex: bigint;
  liquidityRate: bigint;
  variableBorrowRate: bigint;
  /** Seconds of the last index update. */
  lastUpdate: bigint;
  /** Bumped whenever an index, rate or lastUpdate changes: what `indices`' memo is valid for. */
  version: number;
  /** The indices as stored, with their float copies. */
  stored: Indices;
  memo: { s: number; version: number; value: Indices } | undefined;
}

interface Indices {
  liquidityIndex: bigint;
  variableBorrowIndex: bigint;
  /** The indices as plain numbers (÷ 1e27). */
  liquidityIndexF: number;
  variableBorrowIndexF: number;
}

function stored(r: { liquidityIndex: bigint; variableBorrowIndex: bigint }): Indices {
  return { liquidityIndex: r.liquidityIndex, variableBorrowIndex: r.variableBorrowIndex, liquidityIndexF: Number(r.liquidityIndex) / 1e27, variableBorrowIndexF: Number(r.variableBorrowIndex) / 1e27 };
}

interface UserState {
  /** Scaled balances: supplied ÷ liquidity index, borrowed ÷ variable-borrow index. */
  collateral: Map<string, bigint>;
  debt: Map<string, bigint>;
  eMode: number;
  /** Bumped on every change; searchers use it to guard against stale opportunities. */
  nonce: number;
  /** The user's place in `LendingPool.nonces` (creation order). */
  slot: number;
  /** What `screen` reads of the balances, as of `legs.nonce`. */
  legs: { nonce: number; coll: ScreenLeg[]; debt: ScreenLeg[] } | undefined;
  /** The last liquidation-value bound (see boundFromMemo). */
  bound: BoundMemo | undefined;
  /** The last screen that found the account healthy (see provenHealthy). */
  healthy: HealthyMemo | undefined;
}

/**
 * A screen that found a user of one collateral and one debt healthy (Aave's usual borrower; others
 * are screened every time): its estimate, the two prices then and what proves the contract's
 * floors small (see provenHealthy). Flat, so a scan over thousands of borrowers reads one object
 * each. Valid while the user's nonce is.
 */
interface HealthyMemo {
  nonce: number;
  tsUs: number;
  /** The float health factor without the contract's floors (the screen's estimate). */
  est: number;
  collAsset: string;
  collPx: number;
  debtAsset: string;
  debtPx: number;
  /** Collateral value then (base units). */
  coll: number;
}

/** A balance as `screen` reads it: the reserve, the scaled balance as a number, the liquidation threshold (collateral). */
interface ScreenLeg {
  asset: string;
  r: Reserve;
  scaledF: number;
  lt: number;
}

export interface LendingPoolOptions {
  name: string;
  ledger: Ledger;
  prices: PriceSource;
  reserves: ReserveConfig[];
  eModes?: EModeCategory[];
}

export class LendingPool {
  readonly name: string;
  readonly reserveAccount: string;
  readonly treasuryAccount: string;
  private readonly ledger: Ledger;
  private readonly reserves = new Map<string, Reserve>();
  private readonly eModes = new Map<number, EModeCategory>();
  private readonly users = new Map<string, UserState>();
  /** Every user's nonce by slot: what a scan over many borrowers reads without a lookup by name. */
  private readonly nonces: number[] = [];
  readonly liquidations: LiquidationResult[] = [];

  constructor(private readonly opts: LendingPoolOptions) {
    this.name = opts.name;
    this.ledger = opts.ledger;
    this.reserveAccount = `${opts.name}:reserve`;
    this.treasuryAccount = `${opts.name}:treasury`;
    for (const e of opts.eModes ?? []) {
      if (e.id <= 0 || !Number.isInteger(e.id)) throw new ConfigError(`e-mode id ${e.id} must be a positive integer`, { field: 'eModes.id' });
      checkRiskParams(`e-mode ${e.id}`, e.ltvBps, e.liquidationThresholdBps, e.liquidationBonusBps);
      this.eModes.set(e.id, e);
    }
    for (const r of opts.reserves) {
      if (this.reserves.has(r.asset)) throw new ConfigError(`reserve ${r.asset} listed twice`, { field: 'reserves.asset' });
      if (!Number.isInteger(r.decimals) || r.decimals < 0 || r.decimals > 36) throw new ConfigError(`reserve ${r.asset}: decimals ${r.decimals}`, { field: 'reserves.decimals' });
      checkRiskParams(`reserve ${r.asset}`, r.ltvBps, r.liquidationThresholdBps, r.liquidationBonusBps);
      if (!(r.liquidationProtocolFeeBps >= 0 && r.liquidationProtocolFeeBps <= 10_000)) {
        throw new ConfigError(`reserve ${r.asset}: liquidationProtocolFeeBps ${r.liquidationProtocolFeeBps}`, { field: 'reserves.liquidationProtocolFeeBps' });
      }
      const cat = r.eModeCategory ?? 0;
      if (cat !== 0 && !this.eModes.has(cat)) throw new ConfigError(`reserve ${r.asset}: unknown e-mode ${cat}`, { field: 'reserves.eModeCategory' });
      this.reserves.set(r.asset, { config: r, unit: 10n ** BigInt(r.decimals), unitF: 10 ** r.decimals, ltBps: BigInt(r.liquidationThresholdBps), scaledDebt: 0n, deficit: 0n, liquidityIndex: RAY, variableBorrowIndex: RAY, liquidityRate: 0n, variableBorrowRate: 0n, lastUpdate: -1n, version: 0, stored: stored({ liquidityIndex: RAY, variableBorrowIndex: RAY }), memo: undefined });
    }
    let maxRate = 0;
    for (const r of opts.reserves) {
      const k = r.interest;
      if (k !== undefined) maxRate = Math.max(maxRate, (Number(k.baseVariableRateRay + k.variableSlope1Ray + k.variableSlope2Ray) / 1e27) * (1 + 1e-9));
    }
    this.maxRate = maxRate;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────

  /** Supplied balance with interest (at `tsUs`; default: as of the last action). */
  collateral(user: string, asset: string, tsUs?: number): bigint {
    return rayMul(this.users.get(user)?.collateral.get(asset) ?? 0n, this.indices(this.reserve(asset), tsUs).liquidityIndex);
  }

  /** Debt with interest (at `tsUs`; default: as of the last action). */
  debt(user: string, asset: string, tsUs?: number): bigint {
    return rayMul(this.users.get(user)?.debt.get(asset) ?? 0n, this.indices(this.reserve(asset), tsUs).variableBorrowIndex);
  }

  /** A reserve's indices and rates (rays) and the second they were last updated. */
  reserveData(asset: string): { liquidityIndex: bigint; variableBorrowIndex: bigint; liquidityRate: bigint; variableBorrowRate: bigint; lastUpdate: bigint } {
    const r = this.reserve(asset);
    return { liquidityIndex: r.liquidityIndex, variableBorrowIndex: r.variableBorrowIndex, liquidityRate: r.liquidityRate, variableBorrowRate: r.variableBorrowRate, lastUpdate: r.lastUpdate };
  }

  /** 10^decimals of a reserve's asset. */
  unit(asset: string): bigint {
    return this.reserve(asset).unit;
  }

  nonce(user: string): number {
    return this.users.get(user)?.nonce ?? 0;
  }

  /** A reserve's risk configuration as the pool uses it. */
  config(asset: string): Readonly<ReserveConfig> {
    return this.reserve(asset).config;
  }

  /** The reserves' assets, in configuration order. */
  reserveAssets(): string[] {
    return [...this.reserves.keys()];
  }

  deficit(asset: string): bigint {
    return this.reserve(asset).deficit;
  }

  /** Outstanding variable debt of a reserve (as of its last update). */
  totalDebt(asset: string): bigint {
    const r = this.reserve(asset);
    return rayMul(r.scaledDebt, r.variableBorrowIndex);
  }

  /** Tokens the pool holds and can lend out. */
  availableLiquidity(asset: string): bigint {
    this.reserve(asset);
    return this.ledger.balance(this.reserveAccount, asset);
  }

  /** Users with any debt, sorted (deterministic iteration for liquidation bots). */
  borrowers(): string[] {
    const out: string[] = [];
    for (const [u, s] of this.users) for (const v of s.debt.values()) if (v > 0n) { out.push(u); break; }
    return out.sort();
  }

  /** Tokens `account` holds outside the pool (what it can repay or supply with). */
  heldBy(account: string, asset: string): bigint {
    return this.ledger.balance(account, asset);
  }

  /** Changes whenever any balance `heldBy` reads may have changed (the ledger's transfer count). */
  get holdingsVersion(): number {
    return this.ledger.transferCount;
  }

  price(asset: string, tsUs: number): bigint {
    this.reserve(asset);
    return this.opts.prices.price(asset, tsUs);
  }

  accountData(user: string, tsUs: number): AccountData {
    const s = this.users.get(user);
    if (s === undefined) return accountData([], []);
    const coll: PricedBalance[] = [];
    const debt: PricedBalance[] = [];
    // In map order: the sums below are of integers, the same in any order (no sorted copy per call).
    for (const [asset, scaled] of s.collateral) {
      if (scaled === 0n) continue;
      const r = this.reserve(asset);
      if (r.config.collateralEnabled === false) continue;
      const { ltvBps, liquidationThresholdBps } = this.riskParams(r, s.eMode);
      coll.push({ amount: rayMul(scaled, this.indices(r, tsUs).liquidityIndex), price: this.price(asset, tsUs), unit: r.unit, ltvBps, liquidationThresholdBps });
    }
    for (const [asset, scaled] of s.debt) {
      if (scaled === 0n) continue;
      const r = this.reserve(asset);
      debt.push({ amount: rayMul(scaled, this.indices(r, tsUs).variableBorrowIndex), price: this.price(asset, tsUs), unit: r.unit, ltvBps: 0n, liquidationThresholdBps: 0n });
    }
    return accountData(coll, debt);
  }

  /**
   * accountData(user, tsUs).healthFactorWad — the same sums, floors and roundings, in the same
   * order — without building the balances and the account data (the panel of every borrower's
   * health factor, every hour, made most of a Monte Carlo path's garbage).
   */
  healthFactor(user: string, tsUs: number): bigint {
    const s = this.users.get(user);
    if (s === undefined) return MAX_UINT256;
    let totalCollateralBase = 0n;
    let ltWeighted = 0n;
    // One collateral leg (the usual borrower): the weighted threshold (v·lt)/v is its lt exactly,
    // so the product and the division are made only from a second leg on.
    let legs = 0;
    let lt1 = 0n;
    let v1 = 0n;
    for (const [asset, scaled] of s.collateral) {
      if (scaled === 0n) continue;
      const r = this.reserve(asset);
      if (r.config.collateralEnabled === false) continue;
      const e = this.eModeOf(r, s.eMode);
      const lt = e !== undefined ? BigInt(e.liquidationThresholdBps) : r.ltBps;
      const amount = rayMul(scaled, this.indices(r, tsUs).liquidityIndex);
      const price = this.price(asset, tsUs);
      if (amount === 0n || lt === 0n) continue;
      const v = toBase(amount, price, r.unit);
      totalCollateralBase += v;
      if (legs === 0) {
        lt1 = lt;
        v1 = v;
      } else {
        if (legs === 1) ltWeighted = v1 * lt1;
        ltWeighted += v * lt;
      }
      legs++;
    }
    let totalDebtBase = 0n;
    for (const [asset, scaled] of s.debt) {
      if (scaled === 0n) continue;
      const r = this.reserve(asset);
      const amount = rayMul(scaled, this.indices(r, tsUs).variableBorrowIndex);
      const price = this.price(asset, tsUs);
      if (amount !== 0n) totalDebtBase += toBase(amount, price, r.unit);
    }
    if (totalDebtBase === 0n) return MAX_UINT256;
    const avgLt = totalCollateralBase === 0n ? 0n : legs === 1 ? lt1 : ltWeighted / totalCollateralBase;
    return wadDiv(percentMul(totalCollateralBase, avgLt), totalDebtBase);
  }

  /**
   * Exactly `healthFactor(user, tsUs) < 1`, decided from a float estimate when the account is
   * clearly on one side of 1 and from the bigint account data otherwise. Searchers ask it of every
   * borrower at every oracle update, and the bigint account data was most of a crash path's time.
   */
  liquidatable(user: string, tsUs: number): boolean {
    const s = this.users.get(user);
    return s !== undefined && this.underWater(s, user, tsUs);
  }

  /** liquidatable's decision; leaves `screened` (and, when true, hfLo / hfHi) for the caller. */
  private underWater(s: UserState, user: string, tsUs: number): boolean {
    return !this.provenHealthy(s, tsUs) && this.screenedUnderWater(s, user, tsUs);
  }

  /** underWater once provenHealthy has not proved the user healthy. */
  private screenedUnderWater(s: UserState, user: string, tsUs: number): boolean {
    this.screened = this.screen(s, tsUs);
    if (this.screened && this.hfLo >= 1) {
      this.rememberHealthy(s, tsUs);
      return false;
    }
    // Not proven healthy now: its memo is no use until a screen proves it healthy again (a scan of
    // a crash asks again of every account under water).
    if (s.healthy !== undefined) s.healthy.nonce = -1;
    if (this.screened && this.hfHi < 1) return true;
    return this.healthFactor(user, tsUs) < HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD;
  }

  /** The balances `screen` values, in the maps' order: collateral that counts (enabled, threshold > 0) and debt. */
  private legsOf(s: UserState): NonNullable<UserState['legs']> {
    const coll: ScreenLeg[] = [];
    const debt: ScreenLeg[] = [];
    for (const [asset, scaled] of s.collateral) {
      if (scaled === 0n) continue;
      const r = this.reserve(asset);
      if (r.config.collateralEnabled === false) continue;
      const lt = this.liquidationThresholdOf(r, s.eMode);
      if (lt !== 0) coll.push({ asset, r, scaledF: Number(scaled), lt });
    }
    for (const [asset, scaled] of s.debt) if (scaled !== 0n) debt.push({ asset, r: this.reserve(asset), scaledF: Number(scaled), lt: 0 });
    return { nonce: s.nonce, coll, debt };
  }

  /** `screen`'s result: whether it could bound the health factor, and then hfLo ≤ it ≤ hfHi. */
  private screened = false;
  private hfLo = 0;
  private hfHi = 0;
  /** The last screen's estimate and collateral value (set when it could bound the health factor with debt). */
  private est = 0;
  private coll = 0;
  /** The assets `screen` priced last, and their prices: what a bound memo must see unchanged. */
  private readonly screenAssets: string[] = [];
  private readonly screenPrices: bigint[] = [];
  /** How many of screenAssets / screenPrices `screen` filled last (the arrays keep their capacity: no allocation per call). */
  private screenN = 0;

  /** The price `screen` read last for `asset` (one of the user's legs). */
  private screenPrice(asset: string): bigint {
    const i = this.screenAssets.indexOf(asset);
    if (i < 0 || i >= this.screenN) throw new ModelError(`${asset} is not among the balances just valued`, { field: 'asset' });
    return this.screenPrices[i]!;
  }

  /**
   * Float bounds of the user's health factor into hfLo / hfHi; false when the totals are too small
   * for the error bound (the caller then asks the bigint account data).
   * Why it is safe: the estimate has the contract's sums without their floors; each floor moves a
   * total by < 1 base unit (< 1e-8 of totals over SCREEN_MIN_BASE), the weighted liquidation
   * threshold's floor lowers it by < 1 bps (kept exactly: the lower bound uses avg − 1), and float
   * rounding is ~1e-15 — all inside the SCREEN margin.
   */
  private screen(s: UserState, tsUs: number): boolean {
    this.est = Number.NaN;
    let coll = 0;
    let ltWeighted = 0;
    let debt = 0;
    const assets = this.screenAssets;
    const prices = this.screenPrices;
    let n = 0;
    let legs = s.legs;
    if (legs === undefined || legs.nonce !== s.nonce) legs = s.legs = this.legsOf(s);
    for (let i = 0; i < legs.coll.length; i++) {
      const l = legs.coll[i]!;
      const px = this.opts.prices.price(l.asset, tsUs);
      assets[n] = l.asset;
      prices[n++] = px;
      const v = l.scaledF * this.indices(l.r, tsUs).liquidityIndexF * (Number(px) / l.r.unitF);
      coll += v;
      ltWeighted += v * l.lt;
    }
    for (let i = 0; i < legs.debt.length; i++) {
      const l = legs.debt[i]!;
      const px = this.opts.prices.price(l.asset, tsUs);
      assets[n] = l.asset;
      prices[n++] = px;
      debt += l.scaledF * this.indices(l.r, tsUs).variableBorrowIndexF * (Number(px) / l.r.unitF);
    }
    this.screenN = n;
    if (debt === 0) {
      // no debt: HF is type(uint256).max
      this.hfLo = this.hfHi = Number.POSITIVE_INFINITY;
      return true;
    }
    if (coll < SCREEN_MIN_BASE || debt < SCREEN_MIN_BASE) return false;
    const avgLt = ltWeighted / coll;
    const est = (coll * avgLt) / 10_000 / debt;
    this.est = est;
    this.coll = coll;
    this.hfLo = est * ((avgLt - 1) / avgLt) * (1 - 2 * SCREEN);
    this.hfHi = est * (1 + 2 * SCREEN);
    return true;
  }

  /**
   * Whether `user`'s health factor is surely ≥ 1 at `tsUs` by its last healthy screen alone (see
   * provenHealthy); false says nothing.
   */
  surelyHealthy(user: string, tsUs: number): boolean {
    const s = this.users.get(user);
    return s !== undefined && this.provenHealthy(s, tsUs);
  }

  /** The user's slot (for nonceAt), or −1 before it has ever acted. */
  slotOf(user: string): number {
    return this.users.get(user)?.slot ?? -1;
  }

  /** The nonce of the user in `slot` (see slotOf): the same as nonce(user). */
  nonceAt(slot: number): number {
    return this.nonces[slot]!;
  }

  /**
   * provenHealthy's proof as a threshold, for a scan that reads prices once for many borrowers:
   * until `untilUs`, while the user's nonce is `nonce`, its health factor is surely ≥ 1 whenever
   * the collateral's price ÷ the debt's is at least `ratio` and the collateral's price at least
   * `minCollPx` (its prices as numbers). Undefined without a healthy memo for exactly that pair.
   */
  healthyThreshold(user: string, collateralAsset: string, debtAsset: string, untilUs: number): { nonce: number; ratio: number; minCollPx: number } | undefined {
    const s = this.users.get(user);
    const m = s?.healthy;
    if (m === undefined || m.nonce !== s!.nonce || m.collAsset !== collateralAsset || m.debtAsset !== debtAsset || untilUs < m.tsUs) return undefined;
    // provenHealthy's test at any time up to untilUs (g only grows with time), solved for the prices.
    const g = this.growthBound(m.tsUs, untilUs);
    return { nonce: m.nonce, ratio: ((m.collPx / m.debtPx) * g) / (m.est * (1 - 4 * SCREEN)) * (1 + 1e-12), minCollPx: (m.collPx * SCREEN_MIN_BASE) / m.coll };
  }

  /** After a screen proved `s` healthy at `tsUs`: what provenHealthy needs to prove it again later. */
  private rememberHealthy(s: UserState, tsUs: number): void {
    const legs = s.legs!;
    // No debt (an infinite health factor: nothing to prove), or more legs than the memo holds.
    if (!Number.isFinite(this.est) || legs.coll.length !== 1 || legs.debt.length !== 1) return;
    const c = legs.coll[0]!;
    const d = legs.debt[0]!;
    // The screen read the collateral's price, then the debt's.
    const collPx = Number(this.screenPrices[0]!);
    const debtPx = Number(this.screenPrices[1]!);
    const m = s.healthy;
    if (m === undefined) {
      s.healthy = { nonce: s.nonce, tsUs, est: this.est, collAsset: c.asset, collPx, debtAsset: d.asset, debtPx, coll: this.coll };
      return;
    }
    // Reused in place: the full scans of a crash re-screen thousands of users.
    m.nonce = s.nonce;
    m.tsUs = tsUs;
    m.est = this.est;
    m.collAsset = c.asset;
    m.collPx = collPx;
    m.debtAsset = d.asset;
    m.debtPx = debtPx;
    m.coll = this.coll;
  }

  /**
   * Whether the user's health factor is surely ≥ 1 now from its last healthy screen, without
   * valuing it: the user is unchanged (nonce) and time has not gone back. Indices only grow, so
   * the collateral is worth at least its value then × its price's ratio (now / then), and the debt
   * at most its value then × its price's ratio × g, the most any index grows over the time between
   * (the pool's highest rate, as boundFromMemo); the real health factor is then at least
   * est × collateral ratio ÷ (debt ratio × g). With one collateral the weighted threshold is its
   * own (no floor), and the contract's other floors take a base unit per leg (≤ 1e-8 of a
   * collateral over SCREEN_MIN_BASE) and its two roundings half a unit: inside the margin asked.
   * Searchers scan every borrower at every oracle round, and most are far from 1.
   */
  private provenHealthy(s: UserState, tsUs: number): boolean {
    const m = s.healthy;
    if (m === undefined || m.nonce !== s.nonce || tsUs < m.tsUs) return false;
    const prices = this.opts.prices;
    const collRatio = Number(prices.price(m.collAsset, tsUs)) / m.collPx;
    const debtRatio = Number(prices.price(m.debtAsset, tsUs)) / m.debtPx;
    if (!(m.coll * collRatio >= SCREEN_MIN_BASE)) return false;
    const lo = ((m.est * collRatio) / debtRatio) * (1 - 4 * SCREEN);
    // g ≥ 1: no need of it (nor of its exponential) when the prices alone leave no proof.
    if (!(lo >= 1)) return false;
    return lo / this.growthBound(m.tsUs, tsUs) >= 1;
  }

  /**
   * An upper bound, in base currency, of what liquidating `p.user` now is worth to the liquidator
   * (collateral received minus debt repaid), or undefined when liquidationCall would revert whatever
   * the amount. LiquidationLogic pays collateral worth the repaid debt × bonus, or all the
   * collateral for proportionally less debt, so the worth is at most the debt it lets be repaid
   * (the close factor's share) × (bonus − 1), plus the rounding of the two conversions. Lets a
   * searcher drop, without the exact quote, an opportunity that cannot pay for its gas (most of
   * them, deep in a crash).
   */
  liquidationValueBound(tsUs: number, p: Omit<LiquidationParams, 'debtToCover'>): number | undefined {
    const s = this.users.get(p.user);
    // The memo first: with the user unchanged (nonce: every balance or e-mode change bumps it) the
    // checks below passed when it was made and still do (reserve configurations never change), and
    // searchers re-value every account under water at every block.
    const memo = s?.bound;
    if (memo !== undefined && memo.nonce === s!.nonce && memo.collateralAsset === p.collateralAsset && memo.debtAsset === p.debtAsset && tsUs >= memo.tsUs) {
      const b = this.boundFromMemo(memo, tsUs);
      if (b !== undefined) return b;
    }
    const coll = this.reserve(p.collateralAsset);
    const debtR = this.reserve(p.debtAsset);
    if (s === undefined) return undefined;
    // Most borrowers of a searchers' scan: proven healthy by their last screen and the prices'
    // moves since, without valuing them (the checks below would end in the same answer).
    if (this.provenHealthy(s, tsUs)) return undefined;
    // Indices only grow from one ray, so a balance is zero exactly when its scaled balance is.
    const debtScaled = s.debt.get(p.debtAsset) ?? 0n;
    if (debtScaled <= 0n) return undefined;
    if (coll.config.collateralEnabled === false || this.liquidationThresholdOf(coll, s.eMode) === 0 || (s.collateral.get(p.collateralAsset) ?? 0n) === 0n) return undefined;
    if (!this.screenedUnderWater(s, p.user, tsUs)) return undefined;
    const screened = this.screened;
    const bonus = Number(this.liquidationBonus(coll, s.eMode));
    // A bonus of 100% or less is no reserve's; the exact quote decides such an odd configuration.
    if (bonus <= 10_000) return Number.POSITIVE_INFINITY;
    // Half the debt while the health factor is surely above Aave's 0.95 (closeFactorBps), else all.
    const share = screened && this.hfLo > CLOSE_FACTOR_HF ? HALF_CLOSE : 1;
    // Both prices were just read by the screen (both legs count: checked above).
    const debtPerUnit = Number(this.screenPrice(p.debtAsset)) / debtR.unitF;
    const collPerUnit = Number(this.screenPrice(p.collateralAsset)) / coll.unitF;
    const userDebt = Number(debtScaled) * this.indices(debtR, tsUs).variableBorrowIndexF;
    if (screened) {
      s.bound = {
        nonce: s.nonce, tsUs, collateralAsset: p.collateralAsset, debtAsset: p.debtAsset, assets: this.screenAssets.slice(0, this.screenN), prices: this.screenPrices.slice(0, this.screenN),
        hfLo: this.hfLo, hfHi: this.hfHi, userDebt, bonus, debtPerUnit, collPerUnit,
      };
    }
    return valueBound(userDebt, share, debtPerUnit, collPerUnit, bonus);
  }

  /**
   * A lower bound (the debt asset's minor units, as a number) of the debt previewLiquidation repays
   * when offered the user's whole debt now, from balances and prices as numbers: LiquidationLogic
   * repays at least half the debt (the close factor's least share: percentMul(debt, 50%)), or, when
   * the collateral with its bonus does not cover that, percentDiv(the collateral's worth in the
   * debt asset, bonus) — so at least the smaller of the two, each less what its floors and the
   * conversions to numbers can take off (one collateral unit's worth and two debt units before
   * the bonus, two after; 1e-9 of the whole). 0 (nothing proven) for an odd bonus or a value that
   * is not a number. Meant for a user liquidationValueBound found under water.
   */
  repaidLowerBound(tsUs: number, p: Omit<LiquidationParams, 'debtToCover'>): number {
    const s = this.users.get(p.user);
    if (s === undefined) return 0;
    const coll = this.reserve(p.collateralAsset);
    const debtR = this.reserve(p.debtAsset);
    const bonus = Number(this.liquidationBonus(coll, s.eMode));
    if (!(bonus > 10_000)) return 0;
    const debt = Number(s.debt.get(p.debtAsset) ?? 0n) * this.indices(debtR, tsUs).variableBorrowIndexF;
    const collAmount = Number(s.collateral.get(p.collateralAsset) ?? 0n) * this.indices(coll, tsUs).liquidityIndexF;
    // One collateral minor unit's worth in debt minor units (the floors of rayMul and of the conversion).
    const unitWorth = (Number(this.price(p.collateralAsset, tsUs)) * debtR.unitF) / (Number(this.price(p.debtAsset, tsUs)) * coll.unitF);
    const byCollateral = ((collAmount - 1) * unitWorth - 2) * (10_000 / bonus) - 2;
    const lo = Math.min(debt / 2 - 2, byCollateral) * (1 - 1e-9);
    return Number.isFinite(lo) && lo > 0 ? lo : 0;
  }

  /**
   * The bound from what it was at an earlier time, when that is still exact: the user has not
   * changed (nonce) and no price it was valued at has; then only interest moved its balances, and
   * no index grows faster than the pool's highest possible rate (each reserve's rate at full
   * usage) — by at most g = e^(rate·Δt) over Δt. So HF now ≤ hfHi·g (collateral grew at most g,
   * debt did not shrink) and ≥ hfLo/g, and the debt is ≤ its value then × g. Undefined when that
   * no longer proves the account liquidatable (the caller then values it afresh). Searchers re-value
   * every account under water at every block, mostly with nothing changed but time.
   */
  private boundFromMemo(m: BoundMemo, tsUs: number): number | undefined {
    for (let i = 0; i < m.assets.length; i++) if (this.opts.prices.price(m.assets[i]!, tsUs) !== m.prices[i]) return undefined;
    const g = this.growthBound(m.tsUs, tsUs);
    if (!(m.hfHi * g < 1)) return undefined;
    if (m.bonus <= 10_000) return Number.POSITIVE_INFINITY;
    const share = m.hfLo / g > CLOSE_FACTOR_HF ? HALF_CLOSE : 1;
    return valueBound(m.userDebt * g, share, m.debtPerUnit, m.collPerUnit, m.bonus);
  }

  /**
   * What the user's last health-factor bound proves while its balances (nonce) and the prices it
   * was valued at stay as they are: that its health factor is below 1 until `untilUs` (the last
   * time boundFromMemo still proves it, interest growing at the pool's highest rate). Undefined
   * without such a bound. Lets a searcher leave alone, without valuing it, an account it cannot
   * liquidate anyway (see LiquidationPga).
   */
  underwaterProof(user: string): { nonce: number; untilUs: number; assets: readonly string[]; prices: readonly bigint[] } | undefined {
    const s = this.users.get(user);
    const m = s?.bound;
    if (s === undefined || m === undefined || m.nonce !== s.nonce || !(m.hfHi < 1)) return undefined;
    // boundFromMemo's test at time t: hfHi · e^(maxRate · (⌈(t − t0)/1e6⌉ + 1) / year) · (1 + 1e-12) < 1.
    const holds = (t: number) => m.hfHi * Math.exp((this.maxRate * (Math.ceil((t - m.tsUs) / 1e6) + 1)) / SECONDS_PER_YEAR_F) * (1 + 1e-12) < 1;
    if (!holds(m.tsUs)) return undefined;
    let untilUs: number;
    if (this.maxRate === 0) untilUs = Number.POSITIVE_INFINITY;
    else {
      const dtS = Math.floor((SECONDS_PER_YEAR_F * (-Math.log(m.hfHi) - Math.log1p(1e-12))) / this.maxRate) - 2;
      untilUs = m.tsUs + Math.max(0, dtS) * 1e6;
      // The same arithmetic as the test decides (float rounding at the edge): step back until it holds.
      while (untilUs > m.tsUs && !holds(untilUs)) untilUs -= 1e6;
    }
    return { nonce: m.nonce, untilUs, assets: m.assets, prices: m.prices };
  }

  /**
   * The most any index can grow from `fromUs` to `toUs`: e^(highest rate × whole seconds of accrual
   * (indices move per second) between the two times, one more for the floors), with a margin.
   */
  private growthBound(fromUs: number, toUs: number): number {
    const dtS = Math.ceil((toUs - fromUs) / 1e6) + 1;
    return Math.exp((this.maxRate * dtS) / SECONDS_PER_YEAR_F) * (1 + 1e-12);
  }

  /** The highest rate (per year, as a number) any reserve's strategy can set: its rate at 100% usage. */
  private readonly maxRate: number;

  // ── user actions ───────────────────────────────────────────────────────────────────────────

  supply(tsUs: number, user: string, asset: string, amount: bigint): void {
    const r = this.reserve(asset);
    positive(amount, 'amount');
    this.requireFunds(user, asset, amount);
    this.updateState(r, tsUs);
    this.ledger.transfer(tsUs, user, this.reserveAccount, asset, amount, 'deposit');
    const s = this.user(user);
    s.collateral.set(asset, (s.collateral.get(asset) ?? 0n) + rayDiv(amount, r.liquidityIndex));
    this.updateRates(r);
    this.bump(s);
  }

  withdraw(tsUs: number, user: string, asset: string, amount: bigint): void {
    const r = this.reserve(asset);
    positive(amount, 'amount');
    const s = this.user(user);
    const scaled = s.collateral.get(asset) ?? 0n;
    const idx = this.indices(r, tsUs).liquidityIndex;
    const have = rayMul(scaled, idx);
    if (amount > have) throw new ModelError(`${user} withdraws ${amount} ${asset} but holds ${have}`, { field: 'amount' });
    if (amount > this.availableLiquidity(asset)) throw new ModelError(`not enough ${asset} liquidity to withdraw ${amount}`, { field: 'amount' });
    // Withdrawing everything burns every scaled unit (no dust left by rounding).
    const burn = amount === have ? scaled : rayDiv(amount, idx);
    s.collateral.set(asset, scaled - burn);
    const hf = this.healthFactor(user, tsUs);
    if (hf < HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD) {
      s.collateral.set(asset, scaled);
      throw new ModelError(`withdrawal would leave ${user} at health factor ${fmtWad(hf)}`, { field: 'amount', hint: 'HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD' });
    }
    this.updateState(r, tsUs);
    this.ledger.transfer(tsUs, this.reserveAccount, user, asset, amount, 'deposit');
    this.updateRates(r);
    this.bump(s);
  }

  /** ValidationLogic.validateBorrow: (debt + amount) / avgLtv must fit in the collateral. */
  borrow(tsUs: number, user: string, asset: string, amount: bigint): void {
    const r = this.reserve(asset);
    positive(amount, 'amount');
    if (amount > this.availableLiquidity(asset)) throw new ModelError(`not enough ${asset} liquidity to borrow ${amount}`, { field: 'amount' });
    const s = this.user(user);
    const data = this.accountData(user, tsUs);
    if (data.totalCollateralBase === 0n) throw new ModelError(`${user} has no collateral`, { field: 'amount', hint: 'COLLATERAL_BALANCE_IS_ZERO' });
    if (data.avgLtvBps === 0n) throw new ModelError(`${user}'s collateral has LTV 0`, { field: 'amount', hint: 'LTV_VALIDATION_FAILED' });
    if (data.healthFactorWad < HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD) {
      throw new ModelError(`${user} is liquidatable (HF ${fmtWad(data.healthFactorWad)})`, { field: 'amount', hint: 'HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD' });
    }
    const amountBase = toBase(amount, this.price(asset, tsUs), r.unit);
    const needed = percentDiv(data.totalDebtBase + amountBase, data.avgLtvBps);
    if (needed > data.totalCollateralBase) {
      throw new ModelError(`${user} needs ${needed} base of collateral to borrow ${amount} ${asset}, has ${data.totalCollateralBase}`, {
        field: 'amount', hint: 'COLLATERAL_CANNOT_COVER_NEW_BORROW',
      });
    }
    this.updateState(r, tsUs);
    this.ledger.transfer(tsUs, this.reserveAccount, user, asset, amount, 'other');
    const scaled = rayDiv(amount, r.variableBorrowIndex);
    s.debt.set(asset, (s.debt.get(asset) ?? 0n) + scaled);
    r.scaledDebt += scaled;
    this.updateRates(r);
    this.bump(s);
  }

  /** Repays up to the outstanding debt; returns what was repaid. */
  repay(tsUs: number, user: string, asset: string, amount: bigint): bigint {
    const r = this.reserve(asset);
    positive(amount, 'amount');
    const s = this.user(user);
    const scaled = s.debt.get(asset) ?? 0n;
    if (scaled === 0n) throw new ModelError(`${user} has no ${asset} debt`, { field: 'asset', hint: 'NO_DEBT_OF_SELECTED_TYPE' });
    const idx = this.indices(r, tsUs).variableBorrowIndex;
    const owed = rayMul(scaled, idx);
    const paid = amount < owed ? amount : owed;
    this.requireFunds(user, asset, paid);
    this.updateState(r, tsUs);
    this.ledger.transfer(tsUs, user, this.reserveAccount, asset, paid, 'other');
    const burn = paid === owed ? scaled : rayDiv(paid, idx);
    s.debt.set(asset, scaled - burn);
    r.scaledDebt -= burn;
    this.updateRates(r);
    this.bump(s);
    return paid;
  }

  setUserEMode(tsUs: number, user: string, category: number): void {
    if (category !== 0 && !this.eModes.has(category)) throw new ModelError(`unknown e-mode ${category}`, { field: 'category' });
    const s = this.user(user);
    for (const [asset, amount] of s.debt) {
      if (amount > 0n && category !== 0 && (this.reserve(asset).config.eModeCategory ?? 0) !== category) {
        throw new ModelError(`${user} borrows ${asset}, which is not in e-mode ${category}`, { field: 'category', hint: 'INCONSISTENT_EMODE_CATEGORY' });
      }
    }
    const prev = s.eMode;
    s.eMode = category;
    const data = this.accountData(user, tsUs);
    if (data.healthFactorWad < HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD) {
      s.eMode = prev;
      throw new ModelError(`e-mode ${category} would leave ${user} at HF ${fmtWad(data.healthFactorWad)}`, { field: 'category' });
    }
    this.bump(s);
  }

  // ── liquidation ────────────────────────────────────────────────────────────────────────────

  /** What liquidationCall would do now; throws ModelError (Aave's revert reason) when it would revert. */
  previewLiquidation(tsUs: number, p: LiquidationParams): LiquidationQuote {
    const coll = this.reserve(p.collateralAsset);
    const debtR = this.reserve(p.debtAsset);
    positive(p.debtToCover, 'debtToCover');
    const s = this.users.get(p.user);
    const userDebt = this.debt(p.user, p.debtAsset, tsUs);
    const userColl = this.collateral(p.user, p.collateralAsset, tsUs);
    const data = this.accountData(p.user, tsUs);
    if (data.healthFactorWad >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD_WAD) {
      throw new ModelError(`${p.user} has health factor ${fmtWad(data.healthFactorWad)} ≥ 1`, { field: 'user', hint: 'HEALTH_FACTOR_NOT_BELOW_THRESHOLD' });
    }
    if (coll.config.collateralEnabled === false || this.riskParams(coll, s?.eMode ?? 0).liquidationThresholdBps === 0n || userColl === 0n) {
      throw new ModelError(`${p.user} has no ${p.collateralAsset} collateral to seize`, { field: 'collateralAsset', hint: 'COLLATERAL_CANNOT_BE_LIQUIDATED' });
    }
    if (userDebt === 0n) throw new ModelError(`${p.user} has no ${p.debtAsset} debt`, { field: 'debtAsset', hint: 'SPECIFIED_CURRENCY_NOT_BORROWED_BY_USER' });
    const cf = closeFactorBps(data.healthFactorWad);
    const maxDebt = percentMul(userDebt, cf);
    const actualDebt = p.debtToCover > maxDebt ? maxDebt : p.debtToCover;
    const bonus = this.liquidationBonus(coll, s?.eMode ?? 0);
    const c = collateralToLiquidate({
      debtToCover: actualDebt,
      debtPrice: this.price(p.debtAsset, tsUs),
      debtUnit: debtR.unit,
      collateralPrice: this.price(p.collateralAsset, tsUs),
      collateralUnit: coll.unit,
      userCollateral: userColl,
      liquidationBonusBps: bonus,
      protocolFeeBps: BigInt(coll.config.liquidationProtocolFeeBps),
    });
    return {
      ...p, healthFactorBeforeWad: data.healthFactorWad, closeFactorBps: cf, debtRepaid: c.debtAmountNeeded,
      collateralSeized: c.collateralAmount, collateralToLiquidator: c.collateralAmount - c.protocolFee, protocolFee: c.protocolFee,
      liquidationBonusBps: bonus,
    };
  }

  /**
   * The liquidator repays `debtRepaid` of the user's debt and receives the collateral plus the
   * bonus; the treasury receives the protocol fee. If the user has no collateral left but still
   * owes, the rest of its debt is written off as the reserve's deficit (bad debt).
   */
  liquidationCall(tsUs: number, liquidator: string, p: LiquidationParams): LiquidationResult {
    const r = this.tryLiquidationCall(tsUs, liquidator, p);
    if ('revert' in r) throw new ModelError(r.revert.message, r.revert.where);
    return r;
  }

  /**
   * liquidationCall, except that a liquidator short of the debt asset gets the revert back (the
   * parts of the error liquidationCall would throw) instead of a thrown error: in a
   * cascade searchers whose funds are spent revert thousands of times, and building an error (its
   * stack trace) each time was a visible share of the run. Other reverts still throw.
   */
  tryLiquidationCall(tsUs: number, liquidator: string, p: LiquidationParams): LiquidationResult | { revert: { message: string; where: ErrorWhere } } {
    const q = this.previewLiquidation(tsUs, p);
    if (liquidator === p.user) throw new ModelError('a user cannot liquidate itself', { field: 'liquidator' });
    const have = this.ledger.balance(liquidator, p.debtAsset);
    if (have < q.debtRepaid) {
      return { revert: { message: shortMessage(liquidator, p.debtAsset, have, q.debtRepaid), where: SHORT_WHERE } };
    }
    if (q.collateralSeized > this.ledger.balance(this.reserveAccount, p.collateralAsset)) {
      throw new ModelError(`pool holds too little ${p.collateralAsset} to pay out ${q.collateralSeized}`, { field: 'collateralAsset' });
    }
    const s = this.user(p.user);
    const debtR = this.reserve(p.debtAsset);
    const collR = this.reserve(p.collateralAsset);
    this.updateState(debtR, tsUs);
    this.updateState(collR, tsUs);
    this.ledger.transfer(tsUs, liquidator, this.reserveAccount, p.debtAsset, q.debtRepaid, 'liquidation');
    this.ledger.transfer(tsUs, this.reserveAccount, liquidator, p.collateralAsset, q.collateralToLiquidator, 'liquidation');
    this.ledger.transfer(tsUs, this.reserveAccount, this.treasuryAccount, p.collateralAsset, q.protocolFee, 'fee');
    const debtScaled = s.debt.get(p.debtAsset) ?? 0n;
    const debtBurn = q.debtRepaid === rayMul(debtScaled, debtR.variableBorrowIndex) ? debtScaled : rayDiv(q.debtRepaid, debtR.variableBorrowIndex);
    s.debt.set(p.debtAsset, debtScaled - debtBurn);
    debtR.scaledDebt -= debtBurn;
    const collScaled = s.collateral.get(p.collateralAsset) ?? 0n;
    const collBurn = q.collateralSeized === rayMul(collScaled, collR.liquidityIndex) ? collScaled : rayDiv(q.collateralSeized, collR.liquidityIndex);
    s.collateral.set(p.collateralAsset, collScaled - collBurn);
    const badDebt: LiquidationResult['badDebt'] = [];
    if (!this.hasCollateral(s)) {
      for (const [asset, scaled] of [...s.debt].sort(byKey)) {
        if (scaled <= 0n) continue;
        const r = this.reserve(asset);
        this.updateState(r, tsUs);
        const amount = rayMul(scaled, r.variableBorrowIndex);
        r.deficit += amount;
        r.scaledDebt -= scaled;
        s.debt.set(asset, 0n);
        badDebt.push({ asset, amount });
        if (r !== debtR) this.updateRates(r);
      }
    }
    this.updateRates(debtR);
    if (collR !== debtR) this.updateRates(collR);
    this.bump(s);
    const result: LiquidationResult = { ...q, tsUs, liquidator, healthFactorAfterWad: this.healthFactor(p.user, tsUs), badDebt };
    this.liquidations.push(result);
    return result;
  }

  // ── interest ───────────────────────────────────────────────────────────────────────────────

  /**
   * The indices at `tsUs` (default: as stored), without changing the reserve. Remembered per
   * reserve for the last second asked while the reserve is unchanged (its `version`): searchers
   * value every borrower at each block, and accruing the same indices again was most of a crash
   * path's time. The float copies serve `liquidatable`'s screen.
   */
  private indices(r: Reserve, tsUs?: number): Indices {
    if (tsUs === undefined || r.config.interest === undefined || r.lastUpdate < 0n) return r.stored;
    const s = Math.floor(tsUs / 1e6);
    const m = r.memo;
    if (m !== undefined && m.s === s && m.version === r.version) return m.value;
    const a = accrue(r, BigInt(s));
    const value = { liquidityIndex: a.liquidityIndex, variableBorrowIndex: a.variableBorrowIndex, liquidityIndexF: Number(a.liquidityIndex) / 1e27, variableBorrowIndexF: Number(a.variableBorrowIndex) / 1e27 };
    r.memo = { s, version: r.version, value };
    return value;
  }

  /** ReserveLogic.updateState: accrue the indices to `tsUs` at the rates of the last action. */
  private updateState(r: Reserve, tsUs: number): void {
    const now = BigInt(Math.floor(tsUs / 1e6));
    if (r.config.interest !== undefined && r.lastUpdate >= 0n && now > r.lastUpdate) {
      const next = accrue(r, now);
      r.liquidityIndex = next.liquidityIndex;
      r.variableBorrowIndex = next.variableBorrowIndex;
    }
    if (now > r.lastUpdate) r.lastUpdate = now;
    r.version++;
    r.stored = stored(r);
  }

  /** ReserveLogic.updateInterestRates with the default strategy, from the reserve's utilisation now. */
  private updateRates(r: Reserve): void {
    const k = r.config.interest;
    if (k === undefined) return;
    const rates = interestRates(k, this.ledger.balance(this.reserveAccount, r.config.asset), rayMul(r.scaledDebt, r.variableBorrowIndex));
    r.variableBorrowRate = rates.variableBorrowRate;
    r.liquidityRate = rates.liquidityRate;
    r.version++;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private hasCollateral(s: UserState): boolean {
    for (const [asset, amount] of s.collateral) {
      if (amount > 0n && this.reserve(asset).config.collateralEnabled !== false) return true;
    }
    return false;
  }

  private riskParams(r: Reserve, eMode: number): { ltvBps: bigint; liquidationThresholdBps: bigint } {
    const e = this.eModeOf(r, eMode);
    return e !== undefined
      ? { ltvBps: BigInt(e.ltvBps), liquidationThresholdBps: BigInt(e.liquidationThresholdBps) }
      : { ltvBps: BigInt(r.config.ltvBps), liquidationThresholdBps: BigInt(r.config.liquidationThresholdBps) };
  }

  /** The user's e-mode category when it applies to this reserve. */
  private eModeOf(r: Reserve, eMode: number): EModeCategory | undefined {
    return eMode !== 0 && (r.config.eModeCategory ?? 0) === eMode ? this.eModes.get(eMode) : undefined;
  }

  private liquidationThresholdOf(r: Reserve, eMode: number): number {
    return (this.eModeOf(r, eMode) ?? r.config).liquidationThresholdBps;
  }

  private liquidationBonus(collateral: Reserve, eMode: number): bigint {
    return BigInt((this.eModeOf(collateral, eMode) ?? collateral.config).liquidationBonusBps);
  }

  private reserve(asset: string): Reserve {
    const r = this.reserves.get(asset);
    if (r === undefined) throw new ModelError(`${this.name}: no reserve for ${asset}`, { field: 'asset' });
    return r;
  }

  private bump(s: UserState): void {
    this.nonces[s.slot] = ++s.nonce;
  }

  private user(user: string): UserState {
    let s = this.users.get(user);
    if (s === undefined) {
      s = { collateral: new Map(), debt: new Map(), eMode: 0, nonce: 0, slot: this.nonces.length, legs: undefined, bound: undefined, healthy: undefined };
      this.users.set(user, s);
      this.nonces.push(0);
    }
    return s;
  }

  private requireFunds(account: string, asset: string, amount: bigint): void {
    const have = this.ledger.balance(account, asset);
    if (have < amount) throw new ModelError(shortMessage(account, asset, have, amount), SHORT_WHERE);
  }
}

function checkRiskParams(what: string, ltv: number, lt: number, bonus: number): void {
  const ok = (x: number) => Number.isInteger(x) && x >= 0;
  if (!ok(ltv) || !ok(lt) || ltv > lt || lt > 10_000) throw new ConfigError(`${what}: need 0 ≤ ltv ${ltv} ≤ threshold ${lt} ≤ 10000 bps`, { field: 'liquidationThresholdBps' });
  if (!ok(bonus) || (lt > 0 && bonus <= 10_000)) throw new ConfigError(`${what}: liquidation bonus ${bonus} must exceed 10000 bps`, { field: 'liquidationBonusBps' });
  // Aave's configurator check: the threshold grossed up by the bonus must stay ≤ 100%.
  if (percentMul(BigInt(lt), BigInt(bonus)) > PERCENTAGE_FACTOR) {
    throw new ConfigError(`${what}: threshold ${lt} × bonus ${bonus} exceeds 100%`, { field: 'liquidationBonusBps', hint: 'liquidations would be unable to pay the bonus' });
  }
}

const SHORT_WHERE: ErrorWhere = { field: 'amount', hint: 'insufficient balance' };

function shortMessage(account: string, asset: string, have: bigint, amount: bigint): string {
  return `${account} holds ${have} ${asset}, needs ${amount}`;
}

function positive(x: bigint, field: string): void {
  if (x <= 0n) throw new ModelError(`${field} must be positive, got ${x}`, { field });
}

function byKey(a: [string, bigint], b: [string, bigint]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export function fmtWad(x: bigint): string {
  return (Number(x) / 1e18).toFixed(6);
}
