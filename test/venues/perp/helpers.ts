import { Simulation } from '../../../src/kernel/simulation.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { Position } from '../../../src/ledger/portfolio.ts';
import type { Instrument } from '../../../src/market/instrument.ts';
import { ConstantLatency } from '../../../src/market/latency.ts';
import { parseQueueModel } from '../../../src/market/queue-model.ts';
import { MakerTakerFees } from '../../../src/venues/clob/fees.ts';
import { IndexMark, PerpVenue, type FundingRateSource, type FundingSchedule, type MarkPriceModel } from '../../../src/venues/perp/index.ts';

export function makePerp(inst: Instrument, funding: FundingRateSource, schedule: FundingSchedule, mark: MarkPriceModel = new IndexMark()) {
  const sim = new Simulation(7);
  const ledger = new Ledger();
  const position = new Position(inst, 'desk', ledger, `venue:${inst.venue}`);
  const perp = new PerpVenue(
    sim,
    {
      clob: {
        instrument: inst,
        queue: parseQueueModel('risk-averse'),
        fees: new MakerTakerFees(0, 0),
        entryLatency: new ConstantLatency(0),
        responseLatency: new ConstantLatency(0),
        feedLatencyFromData: false,
        clockOffsetUs: 0,
      },
      mark,
      funding,
      schedule,
    },
    position,
  );
  return { sim, ledger, position, perp };
}

/** A decimal string as an exact fraction n/d (test-side, independent of the code under test). */
export function dec(s: string): { n: bigint; d: bigint } {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [i, f = ''] = body.split('.');
  const n = BigInt(i! + f);
  return { n: neg ? -n : n, d: 10n ** BigInt(f.length) };
}

/** Round n/d half away from zero (test-side copy of the rule, written from the definition). */
export function roundHalfAway(n: bigint, d: bigint): bigint {
  if (d < 0n) return roundHalfAway(-n, -d);
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}
