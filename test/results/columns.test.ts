import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { F64Column, I64Column } from '../../src/results/columns.ts';

describe('growable columns', () => {
  it('take() gives the pushed rows in an array of their own and empties the column (across growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 3000 }), fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), (xs, ys) => {
        const c = new F64Column();
        for (const x of xs) c.push(x);
        const a = c.take();
        expect(Array.from(a)).toEqual(xs);
        expect(a.byteOffset).toBe(0);
        expect(a.buffer.byteLength).toBe(xs.length * 8); // owned whole: can be handed to a thread
        expect(c.length).toBe(0);
        for (const y of ys) c.push(y);
        expect(Array.from(a)).toEqual(xs); // later rows do not write into what was taken
        expect(Array.from(c.take())).toEqual(ys);
      }),
    );
  });

  it('takeAs converts as the typed array constructor does and empties the column', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 2500 }), (xs) => {
        const c = new F64Column();
        for (const x of xs) c.push(x);
        expect(Array.from(c.takeAs(Int32Array))).toEqual(xs);
        expect(c.length).toBe(0);
        for (const x of xs) c.push(x & 1);
        const flags = c.takeAs(Uint8Array);
        expect(flags).toBeInstanceOf(Uint8Array);
        expect(Array.from(flags)).toEqual(xs.map((x) => x & 1));
      }),
    );
  });

  it('I64Column.take() keeps exact int64 values', () => {
    const c = new I64Column();
    const xs = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 123_456_789_012_345_678n];
    for (let i = 0; i < 600; i++) for (const x of xs) c.push(x);
    const a = c.take();
    expect(Array.from(a)).toEqual(Array.from({ length: 3000 }, (_, k) => xs[k % xs.length]));
    expect(c.length).toBe(0);
  });
});
