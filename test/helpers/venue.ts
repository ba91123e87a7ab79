import { Simulation } from '../../src/kernel/simulation.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { Position } from '../../src/ledger/portfolio.ts';
import { KNOWN_INSTRUMENTS, type Instrument } from '../../src/market/instrument.ts';
import { ConstantLatency } from '../../src/market/latency.ts';
import { parseQueueModel } from '../../src/market/queue-model.ts';
import { MakerTakerFees } from '../../src/venues/clob/fees.ts';
import { ClobVenue } from '../../src/venues/clob/venue.ts';

/** A venue with zero latencies for unit tests; `flush()` delivers every scheduled message. */
export function makeVenue(opts: { queue?: string; seed?: number; inst?: Instrument; makerBps?: number; takerBps?: number } = {}) {
  const sim = new Simulation(opts.seed ?? 1);
  const ledger = new Ledger();
  const inst = opts.inst ?? KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
  const position = new Position(inst, 'desk', ledger, 'venue:test');
  const venue = new ClobVenue(
    sim,
    {
      instrument: inst,
      queue: parseQueueModel(opts.queue ?? 'risk-averse'),
      fees: new MakerTakerFees(opts.makerBps ?? 0, opts.takerBps ?? 0),
      entryLatency: new ConstantLatency(0),
      responseLatency: new ConstantLatency(0),
      feedLatencyFromData: false,
      clockOffsetUs: 0,
    },
    position,
  );
  const flush = () => sim.run();
  return { sim, ledger, position, venue, flush, inst };
}
