import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadStrategy } from '../../src/backtest/load-strategy.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { describeKeys, knownKeysAt, nearestKey } from '../../src/world/spec-keys.ts';
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

  it('a strategy\'s parameters as --list-params prints them: kind, default, bounds, read from the schema', () => {
    const schema = z.strictObject({
      fast: z.coerce.number().int().positive().default(10),
      share: z.coerce.number().min(0).max(1).default(0.5).describe('of the book'),
      side: z.enum(['buy', 'sell']).default('sell'),
      venues: z.union([z.string(), z.array(z.string())]).optional(),
      at: z.string(),
    }).refine((p) => p.fast > 0);
    expect(describeKeys(schema)).toEqual([
      { key: 'fast', kind: 'integer', default: 10, required: false, rules: '> 0', description: undefined },
      { key: 'share', kind: 'number', default: 0.5, required: false, rules: '≥ 0, ≤ 1', description: 'of the book' },
      { key: 'side', kind: 'one of buy | sell', default: 'sell', required: false, rules: '', description: undefined },
      { key: 'venues', kind: 'string or list of string', default: undefined, required: false, rules: '', description: undefined },
      { key: 'at', kind: 'string', default: undefined, required: true, rules: '', description: undefined },
    ]);
  });

  it('every shipped strategy: each printed default is what zod gives the whole parameter object for {}', async () => {
    const dir = join(PACKAGE_ROOT, 'strategies');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const m = await loadStrategy(join(dir, f));
      const keys = describeKeys(m.params);
      expect(keys.map((k) => k.key), f).toEqual(knownKeysAt(m.params, []));
      const whole = m.params.safeParse({});
      // Strategies with a required parameter cannot parse {}: then only those are left out.
      const given = Object.fromEntries(keys.filter((k) => k.required).map((k) => [k.key, k.kind === 'string' ? '2024-08-08T23:55:10Z' : 1]));
      const parsed = whole.success ? whole.data : m.params.parse(given);
      for (const k of keys) if (!k.required) expect(k.default, `${f} ${k.key}`).toEqual((parsed as Record<string, unknown>)[k.key]);
    }
  });
});

