import { describe, expect, it } from 'vitest';
import { OracleFeed } from '../../src/chain/oracle.ts';
import { ConfigError, ModelError } from '../../src/errors.ts';

const S = 1_000_000;
const P = (usd: number) => BigInt(usd) * 100_000_000n; // 8 decimals, like Chainlink USD feeds

describe('OracleFeed', () => {
  const params = { deviationBps: 50, heartbeatUs: 3600 * S, latencyUs: 2 * S };

  it('updates on a deviation of at least the threshold, measured from the last answer', () => {
    const f = new OracleFeed('ETH/USD', params);
    expect(f.observe(0, P(2000))?.reason).toBe('first');
    expect(f.observe(10 * S, P(2009))).toBeUndefined(); // 45 bps
    const r = f.observe(20 * S, P(2010)); // exactly 50 bps
    expect(r?.reason).toBe('deviation');
    expect(r?.answer).toBe(P(2010));
    expect(f.observe(30 * S, P(2000))).toBeUndefined(); // 49.75 bps below 2010
    expect(f.observe(31 * S, P(1999))?.reason).toBe('deviation');
  });

  it('publishes after the update latency', () => {
    const f = new OracleFeed('ETH/USD', params);
    f.observe(0, P(2000));
    f.observe(100 * S, P(2100));
    expect(f.latest(1 * S)).toBeUndefined();
    expect(f.latest(2 * S)?.answer).toBe(P(2000));
    expect(f.latest(101 * S)?.answer).toBe(P(2000));
    expect(f.latest(102 * S)?.answer).toBe(P(2100));
  });

  it('a seeded first answer (the feed as it stands when a run starts) is readable at once; later rounds wait the latency', () => {
    const f = new OracleFeed('ETH/USD', params);
    expect(f.seed(0, P(2000)).publishedTsUs).toBe(0);
    expect(f.latest(0)?.answer).toBe(P(2000));
    f.observe(100 * S, P(2100));
    expect(f.latest(101 * S)?.answer).toBe(P(2000));
    expect(f.latest(102 * S)?.answer).toBe(P(2100));
    // Heartbeats count from the last round triggered (100 s), not from the seed.
    expect(f.tick(3699 * S)).toEqual([]);
    expect(f.tick(3700 * S).map((r) => r.triggeredTsUs)).toEqual([3700 * S]);
    expect(() => f.seed(200 * S, P(1))).toThrow(ModelError);
  });

  it('fires the heartbeat with an unchanged price', () => {
    const f = new OracleFeed('ETH/USD', params);
    f.observe(0, P(2000));
    expect(f.observe(3599 * S, P(2001))).toBeUndefined();
    const beats = f.tick(3 * 3600 * S + 5);
    expect(beats.map((b) => b.triggeredTsUs)).toEqual([3600 * S, 7200 * S, 10800 * S]);
    expect(beats.every((b) => b.reason === 'heartbeat' && b.answer === P(2001))).toBe(true);
    expect(f.observe(10800 * S + 3600 * S, P(2001))?.reason).toBe('heartbeat');
  });

  it('a zero price is an error, as are bad params and time going backwards', () => {
    const f = new OracleFeed('ETH/USD', params);
    expect(() => f.observe(0, 0n)).toThrow(ModelError);
    expect(() => f.observe(0, 0n)).toThrow(/zero or negative oracle price/);
    f.observe(10, P(1));
    expect(() => f.observe(5, P(1))).toThrow(/backwards/);
    expect(() => new OracleFeed('x', { ...params, deviationBps: 0 })).toThrow(ConfigError);
  });
});
