/**
 * The Thrift compact protocol, write side: the encoding of Parquet's page headers and footer
 * (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md). Only what
 * those structs use: i32/i64 as zigzag varints, binary, lists of i32, binary or structs, nested
 * structs, field ids as deltas.
 */

/** Compact protocol type ids. */
export const T_I32 = 5;
export const T_I64 = 6;
export const T_BINARY = 8;
export const T_STRUCT = 12;

/** A growable byte buffer (little-endian). */
export class ByteBuffer {
  buf = new Uint8Array(256);
  length = 0;

  private grow(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }

  u8(x: number): void {
    this.grow(1);
    this.buf[this.length++] = x;
  }

  /** An unsigned varint of a safe integer (≥ 0, < 2^53). */
  varint(x: number): void {
    this.grow(8);
    while (x >= 0x80) {
      this.buf[this.length++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.length++] = x;
  }

  /** A zigzag varint of a safe integer. */
  zigzag(x: number): void {
    this.varint(x >= 0 ? 2 * x : -2 * x - 1);
  }

  u32le(x: number): void {
    this.grow(4);
    const b = this.buf;
    const i = this.length;
    b[i] = x & 0xff;
    b[i + 1] = (x >>> 8) & 0xff;
    b[i + 2] = (x >>> 16) & 0xff;
    b[i + 3] = (x >>> 24) & 0xff;
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const ENCODER = new TextEncoder();

/** Writes one struct's fields in increasing id order; `end()` writes its stop byte. */
export class StructWriter {
  private last = 0;

  constructor(readonly out: ByteBuffer) {}

  private header(id: number, type: number): void {
    const d = id - this.last;
    if (d > 0 && d <= 15) this.out.u8((d << 4) | type);
    else {
      this.out.u8(type);
      this.out.zigzag(id);
    }
    this.last = id;
  }

  i32(id: number, v: number): this {
    this.header(id, T_I32);
    this.out.zigzag(v);
    return this;
  }

  /** An i64 field (a safe integer: sizes, offsets and counts of a file). */
  i64(id: number, v: number): this {
    this.header(id, T_I64);
    this.out.zigzag(v);
    return this;
  }

  binary(id: number, v: Uint8Array | string): this {
    const b = typeof v === 'string' ? ENCODER.encode(v) : v;
    this.header(id, T_BINARY);
    this.out.varint(b.length);
    this.out.bytes(b);
    return this;
  }

  struct(id: number, write: (s: StructWriter) => void): this {
    this.header(id, T_STRUCT);
    const s = new StructWriter(this.out);
    write(s);
    s.end();
    return this;
  }

  /** A list of i32, binary (strings) or structs (each written by `write`). */
  list<X>(id: number, elemType: typeof T_I32 | typeof T_BINARY | typeof T_STRUCT, items: readonly X[], write?: (x: X, s: StructWriter) => void): this {
    this.header(id, 9);
    const n = items.length;
    if (n < 15) this.out.u8((n << 4) | elemType);
    else {
      this.out.u8(0xf0 | elemType);
      this.out.varint(n);
    }
    for (const x of items) {
      if (elemType === T_STRUCT) {
        const s = new StructWriter(this.out);
        write!(x, s);
        s.end();
      } else if (elemType === T_I32) this.out.zigzag(x as number);
      else {
        const b = ENCODER.encode(x as string);
        this.out.varint(b.length);
        this.out.bytes(b);
      }
    }
    return this;
  }

  end(): void {
    this.out.u8(0);
  }
}
