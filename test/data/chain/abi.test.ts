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
  });
});
