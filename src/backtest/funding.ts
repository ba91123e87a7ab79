import { ConfigError } from '../errors.ts';
import type { EventHandler } from '../kernel/event-queue.ts';
import { PRIO_TIMER, type Simulation } from '../kernel/simulation.ts';
import type { L2Book } from '../market/book.ts';
import { parseDurationUs } from '../market/latency.ts';
import type { Position } from '../ledger/portfolio.ts';
import { F64Column, I64Column } from '../results/columns.ts';
import { FundingCalculator, fixedFundingTimes, readLeanFundingCsv, type FundingRateSource } from '../venues/perp/index.ts';

/** A constant rate, for what-if runs (`--funding 0.0001@8h`). */
class ConstantFunding implements FundingRateSource {
  readonly name: string;
  constructor(readonly rate: number) {
    this.name = `constant:${rate}`;
  }
  rateAt(): number {
    return this.rate;
  }
}

export interface FundingSpec {
  source: FundingRateSource;
  intervalUs: number;
}

/** `none`, `<rate>[@<interval>]` (e.g. `0.0001@8h`) or `lean:<file>[@<interval>]` (real series). */
export function parseFunding(spec: string, symbol: string): FundingSpec | undefined {
  if (spec === 'none') return undefined;
  const [what, every] = spec.split('@') as [string, string | undefined];
  const intervalUs = every ? parseDurationUs(every, '--funding') : 8 * 3600e6;
  if (what.startsWith('lean:')) return { source: readLeanFundingCsv(what.slice(5), symbol), intervalUs };
  const r = Number(what);
  if (!Number.isFinite(r) || Math.abs(r) > 0.05) throw new ConfigError(`funding "${spec}" is not none, <rate>[@interval] or lean:<file>`, { field: '--funding', hint: 'e.g. 0.0001@8h' });
  return { source: new ConstantFunding(r), intervalUs };
}

/**
 * Settles perp funding at funding times (UTC-anchored every `intervalUs`) on the desk's
 * position at the book mid: one exact ledger transfer per settlement, recorded as a table.
 */
export class FundingSettler implements EventHandler {
  private readonly calc: FundingCalculator;
  readonly rows = { ts: new F64Column(), rate: new F64Column(), lots: new F64Column(), mark: new F64Column(), payment: new I64Column() };
  totalMinor = 0n;

  constructor(
    private readonly spec: FundingSpec,
    private readonly position: Position,
    private readonly book: L2Book,
  ) {
    if (position.inst.kind === 'spot') throw new ConfigError(`${position.inst.symbol} is spot: it has no funding`, { field: '--funding' });
    this.calc = new FundingCalculator(position.inst);
  }

  schedule(sim: Simulation, startUs: number, endUs: number): void {
    for (const t of fixedFundingTimes(startUs, endUs, this.spec.intervalUs)) sim.schedule(t, PRIO_TIMER, this);
  }

  onEvent(tsUs: number): void {
    const rate = this.spec.source.rateAt(tsUs, this.position.inst.symbol);
    const mark = this.book.midTicks();
    const lots = this.position.lots;
    const pay = lots === 0 || !Number.isFinite(mark) ? 0n : this.calc.payment(lots, mark, rate);
    this.position.applyFunding(tsUs, pay);
    this.totalMinor += pay;
    const r = this.rows;
    r.ts.push(tsUs);
    r.rate.push(rate);
    r.lots.push(lots);
    r.mark.push(mark * Number(this.position.inst.tickSize));
    r.payment.push(pay);
  }
}
