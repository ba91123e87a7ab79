import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioAbout } from '../../src/cli/cmd-stress.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';

describe('stress --list: what each scenario is', () => {
  it('is the first sentence of the opening comment, across its lines, not past a blank, indented or list line', () => {
    expect(scenarioAbout('# Cash-and-carry on real data: spot held against a short perp,\n# both replayed from the captures. Import them first:\n#   npx primesim data import …\nname: x\n')).toBe('Cash-and-carry on real data: spot held against a short perp, both replayed from the captures.');
    expect(scenarioAbout('# A cascade across venues (0.5% deviation):\n# - perp: ETHUSDT\n')).toBe('A cascade across venues (0.5% deviation):');
    expect(scenarioAbout('#No space after the hash. Second.\n')).toBe('No space after the hash.');
    expect(scenarioAbout('name: no comment\n')).toBe('');
    const long = `# ${'word '.repeat(80)}end.\n`;
    expect(scenarioAbout(long)).toHaveLength(220);
    expect(scenarioAbout(long).endsWith('…')).toBe(true);
  });

  it('every shipped scenario has one, ending where its sentence ends', () => {
    const dir = join(PACKAGE_ROOT, 'scenarios');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      const about = scenarioAbout(readFileSync(join(dir, f), 'utf8'));
      expect(about.length, f).toBeGreaterThan(20);
      expect(/[.!?:…]$/.test(about), `${f}: ${about}`).toBe(true);
    }
  });
});
