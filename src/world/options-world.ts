/**
 * Options venues in a world: the listed chain (a Tardis `options_chain` snapshot or a generated
 * chain with a known smile), an SVI surface fitted to its mark-IV quotes, the forward from the
 * underlying venue's mark, premium and fees through the world's ledger, cash settlement at each
 * expiry at the underlying's mark, positions margined by the shared margin engine (portfolio
 * margin: inverse options in coin), each account's options PnL as one leg of its equity, and a
 * `greeks` table sampled with equity. Wired only by `build.ts`.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { ConfigError } from '../errors.ts';
import { assetScale } from '../market/instrument.ts';
import type { Simulation } from '../kernel/simulation.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import type { ColumnData } from '../results/arrow-io.ts';
import type { OptionQuote, OptionsContext } from '../strategy/api.ts';
import {
  generateOptionChain, loadOptionsChain, markOption, OptionsVenue, premiumInstrument, SviSurfaceVols, volQuotesFromChain,
  type OptionContract, type VolQuote,
} from '../venues/options/index.ts';
import type { OptionsVenueSpec } from './spec.ts';
import type { SpecSource } from './spec-file.ts';
import type { AccountWallet, WalletLeg } from './wallet.ts';

type At = (path: (string | number)[], msg: string, hint?: string) => ConfigError;

/** The underlying venue as the options see it. */
export interface Underlying {
  base: string;
  /** Current mark, whole quote units per base (NaN before the first price). */
  price(): number;
  /** Signed position in base coins an account holds on it (its delta hedge). */
  positionCoins(account: string): number;
}

export class WorldOptionsVenue {
  readonly venue: OptionsVenue;
  readonly surface: SviSurfaceVols;
  private readonly tracked = new Set<string>();
  private readonly greeks = { ts: [] as number[], account: [] as string[], value: [] as number[], optionDelta: [] as number[], hedgeDelta: [] as number[], gamma: [] as number[], vega: [] as number[], theta: [] as number[], underlying: [] as number[] };

  constructor(
    readonly id: string,
    readonly spec: OptionsVenueSpec,
    contracts: readonly OptionContract[],
    quotes: readonly VolQuote[],
    asOfUs: number,
    private readonly sim: Simulation,
    ledger: Ledger,
    readonly underlying: Underlying,
    private readonly engine: MarginEngine | undefined,
  ) {
    this.surface = new SviSurfaceVols(quotes, asOfUs);
    this.venue = new OptionsVenue(ledger, `venue:${id}`, this.surface, spec.feeBps);
    for (const c of contracts) if (c.expiryUs > asOfUs) this.venue.list(c);
  }

  /** Settle each expiry inside the run at the underlying's mark. */
  scheduleExpiries(fromUs: number, toUs: number): void {
    this.venue.scheduleExpiries(this.sim, fromUs, toUs, () => this.underlying.price());
  }

  forward(): number {
    return this.underlying.price();
  }

  /** The strategy's view of the venue for one account. */
  context(wallet: AccountWallet): OptionsContext {
    const self = this;
    const account = wallet.id;
    return {
      id: this.id,
      contracts: () => [...this.venue.contracts.values()].filter((c) => c.expiryUs > this.sim.nowUs),
      forward: () => this.forward(),
      mark(symbol: string): OptionQuote {
        const m = self.venue.mark(symbol, self.forward(), self.sim.nowUs);
        return { ...m, bid: m.price * (1 - self.spec.halfSpread), ask: m.price * (1 + self.spec.halfSpread) };
      },
      trade(symbol: string, lots: number) {
        const m = self.venue.mark(symbol, self.forward(), self.sim.nowUs);
        const px = m.price * (lots > 0 ? 1 + self.spec.halfSpread : 1 - self.spec.halfSpread);
        const t = self.venue.trade(self.sim.nowUs, account, symbol, lots, self.venue.priceToTicks(symbol, px));
        self.track(account);
        return { lots: t.lots, price: t.priceTicks * Number(self.venue.contract(symbol).tickSize), premium: Number(t.premium) / 1e8, fee: Number(t.fee) / 1e8 };
      },
      positionLots(symbol: string) {
        return self.venue.positions.get(`${account}|${symbol}`)?.lots ?? 0;
      },
      greeks: () => this.venue.greeks(account, this.sim.nowUs, () => this.forward()),
    };
  }

  /** The options PnL of an account as a leg of its wallet's equity (valuation asset). */
  leg(wallet: AccountWallet): WalletLeg {
    const account = wallet.id;
    const settle = new Set([...this.venue.contracts.values()].map((c) => c.settle));
    const self = this;
    return {
      id: this.id,
      assets: [...settle],
      value() {
        // Open positions at the surface's marks, in the settle asset, at its price.
        let v = 0;
        for (const p of self.venue.positions.values()) {
          if (p.account !== account || p.lots === 0 || p.settled) continue;
          const m = markOption(p.contract, self.venue.vols, self.forward(), self.sim.nowUs);
          v += p.lots * Number(p.contract.lotSize) * m.price * wallet.prices.get(p.contract.settle);
        }
        return v;
      },
      pnl() {
        // Open value − premium paid − fees + expiry payouts: the cash the options moved plus what is open.
        let cash = 0;
        const units = (minor: bigint, asset: string) => Number(minor) / assetScale(asset);
        for (const p of self.venue.positions.values()) if (p.account === account) cash -= units(p.premium + p.fees, p.contract.settle) * wallet.prices.get(p.contract.settle);
        for (const s of self.venue.settlements) {
          if (s.account !== account) continue;
          const settle = self.venue.contract(s.symbol).settle;
          cash += units(s.payout, settle) * wallet.prices.get(settle);
        }
        return cash + this.value();
      },
    };
  }

  /** Margin the account's option positions in the shared engine (idempotent), at current vols. */
  private track(account: string): void {
    if (!this.engine) return;
    for (const p of this.venue.positions.values()) {
      if (p.account !== account) continue;
      const id = `${this.id}:${p.contract.symbol}`;
      if (this.tracked.has(id)) continue;
      this.tracked.add(id);
      const c = p.contract;
      this.engine.registerInstrument({ id, market: premiumInstrument(c), kind: 'option', underlying: c.underlying, option: { kind: c.kind, strike: c.strike, expiryUs: c.expiryUs } });
      // Premium-paid: the venue moved the premium to cash at the trade, so the whole value is open PnL.
      this.engine.trackPosition(account, id, { get lots() { return p.lots; }, costBasis: 0n });
    }
    this.refreshVols();
    this.engine.revalue(account, this.sim.nowUs);
  }

  /** Implied vols of the tracked options at the current forward (called with every equity sample). */
  refreshVols(): void {
    if (!this.engine) return;
    const F = this.forward();
    if (!(F > 0)) return;
    for (const p of this.venue.positions.values()) {
      const id = `${this.id}:${p.contract.symbol}`;
      if (!this.tracked.has(id) || p.settled || p.contract.expiryUs <= this.sim.nowUs) continue;
      this.engine.setIv(id, markOption(p.contract, this.venue.vols, F, this.sim.nowUs).vol);
    }
  }

  /** One greeks row per account holding options (with its hedge on the underlying venue). */
  sample(tsUs: number): void {
    this.refreshVols();
    const F = this.forward();
    if (!(F > 0)) return;
    const accounts = new Set<string>();
    for (const p of this.venue.positions.values()) if (!p.settled) accounts.add(p.account);
    for (const a of [...accounts].sort()) {
      const g = this.venue.greeks(a, tsUs, () => F);
      const h = this.underlying.positionCoins(a);
      const r = this.greeks;
      r.ts.push(tsUs);
      r.account.push(a);
      r.value.push(g.value);
      r.optionDelta.push(g.delta);
      r.hedgeDelta.push(h);
      r.gamma.push(g.gamma);
      r.vega.push(g.vega);
      r.theta.push(g.theta);
      r.underlying.push(F);
    }
  }

  tables(): Record<string, Record<string, ColumnData>> {
    const r = this.greeks;
    const f = (x: number[]) => Float64Array.from(x);
    const trades = this.venue.trades;
    return {
      greeks: {
        ts_us: f(r.ts), venue: r.ts.map(() => this.id), account: r.account, value: f(r.value), delta: f(r.optionDelta.map((d, i) => d + r.hedgeDelta[i]!)),
        option_delta: f(r.optionDelta), hedge_delta: f(r.hedgeDelta), gamma: f(r.gamma), vega: f(r.vega), theta: f(r.theta), underlying: f(r.underlying),
      },
      option_trades: {
        ts_us: f(trades.map((t) => t.tsUs)), venue: trades.map(() => this.id), account: trades.map((t) => t.account), symbol: trades.map((t) => t.symbol),
        lots: f(trades.map((t) => t.lots)), price: f(trades.map((t) => t.priceTicks * Number(this.venue.contract(t.symbol).tickSize))),
        premium: f(trades.map((t) => Number(t.premium) / 1e8)), fee: f(trades.map((t) => Number(t.fee) / 1e8)),
      },
      option_settlements: {
        ts_us: f(this.venue.settlements.map((s) => s.tsUs)), venue: this.venue.settlements.map(() => this.id), account: this.venue.settlements.map((s) => s.account),
        symbol: this.venue.settlements.map((s) => s.symbol), lots: f(this.venue.settlements.map((s) => s.lots)), settlement_price: f(this.venue.settlements.map((s) => s.settlementPrice)),
        payout: f(this.venue.settlements.map((s) => Number(s.payout) / 1e8)),
      },
    };
  }
}

/** The listed chain and its quotes from the spec: a Tardis options_chain snapshot or the generator. */
export async function optionChainOf(v: OptionsVenueSpec, i: number, src: SpecSource, at: At, startUs: number, startPrice: number): Promise<{ contracts: OptionContract[]; quotes: VolQuote[]; asOfUs: number }> {
  const oc = v.optionChain;
  if ('file' in oc) {
    const file = resolve(src.baseDir, oc.file);
    if (!existsSync(file)) throw at(['venues', i, 'optionChain', 'file'], `file ${oc.file} does not exist`);
    const snap = await loadOptionsChain(file, { asOfUs: startUs });
    if (snap.quotes.length === 0) throw at(['venues', i, 'optionChain', 'file'], `no option quotes at or before the run's start (${new Date(startUs / 1000).toISOString()})`);
    const live = snap.quotes.filter((q) => q.contract.expiryUs > startUs && q.record.markIv !== null && q.record.markIv > 0 && q.record.underlyingPrice !== null);
    return { contracts: snap.quotes.map((q) => q.contract), quotes: volQuotesFromChain(live), asOfUs: startUs };
  }
  const g = oc.generate;
  const day0 = Math.floor(startUs / 86_400e6) * 86_400e6;
  const expiries = g.expiries.map((d) => day0 + Math.round(d * 86_400e6) + 8 * 3600e6);
  const chain = generateOptionChain(startPrice, startUs, expiries, g.atmVol, g.strikeStep, g.wings);
  return { ...chain, asOfUs: startUs };
}
