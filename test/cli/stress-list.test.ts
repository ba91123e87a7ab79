import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioAbout } from '../../src/cli/cmd-stress.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { primesim } from '../helpers/cli.ts';

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

describe('stress <name>', () => {
  // "no scenario cascade: …/scenarios/cascade.yaml does not exist" named no scenario there is; and
  // a scenarios/ folder of the user's hid every shipped one.
  it('a name that is not one suggests those it begins or is a typo of; a user\'s scenarios/ adds to the shipped ones', async () => {
    const work = mkdtempSync(join(tmpdir(), 'primesim-stress-'));
    try {
      const a = await primesim(['stress', 'cascade'], work);
      expect(a.code).not.toBe(0);
      expect(a.stderr.trim()).toBe('primesim: ConfigError: field scenario: no scenario cascade (did you mean cascade-2022-01 or cascade-drop? primesim stress --list lists them all)');
      const b = await primesim(['stress', 'crash-50'], work);
      expect(b.stderr.trim()).toBe('primesim: ConfigError: field scenario: no scenario crash-50 (did you mean crash-50x? primesim stress --list lists them all)');
      mkdirSync(join(work, 'scenarios'));
      writeFileSync(join(work, 'scenarios', 'mine.yaml'), '# My own scenario.\nname: mine\n');
      const list = await primesim(['stress', '--list'], work);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^mine\s+My own scenario\.$/m);
      expect(list.stdout).toMatch(/^crash-50x\s/m);
      const p = await primesim(['stress', 'crash-50x', '--set', 'levrage=20'], work);
      expect(p.stderr).toMatch(/unknown parameter levrage \(did you mean leverage\?\)/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('run, mc and sweep take a scenario by name, as stress does', () => {
  // `primesim run crash-50x` said "cannot read spec file: no such file" though `stress crash-50x` ran it.
  it('a bare name is ./scenarios/<name>.yaml, else primesim\'s; a file of that name in the folder wins', async () => {
    const work = mkdtempSync(join(tmpdir(), 'primesim-specname-'));
    try {
      const runs = join(work, 'runs');
      const r = await primesim(['run', 'crash-50x', '--runs', runs, '--no-report', '--json'], work);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { spec: { name: string } }).spec.name).toBe('crash-50x');
      const sw = await primesim(['sweep', 'crash-50x', '--grid', 'seed=1,2', '--runs', runs, '--name', 'by-name', '--workers', '1'], work);
      expect(sw.code, sw.stderr).toBe(0);
      expect(readdirSync(join(runs, 'by-name')).filter((f) => f.startsWith('seed-')).sort()).toEqual(['seed-1', 'seed-2']);
      // The user's scenarios/ first.
      mkdirSync(join(work, 'scenarios'));
      writeFileSync(join(work, 'scenarios', 'crash-50x.yaml'), readFileSync(join(PACKAGE_ROOT, 'scenarios', 'crash-50x.yaml'), 'utf8').replace('name: crash-50x', 'name: my-crash').replace('../strategies/', 'strategies/'));
      const mine = await primesim(['run', 'crash-50x', '--runs', runs, '--no-report', '--json'], work);
      expect(mine.code, mine.stderr).toBe(0);
      expect((JSON.parse(mine.stdout) as { spec: { name: string } }).spec.name).toBe('my-crash');
      // A name that is no scenario is still the file that does not exist.
      const none = await primesim(['run', 'nosuch', '--runs', runs], work);
      expect(none.stderr.trim()).toBe(`primesim: ConfigError: ${join(work, 'nosuch')}: cannot read spec file: no such file`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
