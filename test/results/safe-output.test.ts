import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitOutput, removeAbandonedTemps, removeOwnTemps, TEMP_HOST, tempSibling, watchOutputFolder, writeFileWhole } from '../../src/results/safe-output.ts';

const root = mkdtempSync(join(tmpdir(), 'primesim-safe-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A process id that is certainly gone: a child that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

function folder(p: string, file = 'x'): void {
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, file), file);
}

describe('temporary names of outputs', () => {
  it('name the process and the machine', () => {
    const t = tempSibling(join(root, 'names', 'run-1'));
    expect(t).toBe(join(root, 'names', `.run-1.tmp-${process.pid}-${TEMP_HOST}`));
    expect(TEMP_HOST).toMatch(/^[0-9a-f]{8}$/);
  });

  it("a dead process's temporaries on this machine are cleared; live processes' and other machines' are kept", () => {
    const d = join(root, 'abandoned');
    mkdirSync(d);
    const dead = deadPid();
    const live = process.ppid;
    folder(join(d, 'done'), 'keep'); // a finished output
    folder(join(d, `.a.tmp-${dead}-${TEMP_HOST}`));
    folder(join(d, `.a.tmp-${dead}-${TEMP_HOST}.spill`));
    folder(join(d, `.b.tmp-${dead}.spill`)); // an earlier version's spill folder (no machine part)
    folder(join(d, `.h.tmp-${dead}`)); // no machine part, not a spill: maybe another program's, kept
    writeFileSync(join(d, `.i.tmp-${dead}-${TEMP_HOST}`), 'half a page'); // a file being written (writeFileWhole)
    writeFileSync(join(d, `.j.tmp-${dead}`), 'a file, not ours'); // no machine part: not primesim's
    folder(join(d, `.c.tmp-${live}-${TEMP_HOST}`)); // a parallel run, still going
    folder(join(d, `.e.tmp-${dead}-0badc0de`)); // another machine on shared storage
    // The previous output moved aside for a swap that never happened goes back; one whose
    // replacement is in place goes.
    folder(join(d, `.f.old-${dead}-${TEMP_HOST}`), 'previous');
    folder(join(d, 'g'), 'new');
    folder(join(d, `.g.old-${dead}-${TEMP_HOST}`), 'previous');
    const done = removeAbandonedTemps(d).sort();
    expect(done).toEqual([`.a.tmp-${dead}-${TEMP_HOST}`, `.a.tmp-${dead}-${TEMP_HOST}.spill`, `.b.tmp-${dead}.spill`, `.f.old-${dead}-${TEMP_HOST}`, `.g.old-${dead}-${TEMP_HOST}`, `.i.tmp-${dead}-${TEMP_HOST}`].sort());
    expect(readdirSync(d).sort()).toEqual([`.c.tmp-${live}-${TEMP_HOST}`, `.e.tmp-${dead}-0badc0de`, `.h.tmp-${dead}`, `.j.tmp-${dead}`, 'done', 'f', 'g'].sort());
    expect(readFileSync(join(d, 'f', 'previous'), 'utf8')).toBe('previous');
    expect(readFileSync(join(d, 'g', 'new'), 'utf8')).toBe('new');
    expect(existsSync(join(d, 'done', 'keep'))).toBe(true);
  });

  it('an interrupted process removes its own temporaries only and names the outputs they were', () => {
    const d = join(root, 'own');
    mkdirSync(d);
    watchOutputFolder(d);
    folder(join(d, 'earlier'), 'keep');
    const t = tempSibling(join(d, 'run-2'));
    folder(t);
    folder(`${t}.spill`);
    const other = join(d, `.run-3.tmp-${process.ppid}-${TEMP_HOST}`);
    folder(other);
    expect(removeOwnTemps()).toEqual([join(d, 'run-2')]);
    expect(readdirSync(d).sort()).toEqual([`.run-3.tmp-${process.ppid}-${TEMP_HOST}`, 'earlier']);
  });

  it('a file is written whole through a hidden name of this process; a user\'s <file>.tmp is never touched', () => {
    const d = join(root, 'file');
    mkdirSync(d);
    writeFileSync(join(d, 'page.html.tmp'), 'mine');
    writeFileSync(join(d, 'page.html'), 'old');
    writeFileWhole(join(d, 'page.html'), 'new');
    expect(readFileSync(join(d, 'page.html'), 'utf8')).toBe('new');
    expect(readdirSync(d).sort()).toEqual(['page.html', 'page.html.tmp']);
    expect(readFileSync(join(d, 'page.html.tmp'), 'utf8')).toBe('mine');
    // A write that fails (the target is a folder) leaves no temporary either.
    mkdirSync(join(d, 'taken'));
    expect(() => writeFileWhole(join(d, 'taken'), 'x')).toThrow();
    expect(readdirSync(d).sort()).toEqual(['page.html', 'page.html.tmp', 'taken']);
  });

  it('a commit leaves no temporary behind and replaces the earlier output whole', () => {
    const d = join(root, 'commit');
    mkdirSync(d);
    folder(join(d, 'out'), 'old');
    const t = tempSibling(join(d, 'out'));
    folder(t, 'new');
    commitOutput(t, join(d, 'out'));
    expect(readdirSync(d)).toEqual(['out']);
    expect(readdirSync(join(d, 'out'))).toEqual(['new']);
  });
});
