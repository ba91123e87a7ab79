/**
 * A strict decoder for the static ABI types the chain readers need (plus `bytes` through its
 * offset). Strict like eth_abi: a value whose padding is not zero, or data too short, is "not this
 * function" (undefined) rather than a guess — mev-inspect relies on that to fall through to the
 * next ABI, and so do we.
 */
export type AbiType = 'address' | 'bool' | 'bytes' | `uint${number}` | `int${number}`;
export type AbiValue = bigint | string | boolean;

/** Whether hex[start, end) are all hex digits (a loop: a regex over the whole data cost more than the decoding). */
export function isHex(hex: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = hex.charCodeAt(i);
    // 0-9, A-F, a-f
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** The 4-byte selector of a call input as `0x` + 8 lowercase hex chars, or undefined if too short. */
export function selectorOf(input: string): string | undefined {
  if (input.length < 10 || !input.startsWith('0x')) return undefined;
  return input.slice(0, 10).toLowerCase();
}

/** Bit width of a `uintN`/`intN` type, parsed once per type (every value of every log asks). */
const BITS = new Map<string, bigint>();
function bitsOf(type: string, prefix: string): bigint {
  let b = BITS.get(type);
  if (b === undefined) {
    const bits = type === prefix ? 256 : Number(type.slice(prefix.length));
    if (!Number.isInteger(bits) || bits < 8 || bits > 256 || bits % 8 !== 0) throw new TypeError(`unsupported ABI type ${type}`);
    BITS.set(type, (b = BigInt(bits)));
  }
  return b;
}

/** Reads 32-byte words out of a hex string without copying it into a byte array. */
class Words {
  constructor(readonly hex: string) {}
  get byteLength(): number { return this.hex.length / 2; }
  /**
   * The word as an unsigned integer; undefined past the end or when a digit is not hex (BigInt
   * refuses it — except whitespace at the end, which it trims: the last digit is checked here).
   */
  word(byteOffset: number): bigint | undefined {
    const start = byteOffset * 2;
    if (byteOffset < 0 || start + 64 > this.hex.length || !isHex(this.hex, start + 63, start + 64)) return undefined;
    try {
      return BigInt('0x' + this.hex.slice(start, start + 64));
    } catch {
      return undefined;
    }
  }
  bytes(byteOffset: number, length: number): string | undefined {
    const start = byteOffset * 2;
    if (start + length * 2 > this.hex.length || !isHex(this.hex, start, start + length * 2)) return undefined;
    return '0x' + this.hex.slice(start, start + length * 2).toLowerCase();
  }
}

const ZERO24 = '0'.repeat(24);
const ZERO63 = '0'.repeat(63);
const F63 = 'f'.repeat(63);

function decodeOne(words: Words, headOffset: number, type: AbiType): AbiValue | undefined {
  // Fast paths on the hex text for the common small types (no BigInt): an address is 12 zero
  // bytes then 20 bytes; a bool is 0 or 1; a small int fits a double once its padding is checked.
  const hex = words.hex;
  const start = headOffset * 2;
  if (headOffset < 0 || start + 64 > hex.length) return undefined;
  if (type === 'address') {
    if (hex.slice(start, start + 24) !== ZERO24 || !isHex(hex, start + 24, start + 64)) return undefined;
    return '0x' + hex.slice(start + 24, start + 64).toLowerCase();
  }
  if (type === 'bool') {
    if (hex.slice(start, start + 63) !== ZERO63) return undefined;
    const c = hex.charCodeAt(start + 63);
    return c === 48 ? false : c === 49 ? true : undefined;
  }
  if (type === 'uint8' || type === 'uint16' || type === 'uint24' || type === 'int24' || type === 'uint32') return smallInt(hex, start, type);
  const w = words.word(headOffset);
  if (w === undefined) return undefined;
  if (type === 'bytes') {
    if (w > BigInt(words.byteLength)) return undefined;
    const off = Number(w);
    const len = words.word(off);
    if (len === undefined || len > BigInt(words.byteLength)) return undefined;
    return words.bytes(off + 32, Number(len));
  }
  if (type.charCodeAt(0) === 117 /* u */) {
    const bits = bitsOf(type, 'uint');
    return bits === 256n || w >> bits === 0n ? w : undefined;
  }
  if (type.charCodeAt(0) === 105 /* i */) {
    const bits = bitsOf(type, 'int');
    const v = BigInt.asIntN(256, w);
    // Sign-extended from its width: the padding is all copies of the sign bit.
    return bits === 256n || BigInt.asIntN(Number(bits), v) === v ? v : undefined;
  }
  throw new TypeError(`unsupported ABI type ${String(type)}`);
}

/** uint8…uint32 and int24 from a word's text: padding checked (zeros, or f's for a negative int24). */
function smallInt(hex: string, start: number, type: 'uint8' | 'uint16' | 'uint24' | 'int24' | 'uint32'): bigint | undefined {
  const bits = type === 'uint8' ? 8 : type === 'uint16' ? 16 : type === 'uint32' ? 32 : 24;
  const digits = bits / 4;
  const pad = hex.slice(start, start + 64 - digits).toLowerCase();
  // parseInt stops at the first non-hex digit: check them all first.
  if (!isHex(hex, start + 64 - digits, start + 64)) return undefined;
  const low = Number.parseInt(hex.slice(start + 64 - digits, start + 64), 16);
  if (type !== 'int24') return pad === ZERO63.slice(0, 64 - digits) ? BigInt(low) : undefined;
  // int24: a non-negative value has zero padding and its top bit clear; a negative one f padding and it set.
  if (pad === ZERO63.slice(0, 58)) return low < 0x800000 ? BigInt(low) : undefined;
  if (pad === F63.slice(0, 58)) return low >= 0x800000 ? BigInt(low - 0x1000000) : undefined;
  return undefined;
}

/**
 * Decodes ABI-encoded `data` (hex, with or without `0x`, no selector) as a tuple of `types`.
 * Returns undefined when the data cannot be that tuple. Trailing bytes are allowed, as in eth_abi.
 */
export function decodeAbi(data: string, types: readonly AbiType[]): AbiValue[] | undefined {
  const hex = data.startsWith('0x') ? data.slice(2) : data;
  if (hex.length % 2 !== 0) return undefined;
  const words = new Words(hex);
  if (words.byteLength < types.length * 32) return undefined;
  // Every digit must be hex, as eth_abi's hex decoding of the whole data requires. Each value
  // checks its own word as it is read (an integer through BigInt, the rest digit by digit); what
  // lies after the head words (a bytes value's tail, trailing bytes) is checked here, once.
  if (!isHex(hex, types.length * 64, hex.length)) return undefined;
  const out: AbiValue[] = [];
  for (let i = 0; i < types.length; i++) {
    const v = decodeOne(words, i * 32, types[i] as AbiType);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Decodes a call input whose selector must equal `selector`; arguments as `decodeAbi`. */
export function decodeCallInput(input: string, selector: string, types: readonly AbiType[]): AbiValue[] | undefined {
  if (selectorOf(input) !== selector) return undefined;
  return decodeAbi(input.slice(10), types);
}
