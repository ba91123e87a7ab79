import { describe, expect, it } from 'vitest';
import { knownKeysAt, nearestKey } from '../../src/world/spec-keys.ts';
import { RunSpecSchema } from '../../src/world/spec.ts';

describe('spec keys for messages', () => {
  it('the settings an object may have at a path, through arrays and unions', () => {
    expect(knownKeysAt(RunSpecSchema, [])).toEqual(expect.arrayContaining(['name', 'seed', 'venues', 'accounts', 'agents', 'risk', 'record']));
    // venues[0] is a union over kinds: the keys of any of them.
    expect(knownKeysAt(RunSpecSchema, ['venues', 0])).toEqual(expect.arrayContaining(['id', 'kind', 'fees', 'queue', 'latency', 'optionChain']));
    expect(knownKeysAt(RunSpecSchema, ['accounts', 3])).toEqual(expect.arrayContaining(['id', 'deposits', 'margin']));
    expect(knownKeysAt(RunSpecSchema, ['nowhere'])).toEqual([]);
  });

  it('the nearest within two edits (a swap is one), case aside; nothing for a word that is not a typo', () => {
    const keys = ['queue', 'fees', 'latency', 'seed', 'deposits', 'latencyEntry'];
    expect(nearestKey('queu', keys)).toBe('queue');
    expect(nearestKey('depostis', keys)).toBe('deposits');
    expect(nearestKey('latency_entry', keys)).toBe('latencyEntry');
    expect(nearestKey('Fees', keys)).toBe('fees');
    expect(nearestKey('sed', keys)).toBe('seed');
    expect(nearestKey('jumps', keys)).toBeUndefined();
    expect(nearestKey('csv', keys)).toBeUndefined();
    expect(nearestKey('fe', keys)).toBeUndefined();
  });
});
