/**
 * A push oracle feed (Chainlink-style): a new round is triggered when the off-chain reference
 * moves at least `deviationBps` away from the last triggered answer, or when `heartbeatUs` has
 * passed since it; the round becomes readable on chain `latencyUs` later.
 */
import { ConfigError, ModelError } from '../errors.ts';

export interface OracleParams {
  deviationBps: number;
  heartbeatUs: number;
  latencyUs: number;
}

export interface OracleRound {
  roundId: number;
  answer: bigint;
  /** When the deviation or heartbeat fired off-chain. */
  triggeredTsUs: number;
  /** When the answer is readable on chain. */
  publishedTsUs: number;
  reason: 'first' | 'deviation' | 'heartbeat' | 'replay';
}

/** Oracle answers carry 8 decimals (Chainlink's USD feeds). */
export const ORACLE_SCALE = 1e8;

export class OracleFeed {
  private readonly rounds: OracleRound[] = [];
  private lastReference: bigint | undefined;
  private lastTsUs = Number.NEGATIVE_INFINITY;

  constructor(readonly name: string, readonly params: OracleParams) {
    const { deviationBps, heartbeatUs, latencyUs } = params;
    if (!(deviationBps > 0) || !Number.isInteger(deviationBps)) throw new ConfigError(`oracle ${name}: deviationBps must be a positive integer`, { field: 'deviationBps' });
    if (!(heartbeatUs > 0) || !Number.isSafeInteger(heartbeatUs)) throw new ConfigError(`oracle ${name}: heartbeatUs must be a positive integer`, { field: 'heartbeatUs' });
    if (!(latencyUs >= 0) || !Number.isSafeInteger(latencyUs)) throw new ConfigError(`oracle ${name}: latencyUs must be a non-negative integer`, { field: 'latencyUs' });
  }

  /** Feeds an off-chain reference price; returns the round it triggered, if any. */
  observe(tsUs: number, referencePrice: bigint): OracleRound | undefined {
    this.advanceTo(tsUs);
    if (referencePrice <= 0n) {
      throw new ModelError(`oracle ${this.name}: reference price ${referencePrice} at ${tsUs} µs`, {
        field: 'referencePrice', hint: 'a zero or negative oracle price is never valid',
      });
    }
    this.lastReference = referencePrice;
    const last = this.rounds[this.rounds.length - 1];
    if (last === undefined) return this.push(tsUs, referencePrice, 'first');
    const diff = referencePrice > last.answer ? referencePrice - last.answer : last.answer - referencePrice;
    if (diff * 10_000n >= BigInt(this.params.deviationBps) * last.answer) return this.push(tsUs, referencePrice, 'deviation');
    if (tsUs - last.triggeredTsUs >= this.params.heartbeatUs) return this.push(tsUs, referencePrice, 'heartbeat');
    return undefined;
  }

  /**
   * The answer the feed already holds on chain when a run starts: readable at once (the update
   * latency applies to the rounds triggered after it). Only as the first round.
   */
  seed(tsUs: number, answer: bigint): OracleRound {
    this.advanceTo(tsUs);
    if (this.rounds.length > 0) throw new ModelError(`oracle ${this.name}: seed after round ${this.rounds.length}`, { field: 'tsUs' });
    if (answer <= 0n) throw new ModelError(`oracle ${this.name}: seed answer ${answer} at ${tsUs} µs`, { field: 'answer', hint: 'a zero or negative oracle price is never valid' });
    this.lastReference = answer;
    return this.push(tsUs, answer, 'first', tsUs);
  }

  /** Fires the heartbeats due up to `tsUs` with the last reference seen (no new price needed). */
  tick(tsUs: number): OracleRound[] {
    this.advanceTo(tsUs);
    const out: OracleRound[] = [];
    for (;;) {
      const last = this.rounds[this.rounds.length - 1];
      if (last === undefined || this.lastReference === undefined) return out;
      const due = last.triggeredTsUs + this.params.heartbeatUs;
      if (due > tsUs) return out;
      out.push(this.push(due, this.lastReference, 'heartbeat'));
    }
  }

  /** The answer a contract reads at `tsUs`: the latest round published by then. */
  latest(tsUs: number): OracleRound | undefined {
    for (let i = this.rounds.length - 1; i >= 0; i--) {
      const r = this.rounds[i] as OracleRound;
      if (r.publishedTsUs <= tsUs) return r;
    }
    return undefined;
  }

  /**
   * A round as it happened on chain, replayed from history (e.g. Chainlink's getRoundData):
   * written and readable at `tsUs` (its updatedAt); no deviation or heartbeat rule applies.
   */
  replay(tsUs: number, answer: bigint): OracleRound {
    this.advanceTo(tsUs);
    if (answer <= 0n) throw new ModelError(`oracle ${this.name}: replayed answer ${answer} at ${tsUs} µs`, { field: 'answer' });
    this.lastReference = answer;
    const round: OracleRound = { roundId: this.rounds.length + 1, answer, triggeredTsUs: tsUs, publishedTsUs: tsUs, reason: 'replay' };
    this.rounds.push(round);
    return round;
  }

  allRounds(): readonly OracleRound[] {
    return this.rounds;
  }

  private advanceTo(tsUs: number): void {
    if (!Number.isSafeInteger(tsUs)) throw new ModelError(`oracle ${this.name}: time ${tsUs} is not integer µs`, { field: 'tsUs' });
    if (tsUs < this.lastTsUs) throw new ModelError(`oracle ${this.name}: time went backwards (${tsUs} < ${this.lastTsUs})`, { field: 'tsUs' });
    this.lastTsUs = tsUs;
  }

  private push(tsUs: number, answer: bigint, reason: OracleRound['reason'], publishedTsUs = tsUs + this.params.latencyUs): OracleRound {
    const round: OracleRound = { roundId: this.rounds.length + 1, answer, triggeredTsUs: tsUs, publishedTsUs, reason };
    this.rounds.push(round);
    return round;
  }
}
