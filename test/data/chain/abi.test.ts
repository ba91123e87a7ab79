import { AbiCoder } from '@ethersproject/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAbi, decodeCallInput, selectorOf } from '../../../src/data/chain/abi.ts';

const w = (hex: string) => hex.padStart(64, '0');
const ADDR = 'c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';

describe('ABI decoder', () => {
  it('decodes transfer(address,uint256) calldata', () => {
    // transfer(WETH, 1 ether) — encoding written out by hand per the ABI spec.
    const input = '0xa9059cbb' + w(ADDR) + w('de0b6b3a7640000');
    expect(selectorOf(input)).toBe('0xa9059cbb');
    expect(decodeCallInput(input, '0xa9059cbb', ['address', 'uint256'])).toEqual([`0x${ADDR}`, 10n ** 18n]);
    expect(decodeCallInput(input, '0x23b872dd', ['address', 'uint256'])).toBeUndefined();
  });

  it('decodes bytes through its offset and int256 as two’s complement', () => {
    const data = w('ff'.repeat(32).slice(0, 64)) + w('60') + w('1') + w('3') + 'abcdef'.padEnd(64, '0');
    const v = decodeAbi(data, ['int256', 'bytes', 'bool']);
    expect(v).toEqual([-1n, '0xabcdef', true]);
  });

  it('is strict: dirty address padding, short data, out-of-range uint112 or bool', () => {
    expect(decodeAbi('01' + w(ADDR).slice(2), ['address'])).toBeUndefined();
    expect(decodeAbi(w('1'), ['uint256', 'uint256'])).toBeUndefined();
    expect(decodeAbi(w('1' + '0'.repeat(28)), ['uint112'])).toBeUndefined(); // 2^112
    expect(decodeAbi(w('f'.repeat(28)), ['uint112'])).toEqual([(1n << 112n) - 1n]);
    expect(decodeAbi(w('2'), ['bool'])).toBeUndefined();
    expect(decodeAbi(w('20') + w('ffff'), ['bytes'])).toBeUndefined(); // length beyond data
    expect(decodeAbi('zz', ['uint256'])).toBeUndefined();
    // A non-hex digit in every kind of place: an address, a small int, a bool's padding, a uint256, a bytes tail, trailing bytes.
    expect(decodeAbi(w(ADDR.slice(0, 39) + 'g'), ['address'])).toBeUndefined();
    expect(decodeAbi(w('1g'), ['uint8'])).toBeUndefined();
    expect(decodeAbi(w('g1'.padStart(8, '0')), ['int24'])).toBeUndefined();
    expect(decodeAbi(w('1').replace(/^0/, 'g'), ['bool'])).toBeUndefined();
    expect(decodeAbi(w('12g4'), ['uint256'])).toBeUndefined();
    expect(decodeAbi(w('20') + w('3') + 'abcdeg'.padEnd(64, '0'), ['bytes'])).toBeUndefined();
    expect(decodeAbi(w('20') + w('3') + 'abcdef'.padEnd(62, '0') + 'g0', ['bytes'])).toBeUndefined();
    expect(decodeAbi(w('1') + 'zz', ['uint256'])).toBeUndefined();
    expect(decodeAbi(w('1') + 'ab', ['uint256'])).toEqual([1n]);
  });
});

describe('decodeAbi against ethers (differential)', () => {
  it('property: ethers-encoded tuples of address, bool, uint8/16/32, int24, uint128, int256 decode to the same values; dirty padding is refused', () => {
    const coder = new AbiCoder();
    const types = ['address', 'bool', 'uint8', 'uint16', 'uint32', 'int24', 'uint128', 'int256'] as const;
    const hex20 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
    const arb = fc.tuple(hex20, fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }), fc.bigInt(0n, 2n ** 128n - 1n), fc.bigInt(-(2n ** 255n), 2n ** 255n - 1n));
    fc.assert(
      fc.property(arb, fc.boolean(), (vals, upper) => {
        let data = coder.encode([...types], vals.map((v) => (typeof v === 'bigint' ? v.toString() : v)));
        if (upper) data = `0x${data.slice(2).toUpperCase()}`;
        const got = decodeAbi(data, [...types])!;
        expect(got).toEqual([vals[0].toLowerCase(), vals[1], BigInt(vals[2]), BigInt(vals[3]), BigInt(vals[4]), BigInt(vals[5]), vals[6], vals[7]]);
        // A non-zero byte in any small value's padding (or a wrong sign extension of the int24) is not this tuple.
        // Not hex anywhere (a value's digits, its padding, a bytes tail): not this tuple either.
        const pos = 2 + ((vals[2] * 7919 + vals[3]) % (data.length - 2));
        for (const bad of ['g', 'x', ' ', '\t', 'G']) expect(decodeAbi(data.slice(0, pos) + bad + data.slice(pos + 1), [...types])).toBeUndefined();
        for (const [slot, at] of [[0, 2], [2, 20], [3, 10], [4, 30], [5, 40]] as const) {
          const start = 2 + slot * 64 + at;
          const c = data[start]!.toLowerCase();
          const dirty = data.slice(0, start) + (c === '1' ? '2' : '1') + data.slice(start + 1);
          expect(decodeAbi(dirty, [...types])).toBeUndefined();
        }
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});
