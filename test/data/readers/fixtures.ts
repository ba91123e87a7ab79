import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Instrument } from '../../../src/market/instrument.ts';

export function tempDir(prefix = 'primesim-readers-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, lines: string[], gzip = false): string {
  const p = join(dir, name);
  const text = lines.join('\n') + '\n';
  writeFileSync(p, gzip ? gzipSync(text) : text);
  return p;
}

export const TEST_INST: Instrument = { symbol: 'BTCUSDT', venue: 'test', kind: 'linear', tickSize: '0.1', lotSize: '0.001', multiplier: 1, base: 'BTC', quote: 'USDT', settle: 'USDT' };

/** A tiny futures capture: REST snapshot, then diffs chained by pu (override any line). */
export function captureLines(over: Partial<Record<number, string>> = {}): string[] {
  const base = 1723161255000000000n;
  const ns = (i: number): string => String(base + BigInt(i) * 1_000_000n);
  const lines = [
    `${ns(0)} {"lastUpdateId":100,"E":1723161256000,"T":1723161256000,"bids":[["100.0","1.000"],["99.9","2.000"]],"asks":[["100.1","1.500"],["100.2","3.000"]]}`,
    `${ns(1)} {"stream":"x@depth@0ms","data":{"e":"depthUpdate","E":1723161256001,"T":1723161256001,"s":"BTCUSDT","U":95,"u":105,"pu":94,"b":[["100.0","0.500"]],"a":[]}}`,
    `${ns(2)} {"stream":"x@bookTicker","data":{"e":"bookTicker","u":105,"s":"BTCUSDT","b":"100.0","B":"0.500","a":"100.1","A":"1.500","T":1723161256001,"E":1723161256001}}`,
    `${ns(3)} {"stream":"x@depth@0ms","data":{"e":"depthUpdate","E":1723161256002,"T":1723161256002,"s":"BTCUSDT","U":106,"u":110,"pu":105,"b":[],"a":[["100.1","0"],["100.3","1.000"]]}}`,
    `${ns(4)} {"stream":"x@trade","data":{"e":"trade","E":1723161256003,"T":1723161256003,"s":"BTCUSDT","t":1,"p":"100.2","q":"0.010","m":false}}`,
    `${ns(5)} {"stream":"x@depth@0ms","data":{"e":"depthUpdate","E":1723161256004,"T":1723161256004,"s":"BTCUSDT","U":111,"u":120,"pu":110,"b":[["100.1","0.200"]],"a":[]}}`,
  ];
  for (const [k, v] of Object.entries(over)) if (v !== undefined) lines[Number(k)] = v;
  return lines;
}

export const L2_HEADER = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';
export const TRADES_HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount';
