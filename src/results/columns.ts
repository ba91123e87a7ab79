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
  /** The rows as a typed array of their own; empties the column. */
  take(): Float64Array {
    const a = this.view().slice();
    this.length = 0;
    return a;
  }
  /** The rows converted to integers of another typed array (ids, flags); empties the column. */
  takeAs<T extends Int32Array | Uint8Array>(kind: { new (src: ArrayLike<number>): T }): T {
    const a = new kind(this.view());
    this.length = 0;
    return a;
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
  /** The rows as a typed array of their own; empties the column. */
  take(): BigInt64Array {
    const a = this.view().slice();
    this.length = 0;
    return a;
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

/** Columns made by TextColumn.take: each row's value as a byte code into a few values (see codedOf). */
const CODED = new WeakMap<string[], { dict: string[]; codes: Uint8Array }>();

/**
 * The values of a text column in the order they first come, at most 256, each with its byte
 * code: what TextColumn builds as rows come and what a chunk's text posted to the spill thread
 * is made of (spill-columns.ts).
 */
export class CodeBook {
  readonly dict: string[] = [];
  /** The values' codes once there are more than a few (a scan of a few strings beats hashing). */
  private index: Map<string, number> | undefined;

  /** The code of `s`, a new one if it is new; −1 when it is new and 256 values are taken. */
  code(s: string): number {
    const d = this.dict;
    if (this.index !== undefined) {
      const k = this.index.get(s);
      if (k !== undefined) return k;
    } else {
      for (let k = 0; k < d.length; k++) if (d[k] === s) return k;
    }
    if (d.length === 256) return -1;
    d.push(s);
    if (this.index !== undefined) this.index.set(s, d.length - 1);
    else if (d.length > 8) this.index = new Map(d.map((x, k) => [x, k]));
    return d.length - 1;
  }
}

/**
 * A growable text column of a few values (a side, an order type, a status): each row a byte code
 * into the values in the order they first came (a CodeBook per chunk), so a chunk's text is
 * posted to the spill thread as they are (no scan of its rows, see spill-columns.ts). Past 256
 * distinct values in a chunk it keeps the strings themselves.
 */
export class TextColumn {
  private codes = new Uint8Array(1024);
  private book = new CodeBook();
  private last: string | undefined;
  private lastCode = 0;
  /** The rows as strings once a chunk has over 256 distinct values. */
  private plain: string[] | undefined;
  length = 0;

  push(s: string): void {
    if (this.plain !== undefined) {
      this.plain.push(s);
      this.length++;
      return;
    }
    let code = this.lastCode;
    if (s !== this.last) {
      code = this.book.code(s);
      if (code < 0) {
        const d = this.book.dict;
        this.plain = Array.from(this.codes.subarray(0, this.length), (c) => d[c]!);
        this.plain.push(s);
        this.length++;
        return;
      }
      this.last = s;
      this.lastCode = code;
    }
    if (this.length === this.codes.length) {
      const c = new Uint8Array(this.codes.length * 2);
      c.set(this.codes);
      this.codes = c;
    }
    this.codes[this.length++] = code;
  }

  /** The rows so far as a string[] (known coded: see codedOf); empties the column. */
  take(): string[] {
    const out = this.plain ?? codedStr(this.book.dict, this.codes.slice(0, this.length));
    this.plain = undefined;
    this.book = new CodeBook();
    this.last = undefined;
    this.lastCode = 0;
    this.length = 0;
    return out;
  }
}

/**
 * The strings `codes` pick from `dict`, known as coded (see codedOf): `dict` must be the values in
 * the order they first come in the rows (what a scan of the strings finds), as TextColumn and the
 * spill thread's expand make them.
 */
export function codedStr(dict: string[], codes: Uint8Array): string[] {
  const n = codes.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = dict[codes[i]!]!;
  CODED.set(out, { dict, codes });
  return out;
}

/**
 * The values and byte codes of a column TextColumn.take made (the values in the order they first
 * come in it); undefined for any other array.
 */
export function codedOf(a: readonly string[]): { dict: string[]; codes: Uint8Array } | undefined {
  const c = CODED.get(a as string[]);
  // Codes handed to the spill thread are gone from here (a detached buffer): the strings remain.
  return c !== undefined && c.codes.length === a.length ? c : undefined;
}
