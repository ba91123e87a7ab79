import type { Simulation } from '../kernel/simulation.ts';
import type { Side } from '../market/book.ts';
import type { MarginEngine } from '../risk/margin-engine.ts';
import type { ReplayListener } from '../backtest/replay-source.ts';
import type { BarView } from '../strategy/api.ts';
import type { VenuePort } from '../strategy/venue-port.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';
import type { PerpVenue } from '../venues/perp/venue.ts';
import type { Prices } from './wallet.ts';

/**
 * What happens after each replayed message of one venue, in a fixed order: prices and marks
 * first (the spot mid prices the base asset; a perp recomputes its mark and pushes index and mark
 * into the margin engine, which revalues accounts and may trigger liquidations), then the
 * strategy's callback. Marks update only when the mid moved, so the margin engine does work only
 * when something it depends on changed.
 */
export class VenueDriver implements ReplayListener {
  port: VenuePort | undefined;
  /** Perps that take this venue's mid as their index (tick conversion precomputed). */
  readonly indexFor: { perp: PerpVenue; ratio: number }[] = [];
  /** When set, this spot venue's mid is the margin engine's mark of its base asset (no perp gives one). */
  engineMark: MarginEngine | undefined;
  /**
   * One venue prices each asset in the wallets (and, a spot venue without a perp on that asset, in
   * the margin engine): the first spot venue of it in the spec, else the first perp; once that
   * venue's data has ended, the next. So an asset traded on two venues has one price, not
   * whichever venue moved last. `pricePrior`: the venues before this one in that order (empty:
   * this venue prices it). `perpPrior`: likewise for the perps on the asset, the first of which
   * (with data) gives the margin engine its underlying mark. Set by the world builder.
   */
  pricePrior: readonly VenueDriver[] = [];
  perpPrior: readonly VenueDriver[] = [];
  /** Whether this venue's data has ended (set by the world builder from its source). */
  ended: () => boolean = () => false;
  /** Called after a perp's mark moved (populations check their liquidation-price index). */
  readonly afterMark: ((tsUs: number) => void)[] = [];
  private lastMid = NaN;
  private readonly tick: number;

  constructor(
    private readonly sim: Simulation,
    readonly id: string,
    readonly clob: ClobVenue,
    readonly perp: PerpVenue | undefined,
    /** The perp takes its own mid as index (no index venue in the spec). */
    private readonly selfIndex: boolean,
    private readonly prices: Prices,
  ) {
    this.tick = Number(clob.instrument.tickSize);
  }

  get wantsTrades(): boolean {
    return this.perp !== undefined || (this.port?.wantsTrades ?? false) || this.port?.tradeTap !== undefined;
  }

  onBookMessage(): void {
    const mid = this.clob.book.midTicks();
    const now = this.sim.nowUs;
    if (mid !== this.lastMid && Number.isFinite(mid)) {
      this.lastMid = mid;
      const inst = this.clob.instrument;
      const perp = this.perp;
      const pricesBase = this.pricePrior.length === 0 || allEnded(this.pricePrior);
      if (perp === undefined) {
        const px = mid * this.tick;
        if (pricesBase) {
          this.prices.set(inst.base, px * this.prices.get(inst.quote));
          if (this.engineMark) this.engineMark.setMark(inst.base, px, now);
        }
      } else if (this.selfIndex) {
        perp.drivesUnderlying = this.perpPrior.length === 0 || allEnded(this.perpPrior);
        perp.setIndex(now, mid);
        if (pricesBase) this.prices.set(inst.base, mid * this.tick * this.prices.get(inst.quote));
      } else {
        perp.drivesUnderlying = this.perpPrior.length === 0 || allEnded(this.perpPrior);
        perp.updateMark(now);
      }
      for (let i = 0; i < this.afterMark.length; i++) this.afterMark[i]!(now);
      for (let i = 0; i < this.indexFor.length; i++) {
        const f = this.indexFor[i]!;
        f.perp.setIndex(now, mid * f.ratio);
      }
    }
    if (this.port !== undefined) this.port.onBookMessage(now);
  }

  /** A bar closed on a bar-execution venue. */
  onBar(bar: BarView): void {
    if (this.port !== undefined) this.port.onBar(bar);
  }

  onTradePrint(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void {
    if (this.perp !== undefined) this.perp.lastTicks = priceTicks;
    if (this.port !== undefined) this.port.onTradePrint(tsUs, aggressor, priceTicks, sizeLots);
  }
}

function allEnded(ds: readonly VenueDriver[]): boolean {
  for (let i = 0; i < ds.length; i++) if (!ds[i]!.ended()) return false;
  return true;
}
