import { ConfigError, ModelError } from '../../errors.ts';
import type { EventHandler } from '../../kernel/event-queue.ts';
import { PRIO_VENUE, type Simulation } from '../../kernel/simulation.ts';
import type { Ledger } from '../../ledger/ledger.ts';
import { Notional } from '../../ledger/notional.ts';
import { parseDecimal } from '../../market/instrument.ts';
import { premiumInstrument, type OptionContract } from './contract.ts';
import { markOption, type OptionMark, type VolModel } from './marks.ts';
import { expiryPayout } from './settlement.ts';

export interface OptionPosition {
  contract: OptionContract;
  account: string;
  /** Signed lots (long > 0). */
  lots: number;
  /** Net premium paid (settle minor units; negative when net short). */
  premium: bigint;
  fees: bigint;
  settled: boolean;
}

export interface OptionTrade {
  seq: number;
  tsUs: number;
  account: string;
  symbol: string;
  lots: number;
  priceTicks: number;
  premium: bigint;
  fee: bigint;
}

export interface ExpirySettlement {
  tsUs: number;
  account: string;
  symbol: string;
  lots: number;
  settlementPrice: number;
  /** Paid to the holder (settle minor units, signed like lots). */
  payout: bigint;
}

/** Per-position greeks aggregated; delta in underlying coins, the rest in the settle asset. */
export interface PortfolioGreeks {
  value: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}

const EV_EXPIRY = 1;

/**
 * Options venue: a listed chain, premium-paid positions per (account, option), marks and greeks
 * from a vol model, and cash settlement at expiry. Money moves only by ledger transfers: premium
 * between the account's cash and `<venue>:clearing` when trading, fees to `<venue>:fees`, and the
 * intrinsic payout from the clearing account at expiry.
 */
export class OptionsVenue implements EventHandler {
  readonly contracts = new Map<string, OptionContract>();
  readonly positions = new Map<string, OptionPosition>();
  readonly trades: OptionTrade[] = [];
  readonly settlements: ExpirySettlement[] = [];
  private readonly notionals = new Map<string, Notional>();
  private readonly expiryHandlers = new Map<number, (expiryUs: number) => number>();

  constructor(
    private readonly ledger: Ledger,
    readonly venue: string,
    public vols: VolModel,
    readonly feeBps = 0,
  ) {}

  get clearingAccount(): string {
    return `${this.venue}:clearing`;
  }

  list(c: OptionContract): void {
    parseDecimal(c.tickSize);
    parseDecimal(c.lotSize);
    if (!(c.strike > 0)) throw new ConfigError(`${c.symbol}: strike ${c.strike} must be > 0`, { field: 'strike' });
    this.contracts.set(c.symbol, c);
    this.notionals.set(c.symbol, new Notional(premiumInstrument(c)));
  }

  contract(symbol: string): OptionContract {
    const c = this.contracts.get(symbol);
    if (!c) throw new ConfigError(`option ${symbol} is not listed on ${this.venue}`, { field: 'symbol' });
    return c;
  }

  mark(symbol: string, forward: number, nowUs: number): OptionMark {
    return markOption(this.contract(symbol), this.vols, forward, nowUs);
  }

  /** Premium price in ticks of a per-contract price (rounded to the nearest tick, at least one tick). */
  priceToTicks(symbol: string, price: number): number {
    return Math.max(1, Math.round(price / Number(this.contract(symbol).tickSize)));
  }

  /** A fill of `lots` (buy > 0) at `priceTicks` for `account`: premium and fee are ledger transfers at once. */
  trade(tsUs: number, account: string, symbol: string, lots: number, priceTicks: number): OptionTrade {
    const c = this.contract(symbol);
    if (!Number.isInteger(lots) || lots === 0) throw new ConfigError(`${symbol}: trade size ${lots} lots is not a non-zero integer`, { field: 'lots' });
    if (tsUs >= c.expiryUs) throw new ModelError(`${symbol}: cannot trade at or after expiry`, { field: 'expiration' });
    const n = this.notionals.get(symbol)!;
    const v = n.value(priceTicks, lots);
    const premium = lots > 0 ? v : -v;
    const fee = n.fee(v, this.feeBps);
    const cash = `${account}:cash`;
    this.ledger.transfer(tsUs, cash, this.clearingAccount, c.settle, premium, 'trade', this.trades.length);
    this.ledger.transfer(tsUs, cash, `${this.venue}:fees`, c.settle, fee, 'fee', this.trades.length);
    const p = this.position(account, c);
    p.lots += lots;
    p.premium += premium;
    p.fees += fee;
    const t: OptionTrade = { seq: this.trades.length, tsUs, account, symbol, lots, priceTicks, premium, fee };
    this.trades.push(t);
    return t;
  }

  private position(account: string, c: OptionContract): OptionPosition {
    const key = `${account}|${c.symbol}`;
    let p = this.positions.get(key);
    if (!p) this.positions.set(key, (p = { contract: c, account, lots: 0, premium: 0n, fees: 0n, settled: false }));
    return p;
  }

  /** Value (settle asset, float) and greeks of an account's open positions; `forward(c)` gives each expiry's forward. */
  greeks(account: string, nowUs: number, forward: (c: OptionContract) => number): PortfolioGreeks {
    const g: PortfolioGreeks = { value: 0, delta: 0, gamma: 0, vega: 0, theta: 0 };
    for (const p of this.positions.values()) {
      if (p.account !== account || p.lots === 0 || p.settled) continue;
      const m = markOption(p.contract, this.vols, forward(p.contract), nowUs);
      const q = p.lots * Number(p.contract.lotSize);
      g.value += q * m.price;
      g.delta += q * m.delta;
      g.gamma += q * m.gamma;
      g.vega += q * m.vega;
      g.theta += q * m.theta;
    }
    return g;
  }

  /** Cash-settle every open position expiring at or before `tsUs` at `settlementPrice` (per underlying). */
  settleExpiries(tsUs: number, settlementPrice: (underlying: string) => number): ExpirySettlement[] {
    const out: ExpirySettlement[] = [];
    for (const p of this.positions.values()) {
      if (p.settled || p.contract.expiryUs > tsUs) continue;
      const s = settlementPrice(p.contract.underlying);
      const payout = expiryPayout(p.contract, p.lots, s);
      this.ledger.transfer(tsUs, this.clearingAccount, `${p.account}:cash`, p.contract.settle, payout, 'trade', this.settlements.length);
      const e: ExpirySettlement = { tsUs, account: p.account, symbol: p.contract.symbol, lots: p.lots, settlementPrice: s, payout };
      p.settled = true;
      p.lots = 0;
      this.settlements.push(e);
      out.push(e);
    }
    return out;
  }

  /** Settle automatically at each listed expiry in (fromUs, toUs]; `price` gives the settlement (index) price. */
  scheduleExpiries(sim: Simulation, fromUs: number, toUs: number, price: (underlying: string, tsUs: number) => number): number[] {
    const times = [...new Set([...this.contracts.values()].map((c) => c.expiryUs))].filter((t) => t > fromUs && t <= toUs).sort((a, b) => a - b);
    for (const t of times) {
      this.expiryHandlers.set(t, (ts) => this.settleExpiries(ts, (u) => price(u, ts)).length);
      sim.schedule(t, PRIO_VENUE, this, EV_EXPIRY, t);
    }
    return times;
  }

  onEvent(tsUs: number, kind: number, a: number): void {
    if (kind === EV_EXPIRY) this.expiryHandlers.get(a)?.(tsUs);
  }
}
