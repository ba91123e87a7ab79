/** Growable typed column, doubling on demand: appends allocate only when capacity runs out. */
export class F64Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class I64Column {
  data = new BigInt64Array(1024);
  length = 0;
  push(v: bigint): void {
    if (this.length === this.data.length) {
      const d = new BigInt64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): BigInt64Array {
    return this.data.subarray(0, this.length);
  }
}

/*
 * Row objects → typed columns with a plain loop: `Float64Array.from(rows, fn)` goes through the
 * iterator protocol and runs ~10× slower (it dominated writing a million-bar run's tables).
 */
export function f64Of<T>(rows: readonly T[], fn: (r: T) => number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = fn(rows[i]!);
  return out;
}

export function i32Of<T>(rows: readonly T[], fn: (r: T) => number): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = fn(rows[i]!);
  return out;
}

export function u8Of<T>(rows: readonly T[], fn: (r: T) => number): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = fn(rows[i]!);
  return out;
}

export function i64Of<T>(rows: readonly T[], fn: (r: T) => bigint): BigInt64Array {
  const out = new BigInt64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = fn(rows[i]!);
  return out;
}

/** Columns made by repeatStr (result columns are never written once built): known constant without a scan. */
const REPEATED = new WeakSet<string[]>();

/** One string repeated `n` times (a constant column such as `venue`). */
export function repeatStr(s: string, n: number): string[] {
  const a = new Array<string>(n).fill(s);
  REPEATED.add(a);
  return a;
}

/** Whether `a` was made by repeatStr: every row is a[0]. */
export function isRepeated(a: readonly string[]): boolean {
  return REPEATED.has(a as string[]);
}
