import { describe, expect, it } from 'vitest';
import { computeMetrics, MIN_PSR_RETURNS } from '../../src/results/metrics.ts';
import { probabilisticSharpe } from '../../src/results/sharpe-inference.ts';
import { KNOWN_INSTRUMENTS } from '../../src/market/instrument.ts';
import type { Fill } from '../../src/venues/clob/order.ts';

const inst = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
const fill = (p: Partial<Fill>): Fill => ({ seq: 0, tsUs: 0, orderId: 1, side: 0, priceTicks: 600_000, sizeLots: 1000, maker: true, fee: 0n, realized: 0n, midTicks: 600_010, decisionMidTicks: 600_010, queueWaitUs: 2000, positionLots: 0, ...p });

describe('run metrics', () => {
  it('drawdown, Sharpe on per-minute returns, spread capture and slippage match hand computations', () => {
    // 5 minutes of 1-s equity: +1 per minute except a −3 dip in minute 3
    const n = 301;
    const equity = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = Math.floor(i / 60);
      equity[i] = 1000 + (m >= 3 ? m - 4 : m) + (i % 60) / 600;
    }
    const m = computeMetrics({
      inst,
      orders: [],
      fills: [fill({}), fill({ side: 1, maker: false, priceTicks: 599_990, decisionMidTicks: 600_000, sizeLots: 2000 })],
      equityTs: Float64Array.from({ length: n }, (_, i) => i * 1e6),
      equity,
      initialCapital: 1000,
      realized: 0,
      unrealized: 0,
      fees: 0,
      finalEquity: equity[n - 1]!,
      finalPositionLots: 0,
      sampleIntervalUs: 1e6,
    });
    // peak 1002.0983 (i=179), trough 999 at i=180 → drawdown 3.0983
    expect(m.maxDrawdown).toBeCloseTo(2 + 59 / 600 + 1, 9);
    // minute returns on capital at i = 60, 120, 180, 240, 300: +1, +1, −3, +1, +1
    const r = [1, 1, -3, 1, 1].map((x) => x / 1000);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    // five minutes of data: no annualised figure, the per-minute ratio instead
    expect(m.sharpe).toBeNaN();
    expect(m.returnPeriod).toBe('1m');
    expect(m.sharpePerPeriod).toBeCloseTo(mean / sd, 9);
    // The returns' shape as scipy.stats.skew / kurtosis(fisher=False) give it, and the probabilistic
    // Sharpe: scipy's norm.cdf(SR·√(n − 1)/√(1 − γ₃·SR + (γ₄ − 1)/4·SR²)) = 0.5817245994307924.
    expect([m.returnCount, m.returnSkew, m.returnKurtosis]).toEqual([5, expect.closeTo(-1.5, 12), expect.closeTo(3.25, 12)]);
    expect(probabilisticSharpe(m.sharpePerPeriod, m.returnCount!, m.returnSkew!, m.returnKurtosis!)).toBeCloseTo(0.5817245994307924, 12);
    // …which the run does not report from five returns (under MIN_PSR_RETURNS: the sample kurtosis of so few says nothing).
    expect(m.psr).toBeNaN();
    expect(m.spanUs).toBe(300e6);
    // buy 1 BTC at 60,000.0 when mid is 60,001.0 → +1 USDT; sell 2 BTC at 59,999.0 with mid 60,001.0 → −4 USDT
    expect(m.spreadCapture).toBeCloseTo(1 - 4, 9);
    // taker sold 1 tick (0.1) under a 60,000 decision mid: slippage −(−10 ticks)/600000 → +0.1667 bps cost sign
    expect(m.takerSlippageBps).toBeCloseTo((-(599_990 - 600_000) / 600_000) * 1e4, 9);
    expect(m.meanQueueWaitMs).toBe(2);
  });

  it('returns are over equal times: samples taken at fills between the timer\'s do not change the per-minute returns', () => {
    // 5 minutes of 1-s timer samples (equity 1000 + minute², so per-minute PnL 1, 3, 5, 7, 9) …
    const n = 301;
    const timerTs = Array.from({ length: n }, (_, i) => i * 1e6);
    const timerEq = timerTs.map((t) => 1000 + Math.floor(t / 60e6) ** 2);
    const base = { inst, orders: [], fills: [], initialCapital: 1000, realized: 0, unrealized: 0, fees: 0, finalEquity: timerEq[n - 1]!, finalPositionLots: 0, sampleIntervalUs: 1e6 };
    const regular = computeMetrics({ ...base, equityTs: Float64Array.from(timerTs), equity: Float64Array.from(timerEq) });
    // … and 90 more samples at fills between them (a dip to 990 each time, which the drawdown sees).
    const ts: number[] = [];
    const eq: number[] = [];
    timerTs.forEach((t, i) => {
      ts.push(t);
      eq.push(timerEq[i]!);
      if (i % 3 === 1 && i < n - 1) {
        ts.push(t + 400_000);
        eq.push(990);
      }
    });
    const withFills = computeMetrics({ ...base, equityTs: Float64Array.from(ts), equity: Float64Array.from(eq) });
    const r = [1, 3, 5, 7, 9].map((x) => x / 1000);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    expect(regular.sharpePerPeriod).toBeCloseTo(mean / sd, 12);
    expect(withFills.sharpePerPeriod).toBe(regular.sharpePerPeriod);
    expect(withFills.sortinoPerPeriod).toBe(regular.sortinoPerPeriod);
    expect(withFills.returnPeriod).toBe('1m');
    expect(withFills.maxDrawdown).toBeCloseTo(1000 + 4 ** 2 - 990, 9);
  });

  it(`the probabilistic Sharpe from ${MIN_PSR_RETURNS} returns on, not from fewer`, () => {
    const run = (minutes: number) => {
      const n = minutes * 60 + 1;
      // A zig-zag with drift: returns vary, so only their count decides.
      const equity = Float64Array.from({ length: n }, (_, i) => 1000 + Math.floor(i / 60) * 0.5 + (Math.floor(i / 60) % 3 === 0 ? 1 : 0));
      return computeMetrics({ inst, orders: [], fills: [], equityTs: Float64Array.from({ length: n }, (_, i) => i * 1e6), equity, initialCapital: 1000, realized: 0, unrealized: 0, fees: 0, finalEquity: equity[n - 1]!, finalPositionLots: 0, sampleIntervalUs: 1e6 });
    };
    const short = run(MIN_PSR_RETURNS - 1);
    expect(short.returnCount).toBe(MIN_PSR_RETURNS - 1);
    expect(short.psr).toBeNaN();
    const enough = run(MIN_PSR_RETURNS);
    expect(enough.returnCount).toBe(MIN_PSR_RETURNS);
    expect(enough.psr).toBe(probabilisticSharpe(enough.sharpePerPeriod, MIN_PSR_RETURNS, enough.returnSkew!, enough.returnKurtosis!));
    expect(enough.psr).toBeGreaterThan(0.5);
  });

  it('the final position in the instrument\'s own quantity: lots × lot size (contracts for an inverse perp)', () => {
    const one = (i: typeof inst, lots: number) => computeMetrics({ inst: i, orders: [], fills: [], equityTs: new Float64Array(0), equity: new Float64Array(0), initialCapital: 1, realized: 0, unrealized: 0, fees: 0, finalEquity: 1, finalPositionLots: lots, sampleIntervalUs: 1e6 });
    // ETHUSDT: lot 0.001 ETH
    const eth = one(KNOWN_INSTRUMENTS['binance-futures:ETHUSDT']!, -891_508);
    expect([eth.finalPositionQty, eth.positionUnit]).toEqual([-891.508, 'ETH']);
    // spot BTCUSDT: lot 1e-8 BTC (a satoshi)
    const spot = one(KNOWN_INSTRUMENTS['binance:BTCUSDT']!, 123_456_789);
    expect([spot.finalPositionQty, spot.positionUnit]).toEqual([1.23456789, 'BTC']);
    // BTCUSD_PERP: one lot is one 100-USD contract
    const inv = one(KNOWN_INSTRUMENTS['binance-delivery:BTCUSD_PERP']!, 25);
    expect([inv.finalPositionQty, inv.positionUnit]).toEqual([25, 'contracts of 100 USD']);
  });

  it('annualises over 365 days once the run spans 30 days', () => {
    // 31 days of hourly equity: alternating +2 / −1 per hour on 1000 of capital
    const n = 31 * 24 + 1;
    const equity = new Float64Array(n);
    for (let i = 1; i < n; i++) equity[i] = equity[i - 1]! + (i % 2 === 1 ? 2 : -1);
    for (let i = 0; i < n; i++) equity[i] = equity[i]! + 1000;
    const m = computeMetrics({ inst, orders: [], fills: [], equityTs: Float64Array.from({ length: n }, (_, i) => i * 3600e6), equity, initialCapital: 1000, realized: 0, unrealized: 0, fees: 0, finalEquity: equity[n - 1]!, finalPositionLots: 0, sampleIntervalUs: 3600e6 });
    const r = Array.from({ length: n - 1 }, (_, k) => ((k + 1) % 2 === 1 ? 2 : -1) / 1000);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    expect(m.returnPeriod).toBe('1h');
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365 * 24), 9);
  });
});

describe('rejected orders', () => {
  // A run whose margin checks refused 11 of 28 orders printed "fill ratio 33.4%" and nothing about
  // the refusals: the fill ratio counted lots that were never on the book.
  it('are counted apart with their commonest reason, and out of the fill ratio', () => {
    const inst = KNOWN_INSTRUMENTS['binance-futures:BTCUSDT']!;
    const order = (sizeLots: number, filledLots: number, status: 'filled' | 'cancelled' | 'rejected', reason = '') => ({ sizeLots, filledLots, status, reason }) as unknown as import('../../src/venues/clob/order.ts').OwnOrder;
    const base = { inst, fills: [], equityTs: Float64Array.from([0, 60e6]), equity: Float64Array.from([1000, 1000]), initialCapital: 1000, realized: 0, unrealized: 0, fees: 0, finalEquity: 1000, finalPositionLots: 0, sampleIntervalUs: 60e6 };
    const m = computeMetrics({ ...base, orders: [order(100, 100, 'filled'), order(100, 50, 'cancelled'), order(300, 0, 'rejected', 'insufficient margin: IM after 114782.16 > equity 97210.31'), order(200, 0, 'rejected', 'insufficient margin: IM after 1.5 > equity 1'), order(5, 0, 'rejected', 'reduce-only order would increase the position')] });
    expect(m.orders).toBe(5);
    expect(m.rejectedOrders).toBe(3);
    expect(m.rejectReason).toBe('2 insufficient margin; 1 other reason');
    expect(m.fillRatio).toBe(150 / 200);
    const one = computeMetrics({ ...base, orders: [order(300, 0, 'rejected', 'insufficient margin: IM after 3 > equity 1'), order(100, 100, 'filled')] });
    expect(one.rejectReason).toBe('insufficient margin');
    expect(one.fillRatio).toBe(1);
    // A reason holding a time: its kind is cut at ': ', not at the time's first colon
    // ("1 rejected: no market data at perp after 2024-01-03T00").
    const late = computeMetrics({ ...base, orders: [order(100, 0, 'rejected', 'no market data at perp after 2024-01-03T00:00:00.000Z: its book is frozen there')] });
    expect(late.rejectReason).toBe('no market data at perp after 2024-01-03T00:00:00.000Z');
    const none = computeMetrics({ ...base, orders: [order(100, 100, 'filled')] });
    expect(none.rejectedOrders).toBe(0);
    expect(none.rejectReason).toBeUndefined();
  });
});
