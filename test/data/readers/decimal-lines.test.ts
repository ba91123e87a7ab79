import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalScaler, lineBatches, readLines, significantDecimals } from '../../../src/data/readers/index.ts';
import { tempDir } from './fixtures.ts';

describe('DecimalScaler: exact decimal string → integer units', () => {
  it('converts on-grid values and rejects the rest', () => {
    const tick = new DecimalScaler('0.1');
    expect(tick.units('61800.20')).toBe(618002);
    expect(tick.units('61800.2')).toBe(618002);
    expect(tick.units('0.3')).toBe(3); // 0.3 / 0.1 in doubles is 2.9999999999999996
    expect(tick.units('61800.25')).toBeNaN();
    expect(tick.problem).toBe('off grid');
    expect(tick.units('1e2')).toBe(1000);
    const lot = new DecimalScaler('0.00000001');
    expect(lot.units('25.42618900')).toBe(2542618900);
    expect(lot.units('0.00000000')).toBe(0);
    const half = new DecimalScaler('0.5');
    expect(half.units('6421.5')).toBe(12843);
    expect(half.units('6421.2')).toBeNaN();
    const ten = new DecimalScaler('10');
    expect(ten.units('120')).toBe(12);
    expect(ten.units('125')).toBeNaN();
    for (const bad of ['', 'NaN', 'abc', '1.2.3', '.', '1e', 'Infinity', '0x10']) {
      expect(tick.units(bad), bad).toBeNaN();
      expect(tick.problem).toBe('not a number');
    }
    expect(tick.units('-1.0')).toBeNaN();
    expect(tick.problem).toBe('negative');
    expect(tick.units('-0.0')).toBe(0);
  });

  it('property: k units printed as a decimal (any trailing zeros) read back as k; one more digit is off grid', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 4 }), (k, scale, unitMant, pad) => {
        const unit = fmt(BigInt(unitMant), scale);
        const sc = new DecimalScaler(unit);
        const v = k * BigInt(unitMant);
        const s = fmt(v, scale) + (scale > 0 ? '0'.repeat(pad) : '');
        const got = sc.units(s);
        if (k > BigInt(Number.MAX_SAFE_INTEGER)) return Number.isNaN(got);
        if (got !== Number(k)) return false;
        // v + 1 at a finer scale is never on the grid
        return Number.isNaN(sc.units(fmt(v * 10n + 1n, scale + 1)));
      }),
      { seed: 20240808, numRuns: 2000 },
    );
  });

  it('significantDecimals ignores trailing zeros', () => {
    expect(significantDecimals('61837.63000000')).toBe(2);
    expect(significantDecimals('18640')).toBe(0);
    expect(significantDecimals('0.0010')).toBe(3);
  });
});

function fmt(m: bigint, scale: number): string {
  if (scale === 0) return m.toString();
  const s = m.toString().padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

describe('line reader', () => {
  const dir = tempDir();
  const long = 'x'.repeat(3_000_000); // spans several read chunks
  const text = `a,b\r\n${long}\n\nlast`;

  for (const gz of [false, true]) {
    it(`${gz ? 'gzip' : 'plain'}: CRLF, empty lines, chunk-spanning lines, final line without newline`, async () => {
      const p = join(dir, gz ? 't.txt.gz' : 't.txt');
      writeFileSync(p, gz ? gzipSync(text) : text);
      const got: [string, number][] = [];
      for await (const { line, lineNumber } of readLines(p)) got.push([line.length > 10 ? `len${line.length}` : line, lineNumber]);
      expect(got).toEqual([['a,b', 1], [`len${long.length}`, 2], ['', 3], ['last', 4]]);
    });
  }

  for (const gz of [false, true]) {
    it(`${gz ? 'gzip' : 'plain'}: a multi-chunk file yields every line once and counts every byte`, async () => {
      const p = join(dir, gz ? 'big.gz' : 'big.txt');
      const lines = Array.from({ length: 300_000 }, (_, i) => `${i},${'y'.repeat(i % 40)}`);
      const body = lines.join('\n') + '\n';
      writeFileSync(p, gz ? gzipSync(body) : body);
      const stats = { bytesRead: 0, totalBytes: 0 };
      let n = 0;
      let ok = true;
      for await (const b of lineBatches(p, stats)) {
        for (let k = 0; k < b.lines.length; k++) if (b.lines[k] !== lines[b.firstLineNumber - 1 + k]) ok = false;
        n += b.lines.length;
      }
      expect(ok).toBe(true);
      expect(n).toBe(lines.length);
      expect(stats.bytesRead).toBe(stats.totalBytes);
    });
  }

  it('stops early without reading the whole file and reports bytes read', async () => {
    const p = join(dir, 'many.txt');
    writeFileSync(p, Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n'));
    const stats = { bytesRead: 0, totalBytes: 0 };
    let n = 0;
    for await (const b of lineBatches(p, stats)) {
      n += b.lines.length;
      break;
    }
    expect(n).toBeGreaterThan(0);
    expect(stats.totalBytes).toBeGreaterThan(2_000_000);
  });
});
