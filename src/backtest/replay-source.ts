import { CatalogReader } from '../data/catalog.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_TRADE } from '../data/market-rows.ts';
import { PRIO_DATA, type Simulation, type Source } from '../kernel/simulation.ts';
import type { Side } from '../market/book.ts';
import type { ClobVenue } from '../venues/clob/venue.ts';

/** Receives what the replay saw after the venue applied it. */
export interface ReplayListener {
  readonly wantsTrades: boolean;
  onBookMessage(): void;
  onTradePrint(tsUs: number, aggressor: Side, priceTicks: number, sizeLots: number): void;
}

/**
 * Replays a catalog into a venue in receive-time order (the desk's clock). Rows are read from
 * reused typed-array chunks; `dispatchBatch` runs many rows per kernel turn, stopping as soon as a
 * scheduled event (an order arriving, a timer) is due.
 */
export class ReplaySource implements Source {
  readonly priority = PRIO_DATA;
  private readonly reader: CatalogReader;
  private i = 0;
  private n = 0;
  rows = 0;
  private readonly offsetUs: number;

  constructor(
    private readonly sim: Simulation,
    dir: string,
    private readonly venue: ClobVenue,
    private readonly listener: ReplayListener | undefined,
    chunkRows = 1 << 16,
  ) {
    this.reader = new CatalogReader(dir, chunkRows);
    this.offsetUs = this.reader.manifest.clockOffsetUs;
    this.refill();
  }

  get manifest() {
    return this.reader.manifest;
  }

  private refill(): void {
    this.reader.next();
    this.i = 0;
    this.n = this.reader.chunk.length;
  }

  peekTs(): number {
    return this.i < this.n ? this.reader.chunk.localTsUs[this.i]! : Infinity;
  }

  dispatch(): void {
    this.dispatchBatch(-Infinity);
  }

  /**
   * Process rows while their time is ≤ `limitUs` and no scheduled event is due first (data wins
   * ties: it has the lowest priority class). Always processes at least one row.
   */
  dispatchBatch(limitUs: number): number {
    const c = this.reader.chunk;
    const venue = this.venue;
    const listener = this.listener;
    const wantsTrades = listener !== undefined && listener.wantsTrades;
    const q = this.sim.queue;
    const { localTsUs, tsUs, kind, side, flags, priceTicks, sizeLots } = c;
    let done = 0;
    for (;;) {
      if (this.i >= this.n) {
        this.refill();
        if (this.n === 0) break;
      }
      const i = this.i;
      const now = localTsUs[i]!;
      if (done > 0 && (now > limitUs || now > q.peekTs())) break;
      this.sim.nowUs = now;
      const k = kind[i]!;
      const f = flags[i]!;
      if (k === ROW_TRADE) {
        venue.applyTrade(now, side[i] as Side, priceTicks[i]!, sizeLots[i]!);
        this.sim.batchDone = done;
        if (wantsTrades) listener.onTradePrint(now, side[i] as Side, priceTicks[i]!, sizeLots[i]!);
      } else if (k !== ROW_BBO) {
        if ((f & FLAG_SNAPSHOT_START) !== 0) venue.clearBook();
        venue.applyLevel(side[i] as Side, priceTicks[i]!, sizeLots[i]!);
      }
      this.i = i + 1;
      done++;
      if ((f & FLAG_END) !== 0) {
        venue.feedLatencyUs = now - tsUs[i]! - this.offsetUs;
        if (venue.own.count[0] !== 0 || venue.own.count[1] !== 0) venue.checkCrossed(now);
        this.sim.batchDone = done;
        if (listener !== undefined) listener.onBookMessage();
      }
    }
    this.rows += done;
    this.sim.batchDone = 0;
    return done;
  }

  close(): void {
    this.reader.close();
  }
}
