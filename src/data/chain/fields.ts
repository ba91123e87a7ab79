/**
 * Small field readers for JSON parsed into `unknown`. Each failure is a DataError naming the file
 * and the dotted path of the field, which is what a researcher needs to fix a block dump.
 */
import { DataError } from '../../errors.ts';

export type Obj = Record<string, unknown>;

export class FieldReader {
  constructor(readonly file: string) {}

  fail(field: string, message: string, hint?: string): never {
    throw new DataError(message, { file: this.file, field, ...(hint !== undefined ? { hint } : {}) });
  }

  obj(v: unknown, field: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, `expected an object, got ${kind(v)}`);
    return v as Obj;
  }

  arr(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `expected an array, got ${kind(v)}`);
    return v;
  }

  has(o: Obj, key: string, path: string): unknown {
    if (!(key in o)) this.fail(join(path, key), 'missing field');
    return o[key];
  }

  str(o: Obj, key: string, path: string): string {
    const v = this.has(o, key, path);
    if (typeof v !== 'string') this.fail(join(path, key), `expected a string, got ${kind(v)}`);
    return v;
  }

  strOrNull(o: Obj, key: string, path: string): string | null {
    const v = this.has(o, key, path);
    if (v === null) return null;
    if (typeof v !== 'string') this.fail(join(path, key), `expected a string or null, got ${kind(v)}`);
    return v;
  }

  addr(o: Obj, key: string, path: string): string {
    const v = this.str(o, key, path);
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) this.fail(join(path, key), `not an address: ${JSON.stringify(v).slice(0, 60)}`);
    return v.toLowerCase();
  }

  hex(o: Obj, key: string, path: string): string {
    const v = this.str(o, key, path);
    if (!/^0x[0-9a-fA-F]*$/.test(v)) this.fail(join(path, key), `not a hex string: ${JSON.stringify(v).slice(0, 60)}`);
    return v;
  }

  /** A safe non-negative integer given as a JSON number (mev-inspect dumps). */
  int(o: Obj, key: string, path: string): number {
    const v = this.has(o, key, path);
    return this.toInt(v, join(path, key));
  }

  toInt(v: unknown, field: string): number {
    if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) v = Number(BigInt(v));
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(field, `expected a non-negative integer, got ${kind(v)}`);
    if (!Number.isSafeInteger(v)) this.fail(field, 'integer above 2^53 lost precision in JSON', 'write it as a string');
    return v;
  }

  /** A non-negative integer as JSON number (must be safe), decimal string or 0x hex string. */
  big(o: Obj, key: string, path: string): bigint {
    const v = this.has(o, key, path);
    const field = join(path, key);
    if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v);
    if (typeof v === 'number') return BigInt(this.toInt(v, field));
    return this.fail(field, `expected an integer, got ${kind(v)}`);
  }

  intArray(o: Obj, key: string, path: string): number[] {
    const field = join(path, key);
    return this.arr(this.has(o, key, path), field).map((x, i) => this.toInt(x, `${field}[${i}]`));
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
