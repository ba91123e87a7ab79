import { CHAIN_TOKENS, pricedAs } from '../chain/tokens.ts';
import { ORACLE_SCALE, type OracleFeed } from '../chain/oracle.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { USD_ASSETS } from '../market/instrument.ts';
import type { Prices, WalletLeg } from './wallet.ts';

/**
 * How a chain token is valued in the run's valuation asset: the price the CEX venues give its
 * coin (WETH at ETH's), a USD stablecoin at par when the valuation is USD, else the latest answer
 * of an oracle `<TOKEN>/USD` of the chain section (a fixed DAI/USD, a replayed feed). Undefined:
 * nothing in the spec prices it.
 */
export function tokenPricer(token: string, o: { prices: Prices; cexAssets: ReadonlySet<string>; oracles: ReadonlyMap<string, OracleFeed>; nowUs: () => number }): (() => number) | undefined {
  const a = pricedAs(token);
  if (o.cexAssets.has(a) || a === o.prices.valuation || (USD_ASSETS.has(a) && USD_ASSETS.has(o.prices.valuation))) return () => o.prices.get(a);
  const feed = o.oracles.get(`${a}/USD`) ?? o.oracles.get(`${token}/USD`);
  if (feed === undefined) return undefined;
  return () => {
    const r = feed.latest(o.nowUs());
    return r === undefined ? NaN : (Number(r.answer) / ORACLE_SCALE) * o.prices.get('USD');
  };
}

/**
 * An account's on-chain holdings as a leg of its equity: its balances in the ledger account the
 * chain keeps for it (`<id>`, apart from the exchange wallet `<id>:cash`) at current prices. What
 * the spec funded it with (`onchain`) counts as deposits, revalued with their prices like an
 * exchange deposit; the leg's PnL is the rest — what swaps, gas and MEV made of them. Without it a
 * desk selling WETH through a pool had an equity of 0 at every sample.
 */
export class OnchainHoldings implements WalletLeg {
  /** Its holdings are not in the exchange wallet: no asset of the wallet's own. */
  readonly assets: readonly string[] = [];
  private readonly tokens: { token: string; scale: number; funded: number; price: () => number }[];

  constructor(
    readonly id: string,
    private readonly account: string,
    private readonly ledger: Ledger,
    /** Every token the account may hold on chain, with what the spec funded (whole tokens) and its price. */
    tokens: readonly { token: string; funded: number; price: () => number }[],
  ) {
    this.tokens = tokens.map((t) => ({ ...t, scale: 10 ** CHAIN_TOKENS[t.token]! }));
  }

  value(): number {
    let v = 0;
    for (const t of this.tokens) {
      const b = this.ledger.balance(this.account, t.token);
      if (b !== 0n) v += (Number(b) / t.scale) * t.price();
    }
    return v;
  }

  /** The on-chain funding at current prices. */
  deposits(): number {
    let v = 0;
    for (const t of this.tokens) if (t.funded !== 0) v += t.funded * t.price();
    return v;
  }

  pnl(): number {
    return this.value() - this.deposits();
  }
}
