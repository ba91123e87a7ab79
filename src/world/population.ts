import type { EventHandler } from '../kernel/event-queue.ts';
import { MaxHeap } from '../kernel/max-heap.ts';
import type { Rng } from '../kernel/rng.ts';
import { PRIO_TIMER, type Simulation } from '../kernel/simulation.ts';
import type { Ledger, LedgerAccount } from '../ledger/ledger.ts';
import type { AccountState, MarginEngine } from '../risk/margin-engine.ts';
import { CrossMargin, IsolatedMargin } from '../risk/models/cross.ts';
import type { PerpVenue } from '../venues/perp/venue.ts';

export interface PopulationConfig {
  id: string;
  count: number;
  /** Share of accounts that go long (the rest short). */
  longShare: number;
  /** Leverage drawn log-uniformly in [min, max]. */
  leverage: { min: number; max: number };
  /** Position notional (quote units) drawn log-normally: median × exp(sigma × N(0,1)). */
  notional: { median: number; sigma: number };
  /** Entry times drawn uniformly in [fromUs, toUs). */
  fromUs: number;
  toUs: number;
  margin: 'isolated' | 'cross';
  takerFeeBps: number;
}

/** Distance (fraction of the mark) at which an account is revalued on every mark update. */
const NEAR = 0.003;

interface Entry {
  idx: number;
  liq: number;
  /** Order of indexing: of two at one price, the one indexed first comes near first. */
  seq: number;
}

/**
 * A population of leveraged traders on one perp: each is a margin account (lazy: not revalued on
 * every mark) that deposits notional ÷ leverage and opens its position at the mark at a random
 * time. A price index of liquidation prices (one heap per side) finds the few accounts
 * near liquidation on each mark update; only those are revalued, and the liquidation engine takes
 * them from there. Seeded from the run's RNG tree by the population's id.
 */
export class Population implements EventHandler {
  readonly accounts: string[] = [];
  /** Each account's margin state (passed to the engine instead of its id: no lookup in a map of 10,000). */
  private readonly states: AccountState[] = [];
  /** Each account's cash in the ledger, and where deposits come from (a deposit names no account). */
  private readonly cash: LedgerAccount[] = [];
  private deposits: LedgerAccount | undefined;
  private readonly side: Int8Array;
  private readonly notional: Float64Array;
  private readonly leverage: Float64Array;
  /**
   * Longs by liquidation price, highest first; shorts lowest first (the next to come near first;
   * ties in indexing order). Heaps: sorted lists took a splice per entry, O(n) each, 10,000 a path.
   */
  private readonly longs = new MaxHeap<Entry>([], (a, b) => a.liq > b.liq || (a.liq === b.liq && a.seq < b.seq));
  private readonly shorts = new MaxHeap<Entry>([], (a, b) => a.liq < b.liq || (a.liq === b.liq && a.seq < b.seq));
  private indexed = 0;
  private readonly near = new Set<number>();
  entered = 0;
  private readonly tick: number;
  private readonly lot: number;

  constructor(
    private readonly sim: Simulation,
    private readonly engine: MarginEngine,
    private readonly ledger: Ledger,
    private readonly perp: PerpVenue,
    private readonly instrumentId: string,
    private readonly cfg: PopulationConfig,
    rng: Rng,
  ) {
    const n = cfg.count;
    this.side = new Int8Array(n);
    this.notional = new Float64Array(n);
    this.leverage = new Float64Array(n);
    const inst = perp.clob.instrument;
    this.tick = Number(inst.tickSize);
    this.lot = Number(inst.lotSize) * inst.multiplier;
    const { min, max } = cfg.leverage;
    // One margin model for every account: a model keeps no state of an account (its caches are per
    // instrument, its result is copied by the engine at once), and 10,000 instances were 10,000
    // bracket maps built at each account's first revaluation.
    const model = cfg.margin === 'isolated' ? new IsolatedMargin() : new CrossMargin();
    for (let i = 0; i < n; i++) {
      this.side[i] = rng.next() < cfg.longShare ? 1 : -1;
      this.leverage[i] = min * Math.exp(rng.next() * Math.log(max / min));
      this.notional[i] = cfg.notional.median * Math.exp(cfg.notional.sigma * rng.normal());
      const id = `${cfg.id}-${String(i).padStart(5, '0')}`;
      this.accounts.push(id);
      const a = engine.openAccount(id, model, { lazy: true });
      this.states.push(a);
      this.cash.push(a.cashLedger);
      const t = cfg.fromUs + Math.floor(rng.next() * Math.max(1, cfg.toUs - cfg.fromUs));
      sim.schedule(t, PRIO_TIMER, this, i);
    }
  }

  /** Entry of account `i`: deposit the margin, open at the mark. */
  onEvent(tsUs: number, i: number): void {
    const markTicks = this.perp.markTicks();
    if (!(markTicks > 0)) {
      this.sim.schedule(tsUs + 60e6, PRIO_TIMER, this, i); // no mark yet: try a minute later
      return;
    }
    const price = markTicks * this.tick;
    const lots = Math.max(1, Math.round(this.notional[i]! / price / this.lot));
    const margin = (lots * this.lot * price) / this.leverage[i]!;
    this.ledger.transferBetween(tsUs, (this.deposits ??= this.ledger.account('external:deposits')), this.cash[i]!, this.engine.settleAsset, BigInt(Math.round(margin * this.engine.settleScale)), 'deposit');
    this.engine.applyFill(this.states[i]!, this.instrumentId, tsUs, this.side[i]! * lots, markTicks, this.cfg.takerFeeBps);
    this.entered++;
    this.index(i, price);
  }

  /** Liquidation price of account i's position, from its state at the current mark (linear). */
  private liqPrice(i: number, price: number): number {
    const a = this.states[i]!;
    // The population's accounts are isolated: this perp is their only position.
    const q = this.engine.positionQty(a, this.instrumentId);
    if (q === 0) return NaN;
    const s = this.engine.state(a);
    const mmr = s.mm / (Math.abs(q) * price);
    return (q * price - s.equity) / (q - mmr * Math.abs(q));
  }

  private index(i: number, price: number): void {
    const liq = this.liqPrice(i, price);
    if (!Number.isFinite(liq)) return;
    const long = this.side[i]! > 0;
    if (long ? liq >= price * (1 - NEAR) : liq <= price * (1 + NEAR)) {
      this.near.add(i);
      return;
    }
    (long ? this.longs : this.shorts).push({ idx: i, liq, seq: this.indexed++ });
  }

  /** After every mark update: move accounts the mark has come near to the near set and revalue those. */
  onMark(tsUs: number): void {
    const markTicks = this.perp.markTicks();
    if (!(markTicks > 0)) return;
    const price = markTicks * this.tick;
    while (this.longs.size > 0 && this.longs.peek()!.liq >= price * (1 - NEAR)) this.near.add(this.longs.pop()!.idx);
    while (this.shorts.size > 0 && this.shorts.peek()!.liq <= price * (1 + NEAR)) this.near.add(this.shorts.pop()!.idx);
    if (this.near.size === 0) return;
    for (const i of [...this.near]) {
      this.engine.revalue(this.states[i]!, tsUs);
      const liq = this.liqPrice(i, price);
      if (!Number.isFinite(liq)) {
        this.near.delete(i); // flat: liquidated or closed
        continue;
      }
      const long = this.side[i]! > 0;
      if (long ? liq < price * (1 - 2 * NEAR) : liq > price * (1 + 2 * NEAR)) {
        this.near.delete(i);
        this.index(i, price);
      }
    }
  }
}
