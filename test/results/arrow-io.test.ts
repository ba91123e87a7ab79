import { tableFromIPC, tableToIPC, Table } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Vector } from '../../src/results/arrow-io.ts';
import { codedOf, isRepeated, repeatStr, TextColumn } from '../../src/results/columns.ts';

/** The Utf8 layout spelled out: each string's UTF-8 bytes (TextEncoder, string by string) and cumulative offsets. */
function reference(xs: readonly string[]): { bytes: Uint8Array; offsets: Int32Array } {
  const enc = new TextEncoder();
  const parts = xs.map((s) => enc.encode(s));
  const offsets = new Int32Array(xs.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  const bytes = new Uint8Array(offsets[xs.length]!);
  parts.forEach((p, i) => bytes.set(p, offsets[i]!));
  return { bytes, offsets };
}

describe('utf8Vector', () => {
  it('lays out any text as Arrow Utf8 (bytes and offsets of each string), ASCII columns in one encoding call included (fast-check)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom('', 'v0', 'binance-futures', '-123456789012345678901234567890'));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (xs) => {
        const v = utf8Vector(xs);
        const d = v.data[0]!;
        const r = reference(xs);
        expect(Buffer.from(d.values.subarray(0, r.bytes.length)).equals(Buffer.from(r.bytes))).toBe(true);
        expect(Array.from(d.valueOffsets)).toEqual(Array.from(r.offsets));
        // And through an IPC round trip, every string comes back.
        const back = tableFromIPC(tableToIPC(new Table({ s: v })));
        expect(Array.from(back.getChild('s')!)).toEqual(xs);
      }),
      { numRuns: 2000 },
    );
  });

  it('a constant column (repeatStr) is laid out as the same column of separate strings: bytes copied, not encoded per row (fast-check)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'binance-futures', 'pop-00001:cash'));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 3000 }), (s, n) => {
        const col = repeatStr(s, n);
        expect(isRepeated(col)).toBe(true);
        const d = utf8Vector(col).data[0]!;
        const r = reference(Array.from({ length: n }, () => s));
        expect(d.length).toBe(n);
        expect(Buffer.from(d.values.subarray(0, r.bytes.length)).equals(Buffer.from(r.bytes))).toBe(true);
        expect(d.values.length).toBe(r.bytes.length);
        expect(Array.from(d.valueOffsets)).toEqual(Array.from(r.offsets));
      }),
      { numRuns: 300 },
    );
    // A column of equal strings not made by repeatStr takes the general path.
    expect(isRepeated(['a', 'a'])).toBe(false);
  });

  it('a coded column (TextColumn) is laid out as the same column of separate strings (fast-check)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'buy', 'sell', 'pop-00001:cash'));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3000 }), (pool, picks) => {
        const strings = picks.map((k) => pool[k % pool.length]!);
        const t = new TextColumn();
        for (const s of strings) t.push(s);
        const col = t.take();
        expect(codedOf(col)).toBeDefined();
        const d = utf8Vector(col).data[0]!;
        const r = reference(strings);
        expect(d.length).toBe(strings.length);
        expect(Buffer.from(d.values.subarray(0, r.bytes.length)).equals(Buffer.from(r.bytes))).toBe(true);
        expect(d.values.length).toBe(r.bytes.length);
        expect(Array.from(d.valueOffsets)).toEqual(Array.from(r.offsets));
      }),
      { numRuns: 300 },
    );
  });
});
